import { NO_COMMITTEE } from '../../../src/core/strategies/committeeSummary';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../../src/core/learners/rng';
import { coverageStrategy } from '../../../src/core/strategies/coverage';
import { createFixedSelector } from '../../../src/core/strategies/fixedSelector';
import type { PoolState } from '../../../src/core/strategies/strategy';
import type { Matrix } from '../../../src/core/types';

/** A pool state over X with these labeled rows (the rest unlabeled); coverage needs no model. */
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

const line = (xs: number[]): Matrix => ({ rows: xs.length, cols: 1, data: Float32Array.from(xs) });

/** Plain k-center greedy, every distance recomputed: what the cached, lazy arm must equal. */
function naiveKCenter(X: Matrix, labeled: number[], n: number): number[] {
  const isL = new Set(labeled);
  const unl = Array.from({ length: X.rows }, (_, i) => i).filter((r) => !isL.has(r));
  const d2 = (a: number, b: number): number => {
    let s = 0;
    for (let j = 0; j < X.cols; j++) s += (X.data[a * X.cols + j] - X.data[b * X.cols + j]) ** 2;
    return s;
  };
  const centres = [...labeled];
  const picks: number[] = [];
  for (let t = 0; t < Math.min(n, unl.length); t++) {
    let best = -1;
    let bestV = -Infinity;
    unl.forEach((r, p) => {
      if (picks.includes(p)) return;
      const v = Math.min(...centres.map((c) => d2(r, c)));
      if (v > bestV) {
        bestV = v;
        best = p;
      }
    });
    picks.push(best);
    centres.push(unl[best]);
  }
  return picks;
}

function randomPool(seed: number, n: number, d: number): Matrix {
  const rng = createRng(seed);
  // Clumps, with exact duplicates, so ties and pruning both happen.
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = i % 7 === 0 ? (i % 3) : Math.round(rng() * 8) / 2 + (i % 5);
  return { rows: n, cols: d, data };
}

describe('coverage (k-center greedy)', () => {
  test('scores each unlabeled span by its distance to the nearest labeled one', () => {
    // x = 0 1 2 5 9 10, row 0 labeled: distances 1, 2, 5, 9, 10.
    const s = poolOf(line([0, 1, 2, 5, 9, 10]), [0]);
    assert.deepEqual([...coverageStrategy.score(s)], [1, 2, 5, 9, 10]);
  });

  test('builds the batch greedily: each pick farthest from the labels and the picks before it', () => {
    // Labeled x=0. Pick 1: x=10 (distance 10). Now x=9 is 1 from it, x=5 is min(5, 5) = 5, x=2 is 2,
    // x=1 is 1: pick 2 is x=5. Then x=2 is min(2, 3) = 2, x=1 and x=9 are 1: pick 3 is x=2.
    // Top-3 by score would take x=10, 9, 5: two near-duplicates.
    const s = poolOf(line([0, 1, 2, 5, 9, 10]), [0]);
    const pos = coverageStrategy.batch!(s, coverageStrategy.score(s), 3);
    assert.deepEqual(pos.map((p) => s.unlabeled[p]), [5, 3, 2]);
    // The shared fixed selector goes through the same batch, diversity or not.
    return createFixedSelector(coverageStrategy, { diversity: true }).select(s, 3).then((picks) => {
      assert.deepEqual(picks.map((p) => p.row), [5, 3, 2]);
      assert.deepEqual(picks.map((p) => p.score), [10, 5, 2]);
    });
  });

  test('with no label yet, starts from the pool mean', () => {
    // Mean of 0 1 2 5 9 10 is 4.5: distances 4.5 3.5 2.5 0.5 4.5 5.5 → pick x=10 (row 5). Then
    // x=0 is min(4.5, 10) = 4.5, x=1 3.5, x=2 2.5, x=5 0.5, x=9 min(4.5, 1) = 1 → x=0 (row 0). Then x=1 is
    // min(3.5, 1) = 1, x=2 min(2.5, 2) = 2 → x=2 (row 2).
    const s = poolOf(line([0, 1, 2, 5, 9, 10]), []);
    assert.deepEqual([...coverageStrategy.score(s)], [4.5, 3.5, 2.5, 0.5, 4.5, 5.5]);
    assert.deepEqual(coverageStrategy.batch!(s, coverageStrategy.score(s), 3), [5, 0, 2]);
  });

  test('ties go to the lower row; a batch larger than the pool gives the pool', () => {
    const s = poolOf(line([0, 3, 3, 3]), [0]);
    assert.deepEqual(coverageStrategy.batch!(s, coverageStrategy.score(s), 1), [0]);
    // After row 1, rows 2 and 3 are at distance 0 from it: still the lower first.
    assert.deepEqual(coverageStrategy.batch!(s, coverageStrategy.score(s), 5), [0, 1, 2]);
  });

  test('the cached, lazy greedy equals a full recomputation, round after round, through an undo', () => {
    const X = randomPool(3, 400, 3);
    const labeled = [0, 1, 2];
    for (let round = 0; round < 6; round++) {
      const s = poolOf(X, labeled);
      const fresh = poolOf({ ...X }, labeled); // a new Matrix object: no cache
      assert.deepEqual([...coverageStrategy.score(s)], [...coverageStrategy.score(fresh)], `round ${round} scores`);
      for (const n of [1, 10, 30]) {
        const got = coverageStrategy.batch!(s, coverageStrategy.score(s), n);
        assert.deepEqual(got, naiveKCenter(X, labeled, n), `round ${round}, batch ${n}`);
      }
      labeled.push(...coverageStrategy.batch!(s, coverageStrategy.score(s), 10).map((p) => s.unlabeled[p]));
      // Round 3 takes back two labels (undo): the kept distances must not stay too small.
      if (round === 3) labeled.splice(1, 2);
    }
  });

  test('the cache does not leak between pools', () => {
    const A = randomPool(4, 200, 2);
    const B = randomPool(5, 200, 2);
    const sa = poolOf(A, [0, 10]);
    const sb = poolOf(B, [0, 10]);
    const a1 = [...coverageStrategy.score(sa)];
    const b1 = [...coverageStrategy.score(sb)];
    assert.notDeepEqual(a1, b1);
    assert.deepEqual([...coverageStrategy.score(poolOf(A, [0, 10]))], a1);
    assert.deepEqual(a1, [...coverageStrategy.score(poolOf({ ...A }, [0, 10]))]);
    assert.deepEqual(b1, [...coverageStrategy.score(poolOf({ ...B }, [0, 10]))]);
  });
});
