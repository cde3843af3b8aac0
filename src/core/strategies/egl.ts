import { augmentedNorm } from './augmentedNorm';
import { multiEgl } from './multiLabel';
import { requireProbs } from './probs';
import type { PoolState, Strategy } from './strategy';

/**
 * Expected gradient length for softmax regression, in closed form. If x is labeled y, the gradient
 * of the log-loss w.r.t. the weight matrix is (p − e_y) ⊗ x̃ with x̃ = [x; 1], whose norm is
 * ‖x̃‖·‖p − e_y‖ = ‖x̃‖·√(1 − 2p_y + ‖p‖²). Its expectation under the model's own p is
 * ‖x̃‖·Σ_y p_y·√(1 − 2p_y + ‖p‖²).
 */
export const eglStrategy: Strategy = {
  name: 'egl',
  score(state: PoolState): Float32Array {
    const p = requireProbs(state, 'egl');
    const K = state.classes;
    if (state.multiLabel) return multiEgl(state, p, K);
    const { X, unlabeled } = state;
    const out = new Float32Array(unlabeled.length);
    for (let i = 0; i < out.length; i++) {
      const o = unlabeled[i] * K;
      let pp = 0;
      for (let k = 0; k < K; k++) pp += p[o + k] * p[o + k];
      let e = 0;
      for (let k = 0; k < K; k++) {
        const py = p[o + k];
        e += py * Math.sqrt(Math.max(0, 1 - 2 * py + pp));
      }
      out[i] = augmentedNorm(X, unlabeled[i]) * e;
    }
    return out;
  },
};
