import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../../src/core/learners/rng';
import { createFixedSelector } from '../../../src/core/strategies/fixedSelector';
import { marginStrategy } from '../../../src/core/strategies/margin';
import { selectBatch, topPositions } from '../../../src/core/strategies/selectBatch';
import type { Matrix } from '../../../src/core/types';
import { stateOf } from './state';

const rowsOf = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

describe('topPositions', () => {
  test('orders by score, breaks ties by the lower row, puts NaN last', () => {
    const scores = Float32Array.from([0.5, NaN, 0.9, 0.5, 0.9, 0.1]);
    const rows = Int32Array.from([10, 11, 15, 3, 12, 0]);
    assert.deepEqual(topPositions(scores, rows, 6), [4, 2, 3, 0, 5, 1]);
    assert.deepEqual(topPositions(scores, rows, 2), [4, 2]);
  });

  test('agrees with a full sort on random scores', () => {
    const rng = createRng(2);
    const scores = Float32Array.from({ length: 500 }, () => Math.round(rng() * 20) / 20);
    const rows = rowsOf(500);
    const want = [...rows].sort((a, b) => scores[b] - scores[a] || a - b).slice(0, 37);
    assert.deepEqual(topPositions(scores, rows, 37), want);
  });
});

describe('selectBatch', () => {
  // Rows 0–2 are the same point with the best scores; rows 3–5 are spread out, lower scores.
  const X: Matrix = { rows: 6, cols: 2, data: Float32Array.from([1, 1, 1, 1, 1, 1, -1, 0, 0, -1, 3, 3]) };
  const scores = Float32Array.from([0.9, 0.89, 0.88, 0.5, 0.4, 0.1]);

  test('without diversity: the plain top n', () => {
    assert.deepEqual(selectBatch(X, rowsOf(6), scores, 3, createRng(1), { diversity: false }), [0, 1, 2]);
  });

  test('with diversity: the best first, never a duplicate of a pick', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const picks = selectBatch(X, rowsOf(6), scores, 3, createRng(seed), { diversity: true, candidateFactor: 2 });
      assert.equal(picks.length, 3);
      assert.equal(picks[0], 0);
      assert.ok(!picks.includes(1) && !picks.includes(2), `seed ${seed}: picked a duplicate: ${picks.join(',')}`);
      assert.equal(new Set(picks).size, 3);
    }
  });

  test('with diversity: only the top candidateFactor·n candidates are eligible', () => {
    const picks = selectBatch(X, rowsOf(6), scores, 2, createRng(3), { diversity: true, candidateFactor: 2 });
    for (const p of picks) assert.ok(p <= 3, `picked position ${p} outside the top 4`);
  });

  test('is deterministic for a seed and asks for no more rows than exist', () => {
    const a = selectBatch(X, rowsOf(6), scores, 4, createRng(5), { diversity: true });
    const b = selectBatch(X, rowsOf(6), scores, 4, createRng(5), { diversity: true });
    assert.deepEqual(a, b);
    assert.equal(selectBatch(X, rowsOf(6), scores, 10, createRng(5), { diversity: true }).length, 6);
    assert.deepEqual(selectBatch(X, rowsOf(6), scores, 0, createRng(5), { diversity: true }), []);
  });

  test('when every candidate is the same point it still fills the batch, best first', () => {
    const same: Matrix = { rows: 4, cols: 1, data: new Float32Array(4) };
    const picks = selectBatch(same, rowsOf(4), Float32Array.from([0.1, 0.4, 0.3, 0.2]), 3, createRng(1), { diversity: true });
    assert.deepEqual(picks, [1, 2, 3]);
  });
});

describe('fixed selector', () => {
  test('returns picks with row, strategy and score', async () => {
    const sel = createFixedSelector(marginStrategy, { diversity: false });
    const picks = await sel.select(stateOf([[0.5, 0.5], [0.9, 0.1], [0.6, 0.4]]), 2);
    assert.deepEqual(
      picks.map((p) => [p.row, p.strategy, Math.round(p.score * 100) / 100]),
      [
        [0, 'margin', 1],
        [2, 'margin', 0.8],
      ],
    );
    assert.deepEqual(sel.weights?.(), { margin: 1 });
  });
});
