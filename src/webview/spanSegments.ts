import type { SuggestedEntity, TokenOffsets } from '../protocol';
import type { EditedEntity, TokenSelection } from './spanSelection';
import { rangeOf } from './spanSelection';

/**
 * How the spans view lays out a sentence, without a DOM: the text cut into tokens and the gaps
 * between them, each with the entities that cover it (innermost first, so the shortest entity gives
 * the fill and an overlapping one the underline), whether it is selected, and the entity tags
 * ("PERSON 87%") that follow the token an entity ends on. views/spanView.ts turns it into elements.
 */

export interface TokenCell {
  readonly kind: 'token';
  readonly index: number;
  readonly text: string;
  /** Entities covering the token, indices into the entity list, shortest first. */
  readonly layers: readonly number[];
  readonly selected: boolean;
  /** Entities starting / ending on this token (for rounded ends). */
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

export interface GapCell {
  readonly kind: 'gap';
  readonly text: string;
  /** Entities running across the gap (they cover the tokens on both sides). */
  readonly layers: readonly number[];
  readonly selected: boolean;
}

export type SpanCell = TokenCell | GapCell;

export function spanCells(text: string, tokens: readonly TokenOffsets[], entities: readonly EditedEntity[], selection: TokenSelection | null): SpanCell[] {
  const r = selection === null ? null : rangeOf(selection);
  const byLength = entities.map((e, i) => ({ i, len: e.end - e.start })).sort((a, b) => a.len - b.len || a.i - b.i);
  const covering = (start: number, end: number): number[] => byLength.filter(({ i }) => entities[i].start < end && entities[i].end > start).map(({ i }) => i);
  const cells: SpanCell[] = [];
  let at = 0;
  tokens.forEach((t, index) => {
    if (t.start > at) {
      const prev = index > 0 ? tokens[index - 1] : null;
      // A gap is inside an entity when the entity covers the tokens on both sides of it.
      const layers = prev === null ? [] : byLength.filter(({ i }) => entities[i].start <= prev.start && entities[i].end >= t.end).map(({ i }) => i);
      cells.push({ kind: 'gap', text: text.slice(at, t.start), layers, selected: r !== null && index > r.from && index <= r.to });
    }
    const layers = covering(t.start, t.end);
    cells.push({
      kind: 'token',
      index,
      text: text.slice(t.start, t.end),
      layers,
      selected: r !== null && index >= r.from && index <= r.to,
      starts: layers.filter((i) => entities[i].start >= t.start),
      ends: layers.filter((i) => entities[i].end <= t.end),
    });
    at = t.end;
  });
  if (at < text.length) cells.push({ kind: 'gap', text: text.slice(at), layers: [], selected: false });
  return cells;
}

/** The text of an entity tag: its label, and the model's confidence while it is an untouched suggestion. */
export function entityTagText(e: EditedEntity): string {
  return e.confidence === undefined ? e.label : `${e.label} ${Math.round(e.confidence * 100)}%`;
}

/** The why view's "unsure of" rows: each entity's text, in the host's order (least sure first), out-of-range ones left out. */
export function uncertainEntityRows(text: string, entities: readonly SuggestedEntity[]): (SuggestedEntity & { readonly text: string })[] {
  return entities
    .filter((e) => Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.end > e.start && e.end <= text.length)
    .map((e) => ({ ...e, text: text.slice(e.start, e.end) }));
}
