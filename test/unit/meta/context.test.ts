import { NO_COMMITTEE } from '../../../src/core/strategies/committeeSummary';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SKEWED_AT_HALF, coldStartSpent, describeRegime, labelBalance, regimeOf, taskContext, type TaskContext } from '../../../src/core/meta/context';
import { FEATURE_NAMES, computeFeatures } from '../../../src/core/meta/features';
import type { PoolState } from '../../../src/core/strategies/strategy';

const near = (a: number, b: number, tol = 1e-9): void => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

const ctx = (over: Partial<TaskContext>): TaskContext => ({ labels: 100, classes: 4, labelsPerClass: 25, minClassLabels: 20, balance: 0.8, poolBalance: 0.9, coverage: 0.5, confidence: 0.7, ...over });

describe('task context', () => {
  test('label balance by hand: counts 3, 1, 0 of 4 labels over 3 classes', () => {
    const b = labelBalance(Int32Array.from([0, 0, 1, 0]), 3);
    assert.deepEqual(Array.from(b.counts), [3, 1, 0]);
    assert.equal(b.minClassLabels, 0);
    assert.equal(b.balance, 0);
    // 2, 2, 1 of 5: the rarest has 1/5 of the labels, × 3 classes = 0.6.
    const c = labelBalance(Int32Array.from([0, 1, 2, 0, 1]), 3);
    near(c.balance, 0.6);
    assert.equal(c.minClassLabels, 1);
  });

  test('a hand-made state: labels per class, balance, confidence', () => {
    const X = { rows: 6, cols: 2, data: Float32Array.from([1, 0, 0, 1, 1, 0.1, 0.1, 1, 1, 1, 0.5, 0.5]) };
    const state: PoolState = {
      X,
      classes: 2,
      unlabeled: Int32Array.from([4, 5]),
      labeled: Int32Array.from([0, 1, 2, 3]),
      labels: Int32Array.from([0, 0, 0, 1]),
      // Every row's; the unlabeled rows 4 and 5 are read.
      poolProbs: Float32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0.9, 0.1, 0.4, 0.6]),
      committee: NO_COMMITTEE,
      rng: () => 0.5,
      round: 2,
      predict: (rows) => new Float32Array(rows.length * 2),
    };
    const c = taskContext(state);
    assert.equal(c.labels, 4);
    assert.equal(c.labelsPerClass, 2);
    assert.equal(c.minClassLabels, 1);
    near(c.balance, 0.5); // 1 of 4 labels, × 2 classes
    near(c.confidence, 0.75, 1e-6); // mean of 0.9 and 0.6
    // The pool's predictions: class 0 (row 4) and class 1 (row 5), half each. Labels: class 0 has
    // 3/4 (1.5 × its pool share), class 1 has 1/4 (0.5 × its pool share).
    near(c.poolBalance, 0.5);
    assert.ok(c.coverage >= 0);
    // A coverage computed once for the round is reused, not recomputed (it is the costly statistic).
    assert.equal(taskContext(state, undefined, { coverage: 0.123 }).coverage, 0.123);
    assert.equal(computeFeatures(state, { coverage: 0.123 })[FEATURE_NAMES.indexOf('coverage')], Math.fround(0.123));
  });

  test('regimes: cold start while labels per class are few, then skewed against the pool, then refining', () => {
    assert.equal(regimeOf(ctx({ labelsPerClass: 3.9, poolBalance: 0.1 }), SKEWED_AT_HALF), 'cold-start');
    assert.equal(regimeOf(ctx({ poolBalance: 0.49 }), SKEWED_AT_HALF), 'skewed');
    assert.equal(regimeOf(ctx({ poolBalance: 0.5 }), SKEWED_AT_HALF), 'refining');
    // An imbalanced set whose labels follow the pool is not skewed, however uneven the counts.
    assert.equal(regimeOf(ctx({ balance: 0.1, minClassLabels: 2, poolBalance: 0.9 }), SKEWED_AT_HALF), 'refining');
    // By default the skewed regime is off (measured: see REGIME_THRESHOLDS): cold start, then refining.
    assert.equal(regimeOf(ctx({ labelsPerClass: 3.9, poolBalance: 0.1 })), 'cold-start');
    assert.equal(regimeOf(ctx({ poolBalance: 0.01 })), 'refining');
    assert.equal(regimeOf(ctx({ labelsPerClass: 4 }), { coldLabelsPerClass: 3, skewedPoolBalance: 0.5 }), 'refining');
  });

  test('a cold start ended by a measurement stays ended, whatever the count says', () => {
    assert.equal(regimeOf(ctx({ labelsPerClass: 2, poolBalance: 0.9 }), undefined, true), 'refining');
    assert.equal(regimeOf(ctx({ labelsPerClass: 2, poolBalance: 0.3 }), SKEWED_AT_HALF, true), 'skewed');
    assert.equal(regimeOf(ctx({ labelsPerClass: 2 }), undefined, false), 'cold-start');
  });

  test('a cold-start batch is spent when the model already got it right more often than its mean confidence', () => {
    // The model's class per row of X; −1: a row it did not predict (labeled before), not counted.
    const pred = Int16Array.from([0, 1, 2, 1, -1, 0]);
    // Batch rows 0, 1, 3, 5 with labels 0, 2, 1, 1: right on rows 0 and 3 → 2 of 4 = 0.5.
    const rows = [0, 1, 3, 5];
    const labels = Int32Array.from([0, 2, 1, 1]);
    assert.equal(coldStartSpent(pred, rows, labels, 0.49), true);
    assert.equal(coldStartSpent(pred, rows, labels, 0.5), false); // not more often than expected: still teaching
    // Row 4 has no prediction and a −1 label is no label: only rows 0 and 3 count → 2 of 2 = 1.
    assert.equal(coldStartSpent(pred, [0, 4, 3, 1], Int32Array.from([0, 0, 1, -1]), 0.99), true);
    // Nothing to judge by: not spent.
    assert.equal(coldStartSpent(pred, [4], Int32Array.from([0]), 0), false);
  });

  test('the regime in words names the numbers behind it', () => {
    assert.match(describeRegime('cold-start', ctx({ labelsPerClass: 4.5, minClassLabels: 2 })), /cold start: 4\.5 labels per class \(rarest 2\)/);
    assert.match(describeRegime('skewed', ctx({ poolBalance: 0.3 })), /a class has 30 % of the share of labels the model expects of it in the pool/);
    assert.match(describeRegime('refining', ctx({})), /25 labels per class, model 70 % sure/);
    assert.match(describeRegime('refining', ctx({ labelsPerClass: 2 }), true), /^refining: 2\.0 labels per class, model 70 % sure on average \(cold start ended early: the model already got a batch of typical picks right more often than its confidence\)$/);
    assert.doesNotMatch(describeRegime('refining', ctx({})), /cold start ended/);
  });
});
