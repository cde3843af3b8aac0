import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotTrainedError } from '../../../src/core/errors';
import { eglStrategy } from '../../../src/core/strategies/egl';
import { entropyStrategy } from '../../../src/core/strategies/entropy';
import { klStrategy } from '../../../src/core/strategies/kl';
import { leastConfidenceStrategy } from '../../../src/core/strategies/leastConfidence';
import { marginStrategy } from '../../../src/core/strategies/margin';
import { randomStrategy } from '../../../src/core/strategies/random';
import { allStrategies, strategyByName } from '../../../src/core/strategies/registry';
import { STRATEGY_NAMES } from '../../../src/core/strategies/strategy';
import { voteEntropyStrategy } from '../../../src/core/strategies/voteEntropy';
import { stateOf, untrainedState } from './state';

function close(actual: Float32Array, expected: number[], eps = 1e-5): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) < eps, `score ${i}: ${actual[i]} ≠ ${e}`));
}

const probs = [
  [0.7, 0.2, 0.1],
  [1 / 3, 1 / 3, 1 / 3],
  [1, 0, 0],
];

describe('uncertainty strategies on hand-computed cases', () => {
  test('least confidence = 1 − max p', () => {
    close(leastConfidenceStrategy.score(stateOf(probs)), [0.3, 2 / 3, 0]);
  });

  test('margin = 1 − (p1 − p2)', () => {
    close(marginStrategy.score(stateOf(probs)), [0.5, 1, 0]);
  });

  test('entropy = −Σ p ln p', () => {
    const h0 = -(0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 0.1 * Math.log(0.1)); // 0.80182
    close(entropyStrategy.score(stateOf(probs)), [h0, Math.log(3), 0]);
    assert.ok(Math.abs(h0 - 0.801819) < 1e-5);
  });

  test('expected gradient length = ‖[x;1]‖ · Σ_y p_y √(1 − 2p_y + ‖p‖²)', () => {
    // x = (3, 4): ‖x̃‖ = √26. p = (0.5, 0.5): the gradient is ±(0.5, −0.5) ⊗ x̃ for either label,
    // of norm √0.5·√26, so the expectation is √13 ≈ 3.60555.
    // x = (0, 0): ‖x̃‖ = 1. p = (1, 0): a sure prediction has zero expected gradient.
    const X = { rows: 2, cols: 2, data: Float32Array.from([3, 4, 0, 0]) };
    close(eglStrategy.score(stateOf([[0.5, 0.5], [1, 0]], { X })), [Math.sqrt(13), 0]);
    // p = (0.7, 0.2, 0.1), x̃ = (1): Σ p_y·‖p − e_y‖ computed term by term.
    const p = [0.7, 0.2, 0.1];
    const expected = p.reduce((s, py, y) => s + py * Math.sqrt(p.reduce((t, pk, k) => t + (pk - (k === y ? 1 : 0)) ** 2, 0)), 0);
    close(eglStrategy.score(stateOf([p], { X: { rows: 1, cols: 1, data: Float32Array.from([0]) } })), [expected]);
  });
});

describe('query-by-committee strategies on hand-computed cases', () => {
  test('vote entropy counts hard votes', () => {
    // Members' argmax for row 0: 0, 0, 1 → votes (2/3, 1/3); row 1: all 2 → 0.
    const committee = [
      [[0.6, 0.3, 0.1], [0, 0, 1]],
      [[0.5, 0.4, 0.1], [0.1, 0.1, 0.8]],
      [[0.2, 0.7, 0.1], [0.2, 0.2, 0.6]],
    ];
    const s = voteEntropyStrategy.score(stateOf([[1 / 3, 1 / 3, 1 / 3], [0, 0, 1]], { committee }));
    // Within 1e-4 (the consensus-entropy tie-breaker is smaller than that).
    close(s, [-(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3), 0], 1e-4);
  });

  test('KL to the consensus: mean of KL(p_m ‖ p̄)', () => {
    // p1 = (0.8, 0.2), p2 = (0.4, 0.6), p̄ = (0.6, 0.4):
    // KL1 = 0.8 ln(4/3) + 0.2 ln(1/2) = 0.091516, KL2 = 0.4 ln(2/3) + 0.6 ln(3/2) = 0.081093.
    const committee = [[[0.8, 0.2], [0.5, 0.5]], [[0.4, 0.6], [0.5, 0.5]]];
    close(klStrategy.score(stateOf([[0.6, 0.4], [0.5, 0.5]], { committee })), [(0.091516 + 0.081093) / 2, 0]);
  });
});

describe('random strategy', () => {
  test('scores come from the state generator: same seed, same scores', () => {
    const a = randomStrategy.score(stateOf(probs, { seed: 9 }));
    const b = randomStrategy.score(stateOf(probs, { seed: 9 }));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, randomStrategy.score(stateOf(probs, { seed: 10 })));
  });

  test('needs no trained model', () => {
    assert.equal(randomStrategy.score(untrainedState(4, 3)).length, 4);
  });
});

/** Strategies that look only at the vectors (or draw at random): they need no trained model. */
const MODEL_FREE = ['random', 'typicality', 'coverage'];

describe('strategies never swallow "not trained"', () => {
  for (const s of allStrategies().filter((x) => !MODEL_FREE.includes(x.name))) {
    test(`${s.name} throws NotTrainedError without probabilities`, () => {
      assert.throws(() => s.score(untrainedState(3, 2)), NotTrainedError);
    });
  }
  for (const s of allStrategies().filter((x) => MODEL_FREE.includes(x.name))) {
    test(`${s.name} scores the pool without a trained model`, () => {
      assert.equal(s.score(untrainedState(3, 2)).length, 3);
    });
  }
  test('committee strategies throw NotTrainedError with probabilities but no committee', () => {
    assert.throws(() => voteEntropyStrategy.score(stateOf(probs)), NotTrainedError);
    assert.throws(() => klStrategy.score(stateOf(probs)), NotTrainedError);
  });
});

describe('registry', () => {
  test('every name resolves to its strategy', () => {
    for (const n of STRATEGY_NAMES) assert.equal(strategyByName(n).name, n);
  });
});

describe('vote entropy tie-breaking', () => {
  test('rows with the same vote split rank by the uncertainty of the consensus', () => {
    // Both rows: votes (2, 1). Row 1's consensus is closer to uniform, so it scores higher.
    const committee = [
      [[0.9, 0.1], [0.55, 0.45]],
      [[0.9, 0.1], [0.55, 0.45]],
      [[0.1, 0.9], [0.45, 0.55]],
    ];
    const s = voteEntropyStrategy.score(stateOf([[0.5, 0.5], [0.5, 0.5]], { committee }));
    assert.ok(s[1] > s[0]);
    assert.ok(s[1] - s[0] < 1e-4);
  });
});
