import { runStackedSoftmax } from '../runtime/stackedSoftmax';
import { blockInto, isCompact } from '../features/compactVectors';
import type { Vectors } from '../types';
import { predictStacked, type SoftmaxRegression } from './softmax';

/** Rows × dims under which predictPool stays in JavaScript. */
const ORT_MIN_CELLS = 200_000;
/** Rows per ONNX Runtime call by default (a 32k × 300 float32 chunk: 39 MB of input, read in place). */
const CHUNK_ROWS = 32_768;
let ortBroken = false;

/**
 * The prediction pass over the whole pool a retrain makes (main model + committee), through
 * ONNX Runtime's vectorised GEMM (runtime/stackedSoftmax.ts) rather than the JavaScript loops:
 * the same probabilities to float32 rounding (the logits are summed in float32 there, in float64
 * here; they agree within 1e-5), about ten times faster. Small row sets, and any failure to run
 * ONNX Runtime, take the JavaScript path (predictStacked), which gives the same answer.
 */
export async function predictPool(models: readonly SoftmaxRegression[], X: Vectors, chunkRows = CHUNK_ROWS): Promise<Float32Array[]> {
  if (models.length === 0) return [];
  const K = models[0].classes;
  const outs = models.map(() => new Float32Array(X.rows * K));
  await streamPool(models, X, (start, parts) => parts.forEach((p, g) => outs[g].set(p, start * K)), chunkRows);
  return outs;
}

/**
 * The same prediction pass, handed over chunk by chunk: `onChunk(start, parts)` gets each model's
 * probabilities for rows start .. start + parts[g].length / K (views, valid during the call only).
 * What a retrain keeps of them (the main model's rows, the committee's per-row summary) is up to
 * the caller, so no model's probabilities for the whole pool need ever exist.
 */
export async function streamPool(
  models: readonly SoftmaxRegression[],
  X: Vectors,
  onChunk: (start: number, parts: readonly Float32Array[]) => void,
  chunkRows = CHUNK_ROWS,
): Promise<void> {
  if (models.length === 0 || X.rows === 0) return;
  const K = models[0].classes;
  const d = X.cols;
  // Below a few thousand rows the call costs more than the loops.
  const js = (from: number): void => {
    for (let s = from; s < X.rows; s += chunkRows) {
      const e = Math.min(X.rows, s + chunkRows);
      onChunk(s, predictStacked(models, { rows: e - s, cols: d, data: blockInto(X, s, e) }));
    }
  };
  if (X.rows * X.cols < ORT_MIN_CELLS || ortBroken) return js(0);
  const P = d + 1;
  const G = models.length;
  const M = G * K;
  const Wt = new Float32Array(d * M);
  const bias = new Float32Array(M);
  models.forEach((m, g) => {
    const { W, dim } = m.rawWeights();
    if (m.classes !== K || dim !== d) throw new RangeError(`predictPool: a ${m.classes}-class model on ${dim}-d vectors among ${K}-class models on ${d}-d vectors`);
    for (let k = 0; k < K; k++) {
      const c = g * K + k;
      for (let j = 0; j < d; j++) Wt[j * M + c] = W[k * P + j];
      bias[c] = W[k * P + d];
    }
  });
  // In chunks of rows: ONNX Runtime's intermediates (logits, softmax, transpose) then stay a few
  // megabytes however large the pool, and each chunk's input is a view, never a copy (a compact
  // pool's codes and scales go in as they are; the graph dequantises them).
  for (let s = 0; s < X.rows; s += chunkRows) {
    const e = Math.min(X.rows, s + chunkRows);
    const chunk: Vectors = isCompact(X)
      ? { rows: e - s, cols: d, codes: X.codes.subarray(s * d, e * d), scales: X.scales.subarray(s, e) }
      : { rows: e - s, cols: d, data: X.data.subarray(s * d, e * d) };
    let probs: Float32Array;
    try {
      probs = await runStackedSoftmax({ X: chunk, Wt, bias, groups: G, classes: K });
    } catch {
      // ONNX Runtime cannot run here (its native library missing or refused): the loops will
      // do, for the rest of this process (from this chunk on: the chunks before are delivered).
      ortBroken = true;
      return js(s);
    }
    const n = (e - s) * K;
    onChunk(s, Array.from({ length: G }, (_, g) => probs.subarray(g * n, (g + 1) * n)));
  }
}
