import type { CandidateSpan } from '../types';

/** Where a span is, without its text: what the session keeps per span. */
export type SpanPlace = Omit<CandidateSpan, 'text'>;

/** Bytes of a packed id: spanId is 24 hex digits (96 bits of SHA-256). */
const ID_BYTES = 12;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Writes a 24-hex-digit id as 12 bytes at `at`; false (nothing written) for any other id. */
function packId(id: string, out: Uint8Array, at: number): boolean {
  if (id.length !== ID_BYTES * 2) return false;
  for (let i = 0; i < ID_BYTES; i++) {
    const hi = hexNibble(id.charCodeAt(2 * i));
    const lo = hexNibble(id.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return false;
    out[at + i] = (hi << 4) | lo;
  }
  return true;
}

/**
 * The candidate spans of a session in columns rather than one object per span: ids packed 12 bytes
 * each with an open-addressing index for id → row, a file index into the distinct paths, and the
 * offsets and lines in Int32Arrays; the texts only when asked to keep them (the session reads a
 * span's text from its file when the panel shows it, see LabelingSession). At a million spans over
 * ten thousand files: ~35 MB, against ~300 MB for the span objects and an id → row Map.
 * Ids that are not spanId's 24 hex digits (hand-made corpora) are kept as strings with a Map.
 */
export class SpanTable {
  readonly length: number;
  private readonly paths: string[] = [];
  private readonly fileOf: Int32Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly lines: Int32Array;
  private readonly packed: Uint8Array | undefined;
  /** id → row for packed ids: row + 1 at a slot, 0 = empty; capacity a power of two ≥ 2 × rows. */
  private readonly slots: Int32Array | undefined;
  private readonly idStrings: string[] | undefined;
  private readonly byString: Map<string, number> | undefined;
  private readonly texts: string[] | undefined;

  constructor(spans: readonly CandidateSpan[], opts: { readonly keepTexts: boolean }) {
    const n = spans.length;
    this.length = n;
    this.fileOf = new Int32Array(n);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.lines = new Int32Array(n);
    const fileIndex = new Map<string, number>();
    let packed: Uint8Array | undefined = new Uint8Array(n * ID_BYTES);
    for (let i = 0; i < n; i++) {
      const s = spans[i];
      let f = fileIndex.get(s.file);
      if (f === undefined) {
        f = this.paths.length;
        this.paths.push(s.file);
        fileIndex.set(s.file, f);
      }
      this.fileOf[i] = f;
      this.starts[i] = s.start;
      this.ends[i] = s.end;
      this.lines[i] = s.line;
      if (packed && !packId(s.id, packed, i * ID_BYTES)) packed = undefined;
    }
    if (packed) {
      this.packed = packed;
      let cap = 1;
      while (cap < 2 * n) cap *= 2;
      this.slots = new Int32Array(cap);
      // Later spans win a duplicated id, as a Map filled in order would.
      for (let i = 0; i < n; i++) {
        const at = this.find(packed, i * ID_BYTES);
        this.slots[at] = i + 1;
      }
    } else {
      this.idStrings = spans.map((s) => s.id);
      this.byString = new Map(spans.map((s, i) => [s.id, i]));
    }
    if (opts.keepTexts) this.texts = spans.map((s) => s.text);
  }

  /** The slot holding the id packed at bytes[from ..], or the empty slot where it would go. */
  private find(bytes: Uint8Array, from: number): number {
    const slots = this.slots!;
    const mask = slots.length - 1;
    const ids = this.packed!;
    // The id is a hash already: its first four bytes spread rows evenly.
    let h = (bytes[from] | (bytes[from + 1] << 8) | (bytes[from + 2] << 16) | (bytes[from + 3] << 24)) & mask;
    for (;;) {
      const row = slots[h] - 1;
      if (row < 0) return h;
      let same = true;
      for (let b = 0; b < ID_BYTES && same; b++) same = ids[row * ID_BYTES + b] === bytes[from + b];
      if (same) return h;
      h = (h + 1) & mask;
    }
  }

  /** The row of a span id, if it is one of the table's. */
  rowOf(id: string): number | undefined {
    if (this.byString) return this.byString.get(id);
    const key = new Uint8Array(ID_BYTES);
    if (!packId(id, key, 0)) return undefined;
    const row = this.slots![this.find(key, 0)] - 1;
    return row >= 0 ? row : undefined;
  }

  id(row: number): string {
    if (this.idStrings) return this.idStrings[row];
    const p = this.packed!;
    let s = '';
    for (let b = 0; b < ID_BYTES; b++) s += HEX[p[row * ID_BYTES + b]];
    return s;
  }

  place(row: number): SpanPlace {
    return { id: this.id(row), file: this.paths[this.fileOf[row]], start: this.starts[row], end: this.ends[row], line: this.lines[row] };
  }

  /** The span's text when the table keeps texts; undefined when it is read from the file instead. */
  text(row: number): string | undefined {
    return this.texts?.[row];
  }

  /** Distinct files, in corpus order. */
  get files(): readonly string[] {
    return this.paths;
  }
}
