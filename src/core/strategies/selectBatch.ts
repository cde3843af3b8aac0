import { rowInto } from '../features/compactVectors';
import type { Vectors } from '../types';
import type { PoolState, Strategy } from './strategy';

export interface BatchOptions {
  /** Avoid near-duplicates: k-means++ seeding over the top candidates instead of plain top-n. */
  readonly diversity: boolean;
  /** With diversity, how many candidates per pick (by score) the diverse batch is drawn from. */
  readonly candidateFactor?: number;
}

export const DEFAULT_CANDIDATE_FACTOR = 3;

/**
 * The positions (indices into `rows`) of the `m` best scores, best first. Ties are broken
 * explicitly by the lower row number, and NaN ranks below everything, so the order never depends
 * on the sort algorithm. O(N·log m): one pass with a bounded, sorted buffer.
 */
export function topPositions(scores: Float32Array | Float64Array, rows: Int32Array, m: number): number[] {
  const k = Math.min(m, scores.length);
  const top: number[] = [];
  const better = (a: number, b: number): boolean => {
    const sa = Number.isNaN(scores[a]) ? -Infinity : scores[a];
    const sb = Number.isNaN(scores[b]) ? -Infinity : scores[b];
    return sa > sb || (sa === sb && rows[a] < rows[b]);
  };
  if (k <= 0) return top;
  for (let i = 0; i < scores.length; i++) {
    if (top.length === k && !better(i, top[k - 1])) continue;
    // Binary search for the insertion point in the sorted buffer.
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (better(i, top[mid])) hi = mid;
      else lo = mid + 1;
    }
    top.splice(lo, 0, i);
    if (top.length > k) top.pop();
  }
  return top;
}

/**
 * The one batch selector every fixed strategy (and the meta-learner, if it likes) goes through.
 * Without diversity: the top n by score. With diversity: the best candidate first, then k-means++
 * seeding (each next pick drawn with probability ∝ squared distance to the nearest pick so far)
 * among the top candidateFactor·n candidates, so a batch does not spend labels on near-duplicates.
 * Returns positions into `rows` (and `scores`), in pick order.
 */
export function selectBatch(X: Vectors, rows: Int32Array, scores: Float32Array, n: number, rng: () => number, opts: BatchOptions): number[] {
  if (scores.length !== rows.length) throw new RangeError(`selectBatch: ${scores.length} scores for ${rows.length} rows`);
  const want = Math.min(n, rows.length);
  if (want <= 0) return [];
  if (!opts.diversity || want === 1) return topPositions(scores, rows, want);
  const factor = Math.max(1, opts.candidateFactor ?? DEFAULT_CANDIDATE_FACTOR);
  const cand = topPositions(scores, rows, Math.ceil(factor * want));
  if (cand.length <= want) return cand;
  const d = X.cols;
  const dist = new Float64Array(cand.length).fill(Infinity);
  const taken = new Uint8Array(cand.length);
  const picks: number[] = [];
  // Rows of a compact pool are dequantised into these (a dense pool's are read in place).
  const pickRow = new Float32Array(d);
  const candRow = new Float32Array(d);
  let next = 0;
  for (;;) {
    taken[next] = 1;
    picks.push(cand[next]);
    if (picks.length === want) break;
    const xp = rowInto(X, rows[cand[next]], pickRow);
    let total = 0;
    for (let c = 0; c < cand.length; c++) {
      if (taken[c]) continue;
      const xc = rowInto(X, rows[cand[c]], candRow);
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = xc[j] - xp[j];
        s += t * t;
      }
      if (s < dist[c]) dist[c] = s;
      total += dist[c];
    }
    next = -1;
    if (total > 0) {
      let r = rng() * total;
      for (let c = 0; c < cand.length; c++) {
        if (taken[c]) continue;
        r -= dist[c];
        if (r < 0) {
          next = c;
          break;
        }
      }
    }
    // All remaining candidates duplicate a pick (or rounding left r ≥ 0): take the best-ranked one.
    if (next < 0) next = taken.indexOf(0);
  }
  return picks;
}

/**
 * A strategy's batch: its own sequential choice when it has one (Strategy.batch), else the shared
 * selection above over its scores. The one entry point of fixed selectors and the meta-learner's
 * advice, so a strategy picks the same batch whichever of them asks.
 */
export function strategyBatch(strategy: Strategy, state: PoolState, scores: Float32Array, n: number, opts: BatchOptions): number[] {
  if (scores.length !== state.unlabeled.length) throw new RangeError(`${strategy.name}: ${scores.length} scores for ${state.unlabeled.length} rows`);
  if (strategy.batch) return strategy.batch(state, scores, Math.min(n, state.unlabeled.length));
  return selectBatch(state.X, state.unlabeled, scores, n, state.rng, opts);
}
