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
 * O((N + m)·log N): one sort of the pool, then a binary search per value.
 */
export function rankScores(scores: Float32Array | readonly number[], values: readonly number[]): ScoreRank[] {
  const finite: number[] = [];
  for (const s of scores) if (!Number.isNaN(s)) finite.push(s);
  // Descending, so the count of strictly higher scores is the insertion point of the value.
  const sorted = Float64Array.from(finite).sort().reverse();
  const poolSize = scores.length;
  return values.map((v) => {
    if (Number.isNaN(v)) return { rank: poolSize, poolSize };
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] > v) lo = mid + 1;
      else hi = mid;
    }
    return { rank: Math.min(poolSize, lo + 1), poolSize };
  });
}
