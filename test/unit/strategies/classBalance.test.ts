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

  test('scores the margin term times the probability mass on rare labels', () => {
    // Labels so far 0, 0, 0, 1 → w = (0.25, 0.5, 1).
    //   (0.7, 0.2, 0.1):  mass 0.175 + 0.1 + 0.1 = 0.375, margin term 1 − 0.5 = 0.5 → 0.1875
    //   (0.1, 0.2, 0.7):  mass 0.025 + 0.1 + 0.7 = 0.825, margin term 0.5          → 0.4125
    //   (⅓, ⅓, ⅓):       mass 1.75 / 3 = 0.58333,        margin term 1            → 0.58333
    //   (0.6, 0.4, 0):    mass 0.15 + 0.2 = 0.35,         margin term 0.8          → 0.28
    //   (0, 0.4, 0.6):    mass 0.2 + 0.6 = 0.8,           margin term 0.8          → 0.64 (same doubt, rarer label)
    const p = [...probs, [0.6, 0.4, 0], [0, 0.4, 0.6]];
    const s = { ...stateOf(p), labels: Int32Array.from([0, 0, 0, 1]), labeled: Int32Array.from([5, 6, 7, 8]) };
    close(classBalanceStrategy.score(s), [0.1875, 0.4125, 1.75 / 3, 0.28, 0.64]);
  });

  test('with balanced labels it is margin sampling', () => {
    // w = (1, 1, 1): the mass is 1 for every span, leaving 1 − (p₁ − p₂) = 0.5, 0.5, 1.
    const s = { ...stateOf(probs), labels: Int32Array.from([0, 1, 2]), labeled: Int32Array.from([3, 4, 5]) };
    close(classBalanceStrategy.score(s), [0.5, 0.5, 1]);
  });

  test('refuses an untrained model', () => {
    assert.throws(() => classBalanceStrategy.score(untrainedState(3, 3)), NotTrainedError);
  });
});
