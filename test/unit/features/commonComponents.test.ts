import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fitCommonComponents } from '../../../src/core/features/commonComponents';
import { poolFeatures } from '../../../src/core/features/poolFeatures';
import type { Matrix } from '../../../src/core/types';
import { denseOf, isCompact, quantise } from '../../../src/core/features/compactVectors';

const m = (rows: number[][]): Matrix => ({ rows: rows.length, cols: rows[0].length, data: Float32Array.from(rows.flat()) });
const rowsOf = (X: Matrix): number[][] => Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));
const close = (got: number[][], want: number[][], msg?: string): void => {
  assert.equal(got.length, want.length, msg);
  got.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - want[i][j]) < 1e-6, `${msg ?? ''} [${i}][${j}]: ${v} ≠ ${want[i][j]}`)));
};
const S = Math.SQRT1_2;

describe('common-component removal (SIF, fitted on the pool)', () => {
  test('the first component of (3,1), (3,-1) is the x axis: XᵀX = [[18,0],[0,2]]; removing it leaves ±y', () => {
    const cc = fitCommonComponents(m([[3, 1], [3, -1]]), 1);
    close(cc.directions.map((d) => [...d]), [[1, 0]]);
    close(rowsOf(cc.remove(m([[3, 1], [3, -1]]))), [[0, 1], [0, -1]]);
  });

  test('an oblique component: (1,1), (1,1), (1,-1) give XᵀX = [[3,1],[1,3]], top eigenvector (1,1)/√2 (λ 4), then (1,-1)/√2 (λ 2)', () => {
    const X = m([[1, 1], [1, 1], [1, -1]]);
    const one = fitCommonComponents(X, 1);
    close(one.directions.map((d) => [...d]), [[S, S]]);
    // (1,1) lies on the component: nothing is left, and it stays zero rather than being blown up.
    // (1,-1) is orthogonal to it: unchanged, renormalised to unit length.
    close(rowsOf(one.remove(X)), [[0, 0], [0, 0], [S, -S]]);
    // A row the fit never saw gets the same transform: (2,0) − √2·(1,1)/√2 = (1,-1), normalised.
    close(rowsOf(one.remove(m([[2, 0]]))), [[S, -S]]);
    const two = fitCommonComponents(X, 2);
    close(two.directions.map((d) => [...d]), [[S, S], [S, -S]]);
    close(rowsOf(two.remove(m([[2, 0]]))), [[0, 0]]);
  });

  test('k = 0 or an all-zero pool gives no components; bad k and a dimension mismatch are refused', () => {
    assert.equal(fitCommonComponents(m([[1, 2]]), 0).directions.length, 0);
    assert.equal(fitCommonComponents(m([[0, 0], [0, 0]]), 1).directions.length, 0);
    assert.throws(() => fitCommonComponents(m([[1, 2]]), -1), /non-negative integer/);
    assert.throws(() => fitCommonComponents(m([[1, 2]]), 1.5), /non-negative integer/);
    assert.throws(() => fitCommonComponents(m([[1, 2]]), 1).remove(m([[1, 2, 3]])), /2-dimensional .* 3-dimensional/);
  });

  test('poolFeatures fits on the pool only: the other matrices (a test split) get the pool\'s transform and never move it', () => {
    const pool = m([[3, 1], [3, -1]]);
    const test1 = m([[0, 5], [1, 1]]);
    const test2 = m([[0, 5], [-7, 9]]);
    const a = poolFeatures(pool, 1, [test1]);
    const b = poolFeatures(pool, 1, [test2]);
    // The pool's features do not depend on what the test split holds.
    close(rowsOf(a.pool), rowsOf(b.pool));
    close(rowsOf(a.pool), [[0, 1], [0, -1]]);
    // The test rows lose their x part (the pool's component), whatever x was: (0,5) → (0,1), (1,1) → (0,1).
    close(rowsOf(a.others[0]), [[0, 1], [0, 1]]);
    // 0 components: the very same matrices, untouched.
    const none = poolFeatures(pool, 0, [test1]);
    assert.equal(none.pool, pool);
    assert.equal(none.others[0], test1);
  });

  test('deterministic: the same pool gives bit-identical directions, with a fixed sign', () => {
    const rows = Array.from({ length: 50 }, (_, i) => [Math.sin(i), Math.cos(3 * i) - 2, 0.5 * Math.sin(7 * i) + 1]);
    const a = fitCommonComponents(m(rows), 2);
    const b = fitCommonComponents(m(rows), 2);
    assert.deepEqual(a.directions, b.directions);
    // The mean direction dominates (the second coordinate is about -2): the sign puts its largest coordinate positive.
    const d = a.directions[0];
    const big = [...d].reduce((best, v, i) => (Math.abs(v) > Math.abs(d[best]) ? i : best), 0);
    assert.ok(d[big] > 0);
  });

  test('a compact pool (the session\'s open) is fitted and transformed row by row into codes, within quantisation noise of the float32 path', () => {
    const rows = Array.from({ length: 400 }, (_, i) => Array.from({ length: 24 }, (_, j) => Math.sin(i * (j + 1) * 0.37) + (j % 3 === 0 ? 1.5 : 0.2)));
    const dense = m(rows);
    const compact = quantise(dense);
    const a = poolFeatures(dense, 1);
    const b = poolFeatures(compact, 1);
    assert.ok(isCompact(b.pool), 'a compact pool stays compact: no float32 copy of it is made');
    assert.equal(b.pool.rows, dense.rows);
    // The fitted direction: from the codes, nearly the float32 one (|cos| ≈ 1).
    const da = fitCommonComponents(dense, 1).directions[0];
    const db = fitCommonComponents(compact, 1).directions[0];
    let cos = 0;
    for (let j = 0; j < da.length; j++) cos += da[j] * db[j];
    assert.ok(cos > 0.9999, `cos ${cos}`);
    // Every entry: unit rows, so within a few quantisation steps (1/127 of the row's largest entry).
    const got = denseOf(b.pool).data;
    let worst = 0;
    for (let k = 0; k < got.length; k++) worst = Math.max(worst, Math.abs(got[k] - a.pool.data[k]));
    assert.ok(worst < 0.03, `largest difference ${worst}`);
    // In place (the session's own pool): the same codes, written into the pool's arrays.
    const own = quantise(dense);
    const c = poolFeatures(own, 1, [], { inPlace: true });
    assert.equal(c.pool.codes, own.codes);
    assert.deepEqual(c.pool, b.pool);
  });
});
