import { h, kbd } from '../dom';
import { labelColorClass } from '../labelColors';
import type { PanelDisplay } from '../panelModel';

/**
 * Label → colour → key, so the underlines in the editor (same colours) and the keys need no
 * guessing. Colours come from the theme (Labelwise: Label 1 … 9 in the colour customizations).
 */
export function labelLegend(d: PanelDisplay): HTMLElement | null {
  const labels = d.session.labels;
  if (labels.length === 0) return null;
  return h(
    'section',
    { id: 'legend', class: 'legend-section', attrs: { 'aria-labelledby': 'legend-title' } },
    h('h3', { id: 'legend-title', title: 'Labeled spans are underlined in these colours in the editor; change them with workbench.colorCustomizations (labelwise.label1 …)' }, 'Labels'),
    h(
      'ul',
      { class: 'legend' },
      ...labels.map((l, i) =>
        h(
          'li',
          { class: `legend-item ${labelColorClass(i)}`, data: { label: l.name } },
          h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } }),
          h('span', { class: 'legend-name' }, l.name),
          l.key ? kbd(l.key) : h('span', { class: 'muted legend-nokey', title: 'Press / and type part of the name' }, '/'),
        ),
      ),
    ),
    h('p', { class: 'muted legend-hint' }, 'Labeled spans are underlined in the same colours in the editor.'),
  );
}
