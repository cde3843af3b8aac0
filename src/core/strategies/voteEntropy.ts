import { requireCommittee } from './probs';
import type { PoolState, Strategy } from './strategy';

/**
 * Query by committee: entropy of the members' hard votes, −Σ (v_y/M) log(v_y/M) (a member votes
 * for its most probable class, ties to the lower class). Hard votes of a small committee take few
 * distinct values, so many rows tie; among those, rows whose consensus (mean probability) is less
 * certain rank first, rather than whatever rows come first in the file. Multi-label: per label,
 * members vote "applies" when their P ≥ 0.5; the score is the mean over labels of the binary vote
 * entropy, plus a tiny share of the consensus's binary entropy. Each row's score is worked out once
 * per retrain as the committee streams past (committeeSummary.ts); scoring reads it.
 */
export const voteEntropyStrategy: Strategy = {
  name: 'vote-entropy',
  score(state: PoolState): Float32Array {
    const c = requireCommittee(state, 'vote-entropy');
    const at = state.unlabeled;
    const out = new Float32Array(at.length);
    for (let i = 0; i < at.length; i++) out[i] = c.voteEntropy[at[i]];
    return out;
  },
};
