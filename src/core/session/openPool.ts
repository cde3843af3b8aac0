import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Encoder } from '../encoders/encoder';
import { listCorpusFiles, readCorpus, type Corpus, type CorpusOptions } from '../text/corpus';
import type { Device, Logger, Matrix } from '../types';

/*
 * The first open's worker threads: reading + segmenting and encoding spread over the cores. On a
 * first open (nothing in the manifest) the work is two passes over the corpus that parallelise
 * file by file and text by text; the session's own thread only lists, merges, hashes and writes the
 * caches. Results are exactly the serial ones: files are read in contiguous groups of the sorted
 * list and merged in group order (readCorpus's order), and a text's vector does not depend on which
 * other texts share its call (the encoder pools each row alone; the test checks both).
 *
 * This thread takes a share of both passes (lane 0) beside N − 1 workers on N cores: a worker costs
 * its start and, to encode, its own copy of the encoder (~0.2 s of CPU), which the session's thread
 * already has. Encoding: workers × one ONNX Runtime intra-op thread each, rather than one session with N
 * intra-op threads, because the embedded model's tokenizer is JavaScript (half the encode CPU):
 * intra-op threads leave it on one core. Measured on 2 cores: see /work/notes (bench:scale).
 */

/** What a worker needs to load the same encoder as the session (structured-cloneable). */
export interface EncoderSpec {
  readonly model: string;
  readonly device: Device;
  readonly baseDir?: string;
}

export interface OpenWorkerData {
  readonly encoder?: EncoderSpec;
}

/** A request that gets a reply (matched by its `seq`). */
export type OpenWorkerCall = { readonly kind: 'read'; readonly opts: CorpusOptions } | { readonly kind: 'encoder' } | { readonly kind: 'encode'; readonly texts: readonly string[] };

export type OpenWorkerRequest = (OpenWorkerCall & { readonly seq: number }) | { readonly kind: 'close' };

export type OpenWorkerReply =
  | { readonly seq: number; readonly ok: true; readonly kind: 'read'; readonly corpus: Corpus }
  | { readonly seq: number; readonly ok: true; readonly kind: 'encoder'; readonly id: string; readonly dim: number; readonly provider: 'cpu' | 'cuda' }
  | { readonly seq: number; readonly ok: true; readonly kind: 'encode'; readonly rows: number; readonly cols: number; readonly data: Float32Array }
  | { readonly seq: number; readonly ok: false; readonly message: string };

/** Files read in parallel only from this many on (a worker costs ~50 ms to start, bundled). */
export const PARALLEL_MIN_FILES = 16;
/** Texts encoded in parallel only from this many on (each worker loads its own encoder). */
export const PARALLEL_MIN_TEXTS = 2048;
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
function startWorker(data: OpenWorkerData): Worker {
  const js = join(__dirname, 'openWorker.js');
  if (existsSync(js)) return new Worker(js, { workerData: data });
  const ts = join(__dirname, 'openWorker.ts');
  if (existsSync(ts)) return new Worker(`require('tsx/cjs'); require(${JSON.stringify(ts)});`, { eval: true, workerData: data });
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

  private constructor(workers: OpenWorker[], private readonly spec: EncoderSpec | undefined) {
    this.workers = workers;
  }

  /** `encoder`: load the session's encoder in every worker too (as it starts), for encode(). */
  static start(size: number, encoder?: EncoderSpec): OpenPool {
    const data: OpenWorkerData = encoder ? { encoder } : {};
    const workers: OpenWorker[] = [];
    try {
      for (let i = 0; i < size; i++) workers.push(new OpenWorker(startWorker(data)));
    } catch (e) {
      for (const w of workers) void w.worker.terminate();
      throw e;
    }
    return new OpenPool(workers, encoder);
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * readCorpus over the workers: the listed files in contiguous groups, each read by readCorpus
   * in a worker, merged in order. Same spans, problems and files as readCorpus(opts).
   */
  async readCorpus(opts: CorpusOptions): Promise<Corpus> {
    const listed = await listCorpusFiles(opts);
    const lanes = this.workers.length + 1;
    const groups = Math.min(listed.length, lanes * GROUPS_PER_WORKER);
    if (groups <= 1) return readCorpus(opts);
    const per = Math.ceil(listed.length / groups);
    const parts: Corpus[] = new Array(groups);
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
        if (r.ok && r.kind === 'read') parts[g] = r.corpus;
      }
    };
    await Promise.all([drain(undefined), ...this.workers.map(drain)]);
    const spans = [];
    const problems = [];
    const files = [];
    for (const p of parts) {
      for (const s of p.spans) spans.push(s);
      for (const q of p.problems) problems.push(q);
      for (const f of p.files) files.push(f);
    }
    return { spans, problems, files };
  }

  /**
   * An encoder that splits each call over the workers' encoders, or undefined when they cannot
   * serve for `base`: started without one, failed to load (e.g. ONNX Runtime refused a thread),
   * or loaded a different model (another id or dimension). The reason is logged.
   */
  async encoderFor(base: Encoder, logger: Logger): Promise<Encoder | undefined> {
    if (!this.spec) return undefined;
    try {
      const got = await Promise.all(this.workers.map((w) => w.call({ kind: 'encoder' })));
      for (const r of got) {
        if (r.ok && r.kind === 'encoder' && (r.id !== base.id || r.dim !== base.dim)) {
          throw new Error(`they loaded ${r.id} (dim ${r.dim}), the session ${base.id} (dim ${base.dim})`);
        }
      }
    } catch (e) {
      logger.warn(`encoding on one thread: the open's workers cannot encode (${(e as Error).message})`);
      return undefined;
    }
    return {
      id: base.id,
      dim: base.dim,
      provider: base.provider,
      ...(base.commonComponents !== undefined ? { commonComponents: base.commonComponents } : {}),
      encode: (texts) => this.encode(texts, base),
      dispose: () => Promise.resolve(),
    };
  }

  /**
   * Texts split into one contiguous part per lane (this thread's encoder, then each worker's),
   * balanced by characters; rows in input order.
   */
  private async encode(texts: readonly string[], base: Encoder): Promise<Matrix> {
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
    const out = new Float32Array(n * dim);
    await Promise.all(
      bounds.slice(0, -1).map(async (from, k) => {
        const to = bounds[k + 1];
        if (to <= from) return;
        const part = texts.slice(from, to);
        if (k === 0) {
          const m = await base.encode(part);
          out.set(m.data.subarray(0, part.length * dim), from * dim);
          return;
        }
        const r = await this.workers[k - 1].call({ kind: 'encode', texts: part });
        if (!(r.ok && r.kind === 'encode') || r.rows !== to - from || r.cols !== dim) throw new Error(`an open worker returned vectors of the wrong shape for ${to - from} texts`);
        out.set(r.data, from * dim);
      }),
    );
    return { rows: n, cols: dim, data: out };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}

/**
 * The session's open, spread over worker threads when there is enough to do: the pool starts at
 * the first read of at least PARALLEL_MIN_FILES files or encode of at least PARALLEL_MIN_TEXTS
 * texts (a re-open that reuses every file never starts it), and closes with the open. Without
 * workers (one core, a pool that failed to start or broke) everything runs on this thread, as
 * before: a failure is logged, never fatal.
 */
export class ParallelOpen {
  private pool: OpenPool | undefined;
  private broken = false;
  private pooled: Promise<Encoder | undefined> | undefined;

  constructor(
    private readonly base: Encoder,
    private readonly spec: EncoderSpec,
    private readonly logger: Logger,
    private readonly workers: number = openWorkerCount(),
  ) {}

  private ensure(): OpenPool | undefined {
    if (this.pool || this.broken || this.workers < 1) return this.pool;
    try {
      // A GPU session is shared by one thread; the workers encode only on the CPU.
      this.pool = OpenPool.start(this.workers, this.base.provider === 'cpu' ? { ...this.spec, device: 'cpu' } : undefined);
      this.logger.info(`corpus open: this thread and ${this.workers} worker thread${this.workers === 1 ? '' : 's'}`);
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

  /** readCorpus(opts), over the workers when worthwhile. */
  async read(opts: CorpusOptions): Promise<Corpus> {
    const pool = (opts.files?.length ?? PARALLEL_MIN_FILES) >= PARALLEL_MIN_FILES ? this.ensure() : undefined;
    if (pool) {
      try {
        const t = performance.now();
        const c = await pool.readCorpus(opts);
        this.logger.info(`corpus open: ${c.files.length} files read on ${pool.size + 1} threads in ${((performance.now() - t) / 1000).toFixed(2)} s`);
        return c;
      } catch (e) {
        this.giveUp('reading the files', e);
      }
    }
    return readCorpus(opts);
  }

  /** base.encode(texts), over the workers when worthwhile. */
  async encode(texts: readonly string[]): Promise<Matrix> {
    const pool = texts.length >= PARALLEL_MIN_TEXTS ? this.ensure() : undefined;
    if (pool) {
      this.pooled ??= pool.encoderFor(this.base, this.logger);
      const e = await this.pooled;
      if (e) {
        try {
          return await e.encode(texts);
        } catch (err) {
          this.giveUp('encoding', err);
        }
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
