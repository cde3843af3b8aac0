import { multiEntropy } from './multiLabel';
import { requireProbs } from './probs';
import type { PoolState, Strategy } from './strategy';

/** Shannon entropy −Σ p log p of the predicted distribution (natural log). */
export const entropyStrategy: Strategy = {
  name: 'entropy',
  score(state: PoolState): Float32Array {
    const p = requireProbs(state, 'entropy');
    const K = state.classes;
    if (state.multiLabel) return multiEntropy(p, K, state.unlabeled);
    const out = new Float32Array(state.unlabeled.length);
    const at = state.unlabeled;
    for (let i = 0; i < out.length; i++) {
      const o = at[i] * K;
      let h = 0;
      for (let k = 0; k < K; k++) {
        const v = p[o + k];
        if (v > 0) h -= v * Math.log(v);
      }
      out[i] = h;
    }
    return out;
  },
};
