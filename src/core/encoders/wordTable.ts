/**
 * The vocabulary as an open-addressing hash table keyed by two independent 32-bit hashes of a
 * word's UTF-16 code units, so a word can be looked up straight from the units the scanner has
 * just folded, without creating a string. Each slot holds [hash1, hash2, id] side by side: one
 * cache miss per lookup (a Map, or a table that verifies characters in a separate array, costs
 * three). Two different words would have to collide on both hashes (odds ~2^-64 per lookup) to be
 * confused. Word n of the list gets id n; id 0 means "not found" (and padding).
 */
const HOT_SIZE = 4096;
const HOT_MASK = HOT_SIZE - 1;

export class WordTable {
  static readonly SEED1 = 0x811c9dc5 | 0;
  static readonly SEED2 = 0x2545f491 | 0;

  /** FNV-1a step over one code unit. */
  static step1(h: number, c: number): number {
    return Math.imul(h ^ c, 0x01000193);
  }

  /** A second, independent multiplicative step. */
  static step2(h: number, c: number): number {
    return Math.imul(h ^ c, 0x5bd1e995) ^ (h >>> 13);
  }

  private readonly slots: Int32Array;
  private readonly hot = new Int32Array(HOT_SIZE * 3);
  private readonly mask: number;
  private readonly words: readonly string[];
  readonly size: number;

  /** `words[0]` is ignored (id 0 is reserved). */
  constructor(words: readonly string[]) {
    this.words = words;
    this.size = words.length;
    let cap = 1;
    while (cap < words.length * 1.4) cap <<= 1;
    this.slots = new Int32Array(cap * 3);
    this.mask = cap - 1;
    for (let id = 1; id < words.length; id++) {
      const w = words[id];
      if (w === '') continue;
      let h1 = WordTable.SEED1;
      let h2 = WordTable.SEED2;
      for (let j = 0; j < w.length; j++) {
        h1 = WordTable.step1(h1, w.charCodeAt(j));
        h2 = WordTable.step2(h2, w.charCodeAt(j));
      }
      // Keep the first (most frequent) id of a duplicated word.
      if (this.find(h1, h2) !== 0) continue;
      let s = this.slot(h1);
      while (this.slots[s * 3 + 2] !== 0) s = (s + 1) & this.mask;
      this.slots[s * 3] = h1;
      this.slots[s * 3 + 1] = h2;
      this.slots[s * 3 + 2] = id;
    }
  }

  private slot(h1: number): number {
    return (h1 ^ (h1 >>> 15)) & this.mask;
  }

  /** Id of the word with these two hashes; 0 when absent. */
  lookup(h1: number, h2: number): number {
    // A small direct-mapped cache in front of the big table: text is Zipfian, so most lookups
    // are for a few thousand words whose entries then stay in the CPU cache.
    const hot = this.hot;
    const k = (h1 & HOT_MASK) * 3;
    if (hot[k] === h1 && hot[k + 1] === h2 && hot[k + 2] !== 0) return hot[k + 2];
    const id = this.find(h1, h2);
    hot[k] = h1;
    hot[k + 1] = h2;
    hot[k + 2] = id;
    return id;
  }

  private find(h1: number, h2: number): number {
    const slots = this.slots;
    let s = this.slot(h1);
    for (;;) {
      const id = slots[s * 3 + 2];
      if (id === 0) return 0;
      if (slots[s * 3] === h1 && slots[s * 3 + 1] === h2) return id;
      s = (s + 1) & this.mask;
    }
  }

  /** Id of an already folded word; 0 when absent. */
  get(w: string): number {
    if (w === '') return 0;
    let h1 = WordTable.SEED1;
    let h2 = WordTable.SEED2;
    for (let j = 0; j < w.length; j++) {
      h1 = WordTable.step1(h1, w.charCodeAt(j));
      h2 = WordTable.step2(h2, w.charCodeAt(j));
    }
    return this.lookup(h1, h2);
  }

  has(w: string): boolean {
    return this.get(w) > 0;
  }

  /** The word with this id ('' for 0 or out of range). */
  word(id: number): string {
    return id > 0 && id < this.size ? this.words[id] : '';
  }
}
