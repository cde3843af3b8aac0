/**
 * The form in which two span texts are compared when a span is looked for again: NFC-normalised
 * (an editor or a tool may store "é" as e + U+0301), every run of whitespace one space (a re-wrap,
 * CRLF line ends), no leading or trailing whitespace. `starts[k]`/`ends[k]` give the original range
 * of key unit k, so a match in the key maps back to exact offsets.
 */
export interface KeyedText {
  readonly key: string;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

function isSpace(c: number, ch: string): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(ch));
}

const MARK = /\p{M}/u;

/** The comparison key of `text` (see KeyedText). */
export function textKey(text: string): string {
  // Fast path for the common case: ASCII without runs of whitespace to fold.
  if (/^[\x21-\x7e](?:[\x21-\x7e]| (?=[\x21-\x7e]))*$/.test(text)) return text;
  return keyText(text).key;
}

/** The key with its map back to `text`. */
export function keyText(text: string): KeyedText {
  const out: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  const n = text.length;
  let pendingSpace = -1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c, text[i])) {
      if (pendingSpace < 0) pendingSpace = i;
      i++;
      continue;
    }
    if (pendingSpace >= 0) {
      if (out.length > 0) {
        out.push(' ');
        starts.push(pendingSpace);
        ends.push(i);
      }
      pendingSpace = -1;
    }
    if (c < 0x80 && !(i + 1 < n && text.charCodeAt(i + 1) >= 0x300)) {
      out.push(text[i]);
      starts.push(i);
      ends.push(i + 1);
      i++;
      continue;
    }
    // A cluster: one code point and the combining marks after it, normalised together.
    let j = i + (c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1);
    while (j < n) {
      const cp = text.codePointAt(j) as number;
      const ch = String.fromCodePoint(cp);
      if (!MARK.test(ch)) break;
      j += ch.length;
    }
    const norm = text.slice(i, j).normalize('NFC');
    for (let k = 0; k < norm.length; k++) {
      out.push(norm[k]);
      starts.push(i);
      ends.push(j);
    }
    i = j;
  }
  return { key: out.join(''), starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

/**
 * Offsets of entity spans inside `from` carried over to `to`, two texts with the same key (a span
 * found again after its whitespace or normalisation changed). A span that held only whitespace is
 * dropped.
 */
export function carrySpans<S extends { readonly start: number; readonly end: number }>(from: string, to: string, spans: readonly S[]): S[] {
  const a = keyText(from);
  const b = keyText(to);
  if (a.key !== b.key) return [];
  const out: S[] = [];
  for (const s of spans) {
    let ks = 0;
    while (ks < a.key.length && a.starts[ks] < s.start) ks++;
    let ke = a.key.length - 1;
    while (ke >= 0 && a.ends[ke] > s.end) ke--;
    if (ks > ke) continue;
    out.push({ ...s, start: b.starts[ks], end: b.ends[ke] });
  }
  return out;
}
