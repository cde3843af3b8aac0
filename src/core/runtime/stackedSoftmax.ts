import type { Vectors } from '../types';
import { openSession, type RuntimeSession, type Tensor } from './session';
import { stackedSoftmaxCompactModel, stackedSoftmaxModel } from './softmaxGraph';

/**
 * The pool's prediction pass through ONNX Runtime: one Gemm + Softmax graph (softmaxGraph.ts)
 * over the whole matrix, for G stacked models of K classes. ONNX Runtime's GEMM kernels are
 * vectorised (AVX2/AVX-512), which JavaScript cannot be: about ten times the throughput of the
 * float64 loops on one thread.
 */
export interface StackedSoftmaxInput {
  /** Dense rows, or a compact pool's int8 codes and per-row scales (dequantised inside the graph). */
  readonly X: Vectors;
  /** d × (G·K) weights, row-major (the transpose of the models' stacked weight rows). */
  readonly Wt: Float32Array;
  /** G·K biases. */
  readonly bias: Float32Array;
  readonly groups: number;
  readonly classes: number;
}

// One session per process, opened on first use: the graph takes its weights as inputs, so it
// never needs reopening. One intra-op thread: the pass is memory- and GEMM-bound and already
// ~10× the JavaScript loops; more threads would compete with the encoder on a 2-core laptop.
const sessions: { dense?: Promise<RuntimeSession>; compact?: Promise<RuntimeSession> } = {};

function stackedSession(kind: 'dense' | 'compact'): Promise<RuntimeSession> {
  let s = sessions[kind];
  if (!s) {
    const opening = openSession(kind === 'dense' ? stackedSoftmaxModel() : stackedSoftmaxCompactModel(), { device: 'cpu', threads: 1 });
    sessions[kind] = s = opening;
    // A failed open is not cached: the next call tries again.
    opening.catch(() => {
      if (sessions[kind] === opening) sessions[kind] = undefined;
    });
  }
  return s;
}

/** Probabilities G × N × K: model g's N × K block starts at g·N·K. */
export async function runStackedSoftmax(input: StackedSoftmaxInput): Promise<Float32Array> {
  const { X, Wt, bias, groups, classes } = input;
  const M = groups * classes;
  if (Wt.length !== X.cols * M || bias.length !== M) throw new RangeError(`runStackedSoftmax: weights for ${X.cols} × ${M} expected, got ${Wt.length} and ${bias.length} biases`);
  const n = X.rows * X.cols;
  const compact = 'codes' in X;
  const s = await stackedSession(compact ? 'compact' : 'dense');
  const rows: Record<string, Tensor> = compact
    ? { Q: { data: X.codes.subarray(0, n), dims: [X.rows, X.cols] }, R: { data: X.scales.subarray(0, X.rows), dims: [X.rows, 1] } }
    : { X: { data: X.data.length === n ? X.data : X.data.subarray(0, n), dims: [X.rows, X.cols] } };
  const out = await s.run(
    {
      ...rows,
      W: { data: Wt, dims: [X.cols, M] },
      B: { data: bias, dims: [M] },
      shape: { data: BigInt64Array.from([0n, BigInt(groups), BigInt(classes)]), dims: [3] },
    },
    ['P'],
  );
  return out.P.data as Float32Array;
}

/** Releases the shared session (tests; the worker simply exits). */
export async function releaseStackedSoftmax(): Promise<void> {
  const open = [sessions.dense, sessions.compact];
  sessions.dense = sessions.compact = undefined;
  for (const s of open) if (s) await (await s).release();
}
