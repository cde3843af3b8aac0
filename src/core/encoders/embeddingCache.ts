import { createHash } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LabelwiseError } from '../errors';
import { hash128 } from '../text/fastHash';
import { silentLogger, type Logger, type Matrix } from '../types';
import type { Encoder } from './encoder';

/*
 * On-disk format: one file per encoder id, `<slug>-<sha256(id)[:12]>.lwcache`, little-endian:
 *
 *   header  "LWEMBC01" | u32 version | u32 dim | u32 idBytes | u32 0 | 8 bytes 0 | id (UTF-8, padded to 4)
 *   record  u32×4 key (MurmurHash3-128 of the text) | u32 check | f32×dim vector   (fixed size)
 *
 * Records are only ever appended. A crash mid-append leaves a short or garbled tail: the loader
 * keeps the longest prefix of whole records whose checks hold and ignores the rest, and the next
 * write rewrites the file (temp file + rename) without the bad tail, so earlier entries are never
 * lost or corrupted. The header holds the full encoder id and dim; a file whose header does not
 * match is treated as empty, so one model never sees another model's vectors.
 */
const MAGIC = 'LWEMBC01';
const VERSION = 1;
const FIXED_HEADER = 32;
const KEY_WORDS = 4;
const EXT = '.lwcache';
/** Missing texts are encoded and persisted in chunks of this many, so a long encode that is interrupted keeps most of its work. */
const ENCODE_CHUNK = 4096;

export interface CacheLookup {
  /** texts.length × dim; rows of missing texts are zero. */
  readonly vectors: Matrix;
  /** Indexes (into texts) of the texts not in the cache, ascending. */
  readonly missing: number[];
}

export interface CachedEncoding {
  readonly vectors: Matrix;
  /** Texts served from the cache. */
  readonly hits: number;
  /** Texts that had to be encoded (each distinct missing text counts once per occurrence). */
  readonly misses: number;
}

export type CacheProgress = (encoded: number, toEncode: number) => void;

/**
 * An embedding cache keyed by encoder id and text: a second open of an unchanged corpus encodes
 * nothing, a changed span re-encodes only that span. One instance per (dir, encoder id); it holds
 * every cached vector of that encoder in memory (rows × dim float32).
 */
export class EmbeddingCache {
  private keys: Uint32Array;
  private vecs: Float32Array;
  private count = 0;
  /** Open-addressing table: slot → row + 1 (0 = empty). Capacity is a power of two. */
  private table: Int32Array;
  private pending: Buffer[] = [];
  /** Whether the file on disk must be rewritten whole (missing, foreign header or bad tail). */
  private rewrite: boolean;
  private writing: Promise<void> = Promise.resolve();
  private readonly recordBytes: number;
  private readonly header: Buffer;

  private constructor(
    readonly file: string,
    readonly encoderId: string,
    readonly dim: number,
    private readonly logger: Logger,
  ) {
    this.recordBytes = (KEY_WORDS + 1 + dim) * 4;
    this.header = makeHeader(encoderId, dim);
    this.keys = new Uint32Array(1024 * KEY_WORDS);
    this.vecs = new Float32Array(1024 * dim);
    this.table = new Int32Array(2048);
    this.rewrite = true;
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
    let buf: Buffer | undefined;
    try {
      buf = await readFile(cache.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn(`embedding cache ${cache.file}: cannot read (${(e as Error).message}); starting empty`);
    }
    if (buf) cache.load(buf);
    return cache;
  }

  /** Removes every cache file in `dir` (all encoders). Other files are left alone. */
  static async clear(dir: string): Promise<number> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return 0;
    }
    const ours = names.filter((n) => n.endsWith(EXT) || n.endsWith(`${EXT}.tmp`));
    await Promise.all(ours.map((n) => rm(join(dir, n), { force: true })));
    return ours.length;
  }

  /** Number of cached vectors. */
  get size(): number {
    return this.count;
  }

  private load(buf: Buffer): void {
    const h = this.header;
    if (buf.length < h.length || !buf.subarray(0, h.length).equals(h)) {
      this.logger.warn(`embedding cache ${this.file}: written for another model or format; starting empty`);
      return;
    }
    const body = buf.length - h.length;
    const whole = Math.floor(body / this.recordBytes);
    // Aligned views over the records (header and records are multiples of 4 bytes).
    const aligned = buf.byteOffset % 4 === 0 ? buf : Buffer.from(buf);
    const words = new Uint32Array(aligned.buffer, aligned.byteOffset + h.length, whole * (this.recordBytes / 4));
    const floats = new Float32Array(aligned.buffer, aligned.byteOffset + h.length, whole * (this.recordBytes / 4));
    this.reserve(whole);
    const stride = this.recordBytes / 4;
    const dim = this.dim;
    let good = 0;
    for (let r = 0; r < whole; r++) {
      const o = r * stride;
      if (checksum(words, o, dim) !== words[o + KEY_WORDS]) break;
      this.insert(words, o, floats, o + KEY_WORDS + 1);
      good++;
    }
    const clean = good === whole && body === whole * this.recordBytes;
    this.rewrite = !clean;
    if (!clean) this.logger.warn(`embedding cache ${this.file}: ignored a damaged tail after ${good} entries (an interrupted write); it will be rewritten`);
  }

  private reserve(extra: number): void {
    const need = this.count + extra;
    if (need * KEY_WORDS > this.keys.length) {
      const cap = Math.max(need, (this.keys.length / KEY_WORDS) * 2);
      const keys = new Uint32Array(cap * KEY_WORDS);
      keys.set(this.keys.subarray(0, this.count * KEY_WORDS));
      this.keys = keys;
      const vecs = new Float32Array(cap * this.dim);
      vecs.set(this.vecs.subarray(0, this.count * this.dim));
      this.vecs = vecs;
    }
    if (need * 2 > this.table.length) {
      let size = this.table.length;
      while (need * 2 > size) size *= 2;
      this.table = new Int32Array(size);
      const mask = size - 1;
      for (let r = 0; r < this.count; r++) {
        let s = this.keys[r * KEY_WORDS] & mask;
        while (this.table[s] !== 0) s = (s + 1) & mask;
        this.table[s] = r + 1;
      }
    }
  }

  /** Row of the key at key[o..o+4), or -1. */
  private find(key: Uint32Array, o: number): number {
    const mask = this.table.length - 1;
    const k0 = key[o];
    const k1 = key[o + 1];
    const k2 = key[o + 2];
    const k3 = key[o + 3];
    const keys = this.keys;
    for (let s = k0 & mask; ; s = (s + 1) & mask) {
      const slot = this.table[s];
      if (slot === 0) return -1;
      const r = (slot - 1) * KEY_WORDS;
      if (keys[r] === k0 && keys[r + 1] === k1 && keys[r + 2] === k2 && keys[r + 3] === k3) return slot - 1;
    }
  }

  /** Adds or replaces the vector of a key (caller has reserved room). */
  private insert(key: Uint32Array, ko: number, vec: Float32Array, vo: number): number {
    let row = this.find(key, ko);
    if (row < 0) {
      row = this.count++;
      this.keys.set(key.subarray(ko, ko + KEY_WORDS), row * KEY_WORDS);
      const mask = this.table.length - 1;
      let s = key[ko] & mask;
      while (this.table[s] !== 0) s = (s + 1) & mask;
      this.table[s] = row + 1;
    }
    this.vecs.set(vec.subarray(vo, vo + this.dim), row * this.dim);
    return row;
  }

  /** Keys of the texts (4 words each). */
  private keysOf(texts: readonly string[]): Uint32Array {
    const keys = new Uint32Array(texts.length * KEY_WORDS);
    for (let i = 0; i < texts.length; i++) hash128(texts[i], keys, i * KEY_WORDS);
    return keys;
  }

  /** Cached vectors of the texts and which are missing. Reads memory only. */
  lookup(texts: readonly string[]): CacheLookup {
    const keys = this.keysOf(texts);
    const dim = this.dim;
    const data = new Float32Array(texts.length * dim);
    const missing: number[] = [];
    for (let i = 0; i < texts.length; i++) {
      const row = this.find(keys, i * KEY_WORDS);
      if (row < 0) missing.push(i);
      else data.set(this.vecs.subarray(row * dim, (row + 1) * dim), i * dim);
    }
    return { vectors: { rows: texts.length, cols: dim, data }, missing };
  }

  /**
   * Stores vectors (row i of `vectors` for texts[i]) in memory and queues them for the disk; call
   * flush() to write. Rows must have this cache's dim.
   */
  put(texts: readonly string[], vectors: Matrix): void {
    if (vectors.rows !== texts.length || vectors.cols !== this.dim) {
      throw new LabelwiseError(`embedding cache: expected ${texts.length}×${this.dim} vectors, got ${vectors.rows}×${vectors.cols}`);
    }
    const keys = this.keysOf(texts);
    this.reserve(texts.length);
    const stride = this.recordBytes / 4;
    const out = new Uint32Array(texts.length * stride);
    const outF = new Float32Array(out.buffer);
    for (let i = 0; i < texts.length; i++) {
      this.insert(keys, i * KEY_WORDS, vectors.data, i * this.dim);
      const o = i * stride;
      out.set(keys.subarray(i * KEY_WORDS, (i + 1) * KEY_WORDS), o);
      outF.set(vectors.data.subarray(i * this.dim, (i + 1) * this.dim), o + KEY_WORDS + 1);
      out[o + KEY_WORDS] = checksum(out, o, this.dim);
    }
    this.pending.push(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  }

  /**
   * Encodes the texts, taking every vector it can from the cache and encoding each distinct
   * missing text once; new vectors are persisted as they come (in chunks). Write failures are
   * logged, never thrown: the vectors returned are right either way.
   */
  async encodeWithCache(encoder: Encoder, texts: readonly string[], onProgress?: CacheProgress): Promise<CachedEncoding> {
    if (encoder.id !== this.encoderId || encoder.dim !== this.dim) {
      throw new LabelwiseError(`embedding cache: opened for ${this.encoderId} (dim ${this.dim}) but asked to encode with ${encoder.id} (dim ${encoder.dim})`);
    }
    const found = this.lookup(texts);
    const data = found.vectors.data;
    const dim = this.dim;
    // Distinct missing texts, each with the positions that need its vector.
    const distinct = new Map<string, number[]>();
    for (const i of found.missing) {
      const at = distinct.get(texts[i]);
      if (at) at.push(i);
      else distinct.set(texts[i], [i]);
    }
    const todo = [...distinct.keys()];
    onProgress?.(0, todo.length);
    for (let c = 0; c < todo.length; c += ENCODE_CHUNK) {
      const chunk = todo.slice(c, c + ENCODE_CHUNK);
      const m = await encoder.encode(chunk);
      if (m.rows !== chunk.length || m.cols !== dim) {
        throw new LabelwiseError(`encoder ${encoder.id} returned ${m.rows}×${m.cols} vectors for ${chunk.length} texts (dim ${dim})`);
      }
      for (let j = 0; j < chunk.length; j++) {
        const row = m.data.subarray(j * dim, (j + 1) * dim);
        for (const i of distinct.get(chunk[j])!) data.set(row, i * dim);
      }
      this.put(chunk, m);
      await this.flushQuietly();
      onProgress?.(Math.min(c + ENCODE_CHUNK, todo.length), todo.length);
    }
    return { vectors: found.vectors, hits: texts.length - found.missing.length, misses: found.missing.length };
  }

  /** Writes queued vectors to disk. Throws if the file cannot be written. */
  flush(): Promise<void> {
    const run = this.writing.then(() => this.writePending());
    // A failed write must not poison later ones.
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async flushQuietly(): Promise<void> {
    try {
      await this.flush();
    } catch (e) {
      this.logger.warn(`embedding cache ${this.file}: cannot write (${(e as Error).message}); vectors are kept in memory only`);
    }
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0 && !this.rewrite) return;
    const chunks = this.pending;
    this.pending = [];
    try {
      await mkdir(dirname(this.file), { recursive: true });
      if (this.rewrite) {
        // Whole file from memory: header and every entry, then an atomic rename over the old one.
        const stride = this.recordBytes / 4;
        const all = new Uint32Array(this.count * stride);
        const allF = new Float32Array(all.buffer);
        for (let r = 0; r < this.count; r++) {
          const o = r * stride;
          all.set(this.keys.subarray(r * KEY_WORDS, (r + 1) * KEY_WORDS), o);
          allF.set(this.vecs.subarray(r * this.dim, (r + 1) * this.dim), o + KEY_WORDS + 1);
          all[o + KEY_WORDS] = checksum(all, o, this.dim);
        }
        const tmp = `${this.file}.${process.pid}.tmp`;
        await writeFile(tmp, Buffer.concat([this.header, Buffer.from(all.buffer)]));
        await rename(tmp, this.file);
        this.rewrite = false;
      } else if (chunks.length > 0) {
        // One write call in append mode: records land whole after whatever is there.
        const fh = await open(this.file, 'a');
        try {
          await fh.write(Buffer.concat(chunks));
        } finally {
          await fh.close();
        }
      }
    } catch (e) {
      // Keep them for the next try.
      if (!this.rewrite) this.pending = chunks.concat(this.pending);
      throw e;
    }
  }
}

/** File name of an encoder's cache: readable slug plus a hash, so any id maps to a safe name. */
export function cacheFileName(encoderId: string): string {
  const slug = encoderId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(-40).replace(/^[._]+/, '');
  const h = createHash('sha256').update(encoderId).digest('hex').slice(0, 12);
  return `${slug || 'model'}-${h}${EXT}`;
}

function makeHeader(encoderId: string, dim: number): Buffer {
  const id = Buffer.from(encoderId, 'utf8');
  const padded = Math.ceil(id.length / 4) * 4;
  const h = Buffer.alloc(FIXED_HEADER + padded);
  h.write(MAGIC, 0, 'latin1');
  h.writeUInt32LE(VERSION, 8);
  h.writeUInt32LE(dim, 12);
  h.writeUInt32LE(id.length, 16);
  id.copy(h, FIXED_HEADER);
  return h;
}

/**
 * Check word of a record: a multiply-xor mix of its key and vector bits, seeded so that an
 * all-zero record (what a crash can leave behind on some file systems) never passes.
 */
function checksum(words: Uint32Array, o: number, dim: number): number {
  let h = 0x9e3779b9 ^ dim;
  for (let k = 0; k < KEY_WORDS; k++) h = Math.imul(h ^ words[o + k], 0x01000193);
  const v = o + KEY_WORDS + 1;
  for (let k = 0; k < dim; k++) h = Math.imul(h ^ words[v + k], 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0 || 1;
}
