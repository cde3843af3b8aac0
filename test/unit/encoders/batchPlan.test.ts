import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planBatches } from '../../../src/core/encoders/batchPlan';

test('planBatches orders texts shortest first, stable, and covers each non-empty text once', () => {
  const lengths = [5, 0, 3, 5, 1, 3, 0, 9];
  const plan = planBatches(lengths, { tokenBudget: 12, maxRows: 3, skipEmpty: true });
  assert.deepEqual(Array.from(plan.order), [4, 2, 5, 0, 3, 7]);
  for (const b of plan.batches) {
    const rows = b.to - b.from;
    assert.ok(rows <= 3);
    assert.ok(rows === 1 || rows * b.seq <= 12, `batch ${b.from}-${b.to} seq ${b.seq}`);
    assert.equal(b.seq, Math.max(...Array.from(plan.order.subarray(b.from, b.to), (i) => lengths[i])));
  }
  assert.equal(plan.batches[plan.batches.length - 1].to, plan.order.length);
});

test('planBatches keeps empty texts unless told to skip them, and gives an over-long text its own batch', () => {
  const plan = planBatches([0, 100, 2], { tokenBudget: 10, maxRows: 8 });
  assert.deepEqual(Array.from(plan.order), [0, 2, 1]);
  assert.deepEqual(plan.batches.map((b) => [b.from, b.to, b.seq]), [[0, 2, 2], [2, 3, 100]]);
});
