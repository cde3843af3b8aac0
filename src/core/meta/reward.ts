/**
 * The meta-learner's reward: a round's held-out gain, measured on more rows than one batch, plus a
 * class-balance bonus per pick.
 *
 * Held-out gain. The model that chose round j's batch (M_{j−1}) and the model trained with it
 * (M_j) are compared on the rows labeled in the next `window` rounds: neither model was trained on
 * them, and they are the same rows for both (a paired difference). With a batch of 10 and a window
 * of 3 that is 30 rows, not the 10 of the next batch alone, which is mostly noise (a round's gain is
 * a fraction of a point; one flipped row in 10 is 10 points). The rows were chosen by the
 * meta-learner, not at random, so the gain is on the kind of rows it asks about; it uses only labels
 * it was given, never a test split.
 *
 * Per-pick proxies were measured and rejected (notes/meta8.md): the surprise 1 − P_before(y) of a
 * pick, its typicality against the pool, and how far the pick's own probability moved after
 * retraining all rank entropy, least-confidence and EGL above margin and random on every set, the
 * reverse of their learning curves.
 *
 * Class-balance bonus: TAILOR's (Zhang et al. 2023): a label of a class below its balanced share
 * so far earns up to `weight`, in proportion to how far below.
 */

/** Held-out accuracy gain of M_j over M_{j−1} on rows labeled later. preds: class per row of X (−1 = not predicted). */
export function pairedGain(before: Int16Array | Int32Array, after: Int16Array | Int32Array, rows: readonly number[], gold: readonly number[]): { gain: number; rows: number } {
  let n = 0;
  let diff = 0;
  rows.forEach((r, i) => {
    if (before[r] < 0 || after[r] < 0) return;
    n++;
    diff += (after[r] === gold[i] ? 1 : 0) - (before[r] === gold[i] ? 1 : 0);
  });
  return { gain: n > 0 ? diff / n : 0, rows: n };
}

/** Accuracy gain (a fraction) to a reward in [0, 1]: ½ for no change, ½ ± gain × scale, clipped. */
export function gainReward(gain: number, scale: number): number {
  return Math.min(1, Math.max(0, 0.5 + gain * scale));
}

/** The class-balance bonus of a pick of a class with `classCount` of `labels` labels over `classes` classes. */
export function balanceBonus(classCount: number, labels: number, classes: number, weight: number): number {
  const share = classes > 0 ? labels / classes : 0;
  return share > 0 ? weight * Math.max(0, 1 - classCount / share) : 0;
}

/** Per-pick reward: the round's gain reward plus the pick's balance bonus, clipped to [0, 1]. */
export function pickReward(roundReward: number, bonus: number): number {
  return Math.min(1, Math.max(0, roundReward + bonus));
}
