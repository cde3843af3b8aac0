import type * as Ort from 'onnxruntime-node';
import { ModelError } from '../errors';
import { silentLogger, type Device, type Logger } from '../types';
import { checkCuda, describeMissing } from './cudaCheck';
import { unpackNativeLibraries } from './nativeLibrary';

/**
 * The only importer of onnxruntime-node. Everything else uses these types: a tensor is plain
 * typed data with dims, and a session runs feeds to outputs.
 */
export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

export interface Tensor {
  readonly data: TensorData;
  readonly dims: readonly number[];
}

export type Provider = 'cuda' | 'cpu';

export interface RuntimeSession {
  readonly provider: Provider;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model; `outputs` limits the fetched outputs (all when omitted). */
  run(feeds: Record<string, Tensor>, outputs?: readonly string[]): Promise<Record<string, Tensor>>;
  /** Drops this handle; the native session is released when the last handle to it is. */
  release(): Promise<void>;
}

export interface SessionOptions {
  readonly device: Device;
  readonly logger?: Logger;
  /** Intra-op threads; 0 lets ONNX Runtime decide. */
  readonly threads?: number;
}

let ortLoaded: typeof Ort | undefined;

/**
 * onnxruntime-node, required on first use rather than at import: in the .vsix its native library
 * ships compressed and is unpacked first (nativeLibrary.ts).
 */
function ort(): typeof Ort {
  if (!ortLoaded) {
    unpackNativeLibraries();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
    ortLoaded = require('onnxruntime-node') as typeof Ort;
  }
  return ortLoaded;
}

function toOrt(t: Tensor): Ort.Tensor {
  const d = t.data;
  const type = d instanceof Float32Array ? 'float32' : d instanceof Int32Array ? 'int32' : d instanceof BigInt64Array ? 'int64' : d instanceof Int8Array ? 'int8' : 'uint8';
  return new (ort().Tensor)(type, d, t.dims as number[]);
}

function where(model: string | Uint8Array): string {
  return typeof model === 'string' ? model : '(model bytes)';
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

async function create(model: string | Uint8Array, provider: Provider, threads: number): Promise<Ort.InferenceSession> {
  const options: Ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    executionProviders: [provider],
    // ONNX Runtime's own warnings (e.g. nodes placed on CPU under CUDA) would go to stderr unasked.
    logSeverityLevel: 3,
    // Idle intra-op threads would otherwise spin after each run and steal the CPU from whatever
    // runs next (tokenizing, the learner) — on a 2-core laptop that costs more than it saves.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
  return typeof model === 'string' ? ort().InferenceSession.create(model, options) : ort().InferenceSession.create(model, options);
}

async function createCpu(model: string | Uint8Array, threads: number): Promise<Ort.InferenceSession> {
  try {
    return await create(model, 'cpu', threads);
  } catch (e) {
    throw new ModelError(`cannot load ONNX model ${where(model)}: ${firstLine(e)}`);
  }
}

/**
 * Opens a session on the provider the device asks for. `auto` tries CUDA when its libraries are
 * there and falls back to CPU; `cuda` fails with a message naming what is missing. The provider
 * in use is logged either way.
 */
async function openNative(model: string | Uint8Array, device: Device, logger: Logger, threads: number): Promise<{ session: Ort.InferenceSession; provider: Provider }> {
  if (device === 'cpu') {
    const session = await createCpu(model, threads);
    logger.info(`ONNX Runtime: CPU execution provider (labelwise.device = cpu) for ${where(model)}`);
    return { session, provider: 'cpu' };
  }
  const check = checkCuda();
  if (check.missingProviders.length > 0) {
    if (device === 'cuda') {
      throw new ModelError(`labelwise.device is "cuda" but the CUDA execution provider is not installed: ${describeMissing(check)}`);
    }
    const session = await createCpu(model, threads);
    logger.info(`ONNX Runtime: CPU execution provider (CUDA unavailable: ${describeMissing(check)}) for ${where(model)}`);
    return { session, provider: 'cpu' };
  }
  try {
    const session = await create(model, 'cuda', threads);
    logger.info(`ONNX Runtime: CUDA execution provider for ${where(model)}`);
    return { session, provider: 'cuda' };
  } catch (e) {
    const missing = check.missingSystem.length > 0 ? `; ${describeMissing(check)}` : '';
    if (device === 'cuda') {
      throw new ModelError(`labelwise.device is "cuda" but the CUDA execution provider cannot start for ${where(model)}: ${firstLine(e)}${missing}`);
    }
    const session = await createCpu(model, threads);
    logger.warn(`ONNX Runtime: CPU execution provider (CUDA failed to start: ${firstLine(e)}${missing}) for ${where(model)}`);
    return { session, provider: 'cpu' };
  }
}

interface Shared {
  readonly native: Promise<{ session: Ort.InferenceSession; provider: Provider }>;
  refs: number;
}

// Sessions are expensive to create (a 10 MB model takes ~100 ms, a transformer seconds), so one
// native session per (file, device, threads) is shared by every caller until the last releases it.
const cache = new Map<string, Shared>();

function wrap(key: string | undefined, shared: Shared, session: Ort.InferenceSession, provider: Provider): RuntimeSession {
  let released = false;
  return {
    provider,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds: Record<string, Tensor>, outputs?: readonly string[]): Promise<Record<string, Tensor>> {
      if (released) throw new ModelError('the ONNX Runtime session was already released');
      const f: Record<string, Ort.Tensor> = {};
      for (const [k, v] of Object.entries(feeds)) f[k] = toOrt(v);
      const out = outputs ? await session.run(f, outputs as string[]) : await session.run(f);
      const res: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(out)) res[k] = { data: v.data as TensorData, dims: v.dims };
      return res;
    },
    async release(): Promise<void> {
      if (released) return;
      released = true;
      shared.refs--;
      if (shared.refs === 0) {
        if (key !== undefined && cache.get(key) === shared) cache.delete(key);
        await session.release();
      }
    },
  };
}

/**
 * Opens an ONNX model on the requested device, or reuses the session already open for the same
 * file, device and thread count. Call `release()` on the handle when done.
 */
export async function openSession(model: string | Uint8Array, opts: SessionOptions): Promise<RuntimeSession> {
  const logger = opts.logger ?? silentLogger;
  const { device } = opts;
  const threads = opts.threads ?? 0;
  const key = typeof model === 'string' ? `${model}\0${device}\0${threads}` : undefined;
  let shared = key !== undefined ? cache.get(key) : undefined;
  if (!shared) {
    const fresh: Shared = { native: openNative(model, device, logger, threads), refs: 0 };
    shared = fresh;
    if (key !== undefined) {
      cache.set(key, fresh);
      // A failed open must not poison the cache for the next attempt.
      fresh.native.catch(() => {
        if (cache.get(key) === fresh) cache.delete(key);
      });
    }
  }
  shared.refs++;
  try {
    const { session, provider } = await shared.native;
    return wrap(key, shared, session, provider);
  } catch (e) {
    shared.refs--;
    throw e;
  }
}

/** Number of native sessions currently open through the cache (for tests and diagnostics). */
export function openSessionCount(): number {
  return cache.size;
}
