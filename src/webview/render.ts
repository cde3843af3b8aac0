import type { PanelView } from '../protocol';
import { h, kbd } from './dom';
import { formatPercent } from './format';
import type { PanelDisplay, PanelModel } from './panelModel';
import { keepSpansInView } from './keepSpansInView';
import { curveView } from './views/curveView';
import { helpView } from './views/helpView';
import { labelView } from './views/labelView';
import { accuracyText } from './accuracyText';
import { reviewView } from './views/reviewView';

const TABS: readonly { view: PanelView; title: string; key: string }[] = [
  { view: 'label', title: 'Label', key: 'L' },
  { view: 'curve', title: 'Learning curve', key: 'C' },
  { view: 'review', title: 'Review', key: 'V' },
];

/** Redraws the whole panel from the display state; cheap (a few dozen elements). */
export function render(root: HTMLElement, d: PanelDisplay, model: PanelModel): void {
  const hadFocus = root.contains(document.activeElement) || document.activeElement === document.body;
  root.replaceChildren(header(d, model), h('main', { id: 'view', class: `view view-${d.view}` }, body(d, model, root.clientWidth)), d.help ? helpView(d, model) : '');
  root.dataset.view = d.view;
  keepSpansInView(root);
  // Replacing the children drops focus from a clicked button; keep keys flowing to the panel.
  if (hadFocus && (document.activeElement === document.body || document.activeElement === null)) root.focus({ preventScroll: true });
}

function body(d: PanelDisplay, model: PanelModel, width: number): HTMLElement {
  switch (d.view) {
    case 'label':
      return labelView(d, model);
    case 'curve':
      return curveView(d, width - 40);
    case 'review':
      return reviewView(d, model);
  }
}

function header(d: PanelDisplay, model: PanelModel): HTMLElement {
  const s = d.session;
  const fill = h('span', { class: 'bar-fill' });
  const share = s.budget > 0 ? Math.min(1, s.labeled / s.budget) : 0;
  fill.style.width = `${(share * 100).toFixed(1)}%`;
  const spent = s.budget > 0 && s.labeled >= s.budget;
  return h(
    'header',
    { class: 'top' },
    h(
      'nav',
      { class: 'tabs', attrs: { role: 'tablist' } },
      ...TABS.map((t) =>
        h(
          'button',
          {
            id: `tab-${t.view}`,
            class: `tab${d.view === t.view ? ' is-active' : ''}`,
            attrs: { role: 'tab', 'aria-selected': String(d.view === t.view) },
            title: `${t.title} (${t.key.toLowerCase()})`,
            onClick: () => model.showView(t.view),
          },
          t.title,
          t.view === 'review' && d.contested.length > 0 ? h('span', { class: 'badge' }, d.contested.length) : null,
        ),
      ),
    ),
    h(
      'div',
      { id: 'budget', class: `budget${spent ? ' is-spent' : ''}`, title: `${s.labeled} of ${s.budget} labels` },
      h('span', { class: 'bar', attrs: { role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': String(s.budget), 'aria-valuenow': String(s.labeled) } }, fill),
      h('span', { id: 'budget-text' }, `${s.labeled} / ${s.budget}`),
      s.estimatedAccuracy !== undefined ? h('span', { id: 'accuracy', class: 'muted', title: `Estimated accuracy ${accuracyText(s).text}. ${accuracyText(s).title}` }, `≈ ${formatPercent(s.estimatedAccuracy)}`) : null,
    ),
    h(
      'div',
      { id: 'status', class: `status${d.retraining ? ' is-busy' : ''}`, attrs: { role: 'status', 'aria-live': 'polite' }, data: { state: d.retraining ? 'busy' : d.connected ? 'idle' : 'waiting' } },
      d.retraining ? h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }) : null,
      d.retraining ? (d.busyMessage ?? 'Retraining… keep labeling') : d.connected ? `${s.strategy}${s.annotator ? ` · ${s.annotator}` : ''}` : 'Connecting…',
      d.retraining ? null : h('button', { id: 'retrain', class: 'link', title: 'Retrain the model now (r)', onClick: () => model.perform({ kind: 'retrain' }) }, kbd('R'), ' retrain'),
    ),
    d.notice ? h('div', { id: 'notice', class: `notice notice-${d.notice.level}`, attrs: { role: 'alert' }, onClick: () => model.clearNotice() }, d.notice.message) : null,
  );
}
