import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Encoder } from '../encoders/encoder';
import { listCorpusFiles, readCorpus, type Corpus, type CorpusOptions, type CorpusProblem } from '../text/corpus';
import { quantise } from '../features/compactVectors';
import type { CandidateSpan, CompactMatrix, Device, Logger, Vectors } from '../types';

/*
 * The first open's worker threads: reading + segmenting and encoding spread over the cores. On a
 * first open (nothing in the manifest) the work is two passes over the corpus that parallelise
 * file by file and text by text. Results are exactly the serial ones: files are read in contiguous
 * groups of the sorted list and merged in group order (readCorpus's order), and a text's vector
 * does not depend on which other texts share its call (the encoder pools each row alone; the tests
 * check both).
 *
 * This thread takes a share of both passes (lane 0) beside N − 1 workers on N cores: a worker costs
 * its start and, to encode, its own copy of the encoder, which the session's thread already has.
 * Encoding: workers × one ONNX Runtime intra-op thread each, rather than one session with N
 * intra-op threads, because most of the embedded model's encode is its JavaScript tokenizer, which
 * intra-op threads leave on one core (bench:scale --compare on 2 cores, 100 k texts: ORT's default
 * threads and 1 thread cost the same CPU and the same time on the main thread; this thread + one
 * worker take 0.37 s of main-thread CPU instead of 0.58, for 1.14 s of CPU in all instead of 0.71).
 */

/** The encoders of a pool of open workers and this thread's, as one: rows come back compact. */
export interface PooledEncoder {
  readonly id: string;
  readonly dim: number;
  encode(texts: readonly string[]): Promise<CompactMatrix>;
}

/** What a worker needs to load the same encoder as the session (structured-cloneable). */
export interface EncoderSpec {
  readonly model: string;
  readonly device: Device;
  readonly baseDir?: string;
}

/** A request that gets a reply (matched by its `seq`). */
export type OpenWorkerCall = { readonly kind: 'read'; readonly opts: CorpusOptions } | { readonly kind: 'encoder'; readonly spec: EncoderSpec } | { readonly kind: 'encode'; readonly texts: readonly string[] };

export type OpenWorkerRequest = (OpenWorkerCall & { readonly seq: number }) | { readonly kind: 'close' };

/**
 * A read corpus as a worker sends it: the spans as columns (one string of ids, one of texts, one
 * Int32Array of numbers) rather than one object each, which the structured clone would serialise
 * and rebuild property by property (measured: ~3 µs a span, more than reading it).
 */
export interface PackedCorpus {
  readonly files: string[];
  readonly problems: Corpus['problems'];
  /** Consecutive spans of one file: the file of each run, and its span count. */
  readonly runFiles: string[];
  readonly runCounts: Int32Array;
  readonly ids: string;
  readonly texts: string;
  /** Per span: start, end, line, id length, text length. */
  readonly numbers: Int32Array;
}

/** Numbers per span in PackedCorpus.numbers: start, end, line, id length, text length. */
export const NUMBERS = 5;

/** A read part: as readCorpus gives it (this thread) or packed (from a worker), in file order. */
export type CorpusPart = Corpus | PackedCorpus;

export function isPacked(p: CorpusPart): p is PackedCorpus {
  return 'runFiles' in p;
}

/** Spans in a part. */
export function partSpans(p: CorpusPart): number {
  return isPacked(p) ? p.numbers.length / NUMBERS : p.spans.length;
}

/** The parts as one Corpus (span objects made for the packed ones). */
export function mergeParts(parts: readonly CorpusPart[]): Corpus {
  const out: Corpus = { spans: [], problems: [], files: [] };
  for (const p of parts) {
    if (isPacked(p)) {
      unpackCorpusInto(p, out);
      continue;
    }
    for (const s of p.spans) out.spans.push(s);
    for (const q of p.problems) out.problems.push(q);
    for (const f of p.files) out.files.push(f);
  }
  return out;
}

export function packCorpus(c: Corpus): PackedCorpus {
  const n = c.spans.length;
  const numbers = new Int32Array(n * NUMBERS);
  const ids: string[] = new Array(n);
  const texts: string[] = new Array(n);
  const runFiles: string[] = [];
  const runCounts: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = c.spans[i];
    if (runFiles.length === 0 || runFiles[runFiles.length - 1] !== s.file) {
      runFiles.push(s.file);
      runCounts.push(0);
    }
    runCounts[runCounts.length - 1]++;
    ids[i] = s.id;
    texts[i] = s.text;
    const o = i * NUMBERS;
    numbers[o] = s.start;
    numbers[o + 1] = s.end;
    numbers[o + 2] = s.line;
    numbers[o + 3] = s.id.length;
    numbers[o + 4] = s.text.length;
  }
  return { files: c.files, problems: c.problems, runFiles, runCounts: Int32Array.from(runCounts), ids: ids.join(''), texts: texts.join(''), numbers };
}

/** Appends a packed corpus's spans, problems and files to `into` (the inverse of packCorpus). */
export function unpackCorpusInto(p: PackedCorpus, into: { spans: CandidateSpan[]; problems: CorpusProblem[]; files: string[] }): void {
  let i = 0;
  let idAt = 0;
  let textAt = 0;
  const { numbers, ids, texts } = p;
  for (let r = 0; r < p.runFiles.length; r++) {
    const file = p.runFiles[r];
    for (let k = 0; k < p.runCounts[r]; k++, i++) {
      const o = i * NUMBERS;
      const idEnd = idAt + numbers[o + 3];
      const textEnd = textAt + numbers[o + 4];
      into.spans.push({ id: ids.slice(idAt, idEnd), file, start: numbers[o], end: numbers[o + 1], text: texts.slice(textAt, textEnd), line: numbers[o + 2] });
      idAt = idEnd;
      textAt = textEnd;
    }
  }
  for (const q of p.problems) into.problems.push(q);
  for (const f of p.files) into.files.push(f);
}

export type OpenWorkerReply =
  | { readonly seq: number; readonly ok: true; readonly kind: 'read'; readonly corpus: PackedCorpus }
  | { readonly seq: number; readonly ok: true; readonly kind: 'encoder'; readonly id: string; readonly dim: number; readonly provider: 'cpu' | 'cuda' }
  | { readonly seq: number; readonly ok: true; readonly kind: 'encode'; readonly rows: number; readonly cols: number; readonly codes: Int8Array; readonly scales: Float32Array }
  | { readonly seq: number; readonly ok: false; readonly message: string };

/**
 * Files are read in parallel only when they hold this many bytes (~30 k sentences): a worker costs
 * ~0.05 s of CPU to start and its own encoder ~0.15 s more, which a smaller corpus does not win
 * back (bench:scale at 10 k spans: 0.86 s of CPU with a worker, 0.55 s without).
 */
export const PARALLEL_MIN_BYTES = 4 * 1024 * 1024;
/** Texts encoded in parallel only when the read gave this many (each worker loads its own encoder). */
export const PARALLEL_MIN_TEXTS = 2048;
/**
 * An encode call this large starts the workers even when the read did not (a corpus of one or a few
 * large files, read on one thread): the first open encodes 8192 texts a call (corpusManifest.ts).
 */
export const PARALLEL_ENCODE_CALL = 8192;
/** Groups of files per worker: enough that a group of large files does not leave the others idle. */
const GROUPS_PER_WORKER = 4;
/** Time a closing worker gets to release its ONNX Runtime session before it is terminated. */
const CLOSE_GRACE_MS = 2000;

/**
 * Workers an open may use beside its own thread: one per further core the process may run on, at
 * most 7; LABELWISE_OPEN_WORKERS (a number, 0 = all on one thread) overrides it, for measuring.
 */
export function openWorkerCount(env: NodeJS.ProcessEnv = process.env): number {
  const set = Number.parseInt(env.LABELWISE_OPEN_WORKERS ?? '', 10);
  if (Number.isInteger(set) && set >= 0) return Math.min(set, 64);
  return Math.min(availableParallelism(), 8) - 1;
}

/**
 * The worker script beside this module: dist/openWorker.js in the bundles (esbuild.mjs), or
 * src/core/session/openWorker.ts when the source runs through tsx (tests, benches), which a
 * worker thread can load only through tsx's require hook.
 */
/**
 * A worker's young generation: reading allocates a span object and its strings per sentence. 64 MB
 * saved ~10 % of the read's CPU (100 k spans: ~0.8 s against ~0.88), but the worker then holds that
 * much more while the first open streams (bench:scale, 1 M spans: peak RSS 643 → 576 MB together
 * with 2 MB read groups); 16 MB is V8's own default size on 64-bit.
 */
const YOUNG = { maxYoungGenerationSizeMb: 16 };

function startWorker(): Worker {
  const js = join(__dirname, 'openWorker.js');
  if (existsSync(js)) return new Worker(js, { resourceLimits: YOUNG });
  const ts = join(__dirname, 'openWorker.ts');
  if (existsSync(ts)) return new Worker(`require('tsx/cjs'); require(${JSON.stringify(ts)});`, { eval: true, resourceLimits: YOUNG });
  throw new Error(`the open worker script is missing (looked for ${js})`);
}

interface Pending {
  resolve(r: OpenWorkerReply): void;
  reject(e: Error): void;
}

class OpenWorker {
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private failed: Error | undefined;
  readonly exited: Promise<void>;

  constructor(readonly worker: Worker) {
    worker.on('message', (m: OpenWorkerReply) => {
      const p = this.pending.get(m.seq);
      if (!p) return;
      this.pending.delete(m.seq);
      if (m.ok) p.resolve(m);
      else p.reject(new Error(m.message));
    });
    this.exited = new Promise((resolve) => {
      worker.on('error', (e: Error) => this.fail(e));
      worker.on('exit', (code) => {
        this.fail(new Error(`an open worker stopped (exit code ${code})`));
        resolve();
      });
    });
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  call(req: OpenWorkerCall): Promise<OpenWorkerReply> {
    if (this.failed) return Promise.reject(this.failed);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.worker.postMessage({ ...req, seq });
    });
  }

  async close(): Promise<void> {
    if (!this.failed) this.worker.postMessage({ kind: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), CLOSE_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * A pool of open workers for one open: started when an open has enough to do, closed when it ends
 * (the workers hold an encoder each; the session keeps only its own).
 */
export class OpenPool {
  private readonly workers: OpenWorker[];

  private pooled: Promise<PooledEncoder | undefined> | undefined;

  private constructor(workers: OpenWorker[]) {
    this.workers = workers;
  }

  static start(size: number): OpenPool {
    const workers: OpenWorker[] = [];
    try {
      for (let i = 0; i < size; i++) workers.push(new OpenWorker(startWorker()));
    } catch (e) {
      for (const w of workers) void w.worker.terminate();
      throw e;
    }
    return new OpenPool(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * readCorpus over the workers (and this thread, unless `thisThread` is false: it is busy
   * encoding meanwhile): the listed files in contiguous groups, each read by readCorpus in a
   * lane, merged in order. Same spans, problems and files as readCorpus(opts).
   */
  async readCorpus(opts: CorpusOptions, thisThread = true): Promise<Corpus> {
    return mergeParts(await this.readParts(opts, thisThread));
  }

  /** readCorpus's parts as they come: what a worker read stays packed (no span objects made for it). */
  async readParts(opts: CorpusOptions, thisThread = true): Promise<CorpusPart[]> {
    const listed = await listCorpusFiles(opts);
    const lanes = this.workers.length + (thisThread ? 1 : 0);
    const groups = Math.min(listed.length, lanes * GROUPS_PER_WORKER);
    if (groups <= 1) return [await readCorpus(opts)];
    const per = Math.ceil(listed.length / groups);
    const parts: CorpusPart[] = new Array(groups);
    let next = 0;
    // Each lane takes the next group when done with its last; `w` undefined: this thread.
    const drain = async (w: OpenWorker | undefined): Promise<void> => {
      while (next < groups) {
        const g = next++;
        const files = listed.slice(g * per, (g + 1) * per);
        if (files.length === 0) {
          parts[g] = { spans: [], problems: [], files: [] };
          continue;
        }
        if (!w) {
          parts[g] = await readCorpus({ ...opts, files });
          continue;
        }
        const r = await w.call({ kind: 'read', opts: { ...opts, files } }).catch((e: Error) => {
          throw new Error(`reading ${files[0]}${files.length > 1 ? ` … ${files[files.length - 1]}` : ''}: ${e.message}`);
        });
        if (!(r.ok && r.kind === 'read')) throw new Error(`reading ${files[0]}: an open worker answered a read with "${r.ok ? r.kind : 'an error'}"`);
        parts[g] = r.corpus;
      }
    };
    await Promise.all([...(thisThread ? [drain(undefined)] : []), ...this.workers.map(drain)]);
    return parts;
  }

  /**
   * An encoder that splits each call over this thread's `base` and the workers' encoders, which
   * load `spec` on the first call (once; later calls get the same answer); undefined when they
   * cannot serve for `base`: failed to load (e.g. ONNX Runtime refused a thread) or loaded a
   * different model (another id or dimension). The reason is logged.
   */
  encoderFor(base: Encoder, spec: EncoderSpec, logger: Logger): Promise<PooledEncoder | undefined> {
    this.pooled ??= this.loadEncoders(base, spec, logger);
    return this.pooled;
  }

  private async loadEncoders(base: Encoder, spec: EncoderSpec, logger: Logger): Promise<PooledEncoder | undefined> {
    try {
      const got = await Promise.all(this.workers.map((w) => w.call({ kind: 'encoder', spec })));
      for (const r of got) {
        if (r.ok && r.kind === 'encoder' && (r.id !== base.id || r.dim !== base.dim)) {
          throw new Error(`they loaded ${r.id} (dim ${r.dim}), the session ${base.id} (dim ${base.dim})`);
        }
      }
    } catch (e) {
      logger.warn(`encoding on one thread: the open's workers cannot encode (${(e as Error).message})`);
      return undefined;
    }
    return { id: base.id, dim: base.dim, encode: (texts) => this.encode(texts, base) };
  }

  /**
   * Texts split into one contiguous part per lane (this thread's encoder, then each worker's),
   * balanced by characters; rows in input order, quantised where they were encoded (each lane
   * quantises its own rows, and a worker sends a quarter of the bytes back).
   */
  private async encode(texts: readonly string[], base: Encoder): Promise<CompactMatrix> {
    const n = texts.length;
    const dim = base.dim;
    const parts = Math.min(this.workers.length + 1, Math.max(1, Math.floor(n / 256)));
    let chars = 0;
    for (const t of texts) chars += t.length;
    const bounds = [0];
    let acc = 0;
    for (let i = 0; i < n && bounds.length < parts; i++) {
      acc += texts[i].length;
      if (acc >= (chars * bounds.length) / parts) bounds.push(i + 1);
    }
    bounds.push(n);
    const codes = new Int8Array(n * dim);
    const scales = new Float32Array(n);
    await Promise.all(
      bounds.slice(0, -1).map(async (from, k) => {
        const to = bounds[k + 1];
        if (to <= from) return;
        const part = texts.slice(from, to);
        if (k === 0) {
          const m = await base.encode(part);
          if (m.rows !== part.length || m.cols !== dim) throw new Error(`the encoder returned ${m.rows}×${m.cols} vectors for ${part.length} texts`);
          const q = quantise(m);
          codes.set(q.codes, from * dim);
          scales.set(q.scales, from);
          return;
        }
        const r = await this.workers[k - 1].call({ kind: 'encode', texts: part });
        if (!(r.ok && r.kind === 'encode') || r.rows !== to - from || r.cols !== dim || r.codes.length !== (to - from) * dim) throw new Error(`an open worker returned vectors of the wrong shape for ${to - from} texts`);
        codes.set(r.codes, from * dim);
        scales.set(r.scales, from);
      }),
    );
    return { rows: n, cols: dim, codes, scales };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}

/**
 * The session's open, spread over worker threads when there is enough to do: the pool starts when
 * the files to read hold PARALLEL_MIN_BYTES (a re-open that reuses every file never starts it), the
 * workers load their encoders as soon as the read gave PARALLEL_MIN_TEXTS spans (while this thread
 * hashes them and looks them up in the embedding cache) or at an encode call of
 * PARALLEL_ENCODE_CALL texts (a large file read on one thread), and everything closes with the open.
 * Without workers (one core, a small corpus, a GPU encoder, a pool that failed to start or broke)
 * everything runs on this thread, as before: a failure is logged, never fatal.
 */
export class ParallelOpen {
  private pool: OpenPool | undefined;
  private broken = false;
  private pooled: Promise<PooledEncoder | undefined> | undefined;
  /** LABELWISE_OPEN_WORKERS set: workers for any open with two files or more (tests, measurements). */
  private readonly forced: boolean;
  /**
   * Whether the workers load encoders of their own and take a share of each encode call. With one
   * worker (two cores) they do not: a second encoder costs ~150 MB (ONNX Runtime's arena, the
   * word table, its thread), so the worker reads and segments the next group of files while this
   * thread encodes the last one (corpusManifest.ts reads a group ahead). bench:scale, 1 M spans
   * on 2 cores: peak RSS 694–721 MB with a worker's encoder against ~550 MB without.
   */
  readonly encodeInWorkers: boolean;

  constructor(
    private readonly base: Encoder,
    private readonly spec: EncoderSpec,
    private readonly logger: Logger,
    env: NodeJS.ProcessEnv = process.env,
    opts: { readonly encodeInWorkers?: boolean } = {},
  ) {
    this.workers = openWorkerCount(env);
    this.forced = (env.LABELWISE_OPEN_WORKERS ?? '') !== '';
    this.encodeInWorkers = opts.encodeInWorkers ?? this.workers >= 2;
  }

  private readonly workers: number;

  private ensure(): OpenPool | undefined {
    if (this.pool || this.broken || this.workers < 1) return this.pool;
    try {
      this.pool = OpenPool.start(this.workers);
      this.logger.info(`corpus open: this thread and ${this.workers} worker thread${this.workers === 1 ? '' : 's'}${this.encodeInWorkers ? '' : ' (reading ahead; this thread encodes)'}`);
    } catch (e) {
      this.broken = true;
      this.logger.warn(`corpus open on one thread: ${(e as Error).message}`);
    }
    return this.pool;
  }

  private giveUp(what: string, e: unknown): void {
    this.logger.warn(`corpus open: ${what} on this thread instead (${(e as Error).message})`);
    this.broken = true;
    const p = this.pool;
    this.pool = undefined;
    this.pooled = Promise.resolve(undefined);
    void p?.close();
  }

  /** readCorpus(opts), over the workers when `bytes` (the files' total size) is worth it. */
  async read(opts: CorpusOptions, bytes: number): Promise<Corpus> {
    return mergeParts(await this.readParts(opts, bytes));
  }

  /** read(), in parts as they come (a worker's stay packed: the first open takes their columns as they are). */
  async readParts(opts: CorpusOptions, bytes: number): Promise<CorpusPart[]> {
    const files = opts.files?.length ?? Infinity;
    const pool = files >= 2 && (this.forced || bytes >= PARALLEL_MIN_BYTES) ? this.ensure() : undefined;
    if (!pool) return [await readCorpus(opts)];
    let parts: CorpusPart[];
    try {
      const t = performance.now();
      // Reading ahead, the workers alone read: this thread is encoding the previous group.
      parts = await pool.readParts(opts, this.encodeInWorkers);
      const threads = pool.size + (this.encodeInWorkers ? 1 : 0);
      const read = parts.reduce((n, p) => n + p.files.length, 0);
      this.logger.info(`corpus open: ${read} files read on ${threads} thread${threads === 1 ? '' : 's'} in ${((performance.now() - t) / 1000).toFixed(2)} s`);
    } catch (e) {
      this.giveUp('reading the files', e);
      return [await readCorpus(opts)];
    }
    const spans = parts.reduce((n, p) => n + partSpans(p), 0);
    // A GPU session serves one thread; the workers encode only on the CPU, and only a large corpus.
    if (this.encodeInWorkers && this.base.provider === 'cpu' && (this.forced || spans >= PARALLEL_MIN_TEXTS)) {
      this.pooled = pool.encoderFor(this.base, { ...this.spec, device: 'cpu' }, this.logger);
    }
    return parts;
  }

  /**
   * base.encode(texts), over this thread and the workers when the read started their encoders or
   * this call is large enough to start them (PARALLEL_ENCODE_CALL): then compact, quantised in
   * each lane exactly as quantise() would (compactVectors.ts); on this thread alone, float32.
   */
  async encode(texts: readonly string[]): Promise<Vectors> {
    if (!this.pooled && this.encodeInWorkers && this.base.provider === 'cpu' && texts.length >= PARALLEL_ENCODE_CALL) {
      const pool = this.ensure();
      if (pool) this.pooled = pool.encoderFor(this.base, { ...this.spec, device: 'cpu' }, this.logger);
    }
    const e = this.pooled && texts.length >= 2 ? await this.pooled : undefined;
    if (e) {
      try {
        return await e.encode(texts);
      } catch (err) {
        this.giveUp('encoding', err);
      }
    }
    return this.base.encode(texts);
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    await p?.close();
  }
}
