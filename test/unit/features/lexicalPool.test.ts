import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { denseOf, isCompact, quantise } from '../../../src/core/features/compactVectors';
import { fitLexical } from '../../../src/core/features/lexical';
import { appendLexical } from '../../../src/core/features/lexicalPool';
import type { Matrix } from '../../../src/core/types';

const texts = ['red fox runs', 'red fox sleeps', 'blue jay sings', 'blue jay flies', 'red jay sings'];
const pool: Matrix = { rows: 5, cols: 2, data: Float32Array.from([0.6, 0.8, 1, 0, 0, -1, 0.8, 0.6, -0.6, 0.8]) };

describe('the editor\'s pool with the lexical block (appendLexical)', () => {
  test('a dense pool: its columns, then the block fitted on the texts', () => {
    const { pool: X, dims } = appendLexical(pool, texts, 3);
    const { features } = fitLexical(texts, { dims: 3 });
    assert.equal(dims, features.cols);
    assert.equal(X.cols, 2 + dims);
    assert.ok(!isCompact(X));
    for (let r = 0; r < 5; r++) {
      assert.deepEqual(Array.from((X as Matrix).data.subarray(r * X.cols, r * X.cols + 2)), Array.from(pool.data.subarray(r * 2, r * 2 + 2)));
      assert.deepEqual(Array.from((X as Matrix).data.subarray(r * X.cols + 2, (r + 1) * X.cols)), Array.from(features.data.subarray(r * dims, (r + 1) * dims)));
    }
  });

  test('a compact pool stays compact: each row is its dequantised vector and its lexical row, quantised again', () => {
    const compact = quantise(pool);
    const { pool: X, dims } = appendLexical(compact, texts, 3);
    assert.ok(isCompact(X));
    const { features } = fitLexical(texts, { dims: 3 });
    const dense = denseOf(compact);
    const joined: Matrix = { rows: 5, cols: 2 + dims, data: new Float32Array(5 * (2 + dims)) };
    for (let r = 0; r < 5; r++) {
      joined.data.set(dense.data.subarray(r * 2, r * 2 + 2), r * (2 + dims));
      joined.data.set(features.data.subarray(r * dims, (r + 1) * dims), r * (2 + dims) + 2);
    }
    assert.deepEqual(X, quantise(joined));
  });

  test('texts and rows must match one to one', () => {
    assert.throws(() => appendLexical(pool, texts.slice(1), 3), /4 texts for 5 rows/);
  });
});
