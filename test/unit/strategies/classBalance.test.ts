import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotTrainedError } from '../../../src/core/errors';
import { classBalanceStrategy, classWeights } from '../../../src/core/strategies/classBalance';
import { stateOf, untrainedState } from './state';

function close(actual: ArrayLike<number>, expected: number[], eps = 1e-6): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) < eps, `score ${i}: ${actual[i]} ≠ ${e}`));
}

const probs = [
  [0.7, 0.2, 0.1],
  [0.1, 0.2, 0.7],
  [1 / 3, 1 / 3, 1 / 3],
];

describe('class balance', () => {
  test('weights are add-one inverse label counts, the rarest label weighing 1', () => {
    // Counts (3, 1, 0): 1/4, 1/2, 1/1, divided by the largest (1).
    close(classWeights(Int32Array.from([0, 0, 0, 1]), 3), [0.25, 0.5, 1]);
    // Counts (2, 1, 1): 1/3, 1/2, 1/2 over 1/2.
    close(classWeights(Int32Array.from([0, 1, 0, 2]), 3), [2 / 3, 1, 1]);
    close(classWeights(new Int32Array(0), 4), [1, 1, 1, 1]);
  });

  test('scores the probability mass on rare labels, plus 0.01 × the margin term', () => {
    // Labels so far 0, 0, 0, 1 → w = (0.25, 0.5, 1).
    //   (0.7, 0.2, 0.1):  0.175 + 0.1 + 0.1 = 0.375, margin term 1 − 0.5 = 0.5 → 0.375 + 0.005 = 0.38
    //   (0.1, 0.2, 0.7):  0.025 + 0.1 + 0.7 = 0.825, margin term 0.5          → 0.83
    //   (⅓, ⅓, ⅓):       1.75 / 3 = 0.58333,        margin term 1            → 0.59333
    const s = { ...stateOf(probs), labels: Int32Array.from([0, 0, 0, 1]), labeled: Int32Array.from([3, 4, 5, 6]) };
    close(classBalanceStrategy.score(s), [0.38, 0.83, 1.75 / 3 + 0.01]);
  });

  test('with balanced labels the margin term decides', () => {
    // w = (1, 1, 1): the first term is 1 for every span; the margin terms are 0.5, 0.5, 1.
    const s = { ...stateOf(probs), labels: Int32Array.from([0, 1, 2]), labeled: Int32Array.from([3, 4, 5]) };
    close(classBalanceStrategy.score(s), [1.005, 1.005, 1.01]);
  });

  test('refuses an untrained model', () => {
    assert.throws(() => classBalanceStrategy.score(untrainedState(3, 3)), NotTrainedError);
  });
});
