import type { CommitteeView } from './committeeSummary';

/**
 * Hard votes of the committee for row r of the pool: votes[k] = members whose most probable class
 * is k (ties go to the lower class index, so votes are deterministic). Multi-label: votes[k] =
 * members that say label k applies (P ≥ 0.5), so a member may vote for several labels or none.
 */
export function committeeVotes(committee: CommitteeView, classes: number, r: number, votes: Float64Array | number[]): void {
  for (let k = 0; k < classes; k++) votes[k] = committee.size > 0 ? committee.votes[r * classes + k] : 0;
}
