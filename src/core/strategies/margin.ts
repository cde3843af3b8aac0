import { multiMargin } from './multiLabel';
import { requireProbs } from './probs';
import type { PoolState, Strategy } from './strategy';

/** 1 − (p₁ − p₂), the gap between the two most probable classes turned so that higher = closer call. */
export const marginStrategy: Strategy = {
  name: 'margin',
  score(state: PoolState): Float32Array {
    const p = requireProbs(state, 'margin');
    const K = state.classes;
    if (state.multiLabel) return multiMargin(p, K, state.unlabeled);
    const out = new Float32Array(state.unlabeled.length);
    const at = state.unlabeled;
    for (let i = 0; i < out.length; i++) {
      const o = at[i] * K;
      let a = -1;
      let b = -1;
      for (let k = 0; k < K; k++) {
        const v = p[o + k];
        if (v > a) {
          b = a;
          a = v;
        } else if (v > b) {
          b = v;
        }
      }
      out[i] = 1 - (a - b);
    }
    return out;
  },
};
