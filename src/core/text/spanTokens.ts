/**
 * The one token splitter of entity-span exports and imports (CoNLL, Prodigy `tokens`, Hugging Face
 * `ner_tags`): whitespace separates tokens and is never part of one; a word is a run of letters,
 * digits, combining marks and `_`, joined across a single internal `'`, `’` or `-` ("don't",
 * "New-York" stay whole), numbers keep internal `.` and `,` between digits ("1,000.50"), and
 * dotted single-letter abbreviations keep their dots ("U.S.", "e.g."), as CoNLL-2003 and the Penn
 * Treebank tokenise them, so CoNLL files round-trip; every other visible character (punctuation,
 * symbols, an emoji as its surrogate pair) is a token of its own. Offsets are UTF-16 code units into the text, end
 * exclusive, as everywhere in the store.
 *
 * `cuts` are extra offsets where a token must end and the next begin: the exporters pass every
 * span's start and end, so a stored span that does not fall on the splitter's boundaries (one
 * imported from another tool, say "Paris" inside "Parisian") splits that token rather than being
 * snapped (which would change the annotation) or refused (which would block the whole export for
 * one span). A span that already falls on token boundaries, as the panel's are, cuts nothing.
 */

export interface SpanToken {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Whether whitespace follows the token (Prodigy's and spaCy's `ws`). */
  readonly ws: boolean;
}

const WORD = /[\p{L}\p{N}\p{M}_]/u;
const JOINER = /^['’-]$/;
const SPACE = /\s/;
const DIGIT = /[0-9]/;
/** Two or more single letters each followed by a dot: "U.S.", "e.g.", "U.S.A.". */
const ABBREVIATION = /(?:\p{L}\.){2,}/uy;

function isWordAt(text: string, i: number): boolean {
  return i >= 0 && i < text.length && WORD.test(String.fromCodePoint(text.codePointAt(i) ?? 0));
}

/** Length in UTF-16 units of the character at `i` (2 for a surrogate pair). */
function charLength(text: string, i: number): number {
  const c = text.codePointAt(i) ?? 0;
  return c > 0xffff ? 2 : 1;
}

/** Splits `text` into tokens (see the file comment); `cuts` force extra boundaries. */
export function spanTokens(text: string, cuts: Iterable<number> = []): SpanToken[] {
  const cut = new Set(cuts);
  const raw: { start: number; end: number }[] = [];
  let i = 0;
  while (i < text.length) {
    const len = charLength(text, i);
    const ch = text.slice(i, i + len);
    if (SPACE.test(ch)) {
      i += len;
      continue;
    }
    const start = i;
    ABBREVIATION.lastIndex = i;
    const abbreviation = ABBREVIATION.exec(text);
    let cutInside = false;
    if (abbreviation) for (let k = i + 1; k < i + abbreviation[0].length; k++) if (cut.has(k)) cutInside = true;
    if (abbreviation && !cutInside && !isWordAt(text, i + abbreviation[0].length)) {
      i += abbreviation[0].length;
    } else if (isWordAt(text, i)) {
      i += len;
      while (i < text.length && !cut.has(i)) {
        if (isWordAt(text, i)) i += charLength(text, i);
        else if (JOINER.test(text[i]) && isWordAt(text, i + 1) && !cut.has(i + 1)) i += 1;
        else if ((text[i] === '.' || text[i] === ',') && DIGIT.test(text[i - 1]) && DIGIT.test(text[i + 1] ?? '') && !cut.has(i + 1)) i += 1;
        else break;
      }
    } else i += len;
    raw.push({ start, end: i });
  }
  return raw.map((t) => ({ text: text.slice(t.start, t.end), start: t.start, end: t.end, ws: t.end < text.length && SPACE.test(text[t.end]) }));
}

/**
 * The token indices a span covers: `[first, last]` (inclusive, as Prodigy's token_start/token_end),
 * or undefined when `start`/`end` are not token boundaries of `tokens`.
 */
export function tokenRange(tokens: readonly { start: number; end: number }[], start: number, end: number): [number, number] | undefined {
  const first = tokens.findIndex((t) => t.start === start);
  if (first < 0) return undefined;
  for (let k = first; k < tokens.length; k++) if (tokens[k].end === end) return [first, k];
  return undefined;
}
