/**
 * Which lines of a Markdown text hold prose an annotator can label, and which are structure:
 * front matter, headings (ATX `#` and setext underlined), fenced and indented code, thematic
 * breaks (`---`, `* * *`). A list item's
 * text is prose, but its bullet (`-`, `*`, `+`, `1.`, `2)`, and a task box `[ ]`) is not.
 *
 * This is a line classifier, not a CommonMark parser: it knows the block kinds that put text
 * nobody labels in front of an annotator, and errs towards keeping text (an HTML block or a table
 * stays prose). Offsets are UTF-16 code units into the text; `end` is the line's `\n` (or the end).
 */
export interface MarkdownLine {
  readonly start: number;
  readonly end: number;
  /** Where the labelable text of the line starts: after a list marker, else `start`. */
  readonly content: number;
  /** `skip`: structure (front matter, heading, code, fence); `blank`: whitespace only. */
  readonly kind: 'text' | 'skip' | 'blank';
  /** The line opens a list item. */
  readonly item: boolean;
}

const FRONT_MATTER_OPEN = /^\uFEFF?(---|\+\+\+)[ \t]*\r?$/;
const ATX_HEADING = /^[ \t]{0,3}#{1,6}(?:[ \t]|\r?$)/;
const SETEXT_UNDERLINE = /^[ \t]{0,3}(?:=+|-+)[ \t]*\r?$/;
const THEMATIC_BREAK = /^[ \t]{0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})\r?$/;
const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;
// A list marker followed by a space (or nothing: an empty item), and an optional task box.
const LIST_ITEM = /^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?:\[[ xX]\](?:[ \t]+|(?=\r?$)))?|(?=\r?$))/;

/** Columns of leading indentation, a tab advancing to the next multiple of 4 (CommonMark). */
function indentOf(line: string): number {
  let col = 0;
  for (const ch of line) {
    if (ch === ' ') col++;
    else if (ch === '\t') col += 4 - (col % 4);
    else break;
  }
  return col;
}

function isBlankLine(line: string): boolean {
  return /^[\s\uFEFF]*$/.test(line);
}

/** Classifies every line of a Markdown text (see MarkdownLine). */
export function markdownLines(text: string): MarkdownLine[] {
  const raw: { start: number; end: number; s: string }[] = [];
  for (let from = 0; from <= text.length; ) {
    let nl = text.indexOf('\n', from);
    if (nl < 0) nl = text.length;
    raw.push({ start: from, end: nl, s: text.slice(from, nl) });
    from = nl + 1;
  }
  const kinds: MarkdownLine['kind'][] = new Array(raw.length).fill('text');
  const items: boolean[] = new Array(raw.length).fill(false);
  const contents: number[] = raw.map((l) => l.start);

  let i = 0;
  // Front matter: a `---` (YAML) or `+++` (TOML) first line up to its closing line. Without a
  // closing line the first `---` is a thematic break, and the text below it is prose.
  const open = raw.length > 0 ? FRONT_MATTER_OPEN.exec(raw[0].s) : null;
  if (open) {
    const close = open[1] === '---' ? /^(?:---|\.\.\.)[ \t]*\r?$/ : /^\+\+\+[ \t]*\r?$/;
    const j = raw.findIndex((l, k) => k > 0 && close.test(l.s));
    if (j > 0) {
      for (let k = 0; k <= j; k++) kinds[k] = 'skip';
      i = j + 1;
    }
  }

  let fence: { ch: string; len: number } | undefined;
  // Inside a paragraph (no blank line, heading or fence since its first line).
  let paraOpen = false;
  // The current paragraph is an indented code block.
  let code = false;
  // A list is open: an indented paragraph below it continues an item instead of being code.
  let inList = false;
  for (; i < raw.length; i++) {
    const s = raw[i].s;
    if (fence) {
      kinds[i] = 'skip';
      const m = /^[ \t]*(`{3,}|~{3,})[ \t]*\r?$/.exec(s);
      if (m && m[1][0] === fence.ch && m[1].length >= fence.len) fence = undefined;
      continue;
    }
    if (isBlankLine(s)) {
      kinds[i] = 'blank';
      paraOpen = false;
      continue;
    }
    const indent = indentOf(s);
    if (code && indent < 4) code = false;
    if (!paraOpen && !code) code = indent >= 4 && !inList;
    if (code) {
      kinds[i] = 'skip';
      paraOpen = true;
      continue;
    }
    const f = FENCE_OPEN.exec(s);
    if (f && !(f[1][0] === '`' && f[2].includes('`'))) {
      fence = { ch: f[1][0], len: f[1].length };
      kinds[i] = 'skip';
      paraOpen = false;
      continue;
    }
    if (ATX_HEADING.test(s)) {
      kinds[i] = 'skip';
      paraOpen = false;
      inList = false;
      continue;
    }
    if (paraOpen && SETEXT_UNDERLINE.test(s) && kinds[i - 1] === 'text' && !items[i - 1]) {
      // The paragraph lines above (back to a list item or the paragraph's start) are a heading.
      for (let k = i - 1; k >= 0 && kinds[k] === 'text' && !items[k]; k--) kinds[k] = 'skip';
      kinds[i] = 'skip';
      paraOpen = false;
      inList = false;
      continue;
    }
    if (THEMATIC_BREAK.test(s)) {
      kinds[i] = 'skip';
      paraOpen = false;
      continue;
    }
    const item = LIST_ITEM.exec(s);
    if (item) {
      items[i] = true;
      contents[i] = raw[i].start + item[0].length;
      inList = true;
    } else if (!paraOpen && indent < 2) {
      inList = false; // a paragraph at the left margin ends the list
    }
    paraOpen = true;
  }
  return raw.map((l, k) => ({ start: l.start, end: l.end, content: contents[k], kind: kinds[k], item: items[k] }));
}
