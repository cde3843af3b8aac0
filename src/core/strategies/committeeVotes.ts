/**
 * Hard votes of the committee for unlabeled row i: votes[k] = members whose most probable class is
 * k (ties go to the lower class index, so votes are deterministic). Multi-label: votes[k] = members
 * that say label k applies (P ≥ 0.5), so a member may vote for several labels or none.
 */
export function committeeVotes(committeeProbs: readonly Float32Array[], classes: number, i: number, votes: Float64Array | number[], multiLabel = false): void {
  for (let k = 0; k < classes; k++) votes[k] = 0;
  if (multiLabel) {
    for (const p of committeeProbs) for (let k = 0; k < classes; k++) if (p[i * classes + k] >= 0.5) votes[k]++;
    return;
  }
  for (const p of committeeProbs) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (p[i * classes + k] > p[i * classes + best]) best = k;
    votes[best]++;
  }
}
