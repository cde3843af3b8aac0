import * as ort from 'onnxruntime-node';
import { ModelError, SettingError } from '../errors';
import { DEVICES, silentLogger, type Device, type Logger } from '../types';

/**
 * The only importer of onnxruntime-node. Everything else uses these types: a tensor is plain
 * typed data with dims, and a session runs feeds to outputs.
 */
export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

export interface Tensor {
  readonly data: TensorData;
  readonly dims: readonly number[];
}

export interface RuntimeSession {
  readonly provider: 'cuda' | 'cpu';
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

export interface SessionOptions {
  readonly device: Device;
  readonly logger?: Logger;
  /** Intra-op threads; 0 lets ONNX Runtime decide. */
  readonly threads?: number;
}

export function checkDevice(device: string, setting = 'labelwise.device'): Device {
  if (!(DEVICES as readonly string[]).includes(device)) {
    throw new SettingError(setting, `${setting}: unknown device "${device}"; use one of ${DEVICES.join(', ')}`);
  }
  return device as Device;
}

function toOrt(t: Tensor): ort.Tensor {
  const type = t.data instanceof Float32Array ? 'float32' : t.data instanceof Int32Array ? 'int32' : t.data instanceof BigInt64Array ? 'int64' : t.data instanceof Int8Array ? 'int8' : 'uint8';
  return new ort.Tensor(type, t.data, t.dims as number[]);
}

/** Opens an ONNX model once; reuse the returned session. */
export async function openSession(model: string | Uint8Array, opts: SessionOptions): Promise<RuntimeSession> {
  const logger = opts.logger ?? silentLogger;
  const device = checkDevice(opts.device);
  const base: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: opts.threads ?? 0 };
  let session: ort.InferenceSession;
  let provider: 'cuda' | 'cpu' = 'cpu';
  const create = (eps: string[]): Promise<ort.InferenceSession> =>
    typeof model === 'string' ? ort.InferenceSession.create(model, { ...base, executionProviders: eps }) : ort.InferenceSession.create(model, { ...base, executionProviders: eps });
  if (device === 'cpu') {
    session = await create(['cpu']).catch((e: Error) => {
      throw new ModelError(`cannot load model ${typeof model === 'string' ? model : '(bytes)'}: ${e.message}`);
    });
  } else {
    try {
      session = await create(['cuda']);
      provider = 'cuda';
    } catch (e) {
      if (device === 'cuda') {
        throw new ModelError(`labelwise.device is "cuda" but the CUDA execution provider cannot start: ${(e as Error).message}`);
      }
      logger.warn(`CUDA execution provider unavailable (${(e as Error).message.split('\n')[0]}); using CPU`);
      session = await create(['cpu']).catch((err: Error) => {
        throw new ModelError(`cannot load model ${typeof model === 'string' ? model : '(bytes)'}: ${err.message}`);
      });
    }
  }
  logger.info(`ONNX Runtime session on ${provider.toUpperCase()}`);
  return {
    provider,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
      const f: Record<string, ort.Tensor> = {};
      for (const [k, v] of Object.entries(feeds)) f[k] = toOrt(v);
      const out = await session.run(f);
      const res: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(out)) res[k] = { data: v.data as TensorData, dims: v.dims };
      return res;
    },
    release: () => session.release(),
  };
}
