import type { Granularity } from '../types';
import { markdownLines } from './markdownLines';

/** A piece of a text: UTF-16 offsets, end exclusive, never starting or ending in whitespace. */
export interface Segment {
  readonly start: number;
  readonly end: number;
}

/**
 * How a text file is read. `markdown`: structure is not a span (front matter, headings, fenced
 * and indented code; see markdownLines), a list item's text is a span without its bullet, and an
 * ordered-list line (`1.`, `9)`) starts an item. `plain`: only blank lines and block-looking line
 * starts cut; a line that starts with a number is usually a re-wrapped sentence.
 */
export type TextFormat = 'markdown' | 'plain';

/**
 * Splits a text into candidate spans at the given granularity. Offsets slice the text exactly
 * (`text.slice(start, end)`), are trimmed of surrounding whitespace, and segments that hold no
 * letter or digit (rules, fences, lone punctuation) are dropped: nobody labels `---`.
 *
 * - `line`: every non-blank line.
 * - `paragraph`: blocks separated by blank lines.
 * - `sentence`: sentences within paragraphs (see splitSentences); a single line break inside a
 *   paragraph is a hard wrap, not a boundary, unless the next line starts a Markdown list item,
 *   heading, quote or table row (an ordered-list item `1.` only in `markdown`).
 *
 * In `markdown` the structure lines are left out first (they end a paragraph), and each list item
 * is a paragraph of its own that starts after its bullet.
 */
export function segment(text: string, granularity: Granularity, format: TextFormat = 'markdown'): Segment[] {
  if (format === 'markdown') return segmentMarkdown(text, granularity);
  switch (granularity) {
    case 'line':
      return keepWordy(text, splitLines(text));
    case 'paragraph':
      return keepWordy(text, splitParagraphs(text));
    case 'sentence': {
      const out: Segment[] = [];
      for (const p of splitParagraphs(text)) {
        for (const block of splitBlockLines(text, p, format)) out.push(...splitSentences(text, block.start, block.end));
      }
      return keepWordy(text, out);
    }
    default: {
      // Granularity is parsed where settings enter (settingsParser.ts); a new value must be handled above.
      const unhandled: never = granularity;
      throw new Error(`unhandled granularity ${JSON.stringify(unhandled)}`);
    }
  }
}

const WORDY = /[\p{L}\p{N}]/u;

function segmentMarkdown(text: string, granularity: Granularity): Segment[] {
  const lines = markdownLines(text);
  if (granularity === 'line') {
    const out: Segment[] = [];
    for (const l of lines) {
      const s = l.kind === 'text' ? trimmed(text, l.content, l.end) : undefined;
      if (s) out.push(s);
    }
    return keepWordy(text, out);
  }
  // Paragraphs: runs of prose lines, cut before each list item, which starts after its bullet.
  const paras: Segment[] = [];
  let open: { start: number; end: number } | undefined;
  const close = (): void => {
    const s = open && trimmed(text, open.start, open.end);
    if (s) paras.push(s);
    open = undefined;
  };
  for (const l of lines) {
    if (l.kind !== 'text') {
      close();
      continue;
    }
    if (l.item) close();
    if (open) open.end = l.end;
    else open = { start: l.content, end: l.end };
  }
  close();
  if (granularity === 'paragraph') return keepWordy(text, paras);
  const out: Segment[] = [];
  for (const p of paras) {
    for (const block of splitBlockLines(text, p, 'markdown')) out.push(...splitSentences(text, block.start, block.end));
  }
  return keepWordy(text, out);
}

function keepWordy(text: string, segs: Segment[]): Segment[] {
  return segs.filter((s) => WORDY.test(text.slice(s.start, s.end)));
}

function isSpace(c: number): boolean {
  // ASCII whitespace, NBSP, the Unicode space separators, line/paragraph separators, BOM.
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Trims whitespace off [start, end); undefined when nothing is left. */
function trimmed(text: string, start: number, end: number): Segment | undefined {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return end > start ? { start, end } : undefined;
}

function splitLines(text: string): Segment[] {
  const out: Segment[] = [];
  let from = 0;
  while (from <= text.length) {
    let nl = text.indexOf('\n', from);
    if (nl < 0) nl = text.length;
    const s = trimmed(text, from, nl);
    if (s) out.push(s);
    from = nl + 1;
  }
  return out;
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

function splitParagraphs(text: string): Segment[] {
  const out: Segment[] = [];
  let paraStart = -1;
  let from = 0;
  while (from <= text.length) {
    let nl = text.indexOf('\n', from);
    if (nl < 0) nl = text.length;
    if (isBlank(text, from, nl)) {
      if (paraStart >= 0) {
        const s = trimmed(text, paraStart, from);
        if (s) out.push(s);
        paraStart = -1;
      }
    } else if (paraStart < 0) {
      paraStart = from;
    }
    from = nl + 1;
  }
  if (paraStart >= 0) {
    const s = trimmed(text, paraStart, text.length);
    if (s) out.push(s);
  }
  return out;
}

// A line that starts a Markdown block of its own: heading, list item, block quote, table row, fence.
const BLOCK_START = /^[ \t]{0,3}(?:#{1,6}\s|[-*+]\s|>|\||```|~~~)/;
const ORDERED_ITEM = /^[ \t]{0,3}\d{1,9}[.)]\s/;
const HEADING = /^[ \t]{0,3}#{1,6}\s/;

/** Cuts a paragraph at line breaks that start (or end) a Markdown block; other breaks are wraps. */
function splitBlockLines(text: string, para: Segment, format: TextFormat): Segment[] {
  const out: Segment[] = [];
  let blockStart = para.start;
  let lineStart = para.start;
  let prevWasHeading = false;
  while (lineStart < para.end) {
    let nl = text.indexOf('\n', lineStart);
    if (nl < 0 || nl > para.end) nl = para.end;
    const line = text.slice(lineStart, nl);
    const startsBlock = lineStart > para.start && (BLOCK_START.test(line) || prevWasHeading || (format === 'markdown' && ORDERED_ITEM.test(line)));
    if (startsBlock) {
      const s = trimmed(text, blockStart, lineStart);
      if (s) out.push(s);
      blockStart = lineStart;
    }
    prevWasHeading = HEADING.test(line);
    lineStart = nl + 1;
  }
  const s = trimmed(text, blockStart, para.end);
  if (s) out.push(s);
  return out;
}

// Abbreviations after which a capitalised word does not start a sentence (titles before names,
// and references before numbers). Lower-cased, without the final period.
const TITLES = new Set([
  'mr', 'mrs', 'ms', 'messrs', 'mme', 'mlle', 'dr', 'prof', 'st', 'mt', 'ft', 'gen', 'col', 'maj', 'capt', 'cmdr', 'lt', 'sgt', 'cpl', 'adm',
  'gov', 'sen', 'rep', 'rev', 'hon', 'pres', 'supt', 'atty', 'insp', 'vs', 'v', 'cf', 'e.g', 'i.e', 'viz', 'ca', 'approx', 'dept', 'univ',
  'no', 'nos', 'nr', 'p', 'pp', 'fig', 'figs', 'vol', 'vols', 'ch', 'chap', 'sec', 'art', 'eq', 'ed', 'eds', 'op', 'cit', 'ibid', 'al',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'ave', 'blvd', 'rd', 'ln', 'hwy', 'calif', 'mass',
]);

// Words that usually open a sentence: after an ambiguous abbreviation ("U.S.", an initial "B.")
// one of these means the abbreviation also ended the sentence.
const STARTERS = new Set([
  'the', 'a', 'an', 'he', 'she', 'it', 'they', 'we', 'i', 'you', 'his', 'her', 'its', 'their', 'our', 'my', 'this', 'that', 'these',
  'those', 'there', 'here', 'but', 'and', 'or', 'so', 'yet', 'if', 'when', 'while', 'in', 'on', 'at', 'for', 'as', 'after', 'before',
  'then', 'however', 'thus', 'also', 'what', 'who', 'why', 'how', 'where', 'one', 'some', 'many', 'most', 'all', 'no', 'not', 'it\'s',
]);

const CLOSERS = new Set(['"', "'", '\u201d', '\u2019', '\u00bb', '\u203a', ')', ']', '}', '\u300d', '\u300f', '\uff09', '\u3011', '*', '_']);
const OPENERS = /["'\u201c\u2018\u00ab\u2039(\[{\u300c\u300e\uff08\u3010*_¿¡]/;
const FULLWIDTH_TERMINATORS = new Set(['\u3002', '\uff01', '\uff1f', '\uff0e']);

function isTerminator(ch: string): boolean {
  return ch === '.' || ch === '!' || ch === '?' || ch === '\u2026' || ch === '\u203c' || ch === '\u2047' || ch === '\u2048' || ch === '\u2049';
}

/**
 * Sentences of text[from, to). A boundary follows a terminator run (`.`, `!`, `?`, `…`, `。！？`)
 * plus any closing quotes and brackets, when whitespace and a non-lowercase word follow (or the
 * text ends). Periods inside tokens (3.5, example.com) never end a sentence, and a period after a
 * title abbreviation (Mr., Dr., St., No.) never does; after an initial or a dotted acronym (J.,
 * U.S.) it does only when a common sentence opener follows ("in the U.S. The ...").
 * CJK full-width terminators end a sentence without needing a following space.
 */
export function splitSentences(text: string, from = 0, to: number = text.length): Segment[] {
  const out: Segment[] = [];
  let sentStart = from;
  let i = from;
  while (i < to) {
    const ch = text[i];
    const fullwidth = FULLWIDTH_TERMINATORS.has(ch);
    if (!fullwidth && !isTerminator(ch)) {
      i++;
      continue;
    }
    // The whole run of terminators and closers belongs to this sentence.
    let j = i + 1;
    while (j < to && (isTerminator(text[j]) || FULLWIDTH_TERMINATORS.has(text[j]))) j++;
    while (j < to && CLOSERS.has(text[j])) j++;
    if (j >= to) break;
    let k = j;
    while (k < to && isSpace(text.charCodeAt(k))) k++;
    if (k >= to) break;
    const spaced = k > j;
    if ((fullwidth || spaced) && isBoundary(text, i, j, k, to)) {
      const s = trimmed(text, sentStart, j);
      if (s) out.push(s);
      sentStart = k;
    }
    i = j;
  }
  const s = trimmed(text, sentStart, to);
  if (s) out.push(s);
  return out;
}

/** Terminator run at [i, j), next word at k. */
function isBoundary(text: string, i: number, j: number, k: number, to: number): boolean {
  const next = nextWord(text, k, to);
  const first = next.replace(OPENERS_ALL, '');
  const firstChar = first.charAt(0);
  if (firstChar !== '' && firstChar !== firstChar.toUpperCase() && firstChar === firstChar.toLowerCase()) {
    return false; // a lowercase word continues the sentence ("5 p.m. yesterday", "Really?" she said)
  }
  // Only a single period can be an abbreviation; "?", "!", "..." and "." followed by a closer end it.
  if (text[i] !== '.' || j - i !== 1) return true;
  const word = prevWord(text, i);
  if (word === '') return true;
  const lower = word.toLowerCase();
  if (TITLES.has(lower)) return false;
  const nextLower = first.replace(/[^\p{L}\p{N}']+$/u, '').toLowerCase();
  const ambiguous = /^\p{L}$/u.test(word) || /^(?:\p{L}\.)+\p{L}$/u.test(word);
  if (ambiguous) return STARTERS.has(nextLower);
  return true;
}

const OPENERS_ALL = new RegExp(`^(?:${OPENERS.source})+`, 'u');

function nextWord(text: string, k: number, to: number): string {
  let e = k;
  while (e < to && e - k < 40 && !isSpace(text.charCodeAt(e))) e++;
  return text.slice(k, e);
}

/** The token right before the period at i, without leading openers (so `(Dr.` gives `Dr`). */
function prevWord(text: string, i: number): string {
  let s = i;
  while (s > 0 && i - s < 40 && !isSpace(text.charCodeAt(s - 1))) s--;
  return text.slice(s, i).replace(OPENERS_ALL, '');
}
