import { requireCommittee } from './probs';
import type { PoolState, Strategy } from './strategy';

/**
 * Query by committee, "max disagreement": the mean KL divergence of each member's distribution from
 * the consensus (their average), (1/M) Σ_m Σ_y p_m(y) log(p_m(y) / p̄(y)).
 */
export const klStrategy: Strategy = {
  name: 'kl',
  score(state: PoolState): Float32Array {
    const members = requireCommittee(state, 'kl');
    const K = state.classes;
    const M = members.length;
    const mean = new Float64Array(K);
    const out = new Float32Array(state.unlabeled.length);
    for (let i = 0; i < out.length; i++) {
      mean.fill(0);
      for (const p of members) for (let k = 0; k < K; k++) mean[k] += p[i * K + k] / M;
      let kl = 0;
      for (const p of members) {
        for (let k = 0; k < K; k++) {
          const v = p[i * K + k];
          if (v > 0 && mean[k] > 0) kl += v * Math.log(v / mean[k]);
        }
      }
      out[i] = Math.max(0, kl / M);
    }
    return out;
  },
};
