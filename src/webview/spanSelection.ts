import type { EntityInText, SpanView, TokenOffsets } from '../protocol';

/**
 * The spans task's editing model, without a DOM: the entities of the sentence on screen and the
 * token selection they are made from. Everything works in token indices and snaps to token
 * boundaries, so an entity can never start or end inside a word. Pure functions over plain values:
 * the panel model keeps one `SpanEdit` for the span on screen and replaces it on each change.
 */

/** Token indices, `anchor` where the selection started, `focus` where it ends (either order). */
export interface TokenSelection {
  readonly anchor: number;
  readonly focus: number;
}

/** An inclusive range of token indices, `from <= to`. */
export interface TokenRange {
  readonly from: number;
  readonly to: number;
}

/** An entity being edited: `confidence` is kept only while it is the model's suggestion untouched. */
export interface EditedEntity extends EntityInText {
  readonly confidence?: number;
}

export interface SpanEdit {
  readonly spanId: string;
  /** Sorted by start, then end, then label. */
  readonly entities: readonly EditedEntity[];
  readonly selection: TokenSelection | null;
}

const FALLBACK_TOKEN = /[\p{L}\p{N}\p{M}_]+(?:['’-][\p{L}\p{N}\p{M}_]+)*|\S/gu;

/**
 * The span's tokens: the host's (the core's one splitter) when it sent them and they are sane,
 * else a word/punctuation split of the text so the panel still works.
 */
export function tokensOf(span: Pick<SpanView, 'text' | 'tokens'>): readonly TokenOffsets[] {
  const t = span.tokens;
  if (t !== undefined && t.length > 0 && validTokens(t, span.text.length)) return t;
  const out: TokenOffsets[] = [];
  for (const m of span.text.matchAll(FALLBACK_TOKEN)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

function validTokens(tokens: readonly TokenOffsets[], length: number): boolean {
  let last = 0;
  for (const t of tokens) {
    if (!Number.isInteger(t.start) || !Number.isInteger(t.end) || t.start < last || t.end <= t.start || t.end > length) return false;
    last = t.end;
  }
  return true;
}

export function rangeOf(sel: TokenSelection): TokenRange {
  return { from: Math.min(sel.anchor, sel.focus), to: Math.max(sel.anchor, sel.focus) };
}

/** Character offsets of a token range (end exclusive). */
export function charsOf(tokens: readonly TokenOffsets[], r: TokenRange): { readonly start: number; readonly end: number } {
  return { start: tokens[r.from].start, end: tokens[r.to].end };
}

/** The tokens an entity covers (any overlap counts), or null when it covers none. */
export function tokenRangeOf(tokens: readonly TokenOffsets[], e: { readonly start: number; readonly end: number }): TokenRange | null {
  let from = -1;
  let to = -1;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].end > e.start && tokens[i].start < e.end) {
      if (from < 0) from = i;
      to = i;
    }
  }
  return from < 0 ? null : { from, to };
}

function overlaps(a: EntityInText, b: EntityInText): boolean {
  return a.start < b.end && b.start < a.end;
}

function sameRange(a: EntityInText, b: EntityInText): boolean {
  return a.start === b.start && a.end === b.end;
}

function sorted(entities: readonly EditedEntity[]): EditedEntity[] {
  return [...entities].sort((a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/**
 * The edit a span starts with: the model's suggestions for labels of the set, snapped to whole
 * tokens — the starting answer the user corrects. Without overlap, a suggestion overlapping a more
 * confident one is left out (the answer must be one the user could have made by hand).
 */
export function startEdit(span: SpanView, labels: readonly string[], allowOverlap: boolean): SpanEdit {
  const tokens = tokensOf(span);
  const kept: EditedEntity[] = [];
  const candidates = [...(span.suggestions ?? [])].filter((s) => labels.includes(s.label)).sort((a, b) => b.confidence - a.confidence);
  for (const s of candidates) {
    const r = tokenRangeOf(tokens, s);
    if (r === null) continue;
    const e: EditedEntity = { ...charsOf(tokens, r), label: s.label, confidence: s.confidence };
    const clash = kept.some((k) => overlaps(k, e) && (!allowOverlap || k.label === e.label));
    if (!clash) kept.push(e);
  }
  return { spanId: span.id, entities: sorted(kept), selection: null };
}

/** A click on a token: selects it, or with `extend` (Shift+click, drag) extends from the anchor. */
export function selectToken(edit: SpanEdit, index: number, extend: boolean, tokenCount: number): SpanEdit {
  if (tokenCount === 0) return edit;
  const i = clamp(index, tokenCount);
  const anchor = extend && edit.selection !== null ? edit.selection.anchor : i;
  // Unchanged (a drag resting on one token): the same edit, so nothing is redrawn.
  if (edit.selection?.anchor === anchor && edit.selection.focus === i) return edit;
  return { ...edit, selection: { anchor, focus: i } };
}

/**
 * ←/→ (`by` -1/+1): moves to the token before the selection's start or after its end; with
 * `extend` (Shift) moves the focus and keeps the anchor. With nothing selected, → selects the first
 * token and ← the last.
 */
export function moveSelection(edit: SpanEdit, by: -1 | 1, extend: boolean, tokenCount: number): SpanEdit {
  if (tokenCount === 0) return edit;
  const sel = edit.selection;
  if (sel === null) {
    const i = by > 0 ? 0 : tokenCount - 1;
    return { ...edit, selection: { anchor: i, focus: i } };
  }
  if (extend) return { ...edit, selection: { anchor: sel.anchor, focus: clamp(sel.focus + by, tokenCount) } };
  const r = rangeOf(sel);
  const i = clamp(by > 0 ? r.to + 1 : r.from - 1, tokenCount);
  return { ...edit, selection: { anchor: i, focus: i } };
}

/** Selects exactly an entity's tokens (a click on its label tag). */
export function selectEntity(edit: SpanEdit, entityIndex: number, tokens: readonly TokenOffsets[]): SpanEdit {
  const e = edit.entities[entityIndex];
  const r = e === undefined ? null : tokenRangeOf(tokens, e);
  return r === null ? edit : { ...edit, selection: { anchor: r.from, focus: r.to } };
}

export function clearSelection(edit: SpanEdit): SpanEdit {
  return edit.selection === null ? edit : { ...edit, selection: null };
}

/**
 * Gives the selection a label. The new entity replaces every entity it overlaps — only those of the
 * same label when `allowOverlap` is on (entities of different labels may then overlap, even on the
 * same tokens). Relabeling a suggestion is this: select it, press the other label. Returns the edit
 * unchanged when nothing is selected.
 */
export function assignLabel(edit: SpanEdit, label: string, tokens: readonly TokenOffsets[], allowOverlap: boolean): SpanEdit {
  if (edit.selection === null || tokens.length === 0) return edit;
  const e: EditedEntity = { ...charsOf(tokens, rangeOf(edit.selection)), label };
  const same = edit.entities.find((k) => sameRange(k, e) && k.label === label);
  // Pressing the label it already has confirms it: the suggestion stays as it is.
  if (same !== undefined) return edit;
  const kept = edit.entities.filter((k) => !(overlaps(k, e) && (!allowOverlap || k.label === label)));
  return { ...edit, entities: sorted([...kept, e]) };
}

/**
 * The entities the selection designates: those on exactly its tokens, else those that contain it
 * (a click on one word of a two-word entity designates the entity). Indices into `edit.entities`.
 */
export function selectedEntities(edit: SpanEdit, tokens: readonly TokenOffsets[]): number[] {
  if (edit.selection === null || tokens.length === 0) return [];
  const s = charsOf(tokens, rangeOf(edit.selection));
  const exact = edit.entities.flatMap((e, i) => (e.start === s.start && e.end === s.end ? [i] : []));
  if (exact.length > 0) return exact;
  return edit.entities.flatMap((e, i) => (e.start <= s.start && e.end >= s.end ? [i] : []));
}

/** Backspace: removes the entities the selection designates; null when it designates none. */
export function removeSelected(edit: SpanEdit, tokens: readonly TokenOffsets[]): SpanEdit | null {
  const hit = new Set(selectedEntities(edit, tokens));
  if (hit.size === 0) return null;
  return { ...edit, entities: edit.entities.filter((_, i) => !hit.has(i)) };
}

/** What Enter sends: the entities as they stand (offsets into the span's text), without confidences. */
export function entitiesPayload(edit: SpanEdit): EntityInText[] {
  return edit.entities.map((e) => ({ start: e.start, end: e.end, label: e.label }));
}

function clamp(i: number, n: number): number {
  return Math.max(0, Math.min(n - 1, i));
}
