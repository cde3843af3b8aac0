import type { ContestedItem } from '../../protocol';
import { h } from '../dom';
import type { PanelDisplay, PanelModel } from '../panelModel';
import { annotatorAnswers, supportByLabel } from '../annotatorAnswers';
import { sourceRef } from '../format';
import { agreementView } from './agreementView';
import { colorClassOf, labelColorClass } from '../labelColors';
import { sourceLink, spanInContext, voteBars } from './common';

/** Contested spans (committee or annotators disagree), each resolved with one click. */
export function reviewView(d: PanelDisplay, model: PanelModel): HTMLElement {
  const count = (reason: ContestedItem['reason']): number => d.contested.filter((c) => c.reason === reason).length;
  const orphans = count('orphan');
  return h(
    'div',
    { id: 'review-view', class: 'review-view' },
    agreementView(d, model),
    h(
      'p',
      { class: 'muted' },
      d.contested.length === 0
        ? 'Nothing contested right now: the committee agrees, no two annotators disagree and every labeled span is found in its file.'
        : `${d.contested.length - orphans} contested span(s): ${count('committee')} where the committee disagrees, ${count('annotators')} where annotators disagree. Pick the right label to resolve each.` +
            (orphans > 0 ? ` ${orphans} labeled span(s) can no longer be found in their files (kept in the store, not used for training).` : ''),
    ),
    h('ol', { id: 'contested', class: 'contested' }, ...d.contested.map((c) => (c.reason === 'orphan' ? orphanCard(c, model) : contestedCard(c, d, model)))),
  );
}

/** A stored decision whose span is gone from its file: shown as stored, dismissible, never deleted. */
function orphanCard(item: ContestedItem, model: PanelModel): HTMLElement {
  const problem = item.detail.problem === 'file-missing' ? 'File is gone' : 'Text not found after an edit';
  return h(
    'li',
    { class: 'contested-item reason-orphan', data: { spanId: item.span.id } },
    h(
      'div',
      { class: 'span-meta' },
      h('span', { class: 'chip reason-chip' }, `Orphaned label: ${problem}`),
      h('span', { class: 'source-ref', title: 'Where the span was when it was labeled' }, sourceRef(item.span.file, item.span.line)),
    ),
    h('blockquote', { class: 'orphan-text' }, item.span.text),
    h(
      'p',
      { class: 'orphan-detail' },
      'Stored label ',
      h('strong', null, String(item.detail.label ?? '')),
      item.detail.annotator !== undefined ? ` by ${String(item.detail.annotator)}` : '',
      '. It stays in .labelwise/labels.jsonl; restore the text (or the file) to use it again.',
    ),
    h(
      'div',
      { class: 'resolve-buttons' },
      h(
        'button',
        { class: 'dismiss-button secondary', data: { spanId: item.span.id }, title: 'Hide it from this list for this session; nothing is deleted', onClick: () => model.dismissContested(item.span.id) },
        'Dismiss',
      ),
    ),
  );
}

function contestedCard(item: ContestedItem, d: PanelDisplay, model: PanelModel): HTMLElement {
  const support = supportByLabel(item.reason, item.detail);
  const labelNames = d.session.labels.map((l) => l.name);
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
      ? voteBars(Object.fromEntries(Object.entries(item.detail).map(([k, v]) => [k, Number(v)])), undefined, d.session.labels)
      : h(
          'ul',
          { class: 'annotator-answers', attrs: { 'aria-label': 'What each annotator answered' } },
          ...annotatorAnswers(item.detail, labelNames).map((a) =>
            h(
              'li',
              { class: a.label !== null ? colorClassOf(d.session.labels, a.label) : 'lw-label-none', data: { annotator: a.annotator } },
              h('span', { class: 'annotator' }, `${a.annotator} answered`),
              a.label !== null ? h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } }) : null,
              h('strong', null, a.text),
            ),
          ),
        ),
    h(
      'div',
      { class: 'resolve-buttons', attrs: { role: 'group', 'aria-label': 'Resolve with label' } },
      h('span', { class: 'muted' }, 'Resolve as '),
      // All alike (none looks chosen): the count says who backed each label, the click decides.
      ...d.session.labels.map((l, i) =>
        h(
          'button',
          {
            class: `resolve-button secondary ${labelColorClass(i)}`,
            data: { label: l.name, spanId: item.span.id },
            title: `Store "${l.name}" as the resolved label`,
            onClick: () => model.resolveContested(item.span.id, l.name),
          },
          h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } }),
          l.name,
          support.has(l.name) ? h('span', { class: 'resolve-count', title: item.reason === 'annotators' ? 'annotators who chose it' : 'committee votes' }, `${support.get(l.name)}`) : null,
        ),
      ),
    ),
  );
}
