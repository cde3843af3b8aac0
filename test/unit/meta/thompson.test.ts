import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../../src/core/learners/rng';
import { DecayedBeta, sampleBeta, sampleGamma } from '../../../src/core/meta/thompson';

const near = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

describe('Thompson sampling with decayed statistics', () => {
  test('updates, decay and posterior means by hand', () => {
    const b = new DecayedBeta(2);
    b.update(0, 1);
    b.update(0, 0.25);
    b.update(1, 0);
    // Arm 0: successes 1.25, failures 0.75; arm 1: 0 and 1.
    near(b.successes[0], 1.25);
    near(b.failures[0], 0.75);
    near(b.pulls(1), 1);
    // Prior mean ½ with strength 2: arm 0 (1 + 1.25) / (2 + 2) = 0.5625; arm 1 (1 + 0) / 3.
    near(b.mean(0, 0.5, 2), 0.5625);
    near(b.mean(1, 0.5, 2), 1 / 3);
    b.decay(0.5);
    near(b.successes[0], 0.625);
    near(b.failures[0], 0.375);
    // After decay the prior weighs more: (1 + 0.625) / (2 + 1) = 0.541666…
    near(b.mean(0, 0.5, 2), 1.625 / 3);
    // Rewards outside [0, 1] are clipped.
    b.update(1, 7);
    near(b.successes[1], 1);
  });

  test('old evidence fades: after enough decay the prior decides again', () => {
    const b = new DecayedBeta(1);
    for (let i = 0; i < 50; i++) b.update(0, 0);
    assert.ok(b.mean(0, 0.8, 4) < 0.1);
    for (let i = 0; i < 40; i++) b.decay(0.8);
    assert.ok(Math.abs(b.mean(0, 0.8, 4) - 0.8) < 0.01);
  });

  test('draws follow the Beta and Gamma means (deterministic for a seed)', () => {
    const rng = createRng(7);
    let s = 0;
    let g = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      s += sampleBeta(3, 7, rng);
      g += sampleGamma(0.5, rng);
    }
    assert.ok(Math.abs(s / n - 0.3) < 0.01, `Beta(3, 7) mean ${s / n}`);
    assert.ok(Math.abs(g / n - 0.5) < 0.02, `Gamma(0.5) mean ${g / n}`);
    const a = createRng(3);
    const c = createRng(3);
    assert.equal(new DecayedBeta(1).sample(0, 0.4, 5, a), new DecayedBeta(1).sample(0, 0.4, 5, c));
  });
});
