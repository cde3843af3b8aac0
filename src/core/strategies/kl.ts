import { multiKl } from './multiLabel';
import { requireCommittee } from './probs';
import type { PoolState, Strategy } from './strategy';

/**
 * Query by committee, "max disagreement": the mean KL divergence of each member's distribution from
 * the consensus (their average), (1/M) Σ_m Σ_y p_m(y) log(p_m(y) / p̄(y)). Computed as the
 * equal quantity H(p̄) − (1/M) Σ_m H(p_m) (the generalised Jensen–Shannon divergence), which needs
 * no division per entry; tight loops because it scores every candidate of a large pool.
 */
export const klStrategy: Strategy = {
  name: 'kl',
  score(state: PoolState): Float32Array {
    const members = requireCommittee(state, 'kl');
    const K = state.classes;
    if (state.multiLabel) return multiKl(members, K, state.unlabeled.length);
    const M = members.length;
    const n = state.unlabeled.length;
    const mean = new Float64Array(K);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const o = i * K;
      mean.fill(0);
      let hMembers = 0;
      for (let m = 0; m < M; m++) {
        const p = members[m];
        for (let k = 0; k < K; k++) {
          const v = p[o + k];
          mean[k] += v;
          if (v > 0) hMembers -= v * Math.log(v);
        }
      }
      let hMean = 0;
      for (let k = 0; k < K; k++) {
        const v = mean[k] / M;
        if (v > 0) hMean -= v * Math.log(v);
      }
      const kl = hMean - hMembers / M;
      out[i] = kl > 0 ? kl : 0;
    }
    return out;
  },
};
