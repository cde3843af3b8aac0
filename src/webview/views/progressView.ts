import type { SessionSummary } from '../../protocol';
import { h } from '../dom';
import { accuracyText, wholePercent as whole } from '../accuracyText';
import { formatPercent } from '../format';
import type { PanelDisplay } from '../panelModel';

/** A label with less than this share of the fair share (1 / labels) is pointed out as rare. */
const RARE_SHARE = 0.4;
/** Labels needed before the balance is worth a remark. */
const BALANCE_MIN_LABELS = 10;

/** Labels per label, the class balance, spans decided of the candidates, the estimate and its interval. */
export function progressView(d: PanelDisplay): HTMLElement {
  const s = d.session;
  const acc = accuracyText(s);
  const facts = h(
    'dl',
    { class: 'progress-facts' },
    h('dt', null, 'Labeled'),
    h(
      'dd',
      { id: 'progress-labeled' },
      s.candidates !== undefined && s.candidates > 0 ? `${s.labeled} of ${s.candidates} candidate spans (${formatPercent(s.labeled / s.candidates)})` : `${s.labeled}`,
      s.decided !== undefined && s.decided > s.labeled ? h('span', { class: 'muted' }, ` · ${s.decided - s.labeled} skipped or rejected`) : null,
    ),
    h('dt', null, 'Accuracy'),
    h('dd', { id: 'progress-accuracy', title: acc.title }, acc.text),
    h('dt', null, 'Retrains'),
    h('dd', { id: 'progress-rounds' }, String(s.rounds ?? 0)),
  );
  return h(
    'section',
    { id: 'progress', class: 'progress-section', attrs: { 'aria-labelledby': 'progress-title' } },
    h('h3', { id: 'progress-title' }, 'Progress'),
    facts,
    balance(s),
  );
}

/** One bar per label with its count and share; the rare ones are named once there are enough labels. */
function balance(s: SessionSummary): HTMLElement | null {
  const per = s.perLabel;
  if (per === undefined) return null;
  const names = s.labels.map((l) => l.name);
  for (const name of Object.keys(per)) if (!names.includes(name)) names.push(name);
  const total = names.reduce((n, name) => n + (per[name] ?? 0), 0);
  const fair = names.length > 0 ? 1 / names.length : 0;
  const rare = total >= BALANCE_MIN_LABELS ? names.filter((name) => (per[name] ?? 0) / total < fair * RARE_SHARE) : [];
  return h(
    'div',
    { id: 'label-balance', class: 'label-balance' },
    h(
      'div',
      { class: 'votes', attrs: { role: 'list', 'aria-label': 'Labels per label' } },
      ...names.map((name) => {
        const n = per[name] ?? 0;
        const share = total > 0 ? n / total : 0;
        const fill = h('span', { class: 'bar-fill' });
        fill.style.width = `${(share * 100).toFixed(1)}%`;
        return h(
          'div',
          { class: `vote-row balance-row${rare.includes(name) ? ' is-rare' : ''}`, data: { label: name }, attrs: { role: 'listitem' } },
          h('span', { class: 'vote-label' }, name),
          h('span', { class: 'bar', attrs: { role: 'img', 'aria-label': `${n} labels, ${whole(share)}` } }, fill),
          h('span', { class: 'vote-count' }, total > 0 ? `${n} · ${whole(share)}` : '0'),
        );
      }),
    ),
    rare.length > 0
      ? h('p', { id: 'balance-note', class: 'muted' }, `Few labels for ${rare.join(', ')}: the model learns little about ${rare.length === 1 ? 'it' : 'them'} yet.`)
      : null,
  );
}
