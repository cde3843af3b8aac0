import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { balanceBonus, gainReward, pairedGain, pickReward } from '../../../src/core/meta/reward';

const near = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

describe('meta-learner reward', () => {
  test('paired held-out gain by hand', () => {
    // Rows 0..4; the model before predicts 0 0 1 1 -, the one after 0 1 1 0 -.
    const before = Int32Array.from([0, 0, 1, 1, -1]);
    const after = Int32Array.from([0, 1, 1, 0, 2]);
    // Held-out rows 0, 1, 3, 4 with gold 0, 1, 1, 2: row 0 right/right (0), row 1 wrong→right (+1),
    // row 3 right→wrong (−1), row 4 has no prediction before (skipped). Gain 0 of 3 rows.
    assert.deepEqual(pairedGain(before, after, [0, 1, 3, 4], [0, 1, 1, 2]), { gain: 0, rows: 3 });
    // Rows 1, 2 with gold 1, 1: +1 and 0 → 1/2.
    assert.deepEqual(pairedGain(before, after, [1, 2], [1, 1]), { gain: 0.5, rows: 2 });
    assert.deepEqual(pairedGain(before, after, [], []), { gain: 0, rows: 0 });
  });

  test('gain to reward: ½ ± gain × scale, clipped to [0, 1]', () => {
    near(gainReward(0, 2.5), 0.5);
    near(gainReward(0.1, 2.5), 0.75);
    near(gainReward(-0.1, 2.5), 0.25);
    near(gainReward(0.5, 2.5), 1);
    near(gainReward(-0.5, 2.5), 0);
  });

  test('class-balance bonus: a class below its balanced share earns in proportion to the shortfall', () => {
    // 30 labels over 3 classes: share 10. A class with 0 labels earns the whole weight, with 5 half,
    // with 10 or more nothing.
    near(balanceBonus(0, 30, 3, 0.3), 0.3);
    near(balanceBonus(5, 30, 3, 0.3), 0.15);
    near(balanceBonus(10, 30, 3, 0.3), 0);
    near(balanceBonus(20, 30, 3, 0.3), 0);
    near(balanceBonus(0, 0, 3, 0.3), 0);
  });

  test('a pick earns its round reward plus its bonus, clipped', () => {
    near(pickReward(0.5, 0.15), 0.65);
    near(pickReward(0.9, 0.3), 1);
    near(pickReward(0, 0), 0);
  });
});
