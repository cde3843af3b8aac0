import { committeeViewOf } from '../strategies/state';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FEATURE_NAMES, computeFeatures, coverage, nearestDots, quantile, strideSample } from '../../../src/core/meta/features';
import { createRng } from '../../../src/core/learners/rng';
import type { PoolState } from '../../../src/core/strategies/strategy';

/**
 * Four 2-d rows: two labeled (one per class), two unlabeled. The main model is sure of row 2 and
 * torn on row 3; the two committee members agree on row 2 and split on row 3.
 */
function tinyState(): PoolState {
  const X = { rows: 4, cols: 2, data: Float32Array.from([1, 0, 0, 1, 1, 0.1, 0.1, 1]) };
  return {
    X,
    classes: 2,
    unlabeled: Int32Array.from([2, 3]),
    labeled: Int32Array.from([0, 1]),
    labels: Int32Array.from([0, 1]),
    // Every row's; the unlabeled rows 2 and 3 are read.
    poolProbs: Float32Array.from([0.5, 0.5, 0.5, 0.5, 0.9, 0.1, 0.6, 0.4]),
    committee: committeeViewOf([Float32Array.from([0.5, 0.5, 0.5, 0.5, 0.8, 0.2, 0.3, 0.7]), Float32Array.from([0.5, 0.5, 0.5, 0.5, 0.9, 0.1, 0.6, 0.4])], 2),
    rng: () => 0.5,
    round: 3,
    // Predicts class 0 for row 0 (right) and class 0 for row 1 (wrong): training accuracy 1/2.
    predict: (rows: Int32Array) => Float32Array.from(Array.from(rows).flatMap(() => [0.7, 0.3])),
  };
}

const get = (f: Float32Array, name: (typeof FEATURE_NAMES)[number]): number => f[FEATURE_NAMES.indexOf(name)];
const near = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

describe('task-state features', () => {
  test('on a tiny hand-made state', () => {
    const f = computeFeatures(tinyState());
    assert.equal(f.length, FEATURE_NAMES.length);
    near(get(f, 'logLabels'), Math.log(3));
    near(get(f, 'logLabelsPerClass'), Math.log(2));
    near(get(f, 'logClasses'), Math.log(2));
    near(get(f, 'labelEntropy'), 1);
    near(get(f, 'minClassShare'), 1);
    near(get(f, 'labeledFraction'), 0.5);
    near(get(f, 'logRound'), Math.log(3));
    near(get(f, 'maxProbMean'), 0.75);
    near(get(f, 'maxProbP10'), 0.6 + 0.1 * 0.3);
    near(get(f, 'maxProbP90'), 0.6 + 0.9 * 0.3);
    near(get(f, 'marginMean'), (0.8 + 0.2) / 2);
    near(get(f, 'marginP50'), 0.5);
    const h = (p: number): number => -(p * Math.log(p) + (1 - p) * Math.log(1 - p)) / Math.log(2);
    near(get(f, 'entropyMean'), (h(0.9) + h(0.6)) / 2);
    // The main model predicts class 0 for both pool rows.
    near(get(f, 'predictedClassEntropy'), 0);
    // Row 2: both members vote 0 (entropy 0); row 3: one vote each (entropy 1 after normalising).
    near(get(f, 'voteEntropyMean'), 0.5);
    near(get(f, 'disagreeFraction'), 0.5);
    const kl = (p: number, q: number): number => p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q));
    near(get(f, 'klMean'), ((kl(0.8, 0.85) + kl(0.9, 0.85)) / 2 + (kl(0.3, 0.45) + kl(0.6, 0.45)) / 2) / 2, 1e-5);
    near(get(f, 'trainAccuracy'), 0.5);
  });

  test('coverage: nearest-labeled cosine distance relative to the distance between pool rows', () => {
    const s = tinyState();
    const cos = (a: number[], b: number[]): number => (a[0] * b[0] + a[1] * b[1]) / (Math.hypot(...a) * Math.hypot(...b));
    const nearest = (1 - cos([1, 0.1], [1, 0]) + (1 - cos([0.1, 1], [0, 1]))) / 2;
    const pair = 1 - cos([1, 0.1], [0.1, 1]);
    near(coverage(s), nearest / pair, 1e-6);
    // With no labels, nothing is covered.
    assert.equal(coverage({ ...s, labeled: new Int32Array(0), labels: new Int32Array(0) }), 1);
  });

  test('nearestDots: bit for bit the plain double loop, whatever the counts (tiles of 4 and the rest)', () => {
    const rng = createRng(7);
    const rows = (n: number, d: number): Float64Array[] => Array.from({ length: n }, () => Float64Array.from({ length: d }, () => rng() * 2 - 1));
    for (const [na, nb, d] of [[1, 1, 3], [3, 4, 5], [5, 7, 200], [128, 513, 33], [2, 0, 4]] as const) {
      const a = rows(na, d);
      const b = rows(nb, d);
      const plain = a.map((p) => {
        let best = -Infinity;
        for (const q of b) {
          let s = 0;
          for (let j = 0; j < d; j++) s += p[j] * q[j];
          best = Math.max(best, s);
        }
        return best;
      });
      assert.deepEqual([...nearestDots(a, b, d)], plain, `${na} × ${nb} rows of ${d}`);
    }
    // By hand: [1, 2]·[3, 4] = 11 beats [1, 2]·[−1, 5] = 9.
    assert.deepEqual([...nearestDots([Float64Array.from([1, 2])], [Float64Array.from([-1, 5]), Float64Array.from([3, 4])], 2)], [11]);
  });

  test('uses no randomness and reads only the given labels', () => {
    const s = tinyState();
    let draws = 0;
    const f1 = computeFeatures({ ...s, rng: () => (draws++, 0.5) });
    assert.equal(draws, 0);
    assert.deepEqual(f1, computeFeatures(s));
  });

  test('stride subsample and quantiles', () => {
    assert.deepEqual([...strideSample(10, 4)], [0, 2, 5, 7]);
    assert.deepEqual([...strideSample(3, 5)], [0, 1, 2]);
    near(quantile(Float64Array.from([1, 2, 3, 4]), 0.5), 2.5);
    assert.equal(quantile(new Float64Array(0), 0.5), 0);
  });
});
