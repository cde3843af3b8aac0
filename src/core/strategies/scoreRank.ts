/**
 * Where a pick's score stands among the scores of the whole pool, for the panel's "why"
 * ("top 2 % most uncertain of 4,512"): an annotator cannot read a raw margin of 6.8e-5, but can
 * read a rank. Higher scores are more worth labeling (the Strategy contract).
 */
export interface ScoreRank {
  /** 1 for the highest score in the pool; ties share the best rank among them. */
  readonly rank: number;
  /** Scores ranked against (the unlabeled pool the strategy scored). */
  readonly poolSize: number;
}

/**
 * Ranks of each of `values` among `scores`: 1 + how many pool scores are strictly higher. NaN
 * scores in the pool rank below everything (as in the batch selector); a NaN value ranks last.
 * One pass over the pool with a binary search among the few values, O(N·log m): no sort and no
 * copy of the pool, so ranking a batch's picks costs far less than the scoring that chose them.
 */
export function rankScores(scores: Float32Array | readonly number[], values: readonly number[]): ScoreRank[] {
  const poolSize = scores.length;
  const order = values.map((_, j) => j).filter((j) => !Number.isNaN(values[j])).sort((a, b) => values[a] - values[b]);
  const sorted = order.map((j) => values[j]);
  // above[k]: pool scores higher than exactly the k smallest values (and not the rest).
  const above = new Float64Array(sorted.length + 1);
  for (let i = 0; i < poolSize; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) continue;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < s) lo = mid + 1;
      else hi = mid;
    }
    above[lo]++;
  }
  const out: ScoreRank[] = values.map(() => ({ rank: poolSize, poolSize }));
  // The value at sorted position t is beaten by every score counted at k > t: a suffix sum.
  let higher = 0;
  for (let t = sorted.length - 1; t >= 0; t--) {
    higher += above[t + 1];
    out[order[t]] = { rank: Math.min(poolSize, higher + 1), poolSize };
  }
  return out;
}
