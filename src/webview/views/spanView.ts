import type { LabelButton, SpanView } from '../../protocol';
import { h, kbd } from '../dom';
import { clipAfter, clipBefore, formatPercent } from '../format';
import { colorClassOf } from '../labelColors';
import type { PanelModel, SpanEditView } from '../panelModel';
import { entityTagText, spanCells, type SpanCell } from '../spanSegments';

/** Context shown around a sentence in the spans view: enough to read it, short enough to keep the tokens in view. */
const CONTEXT_CHARS = 240;

/**
 * A drag over tokens: set on mousedown on a token, cleared on mouseup anywhere. The view is redrawn
 * while dragging (the elements are new), so the state lives here, not on an element.
 */
let dragging = false;
let dragListener = false;

function endDragOnMouseUp(): void {
  if (dragListener) return;
  dragListener = true;
  window.addEventListener('mouseup', () => (dragging = false));
}

/**
 * The spans task's sentence: its tokens (a click selects a word, drag or Shift+click extends), the
 * entities as coloured fills with their label tag (and the model's confidence while a suggestion is
 * untouched; a click on a tag selects the entity), the selection outlined, and the context around it.
 */
export function spanTokensView(span: SpanView, s: SpanEditView, labels: readonly LabelButton[], model: PanelModel): HTMLElement {
  endDragOnMouseUp();
  const entities = s.edit.entities;
  const designated = new Set(s.selected);
  const cells = spanCells(span.text, s.tokens, entities, s.edit.selection);
  const sentence = h('mark', { class: 'span-text span-tokens', attrs: { role: 'listbox', 'aria-label': 'Tokens: click a word to select it, Shift+click or drag to extend', 'aria-multiselectable': 'true' } });
  for (const cell of cells) {
    sentence.append(cellElement(cell));
    // Each entity's tag follows the token it ends on.
    if (cell.kind === 'token') for (const i of cell.ends) sentence.append(entityTag(i));
  }
  return h(
    'div',
    { id: 'current-span', class: 'context spans-context', attrs: { 'aria-label': 'Sentence in context' } },
    h('span', { class: 'ctx-before' }, clipBefore(span.before, CONTEXT_CHARS)),
    sentence,
    h('span', { class: 'ctx-after' }, clipAfter(span.after, CONTEXT_CHARS)),
  );

  function cellElement(cell: SpanCell): HTMLElement {
    const top = cell.layers[0];
    const colour = top === undefined ? '' : ` in-entity ${colorClassOf(labels, entities[top].label)}`;
    if (cell.kind === 'gap') return h('span', { class: `gap${colour}${cell.selected ? ' is-selected' : ''}` }, cell.text);
    const designatedHere = cell.layers.some((i) => designated.has(i));
    const el = h(
      'span',
      {
        class: `tok${colour}${cell.selected ? ' is-selected' : ''}${designatedHere ? ' is-designated' : ''}${top !== undefined && cell.starts.includes(top) ? ' ent-start' : ''}${top !== undefined && cell.ends.includes(top) ? ' ent-end' : ''}`,
        attrs: { role: 'option', 'aria-selected': String(cell.selected) },
        // data-start / data-end: the token's offsets into the sentence, for the user's tools and the e2e suite.
        data: { token: String(cell.index), start: String(s.tokens[cell.index].start), end: String(s.tokens[cell.index].end), ...(top !== undefined ? { label: entities[top].label } : {}) },
      },
      // A second entity over the same token (labelwise.allowOverlap): its colour as an underline.
      cell.layers.length > 1 ? h('span', { class: `tok-over ${colorClassOf(labels, entities[cell.layers[1]].label)}`, data: { label: entities[cell.layers[1]].label } }, cell.text) : cell.text,
    );
    el.addEventListener('mousedown', (ev) => {
      if (ev.button !== 0) return;
      // No native text selection: the panel's own selection is the one that counts.
      ev.preventDefault();
      dragging = true;
      model.selectToken(cell.index, ev.shiftKey);
    });
    // mousemove, not mouseenter: the view is redrawn while dragging, and a new element under a
    // resting pointer gets no mouseenter.
    el.addEventListener('mousemove', (ev) => {
      if (dragging && (ev.buttons & 1) === 1) model.selectToken(cell.index, true);
    });
    return el;
  }

  function entityTag(i: number): HTMLElement {
    const e = entities[i];
    return h(
      'span',
      {
        class: `ent-tag ${colorClassOf(labels, e.label)}${e.confidence !== undefined ? ' is-suggested' : ''}${designated.has(i) ? ' is-designated' : ''}`,
        data: { entity: String(i), label: e.label, start: String(e.start), end: String(e.end) },
        title: e.confidence !== undefined ? `Suggested by the model (${formatPercent(e.confidence)} sure): click to select it, then a digit relabels it or Backspace removes it` : 'Click to select this entity',
        onClick: () => model.selectEntity(i),
      },
      entityTagText(e),
    );
  }
}

/** The entities as a list (what Enter accepts), each with a remove button; "No entities" when empty. */
export function entityList(span: SpanView, s: SpanEditView, labels: readonly LabelButton[], model: PanelModel): HTMLElement {
  const entities = s.edit.entities;
  const designated = new Set(s.selected);
  return h(
    'div',
    { id: 'entities', class: 'entity-list', data: { count: String(entities.length) } },
    entities.length === 0
      ? h('p', { class: 'muted' }, 'No entities: Enter accepts the sentence as having none.')
      : h(
          'ul',
          null,
          ...entities.map((e, i) =>
            h(
              'li',
              { class: `entity-item ${colorClassOf(labels, e.label)}${designated.has(i) ? ' is-designated' : ''}`, data: { label: e.label, start: String(e.start), end: String(e.end) } },
              h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } }),
              h('a', { class: 'entity-text', attrs: { href: '#' }, title: 'Select this entity', onClick: () => model.selectEntity(i) }, span.text.slice(e.start, e.end)),
              h('span', { class: 'entity-label' }, e.label),
              e.confidence !== undefined ? h('span', { class: 'muted entity-confidence', title: "The model's suggestion, untouched" }, `suggested ${formatPercent(e.confidence)}`) : null,
              h('button', { class: 'icon entity-remove', title: 'Remove this entity', onClick: () => model.removeEntityAt(i) }, '×'),
            ),
          ),
        ),
    h('p', { class: 'muted hint' }, kbd('←'), kbd('→'), ' select · ', kbd('⇧'), ' extend · digit: label · ', kbd('⌫'), ' remove · ', kbd('⏎'), ' accept'),
  );
}
