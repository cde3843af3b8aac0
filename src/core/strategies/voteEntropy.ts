import { committeeVotes } from './committeeVotes';
import { requireCommittee } from './probs';
import type { PoolState, Strategy } from './strategy';

/** Query by committee: entropy of the members' hard votes, −Σ (v_y/M) log(v_y/M). */
export const voteEntropyStrategy: Strategy = {
  name: 'vote-entropy',
  score(state: PoolState): Float32Array {
    const members = requireCommittee(state, 'vote-entropy');
    const K = state.classes;
    const M = members.length;
    const votes = new Float64Array(K);
    const out = new Float32Array(state.unlabeled.length);
    for (let i = 0; i < out.length; i++) {
      committeeVotes(members, K, i, votes);
      let h = 0;
      for (let k = 0; k < K; k++) {
        if (votes[k] > 0) {
          const q = votes[k] / M;
          h -= q * Math.log(q);
        }
      }
      out[i] = h;
    }
    return out;
  },
};
