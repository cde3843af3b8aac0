import type { Matrix } from '../types';
import { openSession, type RuntimeSession } from './session';
import { stackedSoftmaxModel } from './softmaxGraph';

/**
 * The pool's prediction pass through ONNX Runtime: one Gemm + Softmax graph (softmaxGraph.ts)
 * over the whole matrix, for G stacked models of K classes. ONNX Runtime's GEMM kernels are
 * vectorised (AVX2/AVX-512), which JavaScript cannot be: about ten times the throughput of the
 * float64 loops on one thread.
 */
export interface StackedSoftmaxInput {
  readonly X: Matrix;
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
let session: Promise<RuntimeSession> | undefined;

function stackedSession(): Promise<RuntimeSession> {
  if (!session) {
    const opening = openSession(stackedSoftmaxModel(), { device: 'cpu', threads: 1 });
    session = opening;
    // A failed open is not cached: the next call tries again.
    opening.catch(() => {
      if (session === opening) session = undefined;
    });
  }
  return session;
}

/** Probabilities G × N × K: model g's N × K block starts at g·N·K. */
export async function runStackedSoftmax(input: StackedSoftmaxInput): Promise<Float32Array> {
  const { X, Wt, bias, groups, classes } = input;
  const M = groups * classes;
  if (Wt.length !== X.cols * M || bias.length !== M) throw new RangeError(`runStackedSoftmax: weights for ${X.cols} × ${M} expected, got ${Wt.length} and ${bias.length} biases`);
  const s = await stackedSession();
  const out = await s.run(
    {
      X: { data: X.data.length === X.rows * X.cols ? X.data : X.data.subarray(0, X.rows * X.cols), dims: [X.rows, X.cols] },
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
  const s = session;
  session = undefined;
  if (s) await (await s).release();
}
