import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { committeeVotes } from '../../../src/core/strategies/committeeVotes';
import { eglStrategy } from '../../../src/core/strategies/egl';
import { entropyStrategy } from '../../../src/core/strategies/entropy';
import { leastConfidenceStrategy } from '../../../src/core/strategies/leastConfidence';
import { marginStrategy } from '../../../src/core/strategies/margin';
import type { PoolState } from '../../../src/core/strategies/strategy';
import { voteEntropyStrategy } from '../../../src/core/strategies/voteEntropy';
import { stateOf } from './state';

function close(actual: Float32Array, expected: number[], eps = 1e-5): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) < eps, `score ${i}: ${actual[i]} ≠ ${e}`));
}

const H = (p: number): number => (p <= 0 || p >= 1 ? 0 : -(p * Math.log(p) + (1 - p) * Math.log(1 - p)));

// P(label applies) for two labels; rows need not sum to 1.
const probs = [
  [0.5, 0.5], // both labels a coin flip
  [0.9, 0.9], // both apply, surely
  [0.5, 0.99], // one open question
  [0.1, 0.0], // neither applies
];
const multi = (p: number[][], committee?: number[][][]): PoolState => stateOf(p, { committee, multiLabel: true });

describe('strategies on a multi-label pool use per-label uncertainty', () => {
  test('least confidence: the doubt about the least sure label', () => {
    close(leastConfidenceStrategy.score(multi(probs)), [0.5, 0.1, 0.5, 0.1]);
  });

  test('margin: mean over labels of 1 − |2p − 1|', () => {
    close(marginStrategy.score(multi(probs)), [1, 0.2, 0.51, 0.1]);
  });

  test('entropy: the sum of binary entropies (a softmax reading of [0.9, 0.9] would be wrong)', () => {
    close(entropyStrategy.score(multi(probs)), [2 * Math.log(2), 2 * H(0.9), Math.log(2) + H(0.99), H(0.1)]);
    // Single-label scoring of the same numbers differs: the multi-label flag is what is used.
    assert.notEqual(entropyStrategy.score(stateOf(probs))[1], entropyStrategy.score(multi(probs))[1]);
  });

  test('egl: ‖x̃‖ · Σ 2p(1 − p)', () => {
    close(eglStrategy.score(multi(probs)), [1, 2 * 0.18, 0.5 + 2 * 0.99 * 0.01, 0.18]);
  });

  test('committee strategies vote per label', () => {
    const committee = [
      [[0.9, 0.1], [0.9, 0.9], [0.2, 0.8]],
      [[0.1, 0.9], [0.8, 0.9], [0.2, 0.8]],
    ];
    const p3 = probs.slice(0, 3);
    const s = multi(p3, committee);
    // Row 0: both labels split 1–1; row 1: all agree; row 2: all agree.
    const ve = voteEntropyStrategy.score(s);
    assert.ok(ve[0] > 0.69 && ve[1] < 0.01 && ve[2] < 0.01, `vote entropy ${[...ve]}`);
    // Votes count the members saying each label applies: several labels, or none, per member.
    const votes = [0, 1, 2].flatMap((i) => {
      const v = [0, 0];
      committeeVotes(s.committee, s.classes, i, v);
      return v;
    });
    assert.deepEqual(votes, [1, 1, 2, 2, 0, 2]);
  });
});
