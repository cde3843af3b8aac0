import { lineChartSvg, percent } from '../chart';
import { accuracySeries, curveWording } from '../curveData';
import { strategyMix } from './mixView';
import { h, svgNode } from '../dom';
import type { PanelDisplay } from '../panelModel';

/** Learning curve and the meta-learner's strategy mix, as two SVG charts. */
export function curveView(d: PanelDisplay, width: number): HTMLElement {
  const chartWidth = Math.max(320, Math.min(900, Math.floor(width)));
  const words = curveWording(d.session.task, d.curve);
  const acc = { ...accuracySeries(d.curve), name: words.seriesName };
  return h(
    'div',
    { id: 'curve-view', class: 'curve-view' },
    h(
      'section',
      { class: 'chart-card' },
      h('h3', null, words.title),
      h('p', { class: 'muted' }, words.summary),
      words.caveat ? h('p', { class: 'muted', id: 'curve-caveat' }, words.caveat) : null,
      h(
        'div',
        { id: 'accuracy-chart', class: 'chart-wrap' },
        svgNode(lineChartSvg({ title: words.chartTitle, xLabel: d.session.task === 'spans' ? 'labeled sentences' : 'labels', yLabel: words.yLabel, series: [acc], width: chartWidth, yFormat: percent })),
      ),
    ),
    strategyMix(d, chartWidth),
  );
}
