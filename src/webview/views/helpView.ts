import { h, kbd } from '../dom';
import { KEY_HELP, MULTI_LABEL_KEY_HELP, SPANS_KEY_HELP } from '../keymap';
import { labelColorClass } from '../labelColors';
import type { PanelDisplay, PanelModel } from '../panelModel';

/** Keyboard help overlay, including labels that have no digit key. */
export function helpView(d: PanelDisplay, model: PanelModel): HTMLElement {
  const unkeyed = d.session.labels.filter((l) => !l.key);
  return h(
    'div',
    { id: 'help', class: 'help', attrs: { role: 'dialog', 'aria-label': 'Keyboard shortcuts' } },
    h('div', { class: 'help-head' }, h('h3', null, 'Keyboard'), h('button', { class: 'icon', title: 'Close (Esc)', onClick: () => model.perform({ kind: 'escape' }) }, '×')),
    h('table', null, h('tbody', null, ...(d.session.task === 'spans' ? SPANS_KEY_HELP : d.session.multiLabel ? MULTI_LABEL_KEY_HELP : KEY_HELP).map((k) => h('tr', null, h('td', null, kbd(k.keys)), h('td', null, k.does))))),
    d.session.labels.length > 0
      ? h('div', { class: 'help-labels' }, ...d.session.labels.map((l, i) => h('span', { class: `help-label ${labelColorClass(i)}` }, l.key ? kbd(l.key) : kbd('/'), ' ', h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } }), ` ${l.name}`)))
      : null,
    unkeyed.length > 0 ? h('p', { class: 'muted' }, `${unkeyed.length} label(s) past the ninth have no digit: press / and type part of the name, or click the button.`) : null,
  );
}
