import { multiVoteEntropy } from './multiLabel';
import { requireCommittee } from './probs';
import type { PoolState, Strategy } from './strategy';

/**
 * Scale of the tie-breaking term. Distinct vote entropies of a committee of M ≤ 50 members differ
 * by far more than this times ln K, so the term only orders rows whose votes split the same way.
 */
const TIE_BREAK = 1e-4;

/**
 * Query by committee: entropy of the members' hard votes, −Σ (v_y/M) log(v_y/M) (a member votes
 * for its most probable class, ties to the lower class). Hard votes of a small committee take few
 * distinct values, so many rows tie; among those, rows whose consensus (mean probability) is less
 * certain rank first, rather than whatever rows come first in the file.
 */
export const voteEntropyStrategy: Strategy = {
  name: 'vote-entropy',
  score(state: PoolState): Float32Array {
    const members = requireCommittee(state, 'vote-entropy');
    const K = state.classes;
    if (state.multiLabel) return multiVoteEntropy(members, K, state.unlabeled.length);
    const M = members.length;
    const n = state.unlabeled.length;
    // −(v/M) log(v/M) for every possible vote count v.
    const term = Float64Array.from({ length: M + 1 }, (_, v) => (v === 0 ? 0 : -(v / M) * Math.log(v / M)));
    const votes = new Int32Array(K);
    const mean = new Float64Array(K);
    const scale = TIE_BREAK / Math.log(Math.max(2, K));
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const o = i * K;
      votes.fill(0);
      mean.fill(0);
      for (let m = 0; m < M; m++) {
        const p = members[m];
        let best = 0;
        let bestV = p[o];
        mean[0] += bestV;
        for (let k = 1; k < K; k++) {
          const v = p[o + k];
          mean[k] += v;
          if (v > bestV) {
            bestV = v;
            best = k;
          }
        }
        votes[best]++;
      }
      let h = 0;
      let hc = 0;
      for (let k = 0; k < K; k++) {
        h += term[votes[k]];
        const c = mean[k] / M;
        if (c > 0) hc -= c * Math.log(c);
      }
      out[i] = h + scale * hc;
    }
    return out;
  },
};
