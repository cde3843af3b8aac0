import type { CandidateSpan, Granularity } from '../types';
import { segment, type TextFormat } from './segment';
import { recordSpanId, spanId } from './spanId';

/**
 * The one place that knows where a span is. A span's offsets point into a *unit* of its file: the
 * whole decoded text (readTextFile: BOM stripped, UTF-16 decoded) of a text file, or the `text`
 * string of one record of a JSONL file. The corpus reader cuts units into candidate spans here,
 * re-anchoring finds spans again here, and the editor maps unit offsets to document offsets here
 * (a JSONL record's text sits inside a JSON line, behind escapes). Keep every such computation in
 * this module: when two places compute it separately they drift apart.
 */

/** A problem with part of a source (one JSONL line), or with the whole of it. */
export interface CorpusProblem {
  /** Workspace-relative path. */
  readonly file: string;
  /** Zero-based line, where the problem is on one line (the message shows it one-based). */
  readonly line?: number;
  /** Ready to show: starts with `file` or `file:line`. */
  readonly message: string;
  /** `error`: the file was skipped. `warning`: part of it was (a bad JSONL line) or it was empty. */
  readonly severity: 'warning' | 'error';
}

/** What span offsets point into: a whole text file, or one JSONL record's text. */
export interface SourceUnit {
  /** Zero-based line of the JSONL record; undefined for a text file (its one unit). */
  readonly line: number | undefined;
  readonly text: string;
}

/** A file's decoded content cut into units. */
export interface LocatedSource {
  readonly file: string;
  /** The decoded file content, as readTextFile returns it and as an editor shows it. */
  readonly content: string;
  readonly jsonl: boolean;
  /** Text files: one unit. JSONL: one per record with a `text` string, in line order. */
  readonly units: readonly SourceUnit[];
  /** Malformed JSONL lines and records without text (warnings naming file:line). */
  readonly problems: readonly CorpusProblem[];
}

export function isJsonlFile(file: string): boolean {
  return file.toLowerCase().endsWith('.jsonl');
}

/**
 * Markdown files get the Markdown rules when segmented (structure is no span, list items lose
 * their bullet, ordered lists start items: see segment.ts); others are plain.
 */
export function textFormatOf(file: string): TextFormat {
  return /\.(md|markdown|mdx|mdown|mkd)$/i.test(file) ? 'markdown' : 'plain';
}

/** Cuts decoded file content into units (see LocatedSource). */
export function locateSource(file: string, content: string): LocatedSource {
  if (!isJsonlFile(file)) return { file, content, jsonl: false, units: [{ line: undefined, text: content }], problems: [] };
  const units: SourceUnit[] = [];
  const problems: CorpusProblem[] = [];
  let withoutText = 0;
  let records = 0;
  forEachLine(content, (raw, line) => {
    if (raw.trim() === '') return;
    const where = `${file}:${line + 1}`;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      problems.push({ file, line, message: `${where}: not valid JSON (${(e as Error).message}); line skipped`, severity: 'warning' });
      return;
    }
    records++;
    const text = typeof obj === 'object' && obj !== null && !Array.isArray(obj) ? (obj as Record<string, unknown>).text : undefined;
    if (typeof text !== 'string') {
      withoutText++;
      problems.push({ file, line, message: `${where}: the record has no "text" string; line skipped`, severity: 'warning' });
      return;
    }
    if (text.trim() === '') {
      problems.push({ file, line, message: `${where}: "text" is empty; line skipped`, severity: 'warning' });
      return;
    }
    units.push({ line, text });
  });
  if (records > 0 && withoutText === records) {
    // Not a text dataset (e.g. a log or a label export): one message, not one per line.
    const kept = problems.filter((p) => !p.message.includes('no "text" string'));
    return { file, content, jsonl: true, units, problems: [...kept, { file, message: `${file}: no record has a "text" string; the file was skipped`, severity: 'warning' }] };
  }
  return { file, content, jsonl: true, units, problems };
}

function forEachLine(content: string, each: (raw: string, line: number, lineStart: number) => void): void {
  let line = 0;
  let from = 0;
  while (from < content.length) {
    let nl = content.indexOf('\n', from);
    if (nl < 0) nl = content.length;
    each(content.slice(from, nl), line, from);
    line++;
    from = nl + 1;
  }
}

/** The id of the span [start, end) of `unit` (recordSpanId for a JSONL record, spanId otherwise). */
export function unitSpanId(file: string, unit: SourceUnit, start: number, end: number, text: string): string {
  return unit.line === undefined ? spanId(file, start, end, text) : recordSpanId(file, unit.line, start, end, text);
}

/**
 * The id of a span known by its place alone (an imported record with `source`): a JSONL file's
 * spans are record spans when the line is known, as the corpus reader makes them.
 */
export function placeSpanId(file: string, line: number | undefined, start: number, end: number, text: string): string {
  return unitSpanId(file, { line: isJsonlFile(file) ? line : undefined, text }, start, end, text);
}

/** The unit a span with this `line` points into (JSONL: the record on that line). */
export function unitAt(src: LocatedSource, line: number | undefined): SourceUnit | undefined {
  if (!src.jsonl) return src.units[0];
  if (line === undefined) return undefined;
  // Units are in line order: binary search.
  let lo = 0;
  let hi = src.units.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const l = src.units[mid].line as number;
    if (l === line) return src.units[mid];
    if (l < line) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/**
 * The record on one line of a JSONL file's content, without parsing the other lines (for reading
 * one span's context); undefined when that line holds no record with a non-blank `text` string.
 */
export function recordOnLine(file: string, content: string, line: number): SourceUnit | undefined {
  let from = 0;
  for (let l = 0; l < line; l++) {
    const nl = content.indexOf('\n', from);
    if (nl < 0) return undefined;
    from = nl + 1;
  }
  let nl = content.indexOf('\n', from);
  if (nl < 0) nl = content.length;
  const unit = locateSource(file, content.slice(from, nl)).units[0];
  return unit ? { line, text: unit.text } : undefined;
}

/** Zero-based line of unit offset `at` (for a JSONL record: the record's line). */
export function lineIn(unit: SourceUnit, at: number): number {
  if (unit.line !== undefined) return unit.line;
  let line = 0;
  for (let i = unit.text.indexOf('\n'); i !== -1 && i < at; i = unit.text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * The candidate span [start, end) of `unit`, with its id and line: how every span is made, by the
 * corpus reader and by re-anchoring alike.
 */
export function spanIn(file: string, unit: SourceUnit, start: number, end: number, line?: number): CandidateSpan {
  const text = unit.text.slice(start, end);
  return { id: unitSpanId(file, unit, start, end, text), file, start, end, text, line: line ?? lineIn(unit, start) };
}

/**
 * Candidate spans of a located source. A text file is segmented at `granularity` (Markdown rules
 * for Markdown files only); a JSONL record is one span as it stands (trimmed), since a record is
 * already the unit its author chose. Blank records are warnings naming file:line.
 */
export function sourceSpans(src: LocatedSource, granularity: Granularity): { spans: CandidateSpan[]; problems: CorpusProblem[] } {
  const { file } = src;
  if (!src.jsonl) {
    const text = src.content;
    const segs = segment(text, granularity, textFormatOf(file));
    const unit = src.units[0];
    const out: CandidateSpan[] = new Array(segs.length);
    // Line numbers by walking forward once: segments come in order.
    let line = 0;
    let pos = 0;
    for (let i = 0; i < segs.length; i++) {
      const { start, end } = segs[i];
      for (let nl = text.indexOf('\n', pos); nl >= 0 && nl < start; nl = text.indexOf('\n', nl + 1)) line++;
      pos = start;
      out[i] = spanIn(file, unit, start, end, line);
    }
    return { spans: out, problems: [...src.problems] };
  }
  const spans: CandidateSpan[] = [];
  const problems: CorpusProblem[] = [...src.problems];
  // Units are never blank (locateSource reports blank records).
  for (const unit of src.units) {
    const { text } = unit;
    let start = 0;
    let end = text.length;
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    spans.push(spanIn(file, unit, start, end));
  }
  return { spans, problems };
}

/** Locate + cut in one step: the candidate spans of a file's decoded content. */
export function fileSpans(file: string, content: string, granularity: Granularity): { spans: CandidateSpan[]; problems: CorpusProblem[] } {
  return sourceSpans(locateSource(file, content), granularity);
}

/**
 * Document offsets (into `content`, as an editor holds it) of the unit range [start, end) of the
 * span on `line`. For a text file they are the same; for a JSONL record they point into the raw
 * JSON string on that line, through its escapes (`\"`, `\n`, `\u00e9`). Undefined when the line
 * holds no record with a `text` string, or the range lies outside it.
 */
export function documentRange(src: LocatedSource, line: number | undefined, start: number, end: number): { start: number; end: number } | undefined {
  if (start < 0 || end < start) return undefined;
  if (!src.jsonl) return end <= src.content.length ? { start, end } : undefined;
  if (line === undefined) return undefined;
  let lineStart = 0;
  for (let l = 0; l < line; l++) {
    const nl = src.content.indexOf('\n', lineStart);
    if (nl < 0) return undefined;
    lineStart = nl + 1;
  }
  let nl = src.content.indexOf('\n', lineStart);
  if (nl < 0) nl = src.content.length;
  const map = jsonTextMap(src.content.slice(lineStart, nl));
  if (!map || end >= map.length) return undefined;
  return { start: lineStart + map[start], end: lineStart + map[end] };
}

/**
 * For the top-level `text` string of one JSON line: raw offset (in the line) of each UTF-16 unit
 * of the decoded string, plus one more entry for the closing quote. JSON.parse keeps the last of
 * duplicate keys, so this does too. Undefined when there is no such string.
 */
export function jsonTextMap(raw: string): Int32Array | undefined {
  let i = skipWs(raw, 0);
  if (raw[i] !== '{') return undefined;
  i++;
  let valueAt = -1;
  for (;;) {
    i = skipWs(raw, i);
    if (raw[i] === '}') break;
    if (raw[i] !== '"') return undefined;
    const keyEnd = stringEnd(raw, i);
    if (keyEnd < 0) return undefined;
    const key = JSON.parse(raw.slice(i, keyEnd)) as string;
    i = skipWs(raw, keyEnd);
    if (raw[i] !== ':') return undefined;
    i = skipWs(raw, i + 1);
    const valueEnd = raw[i] === '"' ? stringEnd(raw, i) : valueEndOf(raw, i);
    if (valueEnd < 0) return undefined;
    if (key === 'text') valueAt = raw[i] === '"' ? i : -1;
    i = skipWs(raw, valueEnd);
    if (raw[i] === ',') i++;
    else if (raw[i] === '}') break;
    else return undefined;
  }
  if (valueAt < 0) return undefined;
  const out: number[] = [];
  let p = valueAt + 1;
  while (p < raw.length && raw[p] !== '"') {
    if (raw[p] === '\\') {
      out.push(p);
      p += raw[p + 1] === 'u' ? 6 : 2;
    } else {
      out.push(p);
      p++;
    }
  }
  out.push(p);
  return Int32Array.from(out);
}

function skipWs(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\r' || s[i] === '\n')) i++;
  return i;
}

/** Offset just past the string starting at the quote at `i`, or -1. */
function stringEnd(s: string, i: number): number {
  for (let p = i + 1; p < s.length; p++) {
    if (s[p] === '\\') p++;
    else if (s[p] === '"') return p + 1;
  }
  return -1;
}

/** Offset just past a non-string JSON value (number, literal, object, array) starting at `i`, or -1. */
function valueEndOf(s: string, i: number): number {
  let depth = 0;
  for (let p = i; p < s.length; p++) {
    const c = s[p];
    if (c === '"') {
      p = stringEnd(s, p) - 1;
      if (p < 0) return -1;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) return p;
      depth--;
      if (depth === 0) return p + 1;
    } else if (depth === 0 && (c === ',' || c === ' ' || c === '\t' || c === '\r')) return p;
  }
  return depth === 0 ? s.length : -1;
}
