import { lineChartSvg, percent } from '../chart';
import { accuracySeries } from '../curveData';
import { strategyMix } from './mixView';
import { h, svgNode } from '../dom';
import { formatPercent } from '../format';
import type { PanelDisplay } from '../panelModel';

/** Learning curve and the meta-learner's strategy mix, as two SVG charts. */
export function curveView(d: PanelDisplay, width: number): HTMLElement {
  const chartWidth = Math.max(320, Math.min(900, Math.floor(width)));
  const acc = accuracySeries(d.curve);
  const last = acc.points[acc.points.length - 1];
  return h(
    'div',
    { id: 'curve-view', class: 'curve-view' },
    h(
      'section',
      { class: 'chart-card' },
      h('h3', null, 'Estimated accuracy'),
      h(
        'p',
        { class: 'muted' },
        last ? `${formatPercent(last.y)} after ${last.x} labels (cross-validated on the labels so far).` : 'Appears once enough labels exist to estimate it.',
      ),
      h(
        'div',
        { id: 'accuracy-chart', class: 'chart-wrap' },
        svgNode(lineChartSvg({ title: 'Estimated accuracy against labels', xLabel: 'labels', yLabel: 'accuracy', series: [acc], width: chartWidth, yFormat: percent })),
      ),
    ),
    strategyMix(d, chartWidth),
  );
}
