import type { PoolState } from './strategy';
import { augmentedNorm } from './augmentedNorm';

/**
 * Per-label uncertainty for multi-label pools (PoolState.multiLabel): each label is a binary
 * question "does it apply?" with its own P(applies) = p, so probs rows do not sum to 1. Each
 * strategy scores every label's binary distribution (p, 1 − p) as it would score a two-class one,
 * and combines the labels as noted per function. Entropies are in nats.
 */

function binaryEntropy(p: number): number {
  let h = 0;
  if (p > 0) h -= p * Math.log(p);
  if (p < 1) h -= (1 - p) * Math.log(1 - p);
  return h;
}

/** least-confidence: the doubt about the least sure label, max_k (1 − max(p_k, 1 − p_k)). */
export function multiLeastConfidence(p: Float32Array, K: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const o = rows[i] * K;
    let worst = 0;
    for (let k = 0; k < K; k++) {
      const v = p[o + k];
      worst = Math.max(worst, 1 - Math.max(v, 1 - v));
    }
    out[i] = worst;
  }
  return out;
}

/** margin: the mean over labels of 1 − |p_k − (1 − p_k)|, so rows with several close calls lead. */
export function multiMargin(p: Float32Array, K: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const o = rows[i] * K;
    let s = 0;
    for (let k = 0; k < K; k++) s += 1 - Math.abs(2 * p[o + k] - 1);
    out[i] = s / K;
  }
  return out;
}

/** entropy: the sum of the labels' binary entropies (the entropy of the label set if labels were independent). */
export function multiEntropy(p: Float32Array, K: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const o = rows[i] * K;
    let h = 0;
    for (let k = 0; k < K; k++) h += binaryEntropy(p[o + k]);
    out[i] = h;
  }
  return out;
}

/**
 * Expected gradient length of the one-vs-rest model: for label k's binary logistic the gradient
 * is (p_k − y_k)·x̃, whose expected norm is ‖x̃‖·2p_k(1 − p_k); summed over the labels.
 */
export function multiEgl(state: PoolState, p: Float32Array, K: number): Float32Array {
  const { X, unlabeled } = state;
  const out = new Float32Array(unlabeled.length);
  for (let i = 0; i < out.length; i++) {
    const o = unlabeled[i] * K;
    let e = 0;
    for (let k = 0; k < K; k++) {
      const v = p[o + k];
      e += 2 * v * (1 - v);
    }
    out[i] = augmentedNorm(X, unlabeled[i]) * e;
  }
  return out;
}
