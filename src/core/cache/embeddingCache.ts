import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LabelwiseError } from '../errors';
import { hash128 } from '../text/fastHash';
import { silentLogger, type CompactMatrix, type Logger, type Vectors } from '../types';
import { isCompact, quantise, quantiseRowInto } from '../features/compactVectors';
import { MAGIC_BYTES, checkWords, clearFiles, replaceFile, writeMagic, type CheckedFormat } from './checkedFile';
import { SerialQueue } from '../util/serialQueue';

/*
 * On-disk format: one file per encoder id, `<slug>-<sha256(id)[:12]>.lwcache`, little-endian.
 *
 *   file header  "LWEMBC04" (checkedFile.ts) | u32 version | u32 dim | u32 idBytes | u32 0 | 8 bytes 0 | id (UTF-8, padded to 4)
 *   chunk        u32 "LWCK" | u32 n | u32 keysCheck | u32 headCheck
 *                n × (u32×4 key = MurmurHash3-128 of the text | u32 vectorCheck)
 *                n × (f32 scale | dim i8 codes, padded to 4) vectors, in key order
 *
 * A vector is stored as the engine holds it (compactVectors.ts): int8 codes and one scale, the
 * quantisation of the encoder's float32 row, a quarter of its bytes. Format 3 stored the float32
 * rows; such a file is not read (its vectors are not the codes) but started afresh, with a log line.
 *
 * Each flush appends one chunk in one write. Opening reads only the headers and keys (20 bytes a
 * text); vectors are read when looked up, straight into the result, so re-opening an unchanged
 * corpus touches each vector once and stale entries cost nothing. A crash mid-append leaves a
 * short or garbled last chunk: it is ignored (its checks or its length fail) and the next write
 * rewrites the file (temp file + rename) without it, so earlier entries are never lost. A vector
 * whose check fails on read (a zeroed page after a power loss) counts as a miss and is re-encoded.
 * The header holds the full encoder id and dim; a file whose header does not match is treated as
 * empty, so one model never sees another model's vectors.
 */
/** Format 4: compact rows (int8 codes + scale). Format 3 stored float32 rows; format 2 had other checks. */
const FORMAT: CheckedFormat = { magic: 'LWEMBC04', ext: '.lwcache' };
const OLD_MAGICS = ['LWEMBC02', 'LWEMBC03'];
const VERSION = 4;
const FIXED_HEADER = 32;
const CHUNK_MAGIC = 0x4b43574c; // "LWCK"
const CHUNK_HEAD = 16;
const KEY_WORDS = 4;
/** Key words plus the vector check. */
const ENTRY_WORDS = KEY_WORDS + 1;
/**
 * Missing texts are encoded and persisted in chunks of this many, so an interrupted encode keeps
 * most of its work. Large, because the encoder sorts a call's texts by length into batches and a
 * small call pads more (2048-text calls: 1.3× the CPU of one call over 100 k texts, 16 k: 1.0×), and
 * the first open splits each call over its threads (src/core/session/openPool.ts).
 */
const ENCODE_CHUNK = 16384;
/**
 * More chunks than this and the next write compacts the file into one (reading every row back).
 * A first open appends one chunk per 8192 texts (corpusManifest.ts): 256 keeps a 2 M-text first
 * open from compacting in its middle.
 */
const MAX_CHUNKS = 256;
/**
 * Lookups needing more separate file ranges than this read the covering range in one go and copy
 * from it; fewer are read straight into the result (no second buffer to allocate and fill).
 */
const MAX_DIRECT_READS = 2048;

export interface CacheLookup {
  /** texts.length × dim, compact; rows of missing texts are zero (codes and scale). */
  readonly vectors: CompactMatrix;
  /** Indexes (into texts) of the texts not in the cache, ascending. */
  readonly missing: number[];
  /** The texts' keys (4 words each), so that putting the missing ones does not hash them again. */
  readonly keys?: Int32Array;
}

export interface CachedEncoding {
  /** As the engine holds them: quantise() of the encoder's rows (compactVectors.ts). */
  readonly vectors: CompactMatrix;
  /** Texts served from the cache. */
  readonly hits: number;
  /** Texts that had to be encoded (a missing text counts once per occurrence). */
  readonly misses: number;
}

export type CacheProgress = (encoded: number, toEncode: number) => void;

/** What encodeWithCache needs of an encoder: an Encoder, or one whose rows come back compact already. */
export interface CacheEncoder {
  readonly id: string;
  readonly dim: number;
  encode(texts: readonly string[]): Promise<Vectors>;
}

/**
 * An embedding cache keyed by encoder id and text: a second open of an unchanged corpus encodes
 * nothing, a changed span re-encodes only that span. One instance per (dir, encoder id). It keeps
 * keys in memory (~40 bytes a text) and vectors on disk; vectors added in this session stay in
 * memory only until they are safely written. It holds no open file between calls, so there is
 * nothing to close. Reads are synchronous (page-cache reads of a few MB): use it off the UI
 * thread, as the engine worker and the CLI do.
 */
export class EmbeddingCache {
  private count = 0;
  private keys = new Int32Array(1024 * KEY_WORDS);
  private vchecks = new Int32Array(1024);
  /** Where row r's vector is: ≥ 0 a byte offset in the file; < 0 `-(m + 1)` for session row m. */
  private where = new Float64Array(1024);
  /** Open-addressing table: slot → row + 1 (0 = empty). Capacity is a power of two. */
  private table = new Int32Array(2048);
  private distinct = 0;
  /**
   * Vectors added in this session: blocks as the encoder returned them (not copied), and for
   * session row m its block and row in the block.
   */
  private memBlocks: Uint8Array[] = [];
  private memBlockOf = new Int32Array(1024);
  private memRowOf = new Int32Array(1024);
  /**
   * Session row m's row in keys/where (set by addRow): a write or a release looks at the session
   * rows since the last one instead of every row (1 M rows, one write per 8192: a scan of every
   * row per write grew with the square of the corpus).
   */
  private rowOfMem = new Int32Array(1024);
  /** Session rows below this one are not held in memory any more (on disk, or superseded). */
  private memHeldFrom = 0;
  private memCount = 0;
  /** Session rows [0, memPersisted) are already in the file. */
  private memPersisted = 0;
  /** The file the offsets refer to (dev:ino), or '' when no row is on disk. */
  private fileIdentity = '';
  private chunks = 0;
  /** Whether the next write must rewrite the file whole (missing, foreign header, bad tail, too many chunks). */
  private rewrite = true;
  /** Writes to the file, one at a time in order; a failed one does not stop the next. */
  private readonly writes = new SerialQueue();
  /** Bytes of a stored row: scale, codes, padding to 4. */
  private readonly rowBytes: number;
  private readonly header: Buffer;

  private constructor(
    readonly file: string,
    readonly encoderId: string,
    readonly dim: number,
    private readonly logger: Logger,
  ) {
    this.rowBytes = rowBytesOf(dim);
    this.header = makeHeader(encoderId, dim);
  }

  /**
   * Opens (or starts) the cache of `encoderId` in `dir`. Never throws for a missing, truncated,
   * foreign or corrupt file (it is started afresh and the reason logged); throws only for bad
   * arguments.
   */
  static async open(dir: string, encoderId: string, dim: number, logger: Logger = silentLogger): Promise<EmbeddingCache> {
    if (!encoderId) throw new LabelwiseError('embedding cache: the encoder id is empty');
    if (!Number.isInteger(dim) || dim <= 0) throw new LabelwiseError(`embedding cache: bad dimension ${dim}`);
    const cache = new EmbeddingCache(join(dir, cacheFileName(encoderId)), encoderId, dim, logger);
    await cache.load();
    return cache;
  }

  /** Removes every cache file in `dir` (all encoders). Other files are left alone. */
  static clear(dir: string): Promise<number> {
    return clearFiles(dir, FORMAT);
  }

  /** Number of distinct cached texts. */
  get size(): number {
    return this.distinct;
  }

  /** Reads the chunk headers and keys of the file (not the vectors). */
  private async load(): Promise<void> {
    // Reads are synchronous: they are small (headers and keys) and come from the page cache, and
    // a round trip through the thread pool per read costs more than the read.
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn(`embedding cache ${this.file}: cannot read (${(e as Error).message}); starting empty`);
      return;
    }
    try {
      const st = fstatSync(fd);
      const size = st.size;
      const h = this.header;
      const head = readAt(fd, 0, Math.min(size, h.length));
      if (head.length < h.length || !head.equals(h)) {
        const magic = head.toString('latin1', 0, MAGIC_BYTES);
        if (OLD_MAGICS.includes(magic)) this.logger.warn(`embedding cache ${this.file}: written by an older Labelwise (float32 vectors); starting a compact one (its texts are encoded again)`);
        else this.logger.warn(`embedding cache ${this.file}: written for another model or format; starting empty`);
        return;
      }
      let pos = h.length;
      let clean = true;
      while (pos < size) {
        const ch = readAt(fd, pos, CHUNK_HEAD);
        const n = ch.length === CHUNK_HEAD ? ch.readUInt32LE(4) : -1;
        const keysCheck = n >= 0 ? ch.readInt32LE(8) : 0;
        if (n <= 0 || ch.readUInt32LE(0) !== CHUNK_MAGIC || ch.readInt32LE(12) !== headCheck(n, keysCheck)) {
          clean = false;
          break;
        }
        const keysAt = pos + CHUNK_HEAD;
        const vecsAt = keysAt + n * ENTRY_WORDS * 4;
        const end = vecsAt + n * this.rowBytes;
        if (end > size) {
          clean = false;
          break;
        }
        const kb = readAt(fd, keysAt, n * ENTRY_WORDS * 4);
        const entries = new Int32Array(kb.buffer, kb.byteOffset, Math.floor(kb.length / 4));
        if (entries.length !== n * ENTRY_WORDS || mix(entries, 0, entries.length) !== keysCheck) {
          clean = false;
          break;
        }
        this.reserve(n);
        for (let i = 0; i < n; i++) this.addRow(entries, i * ENTRY_WORDS, entries[i * ENTRY_WORDS + KEY_WORDS], vecsAt + i * this.rowBytes);
        this.chunks++;
        pos = end;
      }
      this.fileIdentity = `${st.dev}:${st.ino}`;
      this.rewrite = !clean || this.chunks > MAX_CHUNKS;
      if (!clean) this.logger.warn(`embedding cache ${this.file}: ignored a damaged tail after ${this.count} entries (an interrupted write); it will be rewritten`);
    } catch (e) {
      this.logger.warn(`embedding cache ${this.file}: cannot read (${(e as Error).message}); starting empty`);
      this.resetRows();
    } finally {
      closeSync(fd);
    }
  }

  private resetRows(): void {
    this.count = 0;
    this.distinct = 0;
    this.table.fill(0);
    this.fileIdentity = '';
    this.chunks = 0;
    this.rewrite = true;
  }

  /** Room for `extra` more rows. */
  private reserve(extra: number): void {
    const need = this.count + extra;
    if (need > this.where.length) {
      const cap = Math.max(need, this.where.length * 2);
      this.keys = grown(this.keys, cap * KEY_WORDS, this.count * KEY_WORDS);
      this.vchecks = grown(this.vchecks, cap, this.count);
      this.where = grown(this.where, cap, this.count);
    }
    if (need * 2 > this.table.length) {
      let size = this.table.length;
      while (need * 2 > size) size *= 2;
      const old = this.table;
      this.table = new Int32Array(size);
      const mask = size - 1;
      for (const slot of old) {
        if (slot === 0) continue;
        let s = this.keys[(slot - 1) * KEY_WORDS] & mask;
        while (this.table[s] !== 0) s = (s + 1) & mask;
        this.table[s] = slot;
      }
    }
  }

  /** Table slot of the key at key[o..o+4): its index, holding 0 when absent. */
  private slotOf(key: Int32Array, o: number): number {
    const mask = this.table.length - 1;
    const k0 = key[o];
    const k1 = key[o + 1];
    const k2 = key[o + 2];
    const k3 = key[o + 3];
    const keys = this.keys;
    for (let s = k0 & mask; ; s = (s + 1) & mask) {
      const slot = this.table[s];
      if (slot === 0) return s;
      const r = (slot - 1) * KEY_WORDS;
      if (keys[r] === k0 && keys[r + 1] === k1 && keys[r + 2] === k2 && keys[r + 3] === k3) return s;
    }
  }

  /** Adds a row (room reserved); a later row of the same key replaces the earlier one. */
  private addRow(key: Int32Array, o: number, vcheck: number, where: number): void {
    const r = this.count++;
    for (let k = 0; k < KEY_WORDS; k++) this.keys[r * KEY_WORDS + k] = key[o + k];
    this.vchecks[r] = vcheck;
    this.where[r] = where;
    if (where < 0) this.rowOfMem[-where - 1] = r;
    const s = this.slotOf(key, o);
    if (this.table[s] === 0) this.distinct++;
    this.table[s] = r + 1;
  }

  private forget(row: number): void {
    const s = this.slotOf(this.keys, row * KEY_WORDS);
    if (this.table[s] !== row + 1) return;
    // Backward-shift deletion keeps linear probing correct without tombstones.
    const mask = this.table.length - 1;
    let hole = s;
    this.table[hole] = 0;
    this.distinct--;
    for (let j = (hole + 1) & mask; this.table[j] !== 0; j = (j + 1) & mask) {
      const home = this.keys[(this.table[j] - 1) * KEY_WORDS] & mask;
      // Move the entry back if the hole lies cyclically in [home, j).
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        this.table[hole] = this.table[j];
        this.table[j] = 0;
        hole = j;
      }
    }
  }

  /** Keys of the texts (4 words each). */
  private keysOf(texts: readonly string[]): Int32Array {
    const keys = new Int32Array(texts.length * KEY_WORDS);
    for (let i = 0; i < texts.length; i++) hash128(texts[i], keys, i * KEY_WORDS);
    return keys;
  }

  /** Cached vectors of the texts and which are missing. Reads the file, never writes it. */
  async lookup(texts: readonly string[]): Promise<CacheLookup> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.tryLookup(texts);
      if (r) return r;
      // The file was replaced by another process (compacted or repaired): re-read its index.
      if (attempt > 0) {
        this.logger.warn(`embedding cache ${this.file}: the file keeps changing; serving this session's vectors only`);
        this.dropFileRows();
        return (await this.tryLookup(texts))!;
      }
      this.dropFileRows();
      await this.load();
    }
  }

  /** Forgets the rows that live in the file, keeping this session's rows. */
  private dropFileRows(): void {
    const memRows: number[] = [];
    for (let r = 0; r < this.count; r++) if (this.where[r] < 0 && this.isLive(r)) memRows.push(r);
    const keys = this.keys.slice(0, this.count * KEY_WORDS);
    const where = this.where.slice(0, this.count);
    const vchecks = this.vchecks.slice(0, this.count);
    this.resetRows();
    this.reserve(memRows.length);
    for (const r of memRows) this.addRow(keys, r * KEY_WORDS, vchecks[r], where[r]);
    // This session's rows must go into whatever file is there now.
    this.memPersisted = 0;
    this.memHeldFrom = 0;
  }

  /** undefined when the file is not the one the offsets refer to. */
  private async tryLookup(texts: readonly string[]): Promise<CacheLookup | undefined> {
    const keys = this.keysOf(texts);
    const rb = this.rowBytes;
    const data = new Uint8Array(texts.length * rb);
    const rowOf = new Int32Array(texts.length);
    const fromFile = new Int32Array(texts.length);
    let nFromFile = 0;
    for (let i = 0; i < texts.length; i++) {
      const slot = this.table[this.slotOf(keys, i * KEY_WORDS)];
      const row = slot - 1;
      rowOf[i] = row;
      if (row < 0) continue;
      const w = this.where[row];
      if (w >= 0) {
        fromFile[nFromFile++] = i;
      } else {
        const m = -w - 1;
        const block = this.memBlocks[this.memBlockOf[m]];
        const from = this.memRowOf[m] * rb;
        data.set(block.subarray(from, from + rb), i * rb);
      }
    }
    if (nFromFile > 0) {
      const ok = await this.readRows(fromFile.subarray(0, nFromFile), rowOf, data);
      if (!ok) return undefined;
    }
    const missing: number[] = [];
    for (let i = 0; i < texts.length; i++) if (rowOf[i] < 0) missing.push(i);
    return { vectors: unpackRows(data, texts.length, this.dim), missing, keys };
  }

  /**
   * Reads the vectors of texts `idx` (rows rowOf[i], all in the file) into data. Runs of texts
   * whose vectors are adjacent in the file are read straight into place; when there are too many
   * runs, the covering byte range is read once and copied from. A row whose check fails becomes a
   * miss (rowOf[i] = -1) and is forgotten, so it is encoded again.
   */
  private async readRows(idx: Int32Array, rowOf: Int32Array, data: Uint8Array): Promise<boolean> {
    // Synchronous for the same reason as load(): page-cache reads, many of them.
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return false;
    }
    const rb = this.rowBytes;
    const rowWords = rb >> 2;
    try {
      const st = fstatSync(fd);
      if (`${st.dev}:${st.ino}` !== this.fileIdentity) return false;
      const out = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      // Runs: consecutive texts whose rows are consecutive in the file. A repeated text is not
      // read again but copied from its first occurrence afterwards.
      const runs: [number, number, number][] = []; // [first text, count, file offset]
      // By row, for the rows asked only (an array over every row of the cache cost 4 MB a call,
      // once per batch of a 1 M-span first open).
      const firstOf = new Map<number, number>();
      const repeats: [number, number][] = []; // [text, earlier text with the same row]
      for (const i of idx) {
        const seen = firstOf.get(rowOf[i]);
        if (seen !== undefined) {
          repeats.push([i, seen]);
          continue;
        }
        firstOf.set(rowOf[i], i);
        const off = this.where[rowOf[i]];
        const last = runs[runs.length - 1];
        if (last && last[0] + last[1] === i && last[2] + last[1] * rb === off) last[1]++;
        else runs.push([i, 1, off]);
      }
      let lo = Infinity;
      let hi = -Infinity;
      for (const [, n, off] of runs) {
        lo = Math.min(lo, off);
        hi = Math.max(hi, off + n * rb);
      }
      if (hi > st.size) return false;
      if (runs.length <= MAX_DIRECT_READS) {
        for (const [i, n, off] of runs) readInto(fd, out, i * rb, n * rb, off);
      } else {
        const span = readAt(fd, lo, hi - lo);
        for (const [i, n, off] of runs) span.copy(out, i * rb, off - lo, off - lo + n * rb);
      }
      for (const [i, from] of repeats) out.copy(out, i * rb, from * rb, (from + 1) * rb);
      const words = new Int32Array(data.buffer, data.byteOffset, data.length >> 2);
      for (const i of idx) {
        const row = rowOf[i];
        if (vectorCheck(words, i * rowWords, rowWords) !== this.vchecks[row]) {
          this.logger.warn(`embedding cache ${this.file}: a damaged vector will be encoded again`);
          data.fill(0, i * rb, (i + 1) * rb);
          this.forget(row);
          rowOf[i] = -1;
          this.rewrite = true;
        }
      }
      return true;
    } catch (e) {
      this.logger.warn(`embedding cache ${this.file}: cannot read vectors (${(e as Error).message})`);
      return false;
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Stores vectors (row i of `vectors` for texts[i]; float32 rows are quantised) in memory and
   * queues them for the disk; call flush() to write. Rows must have this cache's dim.
   */
  put(texts: readonly string[], vectors: Vectors): void {
    if (vectors.rows !== texts.length || vectors.cols !== this.dim) {
      throw new LabelwiseError(`embedding cache: expected ${texts.length}×${this.dim} vectors, got ${vectors.rows}×${vectors.cols}`);
    }
    this.putOwned(texts, packRows(quantise(vectors), 0, texts.length, this.rowBytes));
  }

  /** put() of packed rows (texts.length × rowBytes), kept as they are. */
  private putOwned(texts: readonly string[], data: Uint8Array, keys: Int32Array = this.keysOf(texts)): void {
    const rowWords = this.rowBytes >> 2;
    this.reserve(texts.length);
    if (this.memCount + texts.length > this.memBlockOf.length) {
      const cap = Math.max(this.memCount + texts.length, this.memBlockOf.length * 2);
      this.memBlockOf = grown(this.memBlockOf, cap, this.memCount);
      this.memRowOf = grown(this.memRowOf, cap, this.memCount);
      this.rowOfMem = grown(this.rowOfMem, cap, this.memCount);
    }
    const block = this.memBlocks.push(data) - 1;
    const words = new Int32Array(data.buffer, data.byteOffset, texts.length * rowWords);
    for (let i = 0; i < texts.length; i++) {
      const m = this.memCount++;
      this.memBlockOf[m] = block;
      this.memRowOf[m] = i;
      this.addRow(keys, i * KEY_WORDS, vectorCheck(words, i * rowWords, rowWords), -(m + 1));
    }
  }

  /**
   * Encodes the texts, taking every vector it can from the cache and encoding each distinct
   * missing text once; new vectors are persisted as they come (in chunks). Write failures are
   * logged, never thrown: the vectors returned are right either way. The encoder may return
   * float32 rows (quantised here) or compact ones (quantised by the encoder, as the first open's
   * workers do): the same codes either way.
   */
  async encodeWithCache(encoder: CacheEncoder, texts: readonly string[], onProgress?: CacheProgress): Promise<CachedEncoding> {
    if (encoder.id !== this.encoderId || encoder.dim !== this.dim) {
      throw new LabelwiseError(`embedding cache: opened for ${this.encoderId} (dim ${this.dim}) but asked to encode with ${encoder.id} (dim ${encoder.dim})`);
    }
    const found = await this.lookup(texts);
    const { codes, scales } = found.vectors;
    const dim = this.dim;
    const rb = this.rowBytes;
    // Distinct missing texts: each is encoded once, into the row of its first occurrence, and
    // copied to the rows of its repeats at the end.
    const todo: string[] = [];
    const todoRow: number[] = [];
    const repeats: number[] = []; // pairs: [row, row of the first occurrence]
    const firstOf = found.keys ? firstByKey(found.keys, found.missing) : firstByText(texts, found.missing);
    for (let j = 0; j < found.missing.length; j++) {
      const i = found.missing[j];
      const first = firstOf[j];
      if (first === i) {
        todo.push(texts[i]);
        todoRow.push(i);
      } else {
        repeats.push(i, first);
      }
    }
    onProgress?.(0, todo.length);
    // Writes run in the background while the next chunk is encoded; they are serialised, and
    // each writes everything put so far, so awaiting the last one awaits them all.
    let written: Promise<void> = Promise.resolve();
    for (let c = 0; c < todo.length; c += ENCODE_CHUNK) {
      const chunk = todo.slice(c, c + ENCODE_CHUNK);
      const m = await encoder.encode(chunk);
      if (m.rows !== chunk.length || m.cols !== dim) {
        throw new LabelwiseError(`encoder ${encoder.id} returned ${m.rows}×${m.cols} vectors for ${chunk.length} texts (dim ${dim})`);
      }
      // Each row straight into its place in the result (quantised there from float32 rows: the
      // same codes as quantise(), without a chunk-sized copy per call).
      const n = chunk.length;
      if (isCompact(m)) {
        for (let j = 0; j < n; j++) {
          const to = todoRow[c + j];
          codes.set(m.codes.subarray(j * dim, (j + 1) * dim), to * dim);
          scales[to] = m.scales[j];
        }
      } else {
        for (let j = 0; j < n; j++) quantiseRowInto(m.data, j * dim, dim, codes, scales, todoRow[c + j]);
      }
      // The lookup hashed every text already (a second hash pass cost ~5 % of a first open).
      let chunkKeys: Int32Array | undefined;
      if (found.keys) {
        chunkKeys = new Int32Array(chunk.length * KEY_WORDS);
        const keys = found.keys;
        // Word by word: a subarray per text would make one object per encoded text.
        for (let j = 0; j < n; j++) {
          const from = todoRow[c + j] * KEY_WORDS;
          for (let k = 0; k < KEY_WORDS; k++) chunkKeys[j * KEY_WORDS + k] = keys[from + k];
        }
      }
      this.putOwned(chunk, packRowsOf(found.vectors, todoRow, c, n, rb), chunkKeys);
      written = this.flushQuietly();
      onProgress?.(Math.min(c + ENCODE_CHUNK, todo.length), todo.length);
    }
    for (let r = 0; r < repeats.length; r += 2) {
      codes.copyWithin(repeats[r] * dim, repeats[r + 1] * dim, (repeats[r + 1] + 1) * dim);
      scales[repeats[r]] = scales[repeats[r + 1]];
    }
    await written;
    return { vectors: found.vectors, hits: texts.length - found.missing.length, misses: found.missing.length };
  }

  /** Writes queued vectors to disk. Throws if the file cannot be written. */
  flush(): Promise<void> {
    return this.writes.run(() => this.writePending());
  }

  private async flushQuietly(): Promise<void> {
    try {
      await this.flush();
    } catch (e) {
      this.logger.warn(`embedding cache ${this.file}: cannot write (${(e as Error).message}); vectors are kept in memory only`);
    }
  }

  private async writePending(): Promise<void> {
    if (this.memPersisted === this.memCount && !this.rewrite) return;
    await mkdir(dirname(this.file), { recursive: true });
    if (this.rewrite) return this.rewriteFile();
    // Append this session's new rows as one chunk, in one write. Session rows come in the order
    // of their rows (addRow numbers both in step), so this is the order of a scan of every row.
    const rows: number[] = [];
    const upto = this.memCount;
    for (let m = this.memPersisted; m < upto; m++) {
      const r = this.heldRow(m);
      if (r >= 0 && this.isLive(r)) rows.push(r);
    }
    if (rows.length > 0) {
      const buffers = this.chunkBuffers(rows, (r) => this.vectorOfMemRow(r));
      const bytes = buffers.reduce((a, b) => a + b.length, 0);
      const fh = await open(this.file, 'a');
      try {
        const before = await fh.stat();
        // One writev is one system call: the chunk lands whole, after whatever is there.
        await fh.writev(buffers);
        const after = await fh.stat();
        // Where it landed is certain only if the file is the one our offsets refer to and
        // nobody else appended meanwhile; then the rows can be read back from the file and the
        // memory copies dropped. Otherwise they simply stay in memory.
        if (`${before.dev}:${before.ino}` === this.fileIdentity && after.size === before.size + bytes) {
          const vecsAt = before.size + CHUNK_HEAD + rows.length * ENTRY_WORDS * 4;
          rows.forEach((r, j) => {
            this.where[r] = vecsAt + j * this.rowBytes;
          });
        }
      } finally {
        await fh.close();
      }
      this.chunks++;
    }
    this.memPersisted = upto;
    this.releaseMemory();
    if (this.chunks > MAX_CHUNKS) this.rewrite = true;
  }

  /** Drops the session's vector blocks once every row can be read back from the file. */
  private releaseMemory(): void {
    // A session row once on disk or superseded never comes back to memory, so the scan resumes
    // where the last one stopped.
    for (let m = this.memHeldFrom; m < this.memCount; m++) {
      const r = this.heldRow(m);
      if (r >= 0 && this.isLive(r)) {
        this.memHeldFrom = m;
        return;
      }
    }
    this.memHeldFrom = this.memCount;
    // Rows still pointing into memory are superseded ones, never read again.
    this.memBlocks = [];
  }

  /** The row whose vector is session row m, held in memory; -1 when none is (it is on disk, or the rows were rebuilt). */
  private heldRow(m: number): number {
    const r = this.rowOfMem[m];
    return r < this.count && this.where[r] === -(m + 1) ? r : -1;
  }

  /** Whether row r is the current row of its key (not superseded or forgotten). */
  private isLive(r: number): boolean {
    return this.table[this.slotOf(this.keys, r * KEY_WORDS)] === r + 1;
  }

  private vectorOfMemRow(r: number): Uint8Array {
    const m = -this.where[r] - 1;
    const from = this.memRowOf[m] * this.rowBytes;
    return this.memBlocks[this.memBlockOf[m]].subarray(from, from + this.rowBytes);
  }

  /**
   * One chunk of the given rows, as buffers to write in order. When the rows are consecutive
   * rows of one session block (the usual case: one encoder call), the vectors are written
   * straight from that block without a copy.
   */
  private chunkBuffers(rows: number[], vectorOf: (row: number, j: number) => Uint8Array): Buffer[] {
    const n = rows.length;
    const rb = this.rowBytes;
    const entries = new Int32Array(n * ENTRY_WORDS);
    for (let j = 0; j < n; j++) {
      const r = rows[j];
      for (let k = 0; k < KEY_WORDS; k++) entries[j * ENTRY_WORDS + k] = this.keys[r * KEY_WORDS + k];
      entries[j * ENTRY_WORDS + KEY_WORDS] = this.vchecks[r];
    }
    let vecs: Uint8Array | undefined;
    const m0 = this.where[rows[0]] < 0 ? -this.where[rows[0]] - 1 : -1;
    if (m0 >= 0) {
      const block = this.memBlockOf[m0];
      const start = this.memRowOf[m0];
      let contiguous = true;
      for (let j = 1; j < n && contiguous; j++) {
        const w = this.where[rows[j]];
        const m = -w - 1;
        contiguous = w < 0 && this.memBlockOf[m] === block && this.memRowOf[m] === start + j;
      }
      if (contiguous) vecs = this.memBlocks[block].subarray(start * rb, (start + n) * rb);
    }
    if (!vecs) {
      vecs = new Uint8Array(n * rb);
      for (let j = 0; j < n; j++) vecs.set(vectorOf(rows[j], j), j * rb);
    }
    const keysCheck = mix(entries, 0, entries.length);
    const head = Buffer.alloc(CHUNK_HEAD);
    head.writeUInt32LE(CHUNK_MAGIC, 0);
    head.writeUInt32LE(n, 4);
    head.writeInt32LE(keysCheck, 8);
    head.writeInt32LE(headCheck(n, keysCheck), 12);
    return [head, Buffer.from(entries.buffer), Buffer.from(vecs.buffer, vecs.byteOffset, vecs.byteLength)];
  }

  /** Header plus one chunk of every live row, written to a temp file and renamed over the old one. */
  private async rewriteFile(): Promise<void> {
    // Rows put while this runs are left for the next append.
    const upto = this.memCount;
    const live: number[] = [];
    for (let r = 0; r < this.count; r++) if (this.isLive(r)) live.push(r);
    const vectors = new Array<Uint8Array>(live.length);
    const fileRows = live.filter((r) => this.where[r] >= 0);
    if (fileRows.length > 0) {
      // Read the surviving vectors from the current file (this also re-checks them).
      const rb = this.rowBytes;
      const probe = new Uint8Array(fileRows.length * rb);
      const rowOf = Int32Array.from(fileRows);
      const ok = await this.readRows(
        Int32Array.from(fileRows, (_, j) => j),
        rowOf,
        probe,
      );
      if (!ok) {
        // The file changed under us: keep only this session's rows.
        this.dropFileRows();
        return this.rewriteFile();
      }
      const posInLive = new Map<number, number>();
      live.forEach((r, j) => posInLive.set(r, j));
      fileRows.forEach((r, j) => {
        if (rowOf[j] >= 0) vectors[posInLive.get(r)!] = probe.subarray(j * rb, (j + 1) * rb);
      });
    }
    const rows: number[] = [];
    const vecs: Uint8Array[] = [];
    live.forEach((r, j) => {
      const v = this.where[r] < 0 ? this.vectorOfMemRow(r) : vectors[j];
      if (v) {
        rows.push(r);
        vecs.push(v);
      }
    });
    this.fileIdentity = await replaceFile(this.file, rows.length > 0 ? [this.header, ...this.chunkBuffers(rows, (_, j) => vecs[j])] : [this.header]);
    // Every live row now lives in the new file (if another process replaces it later, lookups
    // notice and re-read). Rows not written (stale duplicates, damaged) are no longer reachable.
    const vecsAt = this.header.length + CHUNK_HEAD + rows.length * ENTRY_WORDS * 4;
    rows.forEach((r, j) => {
      this.where[r] = vecsAt + j * this.rowBytes;
    });
    this.chunks = rows.length > 0 ? 1 : 0;
    this.memPersisted = upto;
    this.rewrite = false;
    this.releaseMemory();
  }
}

/** File name of an encoder's cache: readable slug plus a hash, so any id maps to a safe name. */
export function cacheFileName(encoderId: string): string {
  const slug = encoderId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(-40).replace(/^[._]+/, '');
  const h = createHash('sha256').update(encoderId).digest('hex').slice(0, 12);
  return `${slug || 'model'}-${h}${FORMAT.ext}`;
}

function makeHeader(encoderId: string, dim: number): Buffer {
  const id = Buffer.from(encoderId, 'utf8');
  const padded = Math.ceil(id.length / 4) * 4;
  const h = Buffer.alloc(FIXED_HEADER + padded);
  writeMagic(h, FORMAT);
  h.writeUInt32LE(VERSION, MAGIC_BYTES);
  h.writeUInt32LE(dim, 12);
  h.writeUInt32LE(id.length, 16);
  id.copy(h, FIXED_HEADER);
  return h;
}

/** A larger copy of `a` (length `cap`) holding its first `used` elements. */
function grown<T extends Int32Array | Float64Array>(a: T, cap: number, used: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a.subarray(0, used));
  return b;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafeSlow(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

function readInto(fd: number, out: Buffer, at: number, length: number, position: number): void {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, out, at + got, length - got, position + got);
    if (n === 0) throw new Error('unexpected end of file');
    got += n;
  }
}

/** Check of a chunk's entries (every byte). */
function mix(words: Int32Array, o: number, n: number): number {
  return checkWords(words, o, o + n, 0);
}

function headCheck(n: number, keysCheck: number): number {
  return mix(Int32Array.of(CHUNK_MAGIC | 0, n, keysCheck), 0, 3);
}

/** Bytes of a stored row of `dim` codes: its scale (f32), the codes, padding to a whole word. */
function rowBytesOf(dim: number): number {
  return 4 + Math.ceil(dim / 4) * 4;
}

/** Rows [from, to) of a compact matrix as stored rows (scale, codes, zero padding), one buffer. */
function packRows(m: CompactMatrix, from: number, to: number, rb: number): Uint8Array {
  const dim = m.cols;
  const out = new Uint8Array((to - from) * rb);
  const view = new DataView(out.buffer);
  const codes = new Uint8Array(m.codes.buffer, m.codes.byteOffset, m.codes.byteLength);
  for (let r = from; r < to; r++) {
    const o = (r - from) * rb;
    view.setFloat32(o, m.scales[r], true);
    out.set(codes.subarray(r * dim, (r + 1) * dim), o + 4);
  }
  return out;
}

/**
 * For each of the texts `idx` (ascending), the first of them with the same key (itself when it is
 * the first): by the keys the lookup computed, in a small open-addressing table. The cache already
 * takes equal keys for equal texts; a Map of the texts themselves hashed every missing text's
 * characters once more (~0.3 s of a 1 M-span first open).
 */
function firstByKey(keys: Int32Array, idx: readonly number[]): Int32Array {
  const out = new Int32Array(idx.length);
  let size = 16;
  while (size < idx.length * 2) size *= 2;
  const mask = size - 1;
  const slots = new Int32Array(size); // text index + 1; 0 = empty
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j];
    const o = i * KEY_WORDS;
    const k0 = keys[o];
    const k1 = keys[o + 1];
    const k2 = keys[o + 2];
    const k3 = keys[o + 3];
    for (let s = k0 & mask; ; s = (s + 1) & mask) {
      const v = slots[s];
      if (v === 0) {
        slots[s] = i + 1;
        out[j] = i;
        break;
      }
      const p = (v - 1) * KEY_WORDS;
      if (keys[p] === k0 && keys[p + 1] === k1 && keys[p + 2] === k2 && keys[p + 3] === k3) {
        out[j] = v - 1;
        break;
      }
    }
  }
  return out;
}

/** firstByKey by the texts themselves (a lookup without keys). */
function firstByText(texts: readonly string[], idx: readonly number[]): Int32Array {
  const out = new Int32Array(idx.length);
  const seen = new Map<string, number>();
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j];
    const first = seen.get(texts[i]);
    if (first === undefined) seen.set(texts[i], i);
    out[j] = first ?? i;
  }
  return out;
}

/** Rows rows[at], …, rows[at + n − 1] of a compact matrix as stored rows (one pass when they are consecutive). */
function packRowsOf(m: CompactMatrix, rows: readonly number[], at: number, n: number, rb: number): Uint8Array {
  if (n > 0 && rows[at + n - 1] - rows[at] === n - 1) return packRows(m, rows[at], rows[at] + n, rb);
  const dim = m.cols;
  const out = new Uint8Array(n * rb);
  const view = new DataView(out.buffer);
  const codes = new Uint8Array(m.codes.buffer, m.codes.byteOffset, m.codes.byteLength);
  for (let j = 0; j < n; j++) {
    const r = rows[at + j];
    view.setFloat32(j * rb, m.scales[r], true);
    out.set(codes.subarray(r * dim, (r + 1) * dim), j * rb + 4);
  }
  return out;
}

/** Stored rows (n × rowBytes) as a compact matrix (codes and scales copied out). */
function unpackRows(data: Uint8Array, n: number, dim: number): CompactMatrix {
  const rb = rowBytesOf(dim);
  const codes = new Int8Array(n * dim);
  const scales = new Float32Array(n);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const bytes = new Int8Array(data.buffer, data.byteOffset, data.byteLength);
  for (let r = 0; r < n; r++) {
    scales[r] = view.getFloat32(r * rb, true);
    codes.set(bytes.subarray(r * rb + 4, r * rb + 4 + dim), r * dim);
  }
  return { rows: n, cols: dim, codes, scales };
}

/**
 * Check of a stored row (scale and codes): every 8th word and the last one. A zeroed page (what a power loss can leave)
 * always covers a sampled word of each row it touches (a prefix of a row holds word 0, a suffix
 * the last word, a middle part ≥ 8 words), and sampling keeps the check cheap next to reading.
 */
function vectorCheck(words: Int32Array, o: number, dim: number): number {
  return checkWords(words, o, o + dim, dim, 8);
}
