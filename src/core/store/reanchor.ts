import { spanIn, unitAt, type LocatedSource } from '../text/spanLocator';
import { carrySpans, textKey } from '../text/textKey';
import type { CandidateSpan } from '../types';
import type { LabelEvent } from './events';

/**
 * How a moved span was found: `exact` (same text elsewhere in its file), `normalised` (same text
 * up to whitespace and Unicode normalisation: a re-wrap, CRLF, NFD), `renamed` (its file is gone or
 * lost it, and a new file holds it), `near` (a one- or two-character edit inside a long span).
 */
export type AnchorMatch = 'exact' | 'normalised' | 'renamed' | 'near';

/** A decision whose span text is no longer at its old place but was found elsewhere. */
export interface MovedSpan {
  /** The decision as stored (old id and offsets). */
  readonly event: LabelEvent;
  /** The decision with its new id, file, offsets, line and (unless exact) the text as it is now. */
  readonly rebased: LabelEvent;
  readonly match: AnchorMatch;
}

export type OrphanReason = 'file-missing' | 'text-not-found';

/** A decision whose span cannot be found any more. Listed, never dropped: the store keeps it. */
export interface OrphanSpan {
  readonly event: LabelEvent;
  readonly reason: OrphanReason;
  /** Why the file could not be read, when it exists but was refused (too large, outside the workspace). */
  readonly detail?: string;
}

export interface ReanchorResult {
  /** Decisions whose span is still where it was (same id). */
  readonly anchored: LabelEvent[];
  readonly moved: MovedSpan[];
  readonly orphans: OrphanSpan[];
  /** Imported decisions that never had a place in a workspace file (see ImportOrigin). */
  readonly freeStanding: LabelEvent[];
}

/** One file as it is now. */
export interface AnchorFile {
  /** Its candidate spans, cut by the span locator exactly as the corpus reader cuts them. */
  readonly spans: readonly CandidateSpan[];
  /** Its content, for decisions that are not on the span grid (imports, another granularity). */
  readonly source?: LocatedSource;
}

export interface AnchorSource {
  /** A workspace-relative file as it is now; undefined when it is gone or cannot be read. */
  file(path: string): AnchorFile | undefined;
  /** Spans of the corpus files, where spans of a renamed or moved file are looked for. */
  readonly corpus?: ReadonlyMap<string, readonly CandidateSpan[]>;
}

const WORD = /[\p{L}\p{N}]/u;

/** Whether text[start, end) is not a piece of a longer word or number ("2." in "12.405"). */
export function onTokenBoundaries(text: string, start: number, end: number): boolean {
  if (start > 0 && start < text.length && WORD.test(text[start - 1]) && WORD.test(text[start])) return false;
  return !(end < text.length && end > start && WORD.test(text[end]) && (WORD.test(text[end - 1]) || text[end - 1] === '.' || text[end - 1] === ','));
}

/** Spans shorter than this (in key characters) are never matched approximately. */
const NEAR_MIN_CHARS = 20;
/**
 * Edits allowed in an approximate match: one per this many characters (at least one). A typo is
 * one edit; a sentence that grew by a few words (a re-segmentation) is several, and not a typo.
 */
const NEAR_CHARS_PER_EDIT = 100;

/**
 * Finds the spans of `decisions` again in the current state of their files.
 *
 * 1. In place: the candidate span at the stored place (JSONL: in the record on the stored line)
 *    still holds the span's text → anchored.
 * 2. Same file: a candidate span of the file with the same text, compared NFC-normalised with
 *    whitespace folded; of several, the one nearest the old place wins, and two decisions never
 *    claim the same span. Matching whole candidate spans (not substrings) keeps "2." from landing
 *    inside "2.405", and gives the moved span the id the corpus reader gives it.
 *    Then a decision that is not a candidate span (an import, another granularity) stays where
 *    it is if its text is still at its offsets, starting and ending on token boundaries.
 * 3. New files: a decision whose file is gone (renamed, moved) or lost its text is looked for in
 *    corpus files that no decision refers to; for a file that is gone the new file holding most of
 *    its texts is taken first.
 * 4. Near match: a span of at least 20 characters whose text changed by one edit per 100
 *    characters (a typo fixed; two swapped letters count as one edit) is placed on the one candidate span of its file within that distance, only
 *    when exactly one is, between the new places of its labeled neighbours, and only for
 *    decisions without entity spans (their offsets could not follow the edit).
 * Whatever is left is an orphan. Nothing is written: the caller uses the rebased events in memory.
 */
export function reanchor(decisions: readonly LabelEvent[], source: AnchorSource): ReanchorResult {
  const anchored: LabelEvent[] = [];
  const moved: MovedSpan[] = [];
  const freeStanding: LabelEvent[] = [];
  const files = new Map<string, FileState | undefined>();
  const fileState = (path: string): FileState | undefined => {
    if (!files.has(path)) {
      const f = source.file(path);
      files.set(path, f ? new FileState(f) : undefined);
    }
    return files.get(path);
  };
  const claimed = new Set<string>();
  const placedAt = new Map<LabelEvent, CandidateSpan>();
  const place = (e: LabelEvent, span: CandidateSpan, match: AnchorMatch | 'in-place'): void => {
    claimed.add(span.id);
    placedAt.set(e, span);
    if (match === 'in-place' && span.id === e.id && span.line === (e.source.line ?? span.line)) {
      anchored.push(e);
      return;
    }
    moved.push({ event: e, rebased: rebase(e, span), match: match === 'in-place' ? 'exact' : match });
  };

  // 1. In place, on the span grid.
  let lost: LabelEvent[] = [];
  for (const e of decisions) {
    if (e.imported && e.imported.file === e.source.file) {
      freeStanding.push(e);
      continue;
    }
    const span = fileState(e.source.file)?.onGrid(e);
    if (span && !claimed.has(span.id)) place(e, span, 'in-place');
    else lost.push(e);
  }

  // 2. Same file, by text, on the span grid.
  const byFile = groupBy(lost, (e) => e.source.file);
  lost = [];
  for (const [path, events] of byFile) {
    const f = fileState(path);
    if (!f) {
      lost.push(...events);
      continue;
    }
    lost.push(...assignNearest(events, (e) => f.withKey(keyOf(e)), claimed, (e, s) => place(e, s, s.text === e.text ? 'exact' : 'normalised')));
  }

  // 2b. In place off the grid (an import, another granularity): the text is still at its offsets,
  // on token boundaries (never "2." read out of "12.405").
  lost = lost.filter((e) => {
    const span = fileState(e.source.file)?.offGrid(e);
    if (!span || claimed.has(span.id)) return true;
    place(e, span, 'in-place');
    return false;
  });

  // 3. Files no decision refers to: renamed, moved, new.
  const targetOf = new Map<string, string>();
  if (lost.length > 0 && source.corpus && source.corpus.size > 0) {
    const referenced = new Set(decisions.map((e) => e.source.file));
    const fresh: FileState[] = [];
    for (const [path, spans] of source.corpus) if (!referenced.has(path)) fresh.push(new FileState({ spans }));
    const still: LabelEvent[] = [];
    for (const [path, events] of groupBy(lost, (e) => e.source.file)) {
      const gone = fileState(path) === undefined;
      // Rank the new files by how many of this file's lost texts they hold.
      const ranked = fresh
        .map((f) => ({ f, n: events.filter((e) => f.withKey(keyOf(e)).some((s) => !claimed.has(s.id))).length }))
        .filter((r) => r.n > 0)
        .sort((a, b) => b.n - a.n || codeUnitOrder(a.f.path, b.f.path));
      let left = events;
      ranked.forEach((r, i) => {
        // A file that is gone moved as a whole into its best match; anything else must be unambiguous.
        const unique = !(gone && i === 0);
        left = assignNearest(left, (e) => {
          const here = r.f.withKey(keyOf(e)).filter((s) => !claimed.has(s.id));
          if (!unique) return here;
          const everywhere = fresh.reduce((n, f) => n + f.withKey(keyOf(e)).filter((s) => !claimed.has(s.id)).length, 0);
          return everywhere === 1 ? here : [];
        }, claimed, (e, s) => place(e, s, 'renamed'));
        if (gone && i === 0) targetOf.set(path, r.f.path);
      });
      still.push(...left);
    }
    lost = still;
  }

  // 4. Near matches in the file (or the file it was renamed to).
  const orphans: OrphanSpan[] = [];
  const nearPicks = new Map<string, { e: LabelEvent; span: CandidateSpan }[]>();
  const stillLost: LabelEvent[] = [];
  for (const e of lost) {
    const path = fileState(e.source.file) ? e.source.file : targetOf.get(e.source.file);
    const f = path !== undefined ? (fileState(path) ?? corpusState(source, path, files)) : undefined;
    const span = f && path !== undefined && e.spans.length === 0 ? f.near(keyOf(e), claimed, bounds(e, path, decisions, placedAt)) : undefined;
    if (!span) {
      stillLost.push(e);
      continue;
    }
    let list = nearPicks.get(span.id);
    if (!list) nearPicks.set(span.id, (list = []));
    list.push({ e, span });
  }
  for (const picks of nearPicks.values()) {
    // Two lost decisions close to one span: neither is placed (it could be either).
    if (picks.length === 1) place(picks[0].e, picks[0].span, 'near');
    else stillLost.push(...picks.map((p) => p.e));
  }
  for (const e of stillLost) orphans.push({ event: e, reason: fileState(e.source.file) ? 'text-not-found' : 'file-missing' });
  return { anchored, moved, orphans, freeStanding };
}

function corpusState(source: AnchorSource, path: string, files: Map<string, FileState | undefined>): FileState | undefined {
  const spans = source.corpus?.get(path);
  if (!spans) return undefined;
  const f = new FileState({ spans });
  files.set(path, f);
  return f;
}

const keys = new WeakMap<LabelEvent, string>();
function keyOf(e: LabelEvent): string {
  let k = keys.get(e);
  if (k === undefined) keys.set(e, (k = textKey(e.text)));
  return k;
}

/** A file's spans, indexed for the lookups above. */
class FileState {
  readonly path: string;
  private byKey: Map<string, CandidateSpan[]> | undefined;
  private byPlace: Map<string, CandidateSpan> | undefined;

  constructor(private readonly f: AnchorFile) {
    this.path = f.spans[0]?.file ?? f.source?.file ?? '';
  }

  /** The candidate span at the decision's stored place, if it still holds the decision's text. */
  onGrid(e: LabelEvent): CandidateSpan | undefined {
    this.byPlace ??= new Map(this.f.spans.map((s) => [placeKey(s.file, s.line, s.start, s.end, s), s]));
    const span = this.byPlace.get(placeKey(e.source.file, e.source.line, e.source.start, e.source.end));
    return span && span.text === e.text ? span : undefined;
  }

  /** The decision's text at its stored offsets though not a candidate span, starting and ending on token boundaries. */
  offGrid(e: LabelEvent): CandidateSpan | undefined {
    const src = this.f.source;
    if (!src) return undefined;
    const unit = unitAt(src, e.source.line);
    const { start, end } = e.source;
    if (!unit || end > unit.text.length || unit.text.slice(start, end) !== e.text) return undefined;
    if (!onTokenBoundaries(unit.text, start, end)) return undefined;
    return spanIn(e.source.file, unit, start, end);
  }

  withKey(key: string): readonly CandidateSpan[] {
    if (!this.byKey) {
      this.byKey = new Map();
      for (const s of this.f.spans) {
        const k = textKey(s.text);
        const list = this.byKey.get(k);
        if (list) list.push(s);
        else this.byKey.set(k, [s]);
      }
    }
    return this.byKey.get(key) ?? [];
  }

  /** The one unclaimed span whose key is within the near-match distance of `key`, if exactly one is. */
  near(key: string, claimed: ReadonlySet<string>, within: { lo: number; hi: number }): CandidateSpan | undefined {
    if (key.length < NEAR_MIN_CHARS) return undefined;
    const k = Math.max(1, Math.floor(key.length / NEAR_CHARS_PER_EDIT));
    let found: CandidateSpan | undefined;
    for (const s of this.f.spans) {
      if (claimed.has(s.id) || Math.abs(s.text.length - key.length) > k + 8) continue;
      const at = position(s.file, s.line, s.start);
      if (at <= within.lo || at >= within.hi) continue;
      const sk = textKey(s.text);
      if (Math.abs(sk.length - key.length) > k || editDistanceWithin(key, sk, k) > k) continue;
      if (found) return undefined;
      found = s;
    }
    return found;
  }
}

/** Order of places in a file (JSONL: by record line, then offset). */
function position(file: string, line: number | undefined, start: number): number {
  return file.toLowerCase().endsWith('.jsonl') ? (line ?? 0) * 1e9 + start : start;
}

/**
 * Where a near match of `e` may lie in `path`: after the new place of the nearest decision that
 * came before it in its old file, and before the new place of the nearest one after it. A typo
 * fixed in place keeps its order among its labeled neighbours; a look-alike elsewhere does not.
 */
function bounds(e: LabelEvent, path: string, decisions: readonly LabelEvent[], placedAt: ReadonlyMap<LabelEvent, CandidateSpan>): { lo: number; hi: number } {
  const me = position(e.source.file, e.source.line, e.source.start);
  let prev: { old: number; now: number } | undefined;
  let next: { old: number; now: number } | undefined;
  for (const d of decisions) {
    const s = placedAt.get(d);
    if (!s || d.source.file !== e.source.file || s.file !== path) continue;
    const old = position(d.source.file, d.source.line, d.source.start);
    const now = position(s.file, s.line, s.start);
    if (old < me && (!prev || old > prev.old)) prev = { old, now };
    if (old > me && (!next || old < next.old)) next = { old, now };
  }
  return { lo: prev?.now ?? -Infinity, hi: next?.now ?? Infinity };
}

/** JSONL spans are placed by line too: the same offsets in another record are another span. */
function placeKey(file: string, line: number | undefined, start: number, end: number, span?: CandidateSpan): string {
  const jsonl = file.toLowerCase().endsWith('.jsonl');
  return jsonl ? `${line ?? (span ? span.line : -1)}:${start}:${end}` : `${start}:${end}`;
}

/**
 * Gives each event its nearest candidate, nearest pairs first, so that when two labeled copies of a
 * sentence both moved, each keeps the copy closest to where it was. Returns the events left over.
 */
function assignNearest(
  events: readonly LabelEvent[],
  candidates: (e: LabelEvent) => readonly CandidateSpan[],
  claimed: ReadonlySet<string>,
  take: (e: LabelEvent, s: CandidateSpan) => void,
): LabelEvent[] {
  const pairs: { e: number; s: CandidateSpan; dist: number }[] = [];
  events.forEach((e, i) => {
    for (const s of candidates(e)) pairs.push({ e: i, s, dist: distance(e, s) });
  });
  pairs.sort((a, b) => a.dist - b.dist || a.e - b.e || a.s.line - b.s.line || a.s.start - b.s.start);
  const done = new Set<number>();
  for (const p of pairs) {
    if (done.has(p.e) || claimed.has(p.s.id)) continue;
    done.add(p.e);
    take(events[p.e], p.s);
  }
  return events.filter((_, i) => !done.has(i));
}

function distance(e: LabelEvent, s: CandidateSpan): number {
  const jsonl = s.file.toLowerCase().endsWith('.jsonl');
  return jsonl ? Math.abs((e.source.line ?? 0) - s.line) * 1e9 + Math.abs(e.source.start - s.start) : Math.abs(e.source.start - s.start);
}

function rebase(e: LabelEvent, s: CandidateSpan): LabelEvent {
  return {
    ...e,
    id: s.id,
    source: { ...e.source, file: s.file, start: s.start, end: s.end, line: s.line },
    text: s.text,
    spans: s.text === e.text ? e.spans : carrySpans(e.text, s.text, e.spans),
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Edit distance of a and b (insertions, deletions, substitutions, and a swap of two neighbours as
 * one edit: optimal string alignment), or k + 1 as soon as it is known to exceed k (banded).
 */
export function editDistanceWithin(a: string, b: string, k: number): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > k) return k + 1;
  const INF = k + 1;
  let before = new Array<number>(m + 1).fill(INF);
  let prev = new Array<number>(m + 1);
  let cur = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j <= k ? j : INF;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - k);
    const hi = Math.min(m, i + k);
    cur.fill(INF);
    cur[0] = i <= k ? i : INF;
    let best = cur[0];
    const ai = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(prev[j - 1] + (ai === bj ? 0 : 1), prev[j] + 1, cur[j - 1] + 1);
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) v = Math.min(v, before[j - 2] + 1);
      cur[j] = Math.min(v, INF);
      if (cur[j] < best) best = cur[j];
    }
    if (best > k) return INF;
    [before, prev, cur] = [prev, cur, before];
  }
  return Math.min(prev[m], INF);
}
