/**
 * The vocabulary as an open-addressing hash table over UTF-16 code units, so a word can be looked
 * up straight from a slice of the text being scanned (after per-character folding) without
 * creating a string. Word n of the list gets id n; id 0 means "not found" (and padding).
 */
export class WordTable {
  static readonly HASH_SEED = 0x811c9dc5 | 0;

  /** FNV-1a step over one code unit. */
  static step(h: number, c: number): number {
    return Math.imul(h ^ c, 0x01000193);
  }

  private readonly chars: Uint16Array;
  private readonly starts: Int32Array;
  private readonly slots: Int32Array;
  private readonly mask: number;
  readonly size: number;

  /** `words[0]` is ignored (id 0 is reserved). */
  constructor(words: readonly string[]) {
    this.size = words.length;
    let total = 0;
    for (const w of words) total += w.length;
    this.chars = new Uint16Array(total);
    this.starts = new Int32Array(words.length + 1);
    let p = 0;
    for (let i = 0; i < words.length; i++) {
      this.starts[i] = p;
      for (let j = 0; j < words[i].length; j++) this.chars[p++] = words[i].charCodeAt(j);
    }
    this.starts[words.length] = p;
    let cap = 1;
    while (cap < words.length * 2.5) cap <<= 1;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    for (let id = 1; id < words.length; id++) {
      if (words[id] === '') continue;
      let h = WordTable.HASH_SEED;
      for (let j = 0; j < words[id].length; j++) h = WordTable.step(h, words[id].charCodeAt(j));
      let s = this.slot(h);
      while (this.slots[s] !== 0) {
        // Keep the first (most frequent) id for a duplicated word.
        if (this.equalsWord(this.slots[s], words[id])) break;
        s = (s + 1) & this.mask;
      }
      if (this.slots[s] === 0) this.slots[s] = id;
    }
  }

  private slot(h: number): number {
    return (h ^ (h >>> 15)) & this.mask;
  }

  private equalsWord(id: number, w: string): boolean {
    const s = this.starts[id];
    if (this.starts[id + 1] - s !== w.length) return false;
    for (let j = 0; j < w.length; j++) if (this.chars[s + j] !== w.charCodeAt(j)) return false;
    return true;
  }

  /**
   * Id of the word text[start, end) as seen through `fold` (code unit → code unit), whose hash
   * over the folded units is `h`; 0 when absent.
   */
  lookup(text: string, start: number, end: number, h: number, fold: Uint16Array): number {
    const len = end - start;
    const chars = this.chars;
    const starts = this.starts;
    let s = this.slot(h);
    for (;;) {
      const id = this.slots[s];
      if (id === 0) return 0;
      const ws = starts[id];
      if (starts[id + 1] - ws === len) {
        let j = 0;
        while (j < len) {
          const c = text.charCodeAt(start + j);
          if (chars[ws + j] !== (fold[c] || c)) break;
          j++;
        }
        if (j === len) return id;
      }
      s = (s + 1) & this.mask;
    }
  }

  /** Id of an already folded word; 0 when absent. */
  get(w: string): number {
    let h = WordTable.HASH_SEED;
    for (let j = 0; j < w.length; j++) h = WordTable.step(h, w.charCodeAt(j));
    return this.lookup(w, 0, w.length, h, IDENTITY);
  }

  has(w: string): boolean {
    return this.get(w) > 0;
  }

  /** The word with this id ('' for 0 or out of range). */
  word(id: number): string {
    if (id <= 0 || id >= this.size) return '';
    return String.fromCharCode(...this.chars.subarray(this.starts[id], this.starts[id + 1]));
  }
}

const IDENTITY = new Uint16Array(0);
