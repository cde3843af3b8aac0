import type { CandidateSpan } from '../types';

/** Where a span is, without its text: what the session keeps per span. */
export type SpanPlace = Omit<CandidateSpan, 'text'>;

/** Bytes of a packed id: spanId is 24 hex digits (96 bits of SHA-256). */
export const ID_BYTES = 12;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Writes a 24-hex-digit id as 12 bytes at `at`; false (nothing written) for any other id. */
export function packId(id: string, out: Uint8Array, at: number): boolean {
  return id.length === ID_BYTES * 2 && packIdAt(id, 0, out, at);
}

/** packId of the 24 characters of `s` from `from`; false (possibly partly written) when they are not lower-case hex digits. */
function packIdAt(s: string, from: number, out: Uint8Array, at: number): boolean {
  for (let i = 0; i < ID_BYTES; i++) {
    const hi = hexNibble(s.charCodeAt(from + 2 * i));
    const lo = hexNibble(s.charCodeAt(from + 2 * i + 1));
    if (hi < 0 || lo < 0) return false;
    out[at + i] = (hi << 4) | lo;
  }
  return true;
}

/**
 * A SpanTable's columns: `length` rows; per row its file (index into `paths`), offsets and line;
 * ids packed 12 bytes a row, or (when some id is not spanId's 24 hex digits) as strings.
 */
export interface SpanColumns {
  readonly length: number;
  readonly paths: readonly string[];
  readonly fileOf: Int32Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly lines: Int32Array;
  readonly packed?: Uint8Array;
  readonly idStrings?: readonly string[];
}

function columnsOf(spans: readonly CandidateSpan[]): SpanColumns {
  const b = new SpanTableBuilder(spans.length);
  for (const s of spans) b.add(s.id, s.file, s.start, s.end, s.line);
  return b.columns();
}

/** A larger copy of `a` (length `cap`) holding its first `used` elements. */
function grown<T extends Int32Array | Uint8Array>(a: T, cap: number, used: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a.subarray(0, used));
  return b;
}

/**
 * Builds SpanColumns row by row (or a run of rows at a time), with no span object kept: what the
 * first open streams the corpus into. Capacity grows by half when exceeded; reserve() sets it
 * once the total is known or estimated.
 */
export class SpanTableBuilder {
  private n = 0;
  private cap: number;
  private readonly paths: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  private fileOf: Int32Array;
  private starts: Int32Array;
  private ends: Int32Array;
  private lines: Int32Array;
  private packed: Uint8Array | undefined;
  /** Set (and `packed` dropped) at the first id that is not 24 hex digits. */
  private idStrings: string[] | undefined;

  constructor(capacity = 1024) {
    this.cap = Math.max(1, capacity);
    this.fileOf = new Int32Array(this.cap);
    this.starts = new Int32Array(this.cap);
    this.ends = new Int32Array(this.cap);
    this.lines = new Int32Array(this.cap);
    this.packed = new Uint8Array(this.cap * ID_BYTES);
  }

  get length(): number {
    return this.n;
  }

  /** Room for `total` rows in all. */
  reserve(total: number): void {
    if (total <= this.cap) return;
    const used = this.n;
    this.cap = total;
    this.fileOf = grown(this.fileOf, total, used);
    this.starts = grown(this.starts, total, used);
    this.ends = grown(this.ends, total, used);
    this.lines = grown(this.lines, total, used);
    if (this.packed) this.packed = grown(this.packed, total * ID_BYTES, used * ID_BYTES);
  }

  private room(extra: number): void {
    if (this.n + extra > this.cap) this.reserve(Math.max(this.n + extra, Math.ceil(this.cap * 1.5)));
  }

  private fileNumber(file: string): number {
    let f = this.fileIndex.get(file);
    if (f === undefined) {
      f = this.paths.length;
      this.paths.push(file);
      this.fileIndex.set(file, f);
    }
    return f;
  }

  /** Appends one span; returns its row. */
  add(id: string, file: string, start: number, end: number, line: number): number {
    this.room(1);
    const i = this.n++;
    this.fileOf[i] = this.fileNumber(file);
    this.starts[i] = start;
    this.ends[i] = end;
    this.lines[i] = line;
    if (this.packed && !packId(id, this.packed, i * ID_BYTES)) this.unpack(i);
    if (this.idStrings) this.idStrings[i] = id;
    return i;
  }

  /**
   * Appends one span whose id is `ids`[at .. at + len) (a packed read's joined ids: no string is
   * made for a 24-hex-digit id); returns its row.
   */
  addIdAt(ids: string, at: number, len: number, file: string, start: number, end: number, line: number): number {
    this.room(1);
    const i = this.n;
    if (this.packed && len === ID_BYTES * 2 && packIdAt(ids, at, this.packed, i * ID_BYTES)) {
      this.n++;
      this.fileOf[i] = this.fileNumber(file);
      this.starts[i] = start;
      this.ends[i] = end;
      this.lines[i] = line;
      return i;
    }
    return this.add(ids.slice(at, at + len), file, start, end, line);
  }

  /**
   * Appends `count` spans of one file: offsets and lines from `starts`/`ends`/`lines` at `from`,
   * ids packed 12 bytes each in `ids` from row `from` (a corpus manifest's columns).
   */
  addPacked(file: string, count: number, from: number, starts: Int32Array, ends: Int32Array, lines: Int32Array, ids: Uint8Array): void {
    if (count === 0) return;
    this.room(count);
    const at = this.n;
    this.fileOf.fill(this.fileNumber(file), at, at + count);
    this.starts.set(starts.subarray(from, from + count), at);
    this.ends.set(ends.subarray(from, from + count), at);
    this.lines.set(lines.subarray(from, from + count), at);
    if (this.packed) this.packed.set(ids.subarray(from * ID_BYTES, (from + count) * ID_BYTES), at * ID_BYTES);
    else for (let i = 0; i < count; i++) this.idStrings![at + i] = hexOf(ids, (from + i) * ID_BYTES);
    this.n += count;
  }

  /** From row `upto` on, ids are strings: the rows before are turned into strings too. */
  private unpack(upto: number): void {
    const p = this.packed!;
    this.idStrings = Array.from({ length: upto }, (_, r) => hexOf(p, r * ID_BYTES));
    this.packed = undefined;
  }

  /** The columns so far (views of the builder's arrays: add nothing after). */
  columns(): SpanColumns {
    const n = this.n;
    return {
      length: n,
      paths: this.paths,
      fileOf: this.fileOf.subarray(0, n),
      starts: this.starts.subarray(0, n),
      ends: this.ends.subarray(0, n),
      lines: this.lines.subarray(0, n),
      ...(this.packed ? { packed: this.packed.subarray(0, n * ID_BYTES) } : { idStrings: this.idStrings! }),
    };
  }
}

function hexOf(bytes: Uint8Array, at: number): string {
  let s = '';
  for (let b = 0; b < ID_BYTES; b++) s += HEX[bytes[at + b]];
  return s;
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
  private readonly paths: string[];
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

  /**
   * From span objects (small corpora, tests, fakes), or from columns built without any (the first
   * open streams files into a SpanTableBuilder; the manifest's rows go straight in).
   */
  constructor(spans: readonly CandidateSpan[] | SpanColumns, opts: { readonly keepTexts: boolean } = { keepTexts: false }) {
    const cols = Array.isArray(spans) ? columnsOf(spans as readonly CandidateSpan[]) : (spans as SpanColumns);
    const n = cols.length;
    this.length = n;
    this.paths = [...cols.paths];
    this.fileOf = cols.fileOf;
    this.starts = cols.starts;
    this.ends = cols.ends;
    this.lines = cols.lines;
    const packed = cols.packed;
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
      const ids = cols.idStrings!;
      this.idStrings = [...ids];
      this.byString = new Map(ids.map((id, i) => [id, i]));
    }
    if (opts.keepTexts && Array.isArray(spans)) this.texts = (spans as readonly CandidateSpan[]).map((s) => s.text);
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
    return hexOf(this.packed!, row * ID_BYTES);
  }

  /** The file of a row's span (place(row).file without building the place). */
  file(row: number): string {
    return this.paths[this.fileOf[row]];
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
