import { rowInto } from '../features/compactVectors';
import type { Vectors } from '../types';
import { distanceSpace } from './poolSketch';
import { topPositions } from './selectBatch';
import type { PoolState, Strategy } from './strategy';
import { pointDistanceSq, rowDistanceSqBelow } from './vectorDistance';

/**
 * Coverage: k-center greedy over the span vectors (Sener & Savarese 2018, "core-set"). A span's
 * score is its Euclidean distance to the nearest labeled span; the batch is built greedily, each
 * pick the unlabeled span farthest from every labeled span and every pick before it (Gonzalez's
 * farthest-point traversal, a 2-approximation of the k-center problem). It asks nothing of the
 * model, so it also works before the first retrain. Distances are measured in the pool's distance
 * space (poolSketch.ts: the vectors, or a fixed 64-d random projection of wider ones).
 *
 * With no label yet, the pool's mean stands in for the labeled set (the traversal starts from a
 * virtual centre there).
 *
 * Speed: the pool vectors never change within a pool, so each row's squared distance to its
 * nearest labeled row is kept per Matrix (a WeakMap: it goes with the pool) and updated only for
 * the rows labeled since the last call: O(new labels · N · d) per round instead of O(L · N · d).
 * When a label was taken back (undo) the kept minimum may be too small, so the cache is rebuilt.
 * Within a batch the greedy step is lazy: candidates are visited in order of their distance to the
 * labeled set, which bounds from above their distance after the picks, so the visit stops as soon
 * as no later candidate can win; the answer equals the full scan's (tested).
 */

interface CoverageCache {
  /** centre[r] = 1 when row r is one of the labeled rows minSq accounts for. */
  readonly centre: Uint8Array;
  count: number;
  /** Per row of X: squared distance to the nearest centre. */
  readonly minSq: Float64Array;
}

const caches = new WeakMap<Vectors, CoverageCache>();

/**
 * Folds new labeled rows into the kept minima. One pass over the pool per block of centres, so each
 * pool row is read from memory once per block rather than once per centre (the pass is
 * memory-bound); the minimum is the same whatever the order.
 */
function addCentres(X: Vectors, c: CoverageCache, rows: readonly number[]): void {
  const BLOCK = 64;
  const m = c.minSq;
  for (let b = 0; b < rows.length; b += BLOCK) {
    const block = rows.slice(b, b + BLOCK);
    for (const row of block) {
      c.centre[row] = 1;
      c.count++;
    }
    for (let r = 0; r < X.rows; r++) {
      let best = m[r];
      if (best === 0) continue;
      for (const row of block) {
        const d = rowDistanceSqBelow(X, r, row, best);
        if (d < best) best = d;
      }
      m[r] = best;
    }
  }
}

/** Per row of X, the squared distance to the nearest of `labeled` (kept per Matrix, see above). */
function nearestLabeledSq(X: Vectors, labeled: Int32Array): Float64Array {
  const isLabeled = new Uint8Array(X.rows);
  for (const r of labeled) isLabeled[r] = 1;
  let c = caches.get(X);
  if (c) {
    // Usable only if every row it accounts for is still labeled (no undo since, no other run).
    let kept = 0;
    for (const r of labeled) kept += c.centre[r];
    if (kept !== c.count) c = undefined;
  }
  if (!c) {
    c = { centre: new Uint8Array(X.rows), count: 0, minSq: new Float64Array(X.rows).fill(Infinity) };
    caches.set(X, c);
  }
  const fresh: number[] = [];
  for (const r of labeled) if (!c.centre[r]) fresh.push(r);
  addCentres(X, c, fresh);
  return c.minSq;
}

/**
 * Squared distance of each unlabeled row (aligned with state.unlabeled) to the labeled set, or to
 * the pool's mean when nothing is labeled.
 */
function baseDistanceSq(state: PoolState): Float64Array {
  const { unlabeled, labeled } = state;
  const X = distanceSpace(state.X);
  const out = new Float64Array(unlabeled.length);
  if (labeled.length > 0) {
    const m = nearestLabeledSq(X, labeled);
    for (let i = 0; i < out.length; i++) out[i] = m[unlabeled[i]];
    return out;
  }
  const mean = new Float64Array(X.cols);
  const buf = new Float32Array(X.cols);
  for (const r of unlabeled) {
    const x = rowInto(X, r, buf);
    for (let j = 0; j < X.cols; j++) mean[j] += x[j];
  }
  for (let j = 0; j < X.cols; j++) mean[j] /= Math.max(1, unlabeled.length);
  for (let i = 0; i < out.length; i++) out[i] = pointDistanceSq(X, unlabeled[i], mean);
  return out;
}

/** Candidates per pick visited before the lazy greedy step falls back to a full scan. */
const CANDIDATES_PER_PICK = 16;

export const coverageStrategy: Strategy = {
  name: 'coverage',
  coldStart: true,
  score(state: PoolState): Float32Array {
    return Float32Array.from(baseDistanceSq(state), Math.sqrt);
  },
  batch(state: PoolState, _scores: Float32Array, n: number): number[] {
    const { unlabeled } = state;
    const X = distanceSpace(state.X);
    const U = unlabeled.length;
    const want = Math.min(n, U);
    if (want <= 0) return [];
    const base = baseDistanceSq(state);
    // Upper bounds, best first (ties: lower row first).
    const order = topPositions(base, unlabeled, Math.min(U, Math.max(64, CANDIDATES_PER_PICK * want)));
    const cur = new Float64Array(U);
    const checked = new Int32Array(U);
    const taken = new Uint8Array(U);
    const picks: number[] = [];
    // Brings position p's distance up to date with the picks made since it was last looked at.
    const update = (p: number): number => {
      if (checked[p] === 0) cur[p] = base[p];
      for (let t = checked[p]; t < picks.length; t++) {
        const d = rowDistanceSqBelow(X, unlabeled[p], unlabeled[picks[t]], cur[p]);
        if (d < cur[p]) cur[p] = d;
      }
      checked[p] = picks.length;
      return cur[p];
    };
    while (picks.length < want) {
      let best = -1;
      let bestVal = -Infinity;
      const consider = (p: number): void => {
        if (taken[p]) return;
        const v = update(p);
        if (v > bestVal || (v === bestVal && unlabeled[p] < unlabeled[best])) {
          best = p;
          bestVal = v;
        }
      };
      let stopped = false;
      for (const p of order) {
        // Distances only shrink as picks are added: no later candidate can beat the best any more.
        if (base[p] < bestVal) {
          stopped = true;
          break;
        }
        consider(p);
      }
      if (!stopped && order.length < U) for (let p = 0; p < U; p++) consider(p);
      taken[best] = 1;
      picks.push(best);
    }
    return picks;
  },
};
