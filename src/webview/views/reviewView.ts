import type { ContestedItem } from '../../protocol';
import { h } from '../dom';
import type { PanelDisplay, PanelModel } from '../panelModel';
import { sourceLink, spanInContext, voteBars } from './common';

/** Contested spans (committee or annotators disagree), each resolved with one click. */
export function reviewView(d: PanelDisplay, model: PanelModel): HTMLElement {
  const committee = d.contested.filter((c) => c.reason === 'committee').length;
  return h(
    'div',
    { id: 'review-view', class: 'review-view' },
    h(
      'p',
      { class: 'muted' },
      d.contested.length === 0
        ? 'Nothing contested right now: the committee agrees and no two annotators disagree.'
        : `${d.contested.length} contested span(s): ${committee} where the committee disagrees, ${d.contested.length - committee} where annotators disagree. Pick the right label to resolve each.`,
    ),
    h('ol', { id: 'contested', class: 'contested' }, ...d.contested.map((c) => contestedCard(c, d, model))),
  );
}

function contestedCard(item: ContestedItem, d: PanelDisplay, model: PanelModel): HTMLElement {
  const mentioned = new Set(item.reason === 'annotators' ? Object.values(item.detail).map(String) : Object.keys(item.detail));
  return h(
    'li',
    { class: `contested-item reason-${item.reason}`, data: { spanId: item.span.id } },
    h(
      'div',
      { class: 'span-meta' },
      h('span', { class: `chip reason-chip` }, item.reason === 'committee' ? 'Committee disagrees' : 'Annotators disagree'),
      sourceLink(model, item.span),
    ),
    spanInContext(item.span),
    item.reason === 'committee'
      ? voteBars(Object.fromEntries(Object.entries(item.detail).map(([k, v]) => [k, Number(v)])))
      : h(
          'ul',
          { class: 'annotator-labels' },
          ...Object.entries(item.detail).map(([who, label]) => h('li', null, h('span', { class: 'annotator' }, who), ' → ', h('strong', null, String(label)))),
        ),
    h(
      'div',
      { class: 'resolve-buttons', attrs: { role: 'group', 'aria-label': 'Resolve with label' } },
      h('span', { class: 'muted' }, 'Resolve as '),
      ...d.session.labels.map((l) =>
        h(
          'button',
          {
            class: `resolve-button${mentioned.has(l.name) ? '' : ' secondary'}`,
            data: { label: l.name, spanId: item.span.id },
            onClick: () => model.resolveContested(item.span.id, l.name),
          },
          l.name,
        ),
      ),
    ),
  );
}
