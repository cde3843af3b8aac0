import type { LabelButton, SpanView } from '../../protocol';
import { h } from '../dom';
import { clipAfter, clipBefore, formatScore, sourceRef, voteRows } from '../format';
import { colorClassOf } from '../labelColors';
import type { PanelModel } from '../panelModel';

/** Characters of context shown on each side of a span; the host may send more. */
const CONTEXT_CHARS = 420;

/** The span highlighted inside its surrounding text. */
export function spanInContext(span: SpanView, id?: string): HTMLElement {
  return h(
    'div',
    { id, class: 'context', attrs: { 'aria-label': 'Span in context' } },
    h('span', { class: 'ctx-before' }, clipBefore(span.before, CONTEXT_CHARS)),
    h('mark', { class: 'span-text' }, span.text),
    h('span', { class: 'ctx-after' }, clipAfter(span.after, CONTEXT_CHARS)),
  );
}

/** "file:line" that opens the source with the span selected. */
export function sourceLink(model: PanelModel, span: SpanView, id?: string): HTMLElement {
  return h(
    'a',
    { id, class: 'source-link', attrs: { href: '#', role: 'link' }, title: 'Open the file with the span selected (o)', onClick: () => model.openSource(span.id) },
    sourceRef(span.file, span.line),
  );
}

/** Horizontal bars of committee votes (or any label → count map). */
export function voteBars(votes: Readonly<Record<string, number>>, highlight?: string, labels?: readonly LabelButton[]): HTMLElement {
  const rows = voteRows(votes);
  if (rows.length === 0) return h('p', { class: 'muted' }, 'No committee votes yet (the model is not trained).');
  return h(
    'div',
    { class: 'votes' },
    ...rows.map((r) => {
      const fill = h('span', { class: 'bar-fill' });
      // CSSOM, not a style attribute: allowed by the panel's CSP.
      fill.style.width = `${Math.round(r.share * 100)}%`;
      return h(
        'div',
        { class: `vote-row${r.label === highlight ? ' is-guess' : ''}${labels ? ` ${colorClassOf(labels, r.label)}` : ''}`, data: { label: r.label } },
        h('span', { class: 'vote-label' }, r.label),
        h('span', { class: 'bar', attrs: { role: 'img', 'aria-label': `${r.votes} votes` } }, fill),
        h('span', { class: 'vote-count' }, formatScore(r.votes)),
      );
    }),
  );
}
