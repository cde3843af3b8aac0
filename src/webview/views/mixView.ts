import { lineChartSvg, stackedBarSvg } from '../chart';
import { logShareFormat, mixCaption, mixSeries, MIX_FLOOR, pickLayers, strategyNames } from '../curveData';
import { h, svgNode } from '../dom';
import type { PanelDisplay } from '../panelModel';

/**
 * How the strategies were mixed: a caption in words, per round how many of the labeled spans each
 * strategy had picked, and the meta-learner's probabilities on a log scale (a linear stack is one
 * solid block once a strategy holds 99 %).
 */
export function strategyMix(d: PanelDisplay, chartWidth: number): HTMLElement {
  const names = strategyNames(d.weights);
  // One colour per strategy in both charts.
  const colorIndex = names.map((_, i) => i);
  const picks = pickLayers(d.weights, names);
  const mixed = d.weights.some((r) => Object.keys(r.weights).length > 1);
  return h(
    'section',
    { class: 'chart-card', attrs: { 'aria-labelledby': 'mix-title' } },
    h('h3', { id: 'mix-title' }, 'Strategy mix'),
    h('p', { id: 'mix-caption', class: 'mix-caption' }, mixCaption(d.weights)),
    picks.categories.length > 0
      ? h(
          'div',
          { id: 'picks-chart', class: 'chart-wrap' },
          h('h4', null, 'Spans each strategy picked, per round'),
          svgNode(stackedBarSvg({ title: 'Labeled spans by the strategy that picked them, per retrain round', xLabel: 'round', yLabel: 'spans', categories: picks.categories, layers: picks.layers, colorIndex, width: chartWidth, height: 180 })),
        )
      : null,
    mixed
      ? h(
          'div',
          { id: 'weights-chart', class: 'chart-wrap' },
          h('h4', null, "Meta-learner's probability of drawing from each strategy (log scale)"),
          svgNode(
            lineChartSvg({
              title: 'Meta-learner mixing probabilities over labels, log scale',
              xLabel: 'labels',
              yLabel: 'share (log)',
              series: mixSeries(d.weights, names),
              colorIndex,
              yDomain: [Math.log10(MIX_FLOOR), 0],
              yFormat: logShareFormat,
              yTickCount: 3,
              width: chartWidth,
              height: 200,
            }),
          ),
        )
      : null,
  );
}
