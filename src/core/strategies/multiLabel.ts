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
export function multiLeastConfidence(p: Float32Array, K: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let worst = 0;
    for (let k = 0; k < K; k++) {
      const v = p[i * K + k];
      worst = Math.max(worst, 1 - Math.max(v, 1 - v));
    }
    out[i] = worst;
  }
  return out;
}

/** margin: the mean over labels of 1 − |p_k − (1 − p_k)|, so rows with several close calls lead. */
export function multiMargin(p: Float32Array, K: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += 1 - Math.abs(2 * p[i * K + k] - 1);
    out[i] = s / K;
  }
  return out;
}

/** entropy: the sum of the labels' binary entropies (the entropy of the label set if labels were independent). */
export function multiEntropy(p: Float32Array, K: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0;
    for (let k = 0; k < K; k++) h += binaryEntropy(p[i * K + k]);
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
    let e = 0;
    for (let k = 0; k < K; k++) {
      const v = p[i * K + k];
      e += 2 * v * (1 - v);
    }
    out[i] = augmentedNorm(X, unlabeled[i]) * e;
  }
  return out;
}

/**
 * Query by committee, per label: members vote "applies" when their P ≥ 0.5; the score is the mean
 * over labels of the binary vote entropy, plus a tiny share of the consensus's binary entropy to
 * order rows whose votes split alike.
 */
export function multiVoteEntropy(members: readonly Float32Array[], K: number, n: number): Float32Array {
  const M = members.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0;
    let hc = 0;
    for (let k = 0; k < K; k++) {
      let yes = 0;
      let mean = 0;
      for (const m of members) {
        const v = m[i * K + k];
        mean += v;
        if (v >= 0.5) yes++;
      }
      h += binaryEntropy(yes / M);
      hc += binaryEntropy(mean / M);
    }
    out[i] = (h + 1e-4 * hc) / K;
  }
  return out;
}
