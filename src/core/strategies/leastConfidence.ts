import { multiLeastConfidence } from './multiLabel';
import { requireProbs } from './probs';
import type { PoolState, Strategy } from './strategy';

/** 1 − max_y p(y|x): the model's doubt about its own best guess. */
export const leastConfidenceStrategy: Strategy = {
  name: 'least-confidence',
  score(state: PoolState): Float32Array {
    const p = requireProbs(state, 'least-confidence');
    const K = state.classes;
    if (state.multiLabel) return multiLeastConfidence(p, K, state.unlabeled);
    const out = new Float32Array(state.unlabeled.length);
    const at = state.unlabeled;
    for (let i = 0; i < out.length; i++) {
      const o = at[i] * K;
      let best = 0;
      for (let k = 0; k < K; k++) if (p[o + k] > best) best = p[o + k];
      out[i] = 1 - best;
    }
    return out;
  },
};
