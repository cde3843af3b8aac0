import { committeeVotes } from './committeeVotes';
import { requireCommittee } from './probs';
import type { PoolState, Strategy } from './strategy';

/**
 * Scale of the tie-breaking term. Distinct vote entropies of a committee of M ≤ 50 members differ
 * by far more than this times ln K, so the term only orders rows whose votes split the same way.
 */
const TIE_BREAK = 1e-4;

/**
 * Query by committee: entropy of the members' hard votes, −Σ (v_y/M) log(v_y/M). Hard votes of a
 * small committee take few distinct values, so many rows tie; among those, rows whose consensus
 * (mean probability) is less certain rank first, rather than whatever rows come first in the file.
 */
export const voteEntropyStrategy: Strategy = {
  name: 'vote-entropy',
  score(state: PoolState): Float32Array {
    const members = requireCommittee(state, 'vote-entropy');
    const K = state.classes;
    const M = members.length;
    const votes = new Float64Array(K);
    const out = new Float32Array(state.unlabeled.length);
    const norm = Math.log(Math.max(2, K));
    for (let i = 0; i < out.length; i++) {
      committeeVotes(members, K, i, votes);
      let h = 0;
      for (let k = 0; k < K; k++) {
        if (votes[k] > 0) {
          const q = votes[k] / M;
          h -= q * Math.log(q);
        }
      }
      let hc = 0;
      for (let k = 0; k < K; k++) {
        let c = 0;
        for (const p of members) c += p[i * K + k];
        c /= M;
        if (c > 0) hc -= c * Math.log(c);
      }
      out[i] = h + (TIE_BREAK * hc) / norm;
    }
    return out;
  },
};
