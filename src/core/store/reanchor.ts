import { spanId } from '../text/spanId';
import type { LabelEvent } from './events';

export type AnchorMatch = 'exact' | 'whitespace';

/** A decision whose span text is no longer at its old offsets but was found elsewhere in the file. */
export interface MovedSpan {
  /** The decision as stored (old id and offsets). */
  readonly event: LabelEvent;
  /** The decision with its new id, offsets, line and (for a whitespace match) the file's text. */
  readonly rebased: LabelEvent;
  readonly match: AnchorMatch;
}

export type OrphanReason = 'file-missing' | 'text-not-found';

/** A decision whose span cannot be found any more. Listed, never dropped: the store keeps it. */
export interface OrphanSpan {
  readonly event: LabelEvent;
  readonly reason: OrphanReason;
}

export interface ReanchorResult {
  /** Decisions whose text is still at the stored offsets. */
  readonly anchored: LabelEvent[];
  readonly moved: MovedSpan[];
  readonly orphans: OrphanSpan[];
  /** Imported decisions that never had a place in a workspace file (see ImportOrigin). */
  readonly freeStanding: LabelEvent[];
}

/**
 * Finds the spans of `decisions` again in the current text of their files.
 *
 * For each decision: if the file still holds the span's text at the stored offsets, it is anchored.
 * Otherwise the text is searched for, exact first and then with runs of whitespace treated as
 * equal; of several occurrences the one nearest the old offset wins, and two decisions never claim
 * the same occurrence (the nearer one gets it). A moved span gets a new id (the span id hashes the
 * offsets). Whatever cannot be found is an orphan. Nothing is written: the caller decides whether
 * to use the rebased events in memory (recommended; re-anchoring is cheap and repeatable) or to
 * append them.
 *
 * `readFile` returns a file's current text by its workspace-relative path, or undefined when it
 * is gone.
 */
export function reanchor(decisions: readonly LabelEvent[], readFile: (file: string) => string | undefined): ReanchorResult {
  const anchored: LabelEvent[] = [];
  const moved: MovedSpan[] = [];
  const orphans: OrphanSpan[] = [];
  const freeStanding: LabelEvent[] = [];
  const byFile = new Map<string, LabelEvent[]>();
  for (const e of decisions) {
    if (e.imported && e.imported.file === e.source.file) {
      freeStanding.push(e);
      continue;
    }
    let list = byFile.get(e.source.file);
    if (!list) byFile.set(e.source.file, (list = []));
    list.push(e);
  }
  for (const [file, events] of byFile) {
    const text = readFile(file);
    if (text === undefined) {
      for (const e of events) orphans.push({ event: e, reason: 'file-missing' });
      continue;
    }
    const claimed = new Set<number>();
    const lost: LabelEvent[] = [];
    for (const e of events) {
      if (text.slice(e.source.start, e.source.end) === e.text) {
        anchored.push(e);
        claimed.add(e.source.start);
      } else lost.push(e);
    }
    if (lost.length === 0) continue;
    const remaining = assign(lost, claimed, (e) => exactOccurrences(text, e.text), 'exact', text, moved);
    if (remaining.length === 0) continue;
    const norm = normalise(text);
    const still = assign(remaining, claimed, (e) => whitespaceOccurrences(text, norm, e.text), 'whitespace', text, moved);
    for (const e of still) orphans.push({ event: e, reason: 'text-not-found' });
  }
  return { anchored, moved, orphans, freeStanding };
}

interface Occurrence {
  readonly start: number;
  readonly end: number;
}

/**
 * Gives each event its nearest unclaimed occurrence, nearest pairs first, so that when two labeled
 * copies of a sentence both moved, each keeps the copy closest to where it was.
 */
function assign(
  events: readonly LabelEvent[],
  claimed: Set<number>,
  find: (e: LabelEvent) => Occurrence[],
  match: AnchorMatch,
  text: string,
  moved: MovedSpan[],
): LabelEvent[] {
  const pairs: { e: number; occ: Occurrence; dist: number }[] = [];
  events.forEach((e, i) => {
    for (const occ of find(e)) pairs.push({ e: i, occ, dist: Math.abs(occ.start - e.source.start) });
  });
  pairs.sort((a, b) => a.dist - b.dist || a.e - b.e || a.occ.start - b.occ.start);
  const done = new Set<number>();
  for (const p of pairs) {
    if (done.has(p.e) || claimed.has(p.occ.start)) continue;
    done.add(p.e);
    claimed.add(p.occ.start);
    moved.push({ event: events[p.e], rebased: rebase(events[p.e], text, p.occ.start, p.occ.end), match });
  }
  return events.filter((_, i) => !done.has(i));
}

function rebase(e: LabelEvent, fileText: string, start: number, end: number): LabelEvent {
  const text = fileText.slice(start, end);
  return {
    ...e,
    id: spanId(e.source.file, start, end, text),
    source: { ...e.source, start, end, line: lineOf(fileText, start) },
    text,
  };
}

/** Zero-based line of offset `at`. */
export function lineOf(text: string, at: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function exactOccurrences(text: string, needle: string): Occurrence[] {
  const out: Occurrence[] = [];
  if (needle === '') return out;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) out.push({ start: i, end: i + needle.length });
  return out;
}

interface Normalised {
  /** The text with every run of whitespace replaced by one space. */
  readonly text: string;
  /** For each character of `text`, its offset in the original. */
  readonly map: Int32Array;
}

function normalise(text: string): Normalised {
  const parts: string[] = [];
  const map = new Int32Array(text.length);
  let n = 0;
  let lastSpace = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(text[i]));
    if (space) {
      if (lastSpace) continue;
      parts.push(' ');
    } else parts.push(text[i]);
    lastSpace = space;
    map[n++] = i;
  }
  return { text: parts.join(''), map: map.subarray(0, n) };
}

function whitespaceOccurrences(original: string, norm: Normalised, needle: string): Occurrence[] {
  const key = needle.replace(/\s+/g, ' ').trim();
  if (key === '') return [];
  return exactOccurrences(norm.text, key).map((o) => {
    const start = norm.map[o.start];
    const last = norm.map[o.end - 1];
    return { start, end: last + 1 };
  }).filter((o) => o.end <= original.length);
}
