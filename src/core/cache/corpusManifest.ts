import { createHash } from 'node:crypto';
import { statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { SPANS_VERSION, listCorpusFiles, readCorpus, type Corpus, type CorpusOptions, type CorpusProblem } from '../text/corpus';
import { silentLogger, type CandidateSpan, type Logger, type Matrix } from '../types';
import { EmbeddingCache, type CacheProgress } from './embeddingCache';
import type { Encoder } from '../encoders/encoder';
import { MAGIC_BYTES, checkWords, clearFiles, hasMagic, readWholeFile, replaceFile, writeMagic, type CheckedFormat } from './checkedFile';

/*
 * A corpus manifest (like git's index): for one (workspace, corpus options, encoder), per file its
 * stat (size, mtime, ctime, inode), its spans and their vectors, as they were at the last open.
 * Re-opening lists the files and stats them; a file whose stat matches is neither read, nor
 * segmented, nor hashed: its spans and vectors come from the manifest. Changed and new files go
 * through the normal path (read → segment → per-text embedding cache → encode the misses), and
 * the manifest is rewritten (temp file + rename) only when something changed.
 *
 * On-disk format, little-endian, one file per key: `corpus-<sha256(key)[:16]>.lwmanifest`
 *
 *   "LWCMAN02" (checkedFile.ts) | u32 metaBytes | i32 check | u32 totalBytes | u32 0
 *   meta       UTF-8 JSON { key, dim, spans, textUnits, files: [...] }, padded to 8
 *   table      spans × i32 (start, end, line, textUnits)
 *   ids        spans × 24 latin1 bytes (span ids are 24 hex digits), padded to 8
 *   texts      textUnits code units: latin1 bytes when every unit is < 256 (half the bytes to read
 *              and one-byte strings), else UTF-16LE (exact, lone surrogates included); padded to 8
 *   vectors    spans × dim f32
 *
 * `check` covers everything after the 24-byte head (see manifestCheck). A manifest that is short, long,
 * garbled, or written for another key (encoder id, dim, granularity, include/exclude, root,
 * maxFileSizeMB, key or format version) is ignored and rebuilt; it never throws and never touches a
 * workspace file (files are only opened for reading).
 *
 * Racy entries: a file modified within the same timestamp tick as our stat could change without
 * its stat changing. As git does, a file whose mtime or ctime is within RACY_MS of the moment it
 * was stat'ed is not recorded, so it is simply read again at the next open.
 */
/** Format 2: the check became checkedFile.ts's checkWords (format 1 computed its own, differently). */
const FORMAT: CheckedFormat = { magic: 'LWCMAN02', ext: '.lwmanifest' };
/**
 * Part of the key, so of the file name. Still 1: format 2 changed only the check, and keeping the
 * name lets a format-2 manifest replace the format-1 file (ignored by its magic) instead of
 * leaving it behind. Bump it only when the key itself changes meaning.
 */
const KEY_VERSION = 1;
const HEAD = 24;
const ID_CHARS = 24;
/** Files modified this recently (ms) before their stat are re-read next time (timestamp granularity: FAT has 2 s). */
const RACY_MS = 2500;
/** Stride of the sampled part of the check (see manifestCheck). */
const SAMPLE_STRIDE = 64;

export interface CorpusEncodeOptions {
  readonly corpus: CorpusOptions;
  readonly encoder: Encoder;
  /** Folder of the embedding cache; the manifest lives next to it. */
  readonly cacheDir: string;
  readonly logger?: Logger;
  /** Progress of encoding the texts of changed files (after the cache lookup). */
  readonly onProgress?: CacheProgress;
  /**
   * Anything else that decides spans (e.g. the extension's version, so that a new segmenter never
   * reuses spans cut by an old one). Part of the manifest key.
   */
  readonly version?: string;
  /** Encodes the cache misses of changed files; defaults to `encoder.encode` (the session passes a chunked, cancellable one). */
  readonly encode?: (texts: readonly string[]) => Promise<Matrix>;
  /**
   * Reads the changed and new files (`files` set; `bytes`: their size as stat'ed); defaults to
   * readCorpus. Must give readCorpus's result (the session passes one spread over worker threads
   * for a large read, openPool.ts).
   */
  readonly read?: (opts: CorpusOptions, bytes: number) => Promise<Corpus>;
  /** Clock for the racy-file rule (tests move it forward to stand for files written long ago). */
  readonly now?: () => number;
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
  /** Ordered by file path (code-unit order), then by position, as readCorpus orders them. */
  readonly spans: CandidateSpan[];
  /**
   * spans.length × dim, row i for spans[i]. When every file is reused, `data` is a view into the
   * manifest's read buffer (no copy): use its byteOffset/length, not its whole `.buffer`.
   */
  readonly vectors: Matrix;
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

interface ManifestPlace {
  readonly entry: ManifestFile;
  /** Row of the file's first span. */
  readonly first: number;
  /** Where the file's first span text starts in `Manifest.texts`. */
  readonly textAt: number;
}

interface Manifest {
  readonly files: Map<string, ManifestPlace>;
  readonly spans: number;
  readonly table: Int32Array;
  /**
   * Span ids (24 characters each, from 0) and, when the texts are latin1, the texts too (after
   * the ids' padding; ManifestPlace.textAt counts from the string's start): one decode call. A Buffer decoded to a string of more than ~1 MB
   * becomes an external string (one memcpy); a smaller one is copied onto the V8 heap, which
   * measured ~10× slower per byte, so decoding the ids alone cost more than all the texts.
   */
  readonly ids: string;
  /** The span texts: `ids` itself (latin1) or a UTF-16 string of its own. */
  readonly texts: string;
  readonly vectors: Float32Array;
}

/**
 * One file of the result, in file order, from the manifest or freshly read. A manifest part's
 * spans are built straight into the result array (no per-file array in between).
 */
interface Part {
  readonly entry: ManifestFile | undefined;
  readonly file: string;
  /** The read spans; undefined for a manifest part. */
  readonly spans: CandidateSpan[] | undefined;
  readonly count: number;
  readonly problems: CorpusProblem[];
  readonly read: boolean;
  /** Rows of the vectors: from the manifest (row of its first span) or from the fresh encode. */
  readonly fromManifest: boolean;
  readonly row: number;
  /** Manifest parts: start of the first span's text in `Manifest.texts`. */
  readonly textAt: number;
}

/** Name of the manifest of one key (any key maps to a safe name). */
export function manifestFileName(key: string): string {
  return `corpus-${createHash('sha256').update(key).digest('hex').slice(0, 16)}${FORMAT.ext}`;
}

/** Removes every corpus manifest in `dir`; other files are left alone. */
export function clearCorpusManifests(dir: string): Promise<number> {
  return clearFiles(dir, FORMAT);
}

/**
 * Reads and encodes the corpus, reusing every unchanged file's spans and vectors from the last
 * open (see the format note above). The result equals readCorpus + the embedding cache: same
 * spans, same order, same problems, same vectors. A missing, damaged or foreign manifest is rebuilt; a manifest that cannot be
 * written is logged and skipped (the next open reads everything again).
 */
export async function openCorpusEncoded(opts: CorpusEncodeOptions): Promise<EncodedCorpus> {
  const logger = opts.logger ?? silentLogger;
  const { corpus } = opts;
  const { encoder } = opts;
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
  // Reading the manifest (most of it the vectors, whose fresh pages the kernel must fault in) runs
  // on libuv's thread pool while this thread lists and stats the files.
  const reading = readManifestFile(path, logger);

  const listed = await listCorpusFiles(corpus);
  const stamps = new Map<string, FileStamp | undefined>();
  const statAt = (opts.now ?? Date.now)();
  for (const f of listed) stamps.set(f, statOf(join(root, f)));
  const { manifest, state } = loadManifest(await reading, path, key, dim, logger);
  const toRead: string[] = [];
  let filesReused = 0;
  for (const f of listed) {
    const st = stamps.get(f);
    const old = manifest?.files.get(f);
    if (old && st && sameStamp(old.entry, st)) filesReused++;
    else toRead.push(f);
  }

  // Changed and new files: the normal path.
  const readParts = new Map<string, Part>();
  let hits = 0;
  let misses = 0;
  let fresh: Matrix = { rows: 0, cols: dim, data: new Float32Array(0) };
  if (toRead.length > 0) {
    let bytes = 0;
    for (const f of toRead) bytes += stamps.get(f)?.size ?? 0;
    const c = await (opts.read ?? readCorpus)({ ...corpus, files: toRead }, bytes);
    const byFile = new Map<string, { spans: CandidateSpan[]; problems: CorpusProblem[] }>();
    const group = (f: string): { spans: CandidateSpan[]; problems: CorpusProblem[] } => {
      let g = byFile.get(f);
      if (!g) byFile.set(f, (g = { spans: [], problems: [] }));
      return g;
    };
    for (const s of c.spans) group(s.file).spans.push(s);
    for (const p of c.problems) group(p.file).problems.push(p);
    const readOk = new Set(c.files);
    const texts = c.spans.map((s) => s.text);
    if (texts.length > 0) {
      const cache = await EmbeddingCache.open(opts.cacheDir, encoder.id, dim, logger).catch((e: unknown) => {
        logger.warn(`embedding cache ${opts.cacheDir} unavailable (${(e as Error).message}); encoding without it`);
        return undefined;
      });
      const encode = opts.encode ?? ((t: readonly string[]): Promise<Matrix> => encoder.encode(t));
      if (cache) {
        const viaEncode: Encoder = { id: encoder.id, dim, provider: encoder.provider, encode, dispose: () => Promise.resolve() };
        const r = await cache.encodeWithCache(viaEncode, texts, opts.onProgress);
        await cache.flush().catch((e: unknown) => logger.warn(`embedding cache ${opts.cacheDir}: not saved (${(e as Error).message})`));
        fresh = r.vectors;
        hits = r.hits;
        misses = r.misses;
      } else {
        fresh = await encode(texts);
        misses = texts.length;
      }
    }
    let row = 0;
    for (const f of toRead) {
      const g = byFile.get(f) ?? { spans: [], problems: [] };
      readParts.set(f, { entry: undefined, file: f, spans: g.spans, count: g.spans.length, problems: g.problems, read: readOk.has(f), fromManifest: false, row, textAt: 0 });
      row += g.spans.length;
    }
  }

  // Assemble in file order.
  const parts: Part[] = [];
  let total = 0;
  for (const f of listed) {
    const p = readParts.get(f) ?? (manifest ? reusedPart(manifest, f) : undefined);
    if (!p) continue; // listed by the glob but dropped by the include/exclude re-check: as readCorpus does
    parts.push(p);
    total += p.count;
  }
  const spans: CandidateSpan[] = new Array(total);
  const problems: CorpusProblem[] = [];
  const files: string[] = [];
  let vectors: Float32Array;
  if (manifest && toRead.length === 0 && total === manifest.spans) {
    // Everything unchanged and nothing removed: the manifest's vectors are the result, in order.
    vectors = manifest.vectors;
  } else {
    vectors = new Float32Array(total * dim);
  }
  let at = 0;
  for (const p of parts) {
    if (p.spans) for (let i = 0; i < p.count; i++) spans[at + i] = p.spans[i];
    else fillFromManifest(manifest!, p, spans, at);
    if (vectors !== manifest?.vectors) {
      const src = p.fromManifest ? manifest!.vectors : fresh.data;
      vectors.set(src.subarray(p.row * dim, (p.row + p.count) * dim), at * dim);
    }
    at += p.count;
    for (const q of p.problems) problems.push(q);
    if (p.read) files.push(p.file);
  }

  // Persist when anything differs from the manifest on disk.
  const changed = !manifest || toRead.length > 0 || manifest.files.size !== filesReused;
  let written = false;
  if (changed) {
    const entries: ManifestFile[] = [];
    let keep = 0;
    for (const p of parts) {
      if (p.fromManifest) {
        entries.push(p.entry!);
        continue;
      }
      const before = stamps.get(p.file);
      const after = statOf(join(root, p.file));
      // Changed while we read it, or too recent to trust its timestamps: leave it for next time.
      if (!before || !after || !sameStamp(before, after) || isRacy(before, statAt)) continue;
      entries.push({ file: p.file, ...before, read: p.read, spans: p.count, problems: p.problems });
      keep++;
    }
    if (keep > 0 || entries.length !== (manifest?.files.size ?? -1)) {
      try {
        await writeManifest(path, key, dim, entries, parts, spans, vectors);
        written = true;
      } catch (e) {
        logger.warn(`corpus manifest ${path}: not saved (${(e as Error).message}); the next open reads every file again`);
      }
    }
  }
  return {
    spans,
    vectors: { rows: total, cols: dim, data: vectors },
    problems,
    files,
    stats: { filesReused, filesRead: toRead.length, spansReused: total - fresh.rows, hits, misses, manifest: state, written },
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

function reusedPart(m: Manifest, file: string): Part | undefined {
  const e = m.files.get(file);
  if (!e) return undefined;
  const { entry, first, textAt } = e;
  return { entry, file, spans: undefined, count: entry.spans, problems: entry.problems, read: entry.read, fromManifest: true, row: first, textAt };
}

/** Builds a manifest part's spans into `out` from index `at` (the hot loop of a re-open). */
function fillFromManifest(m: Manifest, p: Part, out: CandidateSpan[], at: number): void {
  const { table, ids, texts } = m;
  const file = p.file;
  let from = p.textAt;
  let o = p.row * 4;
  let idAt = p.row * ID_CHARS;
  for (let i = 0; i < p.count; i++) {
    const to = from + table[o + 3];
    out[at + i] = {
      id: ids.slice(idAt, idAt + ID_CHARS),
      file,
      start: table[o],
      end: table[o + 1],
      text: texts.slice(from, to),
      line: table[o + 2],
    };
    from = to;
    o += 4;
    idAt += ID_CHARS;
  }
}

function pad8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/**
 * Check of a manifest (`buf` from offset `from`, both 8-aligned): every word of the structural
 * part (meta, span table, ids), which must be exact, then every SAMPLE_STRIDE-th word of the texts
 * and vectors. A full check of those (~16 MB for 23k spans) would cost as much as the rest of a
 * re-open; the sample still catches truncation, garbage and zeroed pages (a 4 KB page holds 16
 * sampled words).
 */
function manifestCheck(buf: Buffer, from: number, bulkAt: number): number {
  const words = new Int32Array(buf.buffer, buf.byteOffset, buf.length >> 2);
  const structural = checkWords(words, from >> 2, bulkAt >> 2, bulkAt - from);
  return checkWords(words, bulkAt >> 2, words.length, structural, SAMPLE_STRIDE);
}

/**
 * The manifest's bytes in a buffer of its own (readWholeFile: the typed views into it are aligned
 * and it lives as long as the returned vectors), or undefined when it is missing or unreadable
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
  if (buf.length < HEAD || !hasMagic(buf, FORMAT)) throw new Error('not a manifest of this format');
  const metaBytes = buf.readUInt32LE(MAGIC_BYTES);
  const check = buf.readInt32LE(12);
  const totalBytes = buf.readUInt32LE(16);
  if (totalBytes !== buf.length) throw new Error(`truncated or extended: ${buf.length} bytes, expected ${totalBytes}`);
  if (HEAD + metaBytes > buf.length) throw new Error('truncated');
  const meta = JSON.parse(buf.toString('utf8', HEAD, HEAD + metaBytes)) as {
    key: string;
    dim: number;
    spans: number;
    textUnits: number;
    wide: boolean;
    files: ManifestFile[];
  };
  if (meta.key !== key || meta.dim !== dim) throw new Error('written for other options or another model');
  const n = meta.spans;
  let pos = HEAD + pad8(metaBytes);
  const tableAt = pos;
  pos += n * 16;
  const idsAt = pos;
  pos += pad8(n * ID_CHARS);
  const textsAt = pos;
  const unit = meta.wide ? 2 : 1;
  pos += pad8(meta.textUnits * unit);
  const vecAt = pos;
  pos += n * dim * 4;
  if (pos !== buf.length) throw new Error('section sizes do not add up');
  if (manifestCheck(buf, HEAD, textsAt) !== check) throw new Error('damaged (check mismatch)');
  // The buffer is our own (allocUnsafeSlow, offset 0), so aligned typed views need no copy.
  const table = new Int32Array(buf.buffer, buf.byteOffset + tableAt, n * 4);
  let ids: string;
  let texts: string;
  let textBase: number;
  if (meta.wide) {
    ids = buf.toString('latin1', idsAt, idsAt + n * ID_CHARS);
    texts = buf.toString('utf16le', textsAt, textsAt + meta.textUnits * 2);
    textBase = 0;
  } else {
    // One string for ids, padding and texts (see Manifest.ids).
    ids = texts = buf.toString('latin1', idsAt, textsAt + meta.textUnits);
    textBase = textsAt - idsAt;
  }
  const vectors = new Float32Array(buf.buffer, buf.byteOffset + vecAt, n * dim);
  const files = new Map<string, ManifestPlace>();
  let first = 0;
  let t = 0;
  for (const entry of meta.files) {
    const count = entry.spans;
    if (!(Number.isInteger(count) && count >= 0 && first + count <= n)) throw new Error('file span counts do not add up');
    files.set(entry.file, { entry, first, textAt: textBase + t });
    for (let r = first; r < first + count; r++) {
      const len = table[r * 4 + 3];
      if (len < 0) throw new Error('span texts do not add up');
      t += len;
    }
    first += count;
  }
  if (first !== n) throw new Error('file span counts do not add up');
  if (t !== meta.textUnits) throw new Error('span texts do not add up');
  return { files, spans: n, table, ids, texts, vectors };
}

async function writeManifest(
  path: string,
  key: string,
  dim: number,
  entries: ManifestFile[],
  parts: Part[],
  all: readonly CandidateSpan[],
  vectors: Float32Array,
): Promise<void> {
  const kept = new Set(entries.map((e) => e.file));
  const spans: CandidateSpan[] = [];
  const rows: number[] = [];
  let row = 0;
  for (const p of parts) {
    if (kept.has(p.file)) {
      for (let i = 0; i < p.count; i++) {
        spans.push(all[row + i]);
        rows.push(row + i);
      }
    }
    row += p.count;
  }
  const n = spans.length;
  let textUnits = 0;
  let wide = false;
  for (const s of spans) {
    if (s.id.length !== ID_CHARS || !/^[0-9a-f]+$/.test(s.id)) throw new Error(`unexpected span id "${s.id}"`);
    textUnits += s.text.length;
    if (!wide && /[^\u0000-\u00ff]/.test(s.text)) wide = true;
  }
  const meta = Buffer.from(JSON.stringify({ key, dim, spans: n, textUnits, wide, files: entries }), 'utf8');
  const tableAt = HEAD + pad8(meta.length);
  const idsAt = tableAt + n * 16;
  const textsAt = idsAt + pad8(n * ID_CHARS);
  const vecAt = textsAt + pad8(textUnits * (wide ? 2 : 1));
  const total = vecAt + n * dim * 4;
  if (total > 0xffffffff) throw new Error('corpus too large for a manifest');
  const buf = Buffer.alloc(total);
  writeMagic(buf, FORMAT);
  buf.writeUInt32LE(meta.length, MAGIC_BYTES);
  buf.writeUInt32LE(total, 16);
  meta.copy(buf, HEAD);
  const table = new Int32Array(buf.buffer, buf.byteOffset + tableAt, n * 4);
  const out = new Float32Array(buf.buffer, buf.byteOffset + vecAt, n * dim);
  let idPos = idsAt;
  let textPos = textsAt;
  for (let i = 0; i < n; i++) {
    const s = spans[i];
    table[i * 4] = s.start;
    table[i * 4 + 1] = s.end;
    table[i * 4 + 2] = s.line;
    table[i * 4 + 3] = s.text.length;
    idPos += buf.write(s.id, idPos, 'latin1');
    textPos += buf.write(s.text, textPos, wide ? 'utf16le' : 'latin1');
    out.set(vectors.subarray(rows[i] * dim, (rows[i] + 1) * dim), i * dim);
  }
  buf.writeInt32LE(manifestCheck(buf, HEAD, textsAt), 12);
  // No fsync (replaceFile): it costs 25-90 ms here on every first open, and a manifest that a
  // power loss leaves short or zeroed fails its length or check and is rebuilt.
  await replaceFile(path, [buf]);
}
