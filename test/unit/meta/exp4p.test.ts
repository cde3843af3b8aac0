import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Exp4P, type Advice } from '../../../src/core/meta/exp4p';

// Two experts over four arms: one always advises arm 0, the other is the uniform arm.
const advice: Advice[] = [{ kind: 'sparse', arms: Int32Array.from([0]), probs: Float64Array.from([1]) }, { kind: 'uniform' }];
const make = (): Exp4P => new Exp4P({ experts: 2, horizon: 10, delta: 0.1, explore: 0.4, eta: 0.5 });

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-12): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= tol, `entry ${i}: ${actual[i]} ≠ ${e}`));
}

describe('Exp4P', () => {
  test('mixes the advice with the exploration floor: p = (1 − K·pmin)·Σ wᵢξᵢ + pmin', () => {
    const b = make();
    assert.equal(b.pmin(4), 0.1);
    const r = b.distribution(advice, 4);
    close(r.p, [0.475, 0.175, 0.175, 0.175]);
  });

  test('weights after a known reward sequence match the hand-computed EXP4.P update', () => {
    const b = make();
    // Values from the update wᵢ ← wᵢ·exp(η(ŷᵢ + v̂ᵢ·√(ln(N/δ)/(K·T)))) worked by hand (Python).
    const steps: [number[], number, number[]][] = [
      [[0], 1.0, [0.6032674093045309, 0.39673259069546907]],
      [[2], 0.5, [0.39668319475491093, 0.6033168052450891]],
      [[0, 3], 0.8, [0.3472953019536211, 0.652704698046379]],
    ];
    for (const [drawn, reward, expected] of steps) {
      const r = b.distribution(advice, 4);
      b.update(advice, r, drawn, reward);
      close(b.weights(), expected, 1e-12);
    }
  });

  test('every arm keeps at least pmin, even when all weight sits on a one-arm expert', () => {
    const b = new Exp4P({ experts: 2, horizon: 5, explore: 0.2, initialWeights: [1e9, 1e-9] });
    const r = b.distribution(advice, 4);
    for (let j = 1; j < 4; j++) assert.ok(r.p[j] >= 0.05 - 1e-12, `arm ${j}: ${r.p[j]}`);
    assert.ok(Math.abs(r.p.reduce((a, x) => a + x, 0) - 1) < 1e-12);
  });

  test('the uniform expert gains weight when the other expert keeps earning nothing', () => {
    const b = new Exp4P({ experts: 2, horizon: 20, explore: 0.1, eta: 0.2 });
    for (let t = 0; t < 10; t++) {
      const r = b.distribution(advice, 4);
      // Arm 0 (the sparse expert's advice) earns 0; other arms earn 1.
      b.update(advice, r, [t % 2 === 0 ? 0 : 1], t % 2 === 0 ? 0 : 1);
    }
    const w = b.weights();
    assert.ok(w[1] > w[0], `uniform ${w[1]} vs sparse ${w[0]}`);
  });

  test('without the variance bonus, a zero reward leaves the weights alone; with it, the uniform arm is favoured', () => {
    const off = new Exp4P({ experts: 2, horizon: 10, explore: 0.4, eta: 0.5, bonusScale: 0 });
    off.update(advice, off.distribution(advice, 4), [1], 0);
    close(off.weights(), [0.5, 0.5]);
    const on = make();
    on.update(advice, on.distribution(advice, 4), [1], 0);
    // v̂ of the uniform expert (Σ 0.25/p = 4.812) exceeds the one-arm expert's (1/0.475 = 2.105).
    const w = on.weights();
    const bonus = Math.sqrt(Math.log(2 / 0.1) / 40);
    close(w, [1 / (1 + Math.exp(0.5 * bonus * (0.25 / 0.475 + 0.75 / 0.175 - 1 / 0.475))), 1 / (1 + Math.exp(-0.5 * bonus * (0.25 / 0.475 + 0.75 / 0.175 - 1 / 0.475)))]);
  });

  test('is deterministic: the same rewards give the same weights', () => {
    const run = (): Float64Array => {
      const b = make();
      for (let t = 0; t < 5; t++) b.update(advice, b.distribution(advice, 4), [t % 4], t / 5);
      return b.weights();
    };
    assert.deepEqual(run(), run());
  });

  test('the default explore is the paper\'s K·√(ln N/(K·T)), capped at one half', () => {
    const b = new Exp4P({ experts: 8, horizon: 1000 });
    assert.ok(Math.abs(b.pmin(4) - Math.sqrt(Math.log(8) / (4 * 1000))) < 1e-15);
    // With thousands of arms the paper's floor would exceed the whole probability mass.
    assert.ok(Math.abs(b.pmin(4500) * 4500 - 0.5) < 1e-12);
  });

  test('rejects bad options and mismatched advice', () => {
    assert.throws(() => new Exp4P({ experts: 0, horizon: 1 }), RangeError);
    assert.throws(() => new Exp4P({ experts: 2, horizon: 1, explore: 1 }), /explore/);
    assert.throws(() => new Exp4P({ experts: 2, horizon: 1, initialWeights: [1] }), /initial weights/);
    assert.throws(() => make().distribution([advice[0]], 4), /advice/);
  });
});
