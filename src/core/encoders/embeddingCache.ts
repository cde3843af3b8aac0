import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
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
  /**
   * Every record, in the on-disk layout (key | check | vector), `stride` words each. Loading is
   * a zero-copy view of the file's bytes; appends grow it. Later records of a key win.
   */
  private recs: Int32Array = new Int32Array(0);
  private recsF: Float32Array = new Float32Array(0);
  private count = 0;
  /** Records [0, persisted) are on disk. */
  private persisted = 0;
  /** Open-addressing table: slot → record + 1 (0 = empty). Capacity is a power of two. */
  private table: Int32Array = new Int32Array(1024);
  private distinct = 0;
  /** Whether the file on disk must be rewritten whole (missing, foreign header or bad tail). */
  private rewrite = true;
  private writing: Promise<void> = Promise.resolve();
  private readonly stride: number;
  private readonly header: Buffer;

  private constructor(
    readonly file: string,
    readonly encoderId: string,
    readonly dim: number,
    private readonly logger: Logger,
  ) {
    this.stride = KEY_WORDS + 1 + dim;
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
    let buf: Buffer | undefined;
    try {
      buf = await readWhole(cache.file);
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

  /** Number of distinct cached texts. */
  get size(): number {
    return this.distinct;
  }

  private load(buf: Buffer): void {
    const h = this.header;
    if (buf.length < h.length || !buf.subarray(0, h.length).equals(h)) {
      this.logger.warn(`embedding cache ${this.file}: written for another model or format; starting empty`);
      return;
    }
    const body = buf.length - h.length;
    const recordBytes = this.stride * 4;
    const whole = Math.floor(body / recordBytes);
    // Header and records are multiples of 4 bytes, so the records can be viewed in place.
    const aligned = buf.byteOffset % 4 === 0 ? buf : Buffer.from(buf);
    const words = new Int32Array(aligned.buffer, aligned.byteOffset + h.length, whole * this.stride);
    let good = 0;
    while (good < whole && checksum(words, good * this.stride, this.dim) === words[good * this.stride + KEY_WORDS]) good++;
    this.recs = words;
    this.recsF = new Float32Array(words.buffer, words.byteOffset, words.length);
    this.growTable(good);
    for (let r = 0; r < good; r++) this.index(r);
    this.count = good;
    this.persisted = good;
    const clean = good === whole && body === whole * recordBytes;
    this.rewrite = !clean;
    if (!clean) this.logger.warn(`embedding cache ${this.file}: ignored a damaged tail after ${good} entries (an interrupted write); it will be rewritten`);
  }

  /** Room for `extra` more records. */
  private reserve(extra: number): void {
    const need = (this.count + extra) * this.stride;
    if (need > this.recs.length) {
      const recs = new Int32Array(Math.max(need, this.recs.length * 2, 1024 * this.stride));
      recs.set(this.recs.subarray(0, this.count * this.stride));
      this.recs = recs;
      this.recsF = new Float32Array(recs.buffer);
    }
    this.growTable(this.count + extra);
  }

  private growTable(records: number): void {
    if (records * 2 <= this.table.length) return;
    let size = this.table.length;
    while (records * 2 > size) size *= 2;
    const old = this.table;
    this.table = new Int32Array(size);
    const mask = size - 1;
    for (const slot of old) {
      if (slot === 0) continue;
      let s = this.recs[(slot - 1) * this.stride] & mask;
      while (this.table[s] !== 0) s = (s + 1) & mask;
      this.table[s] = slot;
    }
  }

  /** Table slot of the key at key[o..o+4): its index, holding 0 when absent. */
  private slotOf(key: Int32Array, o: number): number {
    const mask = this.table.length - 1;
    const k0 = key[o];
    const k1 = key[o + 1];
    const k2 = key[o + 2];
    const k3 = key[o + 3];
    const recs = this.recs;
    const stride = this.stride;
    for (let s = k0 & mask; ; s = (s + 1) & mask) {
      const slot = this.table[s];
      if (slot === 0) return s;
      const r = (slot - 1) * stride;
      if (recs[r] === k0 && recs[r + 1] === k1 && recs[r + 2] === k2 && recs[r + 3] === k3) return s;
    }
  }

  /** Points the table at record r (replacing an earlier record of the same key). */
  private index(r: number): void {
    const s = this.slotOf(this.recs, r * this.stride);
    if (this.table[s] === 0) this.distinct++;
    this.table[s] = r + 1;
  }

  /** Keys of the texts (4 words each). */
  private keysOf(texts: readonly string[]): Int32Array {
    const keys = new Int32Array(texts.length * KEY_WORDS);
    for (let i = 0; i < texts.length; i++) hash128(texts[i], keys, i * KEY_WORDS);
    return keys;
  }

  /** Cached vectors of the texts and which are missing. Reads memory only. */
  lookup(texts: readonly string[]): CacheLookup {
    const keys = this.keysOf(texts);
    const dim = this.dim;
    const stride = this.stride;
    const data = new Float32Array(texts.length * dim);
    const missing: number[] = [];
    const recsF = this.recsF;
    for (let i = 0; i < texts.length; i++) {
      const slot = this.table[this.slotOf(keys, i * KEY_WORDS)];
      if (slot === 0) {
        missing.push(i);
        continue;
      }
      // A plain loop: a subarray per row costs more than the copy itself.
      const from = (slot - 1) * stride + KEY_WORDS + 1;
      const to = i * dim;
      for (let k = 0; k < dim; k++) data[to + k] = recsF[from + k];
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
    const dim = this.dim;
    for (let i = 0; i < texts.length; i++) {
      const r = this.count++;
      const o = r * this.stride;
      for (let k = 0; k < KEY_WORDS; k++) this.recs[o + k] = keys[i * KEY_WORDS + k];
      const v = o + KEY_WORDS + 1;
      for (let k = 0; k < dim; k++) this.recsF[v + k] = vectors.data[i * dim + k];
      this.recs[o + KEY_WORDS] = checksum(this.recs, o, dim);
      this.index(r);
    }
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
    const upto = this.count;
    if (upto === this.persisted && !this.rewrite) return;
    await mkdir(dirname(this.file), { recursive: true });
    const bytes = (from: number): Buffer => Buffer.from(this.recs.buffer, this.recs.byteOffset + from * this.stride * 4, (upto - from) * this.stride * 4);
    if (this.rewrite) {
      // Header and every record, then an atomic rename over the old file.
      const tmp = `${this.file}.${process.pid}.tmp`;
      try {
        await writeFile(tmp, Buffer.concat([this.header, bytes(0)]));
        await rename(tmp, this.file);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      this.rewrite = false;
    } else {
      // One write in append mode: records land whole after whatever is there.
      const fh = await open(this.file, 'a');
      try {
        await fh.write(bytes(this.persisted));
      } finally {
        await fh.close();
      }
    }
    this.persisted = upto;
  }
}

/** The whole file in one buffer, read with as few calls as possible. */
async function readWhole(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.allocUnsafeSlow(size);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await fh.read(buf, got, size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === size ? buf : buf.subarray(0, got);
  } finally {
    await fh.close();
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
 * Check word of a record: a multiply-xor mix of its key, every 8th vector word and the last one,
 * seeded so that an all-zero record never passes. It catches what a crash leaves behind: a cut
 * record (also caught by its length), zero-filled blocks after a power loss (a zeroed page always
 * covers a sampled word) and a shifted record. Sampling, not summing every word, keeps loading
 * ~10× cheaper: a reopened cache must be much faster than encoding.
 */
function checksum(words: Int32Array, o: number, dim: number): number {
  const P = 0x01000193;
  let h = Math.imul(0x9e3779b9 ^ dim, P);
  h = Math.imul(h ^ words[o], P);
  h = Math.imul(h ^ words[o + 1], P);
  h = Math.imul(h ^ words[o + 2], P);
  h = Math.imul(h ^ words[o + 3], P);
  const v = o + KEY_WORDS + 1;
  for (let k = 0; k < dim; k += 8) h = Math.imul(h ^ words[v + k], P);
  h = Math.imul(h ^ words[v + dim - 1], P);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h | 0 || 1;
}
