import { readFileSync } from 'node:fs';
import { ModelError } from '../errors';
import { WordTable } from './wordTable';

/**
 * The word tokenizer of the embedded GloVe encoder. GloVe 6B was trained on lowercased text
 * tokenised the Penn Treebank way (hyphenated compounds kept whole, "don't" → "do n't"); the
 * wink vocabulary dropped tokens with apostrophes, pure numbers and single letters. So: lowercase,
 * words are letters/digits joined by internal hyphens or apostrophes (and numbers by internal
 * "." or ","), every other visible character is a token of its own; only for words the
 * vocabulary lacks are clitics split off ("n't" → "not", "'re" → "are", …) and compounds split
 * at hyphens.
 *
 * The scanner reads char codes and looks words up in a hash table of char codes, so the hot path
 * allocates no strings: a regex plus Map lookup was the bottleneck of the whole encoder.
 */

export interface WordToken {
  /** UTF-16 offsets into the original text, end exclusive. */
  readonly start: number;
  readonly end: number;
  /** Vocabulary id, 0 when unknown. */
  readonly id: number;
}

const COMBINING = /[\u0300-\u036f]/g;

/** "n't" stems that PTB splits oddly ("can't" → "ca n't") mapped to the word they stand for. */
const NT_STEMS: Readonly<Record<string, string>> = { ca: 'can', wo: 'will', sha: 'shall', ai: 'is' };
/** Clitics after the last apostrophe; null = dropped ('s is possessive or "is", 'd "had" or "would"). */
const CLITICS: Readonly<Record<string, string | null>> = { s: null, re: 'are', ll: 'will', ve: 'have', m: 'am', d: null };

// info[c] = folded code unit (low 16 bits: lowercase, accent stripped, ’ → ') | class bits;
// 0 = not computed yet. Classes are those of the folded character.
const IS_ALNUM = 1 << 16;
const IS_DIGIT = 1 << 17;
const IS_SPACE = 1 << 18;
const info = new Int32Array(65536);

function computeInfo(c: number): number {
  const ch = String.fromCharCode(c);
  let f = c;
  if (c === 0x2018 || c === 0x2019 || c === 0x02bc || c === 0x2032) f = 39;
  else if (c < 0xd800 || c > 0xdfff) {
    const lower = ch.toLowerCase();
    const base = lower.normalize('NFD').replace(COMBINING, '');
    f = base.length === 1 ? base.charCodeAt(0) : lower.length === 1 ? lower.charCodeAt(0) : c;
  }
  const fc = String.fromCharCode(f);
  const k = c === 0 || /\s/.test(ch) ? IS_SPACE : /[a-z]/.test(fc) ? IS_ALNUM : /[0-9]/.test(fc) ? IS_ALNUM | IS_DIGIT : 0;
  info[c] = f | k;
  return info[c];
}
for (let c = 0; c < 128; c++) computeInfo(c);

/** Lowercased and folded like the scanner sees it, same length as the input (offsets hold). */
export function normaliseText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += String.fromCharCode((info[c] || computeInfo(c)) & 0xffff);
  }
  return out;
}

export function readVocabulary(file: string): WordTable {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ModelError(`cannot read the vocabulary ${file}: ${(e as Error).message}`);
  }
  const words = raw.split('\n');
  if (words[words.length - 1] === '') words.pop();
  if (words.length < 2) throw new ModelError(`the vocabulary ${file} is empty`);
  // Line 0 stands for padding/unknown and is not a word.
  words[0] = '';
  return new WordTable(words);
}

export class WordTokenizer {
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);

  constructor(readonly vocab: WordTable) {}

  /**
   * Appends the ids of the text's known words to `out` from `pos` (unknown words are left out:
   * their vector is zero and would not change a normalised mean). Returns the new end, or -1 when
   * `out` is too small (the caller grows it and calls again).
   */
  idsInto(text: string, out: Int32Array, pos: number): number {
    return this.scan(text, out, pos, false);
  }

  /** Every token with its offsets, unknown words included (id 0). */
  tokenize(text: string): WordToken[] {
    let ids = new Int32Array(text.length + 8);
    if (this.starts.length < ids.length) {
      this.starts = new Int32Array(ids.length);
      this.ends = new Int32Array(ids.length);
    }
    let n = this.scan(text, ids, 0, true);
    while (n < 0) {
      ids = new Int32Array(ids.length * 2);
      this.starts = new Int32Array(ids.length);
      this.ends = new Int32Array(ids.length);
      n = this.scan(text, ids, 0, true);
    }
    const out: WordToken[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = { start: this.starts[i], end: this.ends[i], id: ids[i] };
    return out;
  }

  /** The scanner. With `withOffsets`, unknown tokens are kept (id 0) and offsets recorded. */
  private scan(text: string, out: Int32Array, pos: number, withOffsets: boolean): number {
    const vocab = this.vocab;
    const cap = out.length;
    const n = text.length;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      let x = info[c] || computeInfo(c);
      if (x & IS_SPACE) {
        i++;
        continue;
      }
      const start = i;
      let joined = false;
      let f = x & 0xffff;
      let h1 = WordTable.step1(WordTable.SEED1, f);
      let h2 = WordTable.step2(WordTable.SEED2, f);
      i++;
      if (x & IS_ALNUM) {
        // A word: alnum runs joined by - or ' (or . , between digits), hashed as it is read.
        let prevDigit = (x & IS_DIGIT) !== 0;
        while (i < n) {
          c = text.charCodeAt(i);
          x = info[c] || computeInfo(c);
          f = x & 0xffff;
          if (x & IS_ALNUM) {
            prevDigit = (x & IS_DIGIT) !== 0;
          } else if (i + 1 < n && (f === 45 || f === 39 || (prevDigit && (f === 46 || f === 44)))) {
            const c2 = text.charCodeAt(i + 1);
            const x2 = info[c2] || computeInfo(c2);
            if (!(x2 & IS_ALNUM) || ((f === 46 || f === 44) && !(x2 & IS_DIGIT))) break;
            joined ||= f === 45 || f === 39;
          } else break;
          h1 = WordTable.step1(h1, f);
          h2 = WordTable.step2(h2, f);
          i++;
        }
      }
      const id = vocab.lookup(h1, h2);
      if (id > 0) {
        if (pos >= cap) return -1;
        if (withOffsets) {
          this.starts[pos] = start;
          this.ends[pos] = i;
        }
        out[pos++] = id;
      } else if (joined) {
        // Only words with inner hyphens or apostrophes can be split into known parts.
        for (const t of this.expand(normaliseText(text.slice(start, i)), start)) {
          if (t.id === 0 && !withOffsets) continue;
          if (pos >= cap) return -1;
          if (withOffsets) {
            this.starts[pos] = t.start;
            this.ends[pos] = t.end;
          }
          out[pos++] = t.id;
        }
      } else if (withOffsets) {
        if (pos >= cap) return -1;
        this.starts[pos] = start;
        this.ends[pos] = i;
        out[pos++] = 0;
      }
    }
    return pos;
  }

  /** A word the vocabulary lacks: split off clitics, then split compounds at hyphens. */
  private expand(w: string, start: number): WordToken[] {
    const out: WordToken[] = [];
    const apos = w.lastIndexOf("'");
    if (apos > 0) {
      if (w.endsWith("n't") && apos === w.length - 2 && w.length > 3) {
        const stem = w.slice(0, -3);
        this.parts(NT_STEMS[stem] ?? stem, start, w.length - 3, out);
        out.push({ start: start + w.length - 3, end: start + w.length, id: this.vocab.get('not') });
        return out;
      }
      const clitic = w.slice(apos + 1);
      if (clitic in CLITICS) {
        this.parts(w.slice(0, apos), start, apos, out);
        const mapped = CLITICS[clitic];
        if (mapped !== null) out.push({ start: start + apos, end: start + w.length, id: this.vocab.get(mapped) });
        return out;
      }
    }
    this.parts(w, start, w.length, out);
    return out;
  }

  /**
   * `w` (or its replacement) covering [start, start+len): whole if known, else each part between
   * hyphens and apostrophes. A replacement word (NT_STEMS) keeps the original span.
   */
  private parts(w: string, start: number, len: number, out: WordToken[]): void {
    const id = this.vocab.get(w);
    if (id > 0 || w.length !== len) {
      out.push({ start, end: start + len, id });
      return;
    }
    let from = 0;
    for (let i = 0; i <= w.length; i++) {
      if (i === w.length || w[i] === '-' || w[i] === "'") {
        if (i > from) out.push({ start: start + from, end: start + i, id: this.vocab.get(w.slice(from, i)) });
        from = i + 1;
      }
    }
  }
}
