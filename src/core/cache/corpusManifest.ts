import { createHash } from 'node:crypto';
import { statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { SPANS_VERSION, listCorpusFiles, readCorpus, type Corpus, type CorpusOptions, type CorpusProblem } from '../text/corpus';
import { silentLogger, type CompactMatrix, type Logger, type Vectors } from '../types';
import { quantise } from '../features/compactVectors';
import { ID_BYTES, SpanTable, SpanTableBuilder, type SpanColumns } from '../session/spanTable';
import { NUMBERS, isPacked, partSpans, type CorpusPart } from '../session/openPool';
import { EmbeddingCache, type CacheEncoder, type CacheProgress } from './embeddingCache';
import type { Encoder } from '../encoders/encoder';
import { MAGIC_BYTES, checkWords, clearFiles, hasMagic, readWholeFile, replaceFile, writeMagic, type CheckedFormat } from './checkedFile';

/*
 * A corpus manifest (like git's index): for one (workspace, corpus options, encoder), per file its
 * stat (size, mtime, ctime, inode), its spans (ids, offsets, lines: no texts) and their vectors in
 * the engine's compact form (int8 codes + one scale per row, compactVectors.ts), as they were at
 * the last open. Re-opening lists the files and stats them; a file whose stat matches is neither
 * read, nor segmented, nor hashed: its spans and codes come from the manifest. Changed and new
 * files go through the normal path (read → segment → per-text embedding cache → encode the
 * misses), and the manifest is rewritten (temp file + rename) only when something changed.
 *
 * The open streams: files to read go in groups, their texts are encoded (through the embedding
 * cache) a batch at a time and each vector is quantised into the result as it comes, so neither a
 * span object per span, nor all texts, nor a float32 matrix of the whole corpus is ever held
 * (1 M spans: ~130 MB of result instead of ~1.2 GB at the peak). The quantisation is the engine's
 * own (compactVectors.ts, row by row, wherever it runs: here, in the embedding cache or in the
 * open's workers), so the engine's pool is bit for bit what quantising the float32 vectors whole
 * would give.
 *
 * On-disk format, little-endian, one file per key: `corpus-<sha256(key)[:16]>.lwmanifest`
 *
 *   "LWCMAN03" (checkedFile.ts) | u32 metaBytes | i32 check | u32 totalBytes | i32 codesCheck
 *   meta       UTF-8 JSON { key, dim, spans, files: [...] }, padded to 4
 *   starts     spans × i32
 *   ends       spans × i32
 *   lines      spans × i32
 *   ids        spans × 12 bytes (span ids are 24 hex digits, packed)
 *   scales     spans × f32
 *   codes      spans × dim i8, padded to 4
 *
 * `check` chains checkWords over each section from meta to scales, `codesCheck` covers the codes:
 * every byte of both (format 2 sampled its texts and vectors).
 * A manifest that is short, long, garbled, or written for another key (encoder id, dim,
 * granularity, include/exclude, root, maxFileSizeMB, key or format version) is ignored and rebuilt;
 * one of format 2 (float32 vectors and texts) is rebuilt with a log line saying so. It never throws
 * and never touches a workspace file (files are only opened for reading).
 *
 * Racy entries: a file modified within the same timestamp tick as our stat could change without
 * its stat changing. As git does, a file whose mtime or ctime is within RACY_MS of the moment it
 * was stat'ed is not recorded, so it is simply read again at the next open.
 */
/** Format 3: compact vectors (int8 + scale), packed ids, no texts. Format 2 stored float32 vectors and the texts. */
const FORMAT: CheckedFormat = { magic: 'LWCMAN03', ext: '.lwmanifest' };
const OLD_MAGICS = ['LWCMAN01', 'LWCMAN02'];
/**
 * Part of the key, so of the file name. Still 1: formats 2 and 3 changed the layout, not the key,
 * and keeping the name lets a new manifest replace the old file (ignored by its magic) instead of
 * leaving it behind. Bump it only when the key itself changes meaning.
 */
const KEY_VERSION = 1;
const HEAD = 24;
/** Files modified this recently (ms) before their stat are re-read next time (timestamp granularity: FAT has 2 s). */
const RACY_MS = 2500;
/**
 * Files to read are read in groups of about this many bytes (~20 k sentences): what is held as span
 * objects and texts at once (two groups while one is read ahead), before the spans go into columns
 * and the texts are encoded. 4 MB groups: peak RSS at 1 M spans 643 MB, 2 MB: 576 MB (bench:scale).
 */
const GROUP_BYTES = 2 * 1024 * 1024;
/**
 * Texts per embedding-cache call (and so per encoder call and per cache chunk). The encoder sorts
 * a call's texts into batches by length, so small calls pad more (2048-text calls: 1.3× the CPU);
 * 8192-text calls cost what 16 k ones do (100 k texts: 0.56–0.60 s against 0.60–0.75 s of CPU) and
 * halve the buffers each call allocates and frees while the open streams.
 */
const ENCODE_BATCH = 8192;

export interface CorpusEncodeOptions {
  readonly corpus: CorpusOptions;
  readonly encoder: Encoder;
  /** Folder of the embedding cache; the manifest lives next to it. */
  readonly cacheDir: string;
  readonly logger?: Logger;
  /** Progress: spans done so far and the (estimated, while files are read) total. */
  readonly onProgress?: CacheProgress;
  /**
   * Anything else that decides spans (e.g. the extension's version, so that a new segmenter never
   * reuses spans cut by an old one). Part of the manifest key.
   */
  readonly version?: string;
  /**
   * Encodes the cache misses of changed files, as float32 rows or compact ones (quantised as
   * compactVectors.ts does, e.g. by the first open's workers); defaults to `encoder.encode` (the
   * session passes a chunked, cancellable one spread over worker threads).
   */
  readonly encode?: (texts: readonly string[]) => Promise<Vectors>;
  /**
   * Reads a group of the changed and new files (`files` set; `bytes`: the size of all files this
   * open reads, as stat'ed, so that it can decide once whether to spread the work); defaults to
   * readCorpus. Must give readCorpus's result, whole or in parts in file order (the session passes
   * one spread over worker threads for a large read, whose workers' parts come packed, openPool.ts).
   */
  readonly read?: (opts: CorpusOptions, bytes: number) => Promise<Corpus | readonly CorpusPart[]>;
  /** Clock for the racy-file rule (tests move it forward to stand for files written long ago). */
  readonly now?: () => number;
  /** Bytes of files read as one group (default GROUP_BYTES; tests make groups small). */
  readonly groupBytes?: number;
  /** Texts per embedding-cache call (default ENCODE_BATCH; tests make batches small). */
  readonly encodeBatch?: number;
}

export interface CorpusOpenStats {
  /** Files whose spans and vectors came from the manifest (not read). */
  readonly filesReused: number;
  /** Files read, segmented and looked up in the embedding cache. */
  readonly filesRead: number;
  /** Spans served from the manifest. */
  readonly spansReused: number;
  /** Texts of read files found in the embedding cache. */
  readonly hits: number;
  /** Texts of read files that had to be encoded. */
  readonly misses: number;
  /** What became of the manifest found on disk. */
  readonly manifest: 'used' | 'missing' | 'ignored';
  /** Whether a new manifest was written. */
  readonly written: boolean;
}

export interface EncodedCorpus {
  /** The spans in columns (no texts), ordered by file path (code-unit order), then by position, as readCorpus orders them. */
  readonly spans: SpanTable;
  /**
   * spans.length × dim, row i for span row i, as the engine holds its pool: exactly quantise() of
   * the encoder's float32 vectors (compactVectors.ts). When every file is reused, a view into the
   * manifest's read buffer (no copy).
   */
  readonly vectors: CompactMatrix;
  readonly problems: CorpusProblem[];
  /** Files read or reused that gave no error (as Corpus.files), sorted. */
  readonly files: string[];
  readonly stats: CorpusOpenStats;
}

interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
}

interface ManifestFile extends FileStamp {
  readonly file: string;
  /** Whether the file was read (false: skipped with an error problem). */
  readonly read: boolean;
  readonly spans: number;
  readonly problems: CorpusProblem[];
}

interface Manifest {
  /** Per file its entry and the row of its first span. */
  readonly files: Map<string, { readonly entry: ManifestFile; readonly first: number }>;
  readonly spans: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly lines: Int32Array;
  readonly ids: Uint8Array;
  readonly scales: Float32Array;
  readonly codes: Int8Array;
}

/** One file of the result, in file order: its rows in the result and what the manifest records of it. */
interface Part {
  readonly file: string;
  /** The manifest's entry (reused files); undefined for a file read now. */
  readonly entry: ManifestFile | undefined;
  readonly row: number;
  count: number;
  readonly problems: CorpusProblem[];
  read: boolean;
}

/** Name of the manifest of one key (any key maps to a safe name). */
export function manifestFileName(key: string): string {
  return `corpus-${createHash('sha256').update(key).digest('hex').slice(0, 16)}${FORMAT.ext}`;
}

/** Removes every corpus manifest in `dir`; other files are left alone. */
export function clearCorpusManifests(dir: string): Promise<number> {
  return clearFiles(dir, FORMAT);
}

/** The compact rows of the result, growing as spans are added (codes and scales of each row). */
class CompactRows {
  codes: Int8Array;
  scales: Float32Array;
  private cap: number;

  constructor(
    readonly dim: number,
    capacity: number,
  ) {
    this.cap = Math.max(1, capacity);
    // Codes get 4 spare bytes so that the padded codes section is a view (see writeManifest).
    this.codes = new Int8Array(this.cap * dim + 4);
    this.scales = new Float32Array(this.cap);
  }

  /** Room for `total` rows in all, of which `used` are filled. */
  reserve(total: number, used: number): void {
    if (total <= this.cap) return;
    this.cap = total;
    const codes = new Int8Array(total * this.dim + 4);
    codes.set(this.codes.subarray(0, used * this.dim));
    const scales = new Float32Array(total);
    scales.set(this.scales.subarray(0, used));
    this.codes = codes;
    this.scales = scales;
  }
}

/**
 * Reads and encodes the corpus, reusing every unchanged file's spans and codes from the last
 * open (see the format note above). The result equals readCorpus + the embedding cache +
 * quantise: same spans (without texts), same order, same problems, same codes. A missing,
 * damaged, old or foreign manifest is rebuilt; a manifest that cannot be written is logged and
 * skipped (the next open reads everything again).
 */
export async function openCorpusEncoded(opts: CorpusEncodeOptions): Promise<EncodedCorpus> {
  const logger = opts.logger ?? silentLogger;
  const { corpus, encoder } = opts;
  const dim = encoder.dim;
  const root = resolve(corpus.root);
  const key = JSON.stringify({
    format: KEY_VERSION,
    spans: SPANS_VERSION,
    version: opts.version ?? '',
    encoder: encoder.id,
    dim,
    root,
    include: corpus.include,
    exclude: corpus.exclude,
    granularity: corpus.granularity,
    maxFileSizeMB: corpus.maxFileSizeMB,
  });
  const path = join(opts.cacheDir, manifestFileName(key));
  // Reading the manifest runs on libuv's thread pool while this thread lists and stats the files.
  const reading = readManifestFile(path, logger);

  const listed = await listCorpusFiles(corpus);
  const stamps = new Map<string, FileStamp | undefined>();
  const statAt = (opts.now ?? Date.now)();
  for (const f of listed) stamps.set(f, statOf(join(root, f)));
  const { manifest, state } = loadManifest(await reading, path, key, dim, logger);
  const reuse = (f: string): boolean => {
    const old = manifest?.files.get(f);
    const st = stamps.get(f);
    return !!(old && st && sameStamp(old.entry, st));
  };
  let filesReused = 0;
  let spansReused = 0;
  let bytesToRead = 0;
  const toRead: string[] = [];
  for (const f of listed) {
    if (reuse(f)) {
      filesReused++;
      spansReused += manifest!.files.get(f)!.entry.spans;
    } else {
      toRead.push(f);
      bytesToRead += stamps.get(f)?.size ?? 0;
    }
  }

  // Everything unchanged and nothing removed: the manifest's columns and codes are the result.
  let inOrder = !!manifest && toRead.length === 0 && spansReused === manifest.spans && filesReused === manifest.files.size;
  for (let i = 0, row = 0; inOrder && i < listed.length; i++) {
    const { entry, first } = manifest!.files.get(listed[i])!;
    inOrder = first === row;
    row += entry.spans;
  }
  if (manifest && inOrder) {
    const table = new SpanTableBuilder(manifest.spans);
    const parts: Part[] = [];
    for (const f of listed) {
      const { entry, first } = manifest.files.get(f)!;
      table.addPacked(f, entry.spans, first, manifest.starts, manifest.ends, manifest.lines, manifest.ids);
      parts.push({ file: f, entry, row: first, count: entry.spans, problems: entry.problems, read: entry.read });
    }
    return {
      spans: new SpanTable(table.columns()),
      vectors: { rows: manifest.spans, cols: dim, codes: manifest.codes, scales: manifest.scales },
      problems: parts.flatMap((p) => p.problems),
      files: parts.filter((p) => p.read).map((p) => p.file),
      stats: { filesReused, filesRead: 0, spansReused, hits: 0, misses: 0, manifest: state, written: false },
    };
  }

  let capacity = spansReused + 1024;
  const table = new SpanTableBuilder(capacity);
  const rows = new CompactRows(dim, capacity);
  const parts: Part[] = [];
  let hits = 0;
  let misses = 0;
  // The embedding cache, opened at the first batch to encode (null: not yet; undefined: unusable).
  const cached: { cache: EmbeddingCache | undefined | null } = { cache: null };
  const encode = opts.encode ?? ((t: readonly string[]): Promise<Vectors> => encoder.encode(t));
  const groupLimit = opts.groupBytes ?? GROUP_BYTES;
  const batchSize = opts.encodeBatch ?? ENCODE_BATCH;
  // Texts read but not encoded yet, and the result row of the first of them (rows are consecutive).
  let pending: string[] = [];
  let pendingRow = 0;
  let bytesRead = 0;
  let spansRead = 0;
  const estimate = (): number => spansReused + (bytesRead > 0 ? Math.ceil((spansRead * bytesToRead) / bytesRead) : spansRead);

  const encodePending = async (texts: string[], at: number): Promise<void> => {
    if (cached.cache === null) {
      cached.cache = await EmbeddingCache.open(opts.cacheDir, encoder.id, dim, logger).catch((e: unknown) => {
        logger.warn(`embedding cache ${opts.cacheDir} unavailable (${(e as Error).message}); encoding without it`);
        return undefined;
      });
    }
    opts.onProgress?.(at, Math.max(estimate(), at + texts.length));
    let m: CompactMatrix;
    const cache = cached.cache;
    if (cache) {
      const viaEncode: CacheEncoder = { id: encoder.id, dim, encode };
      const r = await cache.encodeWithCache(viaEncode, texts);
      m = r.vectors;
      hits += r.hits;
      misses += r.misses;
    } else {
      const v = await encode(texts);
      if (v.rows !== texts.length || v.cols !== dim) throw new Error(`encoder ${encoder.id} returned ${v.rows}×${v.cols} vectors for ${texts.length} texts (dim ${dim})`);
      // The engine's own quantisation (a compact result is taken as it is).
      m = quantise(v);
      misses += texts.length;
    }
    rows.codes.set(m.codes.subarray(0, texts.length * dim), at * dim);
    rows.scales.set(m.scales.subarray(0, texts.length), at);
  };
  const flushPending = async (all: boolean): Promise<void> => {
    while (pending.length >= (all ? 1 : batchSize)) {
      const batch = pending.length > batchSize ? pending.slice(0, batchSize) : pending;
      pending = batch === pending ? [] : pending.slice(batchSize);
      const at = pendingRow;
      pendingRow += batch.length;
      await encodePending(batch, at);
    }
  };

  const takeGroup = async (files: string[], groupBytes: number, read: Corpus | readonly CorpusPart[]): Promise<void> => {
    const partsRead: readonly CorpusPart[] = Array.isArray(read) ? read : [read as Corpus];
    const byFile = new Map<string, Part>();
    for (const f of files) {
      const p: Part = { file: f, entry: undefined, row: 0, count: 0, problems: [], read: false };
      byFile.set(f, p);
    }
    let n = 0;
    for (const c of partsRead) n += partSpans(c);
    bytesRead += groupBytes;
    spansRead += n;
    const need = table.length + n;
    if (need > capacity) {
      // Room for the estimated total and a margin, so that the result is (nearly always) allocated
      // once: growing it later copies it, and both copies are alive for a moment.
      capacity = Math.max(need, Math.ceil(estimate() * 1.1));
      table.reserve(capacity);
      rows.reserve(capacity, table.length);
    }
    // Rows in file order: the reader orders spans by file (in the order of `files`, sorted) then position.
    const start = table.length;
    let k = 0;
    const fileOf = (file: string): Part => {
      while (k < files.length && files[k] !== file) k++;
      const p = byFile.get(file);
      if (k === files.length || !p) throw new Error(`corpus read: span of ${file} out of file order`);
      return p;
    };
    for (const c of partsRead) {
      if (isPacked(c)) {
        // A worker's part: columns as they came, one sliced string per text and none per id.
        const { numbers, ids, texts } = c;
        let i = 0;
        let idAt = 0;
        let textAt = 0;
        for (let r = 0; r < c.runFiles.length; r++) {
          const file = c.runFiles[r];
          const p = fileOf(file);
          for (let j = 0; j < c.runCounts[r]; j++, i++) {
            const o = i * NUMBERS;
            table.addIdAt(ids, idAt, numbers[o + 3], file, numbers[o], numbers[o + 1], numbers[o + 2]);
            idAt += numbers[o + 3];
            pending.push(texts.slice(textAt, textAt + numbers[o + 4]));
            textAt += numbers[o + 4];
            p.count++;
          }
        }
      } else {
        for (const s of c.spans) {
          const p = fileOf(s.file);
          table.add(s.id, s.file, s.start, s.end, s.line);
          p.count++;
          pending.push(s.text);
        }
      }
      for (const q of c.problems) byFile.get(q.file)?.problems.push(q);
      for (const f of c.files) {
        const p = byFile.get(f);
        if (p) p.read = true;
      }
    }
    let row = start;
    for (const f of files) {
      const p = byFile.get(f)!;
      parts.push({ ...p, row });
      row += p.count;
    }
    await flushPending(false);
  };

  // In file order: runs of reused files come from the manifest, runs of files to read are read in groups.
  type Segment = { readonly reuse: string } | { readonly files: string[]; readonly bytes: number };
  const segments: Segment[] = [];
  let group: string[] = [];
  let groupBytes = 0;
  const closeGroup = (): void => {
    if (group.length > 0) segments.push({ files: group, bytes: groupBytes });
    group = [];
    groupBytes = 0;
  };
  for (const f of listed) {
    if (reuse(f)) {
      closeGroup();
      segments.push({ reuse: f });
      continue;
    }
    group.push(f);
    groupBytes += stamps.get(f)?.size ?? 0;
    if (groupBytes >= groupLimit) closeGroup();
  }
  closeGroup();
  // One group is read ahead while the one before it is encoded: a reader spread over worker
  // threads (openPool.ts) reads the next files while this thread encodes.
  const readOf = (files: string[]): Promise<Corpus | readonly CorpusPart[]> => {
    const p = (opts.read ?? readCorpus)({ ...corpus, files }, bytesToRead);
    p.catch(() => undefined); // awaited below; never an unhandled rejection if the open fails first
    return p;
  };
  const nextGroup = (from: number): number => {
    let j = from;
    while (j < segments.length && 'reuse' in segments[j]) j++;
    return j;
  };
  let ahead: { readonly at: number; readonly read: Promise<Corpus | readonly CorpusPart[]> } | undefined;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if ('reuse' in seg) {
      const f = seg.reuse;
      const { entry, first } = manifest!.files.get(f)!;
      const at = table.length;
      if (at + entry.spans > capacity) {
        capacity = Math.max(at + entry.spans, Math.ceil(capacity * 1.5));
        table.reserve(capacity);
        rows.reserve(capacity, at);
      }
      table.addPacked(f, entry.spans, first, manifest!.starts, manifest!.ends, manifest!.lines, manifest!.ids);
      rows.codes.set(manifest!.codes.subarray(first * dim, (first + entry.spans) * dim), at * dim);
      rows.scales.set(manifest!.scales.subarray(first, first + entry.spans), at);
      parts.push({ file: f, entry, row: at, count: entry.spans, problems: entry.problems, read: entry.read });
      // Texts still pending come before these rows in the result: encoded now, at their own rows.
      await flushPending(true);
      pendingRow = table.length;
      continue;
    }
    const read = ahead?.at === i ? ahead.read : readOf(seg.files);
    const c = await read;
    const next = nextGroup(i + 1);
    ahead = next < segments.length ? { at: next, read: readOf((segments[next] as { files: string[] }).files) } : undefined;
    await takeGroup(seg.files, seg.bytes, c);
  }
  await flushPending(true);
  const usedCache = cached.cache;
  if (usedCache) {
    await usedCache.flush().catch((e: unknown) => logger.warn(`embedding cache ${opts.cacheDir}: not saved (${(e as Error).message})`));
  }

  const total = table.length;
  const columns = table.columns();
  const vectors: CompactMatrix = { rows: total, cols: dim, codes: rows.codes.subarray(0, total * dim), scales: rows.scales.subarray(0, total) };
  const problems: CorpusProblem[] = [];
  const files: string[] = [];
  for (const p of parts) {
    for (const q of p.problems) problems.push(q);
    if (p.read) files.push(p.file);
  }

  // Persist: something differs from the manifest on disk (we are here only then).
  let written = false;
  const entries: ManifestFile[] = [];
  const keptParts: Part[] = [];
  let keep = 0;
  for (const p of parts) {
    if (p.entry) {
      entries.push(p.entry);
      keptParts.push(p);
      continue;
    }
    const before = stamps.get(p.file);
    const after = statOf(join(root, p.file));
    // Changed while we read it, or too recent to trust its timestamps: leave it for next time.
    if (!before || !after || !sameStamp(before, after) || isRacy(before, statAt)) continue;
    entries.push({ file: p.file, ...before, read: p.read, spans: p.count, problems: p.problems });
    keptParts.push(p);
    keep++;
  }
  if (keep > 0 || entries.length !== (manifest?.files.size ?? -1)) {
    try {
      await writeManifest(path, key, dim, entries, keptParts, columns, vectors);
      written = true;
    } catch (e) {
      logger.warn(`corpus manifest ${path}: not saved (${(e as Error).message}); the next open reads every file again`);
    }
  }
  opts.onProgress?.(total, total);
  return {
    spans: new SpanTable(columns),
    vectors,
    problems,
    files,
    stats: { filesReused, filesRead: toRead.length, spansReused, hits, misses, manifest: state, written },
  };
}

function statOf(file: string): FileStamp | undefined {
  let st: Stats;
  try {
    st = statSync(file);
  } catch {
    return undefined;
  }
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

function isRacy(st: FileStamp, statAt: number): boolean {
  return st.mtimeMs >= statAt - RACY_MS || st.ctimeMs >= statAt - RACY_MS;
}

function pad4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** Byte view of a typed array (no copy). */
function bytesOf(a: Int32Array | Float32Array | Uint8Array | Int8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Chained check of the structural sections (each a whole number of 4-byte words, 4-aligned). */
function sectionsCheck(sections: readonly Uint8Array[]): number {
  let h = 0;
  for (const s of sections) {
    const words = new Int32Array(s.buffer, s.byteOffset, s.byteLength >> 2);
    h = checkWords(words, 0, words.length, h);
  }
  return h;
}

/**
 * Check of the codes section (`padded` bytes from a 4-aligned offset, a multiple of 4): every byte
 * (CRC-32; format 2 sampled its float32 vectors, but codes are 4× fewer bytes, and a flipped code
 * would be a wrong vector, silently).
 */
function codesCheck(buffer: ArrayBufferLike, byteOffset: number, padded: number): number {
  const words = new Int32Array(buffer, byteOffset, padded >> 2);
  return checkWords(words, 0, words.length, padded);
}

/**
 * The manifest's bytes in a buffer of its own (readWholeFile: the typed views into it are aligned
 * and it lives as long as the returned codes), or undefined when it is missing or unreadable
 * (logged). Never rejects.
 */
async function readManifestFile(path: string, logger: Logger): Promise<Buffer | undefined> {
  try {
    return await readWholeFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn(`corpus manifest ${path}: cannot read (${(e as Error).message}); rebuilding it`);
    return undefined;
  }
}

function loadManifest(buf: Buffer | undefined, path: string, key: string, dim: number, logger: Logger): { manifest: Manifest | undefined; state: CorpusOpenStats['manifest'] } {
  if (!buf) return { manifest: undefined, state: 'missing' };
  try {
    const m = parseManifest(buf, key, dim);
    return { manifest: m, state: 'used' };
  } catch (e) {
    logger.warn(`corpus manifest ${path}: ignored (${(e as Error).message}); rebuilding it`);
    return { manifest: undefined, state: 'ignored' };
  }
}

function parseManifest(buf: Buffer, key: string, dim: number): Manifest {
  if (buf.length >= MAGIC_BYTES && OLD_MAGICS.includes(buf.toString('latin1', 0, MAGIC_BYTES))) {
    throw new Error('written by an older Labelwise, with float32 vectors and texts; now stored compactly');
  }
  if (buf.length < HEAD || !hasMagic(buf, FORMAT)) throw new Error('not a manifest of this format');
  const metaBytes = buf.readUInt32LE(MAGIC_BYTES);
  const check = buf.readInt32LE(12);
  const totalBytes = buf.readUInt32LE(16);
  const bulkCheck = buf.readInt32LE(20);
  if (totalBytes !== buf.length) throw new Error(`truncated or extended: ${buf.length} bytes, expected ${totalBytes}`);
  if (HEAD + metaBytes > buf.length) throw new Error('truncated');
  const meta = JSON.parse(buf.toString('utf8', HEAD, HEAD + metaBytes)) as {
    key: string;
    dim: number;
    spans: number;
    files: ManifestFile[];
  };
  if (meta.key !== key || meta.dim !== dim) throw new Error('written for other options or another model');
  const n = meta.spans;
  if (!(Number.isInteger(n) && n >= 0)) throw new Error('bad span count');
  const startsAt = HEAD + pad4(metaBytes);
  const endsAt = startsAt + n * 4;
  const linesAt = endsAt + n * 4;
  const idsAt = linesAt + n * 4;
  const scalesAt = idsAt + n * ID_BYTES;
  const codesAt = scalesAt + n * 4;
  const end = codesAt + pad4(n * dim);
  if (end !== buf.length) throw new Error('section sizes do not add up');
  const at = (from: number, to: number): Uint8Array => new Uint8Array(buf.buffer, buf.byteOffset + from, to - from);
  const sections = [at(HEAD, startsAt), at(startsAt, endsAt), at(endsAt, linesAt), at(linesAt, idsAt), at(idsAt, scalesAt), at(scalesAt, codesAt)];
  if (sectionsCheck(sections) !== check) throw new Error('damaged (check mismatch)');
  if (codesCheck(buf.buffer, buf.byteOffset + codesAt, end - codesAt) !== bulkCheck) throw new Error('damaged (check mismatch in the vectors)');
  // The buffer is our own (allocUnsafeSlow, offset 0), so aligned typed views need no copy.
  const o = buf.byteOffset;
  const starts = new Int32Array(buf.buffer, o + startsAt, n);
  const ends = new Int32Array(buf.buffer, o + endsAt, n);
  const lines = new Int32Array(buf.buffer, o + linesAt, n);
  const files = new Map<string, { entry: ManifestFile; first: number }>();
  let first = 0;
  for (const entry of meta.files) {
    const count = entry.spans;
    if (!(Number.isInteger(count) && count >= 0 && first + count <= n)) throw new Error('file span counts do not add up');
    files.set(entry.file, { entry, first });
    first += count;
  }
  if (first !== n) throw new Error('file span counts do not add up');
  return {
    files,
    spans: n,
    starts,
    ends,
    lines,
    ids: new Uint8Array(buf.buffer, o + idsAt, n * ID_BYTES),
    scales: new Float32Array(buf.buffer, o + scalesAt, n),
    codes: new Int8Array(buf.buffer, o + codesAt, n * dim),
  };
}

/**
 * Writes the kept parts' rows. When every row is kept (a first open of files written long ago, or
 * a re-open) the sections are views of the result's columns and codes: nothing is copied.
 */
async function writeManifest(path: string, key: string, dim: number, entries: ManifestFile[], kept: Part[], all: SpanColumns, vectors: CompactMatrix): Promise<void> {
  if (!all.packed) throw new Error('span ids that are not 24 hex digits cannot be stored');
  let n = 0;
  for (const p of kept) n += p.count;
  let starts = all.starts;
  let ends = all.ends;
  let lines = all.lines;
  let ids = all.packed;
  let scales = vectors.scales;
  let codes = vectors.codes;
  const whole = n === all.length;
  if (!whole) {
    starts = new Int32Array(n);
    ends = new Int32Array(n);
    lines = new Int32Array(n);
    ids = new Uint8Array(n * ID_BYTES);
    scales = new Float32Array(n);
    codes = new Int8Array(n * dim + 4);
    let at = 0;
    for (const p of kept) {
      const a = p.row;
      const b = p.row + p.count;
      starts.set(all.starts.subarray(a, b), at);
      ends.set(all.ends.subarray(a, b), at);
      lines.set(all.lines.subarray(a, b), at);
      ids.set(all.packed.subarray(a * ID_BYTES, b * ID_BYTES), at * ID_BYTES);
      scales.set(vectors.scales.subarray(a, b), at);
      codes.set(vectors.codes.subarray(a * dim, b * dim), at * dim);
      at += p.count;
    }
  }
  const codeBytes = pad4(n * dim);
  // The codes section with its padding as one view: the result's codes array has 4 spare zero
  // bytes (CompactRows); a view into a manifest buffer, or any other array, is copied.
  let codesSection: Uint8Array;
  if (codes.byteOffset % 4 === 0 && codes.buffer.byteLength >= codes.byteOffset + codeBytes && paddingIsZero(codes, n * dim, codeBytes)) {
    codesSection = new Uint8Array(codes.buffer, codes.byteOffset, codeBytes);
  } else {
    codesSection = new Uint8Array(codeBytes);
    codesSection.set(bytesOf(codes).subarray(0, n * dim));
  }
  const metaJson = Buffer.from(JSON.stringify({ key, dim, spans: n, files: entries }), 'utf8');
  const meta = Buffer.alloc(pad4(metaJson.length));
  metaJson.copy(meta);
  const sections = [meta, bytesOf(starts), bytesOf(ends), bytesOf(lines), bytesOf(ids), bytesOf(scales)];
  const head = Buffer.alloc(HEAD);
  let total = HEAD;
  for (const s of sections) total += s.length;
  total += codeBytes;
  if (total > 0xffffffff) throw new Error('corpus too large for a manifest');
  writeMagic(head, FORMAT);
  head.writeUInt32LE(metaJson.length, MAGIC_BYTES);
  head.writeInt32LE(sectionsCheck(sections), 12);
  head.writeUInt32LE(total, 16);
  head.writeInt32LE(codesCheck(codesSection.buffer, codesSection.byteOffset, codeBytes), 20);
  // No fsync (replaceFile): a manifest that a power loss leaves short or zeroed fails its length
  // or check and is rebuilt.
  await replaceFile(path, [head, ...sections, codesSection]);
}

/** Whether the bytes of `codes`' buffer from `from` to `to` (past its end) are zero. */
function paddingIsZero(codes: Int8Array, from: number, to: number): boolean {
  const b = new Uint8Array(codes.buffer, codes.byteOffset, to);
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}
