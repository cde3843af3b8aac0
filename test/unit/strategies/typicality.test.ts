import { NO_COMMITTEE } from '../../../src/core/strategies/committeeSummary';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../../src/core/learners/rng';
import { createFixedSelector } from '../../../src/core/strategies/fixedSelector';
import type { PoolState } from '../../../src/core/strategies/strategy';
import { clusterCount, clusteringOf, computeClustering, typicalityStrategy } from '../../../src/core/strategies/typicality';
import type { Matrix } from '../../../src/core/types';

function poolOf(X: Matrix, labeled: number[]): PoolState {
  const isL = new Set(labeled);
  return {
    X,
    classes: 2,
    unlabeled: Int32Array.from({ length: X.rows }, (_, i) => i).filter((r) => !isL.has(r)),
    labeled: Int32Array.from(labeled),
    labels: new Int32Array(labeled.length),
    poolProbs: new Float32Array(0),
    committee: NO_COMMITTEE,
    rng: createRng(1),
    round: 1,
    predict: () => new Float32Array(0),
  };
}

/**
 * 40 rows on a line, so 40 / 20 = 2 clusters, 100 apart:
 *   A = rows 0–12 at x = 0 and rows 13–23 at x = 1 (24 rows: k = min(20, 24 / 2) = 12 neighbours);
 *   B = rows 24–33 at x = 100 and rows 34–39 at x = 103 (16 rows: k = 8).
 * Typicality = 1 / (mean distance to the k nearest other members + 1e-5):
 *   x = 0:   12 others at 0                      → mean 0          → 1 / 1e-5 = 100000
 *   x = 1:   10 others at 1, then 2 at x = 0 (1)  → mean 2/12       → 1 / (1/6 + 1e-5)
 *   x = 100: 9 others at 100                     → mean 0          → 100000
 *   x = 103: 5 others at 103, then 3 at 100 (3)  → mean 9/8        → 1 / (1.125 + 1e-5)
 */
const xs = [...Array(13).fill(0), ...Array(11).fill(1), ...Array(10).fill(100), ...Array(6).fill(103)];
const X: Matrix = { rows: 40, cols: 1, data: Float32Array.from(xs) };
const expected = xs.map((x) => ({ 0: 1e5, 1: 1 / (1 / 6 + 1e-5), 100: 1e5, 103: 1 / (1.125 + 1e-5) })[x as 0 | 1 | 100 | 103]);

describe('typicality (TypiClust)', () => {
  test('clusters the pool and scores each span by its typicality within its cluster', () => {
    assert.equal(clusterCount(40), 2);
    const c = clusteringOf(X);
    assert.equal(c.clusters, 2);
    const a = c.assign[0];
    assert.deepEqual([...c.assign].map((k) => (k === a ? 'A' : 'B')).join(''), 'A'.repeat(24) + 'B'.repeat(16));
    assert.equal(c.size[a], 24);
    c.typicality.forEach((t, r) => assert.ok(Math.abs(t - expected[r]) <= 1e-9 * expected[r], `row ${r}: ${t} ≠ ${expected[r]}`));
    const s = poolOf(X, [5, 30]);
    assert.deepEqual([...typicalityStrategy.score(s)], [...s.unlabeled].map((r) => Math.fround(expected[r])));
  });

  test('takes the most typical unlabeled span of the uncovered clusters, largest first, then goes round again', () => {
    // No labels: A (24 rows) then B (16); the most typical of A are all of x = 0 (ties: lower row),
    // so row 0, then B's row 24, then round again to A: row 1.
    const s0 = poolOf(X, []);
    assert.deepEqual(typicalityStrategy.batch!(s0, typicalityStrategy.score(s0), 3).map((p) => s0.unlabeled[p]), [0, 24, 1]);
    // Row 0 labeled: A is covered, B is not → B first (row 24), then A (row 1, row 0 is labeled).
    const s1 = poolOf(X, [0]);
    assert.deepEqual(typicalityStrategy.batch!(s1, typicalityStrategy.score(s1), 2).map((p) => s1.unlabeled[p]), [24, 1]);
    // One label in each: the larger A first again.
    const s2 = poolOf(X, [0, 24]);
    assert.deepEqual(typicalityStrategy.batch!(s2, typicalityStrategy.score(s2), 2).map((p) => s2.unlabeled[p]), [1, 25]);
  });

  test('the fixed selector uses the per-cluster batch, not the top scores', async () => {
    // Top-2 scores would be rows 0 and 1 (both x = 0, same cluster); the arm takes one per cluster.
    const picks = await createFixedSelector(typicalityStrategy, { diversity: false }).select(poolOf(X, []), 2);
    assert.deepEqual(picks.map((p) => p.row), [0, 24]);
    assert.equal(picks[0].score, Math.fround(1e5));
  });

  test('a cluster with every row labeled is skipped; a batch larger than the pool gives the pool', () => {
    const small: Matrix = { rows: 40, cols: 1, data: Float32Array.from(xs) };
    const labeled = Array.from({ length: 24 }, (_, i) => i); // all of A
    const s = poolOf(small, labeled);
    const pos = typicalityStrategy.batch!(s, typicalityStrategy.score(s), 50);
    assert.equal(pos.length, 16);
    assert.equal(new Set(pos).size, 16);
    // Within B: the ten at x = 100 (most typical) first, in row order, then the six at x = 103.
    assert.deepEqual(pos.map((p) => s.unlabeled[p]), Array.from({ length: 16 }, (_, i) => 24 + i));
  });

  test('the clustering is computed once per pool, equals a fresh computation, and does not leak between pools', () => {
    const rng = createRng(7);
    const make = (): Matrix => {
      const n = 4000;
      const d = 2;
      const data = new Float32Array(n * d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = (i % 5) * (j + 1) * 3 + rng();
      return { rows: n, cols: d, data };
    };
    const P = make();
    const Q = make();
    const p1 = clusteringOf(P);
    assert.equal(clusteringOf(P), p1, 'cached: the same object');
    assert.deepEqual(computeClustering({ ...P }), p1, 'fresh computation on the same vectors');
    const q1 = clusteringOf(Q);
    assert.notEqual(q1, p1);
    assert.notDeepEqual([...q1.typicality], [...p1.typicality]);
    assert.deepEqual(computeClustering({ ...Q }), q1);
    // Clusters larger than the reference sample (4000 rows in 50): every row still gets a finite, positive typicality.
    assert.equal(p1.clusters, 50);
    assert.ok(Math.max(...p1.size) > 64);
    assert.ok(p1.typicality.every((t) => Number.isFinite(t) && t > 0));
  });
});
