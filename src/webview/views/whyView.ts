import type { LabelButton, SpanView } from '../../protocol';
import { h } from '../dom';
import { formatPercent } from '../format';
import { colorClassOf } from '../labelColors';
import { uncertainEntityRows } from '../spanSegments';
import { metaText, rankText, scoreText, strategySaw, votesText } from '../whyText';
import { voteBars } from './common';

/** "Why this span": what the strategy saw in words, its rank in the pool, the likeliest labels and the committee. */
export function whyBox(cur: SpanView, labels: readonly LabelButton[]): HTMLElement {
  const w = cur.why;
  const rank = rankText(w);
  const top = w.top ?? (w.predicted ? [w.predicted] : []);
  const votes = votesText(w.votes);
  return h(
    'section',
    { id: 'why', class: 'why', attrs: { 'aria-labelledby': 'why-title' }, data: { strategy: w.strategy } },
    h('h3', { id: 'why-title' }, 'Why this span'),
    h('p', { class: 'why-saw' }, strategySaw(w)),
    rank !== null ? h('p', { class: 'why-rank' }, rank) : null,
    // The meta-learner's side of the why: the regime it read and why it chose this strategy.
    w.regime !== undefined ? h('p', { class: 'why-regime' }, metaText(w)) : null,
    h(
      'dl',
      { class: 'why-facts' },
      h('dt', null, 'Most likely'),
      h(
        'dd',
        { class: 'why-guess' },
        ...(top.length === 0
          ? ['not trained yet']
          : top.map((t) => h('span', { class: `why-label ${colorClassOf(labels, t.label)}`, data: { label: t.label } }, h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } }), `${t.label} ${formatPercent(t.probability)}`))),
      ),
      h('dt', null, 'Committee'),
      h('dd', { class: 'why-votes' }, votes ?? 'no committee yet (it trains with the model)'),
    ),
    votes !== null ? voteBars(w.votes, w.predicted?.label, labels) : null,
    w.uncertainEntities !== undefined ? uncertainList(cur, labels) : null,
    h('p', { class: 'muted why-score', title: 'The raw score the strategy ranked the pool by (higher = more worth labeling)' }, scoreText(w)),
  );
}

/** Spans sessions: the entities the model is least sure of, least sure first. */
function uncertainList(cur: SpanView, labels: readonly LabelButton[]): HTMLElement {
  const rows = uncertainEntityRows(cur.text, cur.why.uncertainEntities ?? []);
  return h(
    'div',
    { id: 'why-uncertain', class: 'why-uncertain' },
    h('h4', null, 'Entities the model is unsure of'),
    rows.length === 0
      ? h('p', { class: 'muted' }, 'None: the model is confident about this sentence (or found no entity in it).')
      : h(
          'ul',
          null,
          ...rows.map((r) =>
            h('li', { class: `why-entity ${colorClassOf(labels, r.label)}`, data: { label: r.label, start: String(r.start), end: String(r.end) } }, h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } }), `“${r.text}” ${r.label} ${formatPercent(r.confidence)}`),
          ),
        ),
  );
}
