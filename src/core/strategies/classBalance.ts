import { requireProbs } from './probs';
import type { PoolState, Strategy } from './strategy';

/**
 * Class balance: spans the model predicts as the labels given most rarely so far, so a rare label
 * gets examples before the common ones crowd it out (the regime of TAILOR's class-balance reward,
 * Zhang et al. 2023).
 *
 *   score(x) = Σ_c P(c|x)·w_c + TIE_BREAK·(1 − (p₁ − p₂)),   w_c = (1/(n_c + 1)) / max_k (1/(n_k + 1))
 *
 * where n_c counts the labeled rows of label c. w_c is the inverse label frequency, add-one
 * smoothed so that a label with no example yet gets the largest finite weight, and scaled so the
 * rarest label weighs 1. The first term is the probability mass the model puts on rare labels.
 * When the labels so far are balanced every w_c is 1 and the first term is the same for every span;
 * the small margin term (1 − (p₁ − p₂), as the margin strategy) then decides, and otherwise breaks
 * ties between spans of the same rarity towards the closer calls.
 *
 * Multi-label pools: P(c|x) is P(label c applies), and n_c counts the labeled rows' first labels
 * (the engine's convention for PoolState.labels); the margin term uses the two likeliest labels.
 */
export const CLASS_BALANCE_TIE_BREAK = 0.01;

/** w_c as above, from the labels so far. */
export function classWeights(labels: Int32Array, K: number): Float64Array {
  const n = new Float64Array(K);
  for (const y of labels) if (y >= 0 && y < K) n[y]++;
  let min = Infinity;
  for (let k = 0; k < K; k++) min = Math.min(min, n[k]);
  return n.map((c) => (min + 1) / (c + 1));
}

export const classBalanceStrategy: Strategy = {
  name: 'class-balance',
  score(state: PoolState): Float32Array {
    const p = requireProbs(state, 'class-balance');
    const K = state.classes;
    const w = classWeights(state.labels, K);
    const out = new Float32Array(state.unlabeled.length);
    for (let i = 0; i < out.length; i++) {
      let s = 0;
      let a = -Infinity;
      let b = -Infinity;
      for (let k = 0; k < K; k++) {
        const v = p[i * K + k];
        s += v * w[k];
        if (v > a) {
          b = a;
          a = v;
        } else if (v > b) b = v;
      }
      out[i] = s + CLASS_BALANCE_TIE_BREAK * (1 - (a - (K > 1 ? b : 0)));
    }
    return out;
  },
};
