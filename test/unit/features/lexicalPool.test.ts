import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { denseOf, isCompact, quantise } from '../../../src/core/features/compactVectors';
import { fitLexical } from '../../../src/core/features/lexical';
import { ColumnAppender, LEXICAL_FIT_ROWS, appendColumns, appendLexical, lexicalFitRows, streamLexicalBlock } from '../../../src/core/features/lexicalPool';
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

/** Texts in runs of irregular lengths (an empty run among them), counting the passes over them. */
function runsOf(all: readonly string[]): { chunks: () => AsyncIterable<readonly string[]>; passes: () => number; longest: () => number } {
  let passes = 0;
  let longest = 0;
  return {
    chunks: async function* () {
      passes++;
      let s = 0;
      for (let i = 0; s < all.length; i++) {
        const n = [7, 0, 1, 30][i % 4];
        longest = Math.max(longest, n);
        yield all.slice(s, s + n);
        s += n;
      }
    },
    passes: () => passes,
    longest: () => longest,
  };
}

async function streamed(all: readonly string[], dims: number, fitRows?: number, keepTexts?: number): Promise<{ block: Matrix; runs: number[] }> {
  const parts: Matrix[] = [];
  const runs: number[] = [];
  const src = runsOf(all);
  await streamLexicalBlock(all.length, src.chunks, dims, (start, b) => (runs.push(start), parts.push(b)), { fitRows, keepTexts });
  const cols = parts[0].cols;
  const data = new Float32Array(all.length * cols);
  let at = 0;
  for (const p of parts) (data.set(p.data, at * cols), (at += p.rows));
  return { block: { rows: at, cols, data }, runs };
}

const corpus = Array.from({ length: 200 }, (_, i) => `${['red', 'blue', 'green'][i % 3]} ${['fox', 'jay', 'owl', 'cat'][i % 4]} ${i % 5 ? 'runs' : 'sings'} near ${i % 7} trees ${i}`);

describe('the lexical block of a corpus read a run at a time (streamLexicalBlock)', () => {
  test('up to fitRows texts: one pass, the block fitLexical fits on all of them, handed over at once', async () => {
    const { block, runs } = await streamed(corpus, 8);
    assert.deepEqual(block, fitLexical(corpus, { dims: 8 }).features);
    assert.deepEqual(runs, [0]);
  });

  test('more than fitRows: fitted on the evenly spaced sample fitLexical takes, every run projected; bit for bit fitLexical(all texts)', async () => {
    const want = fitLexical(corpus, { dims: 8, fitRows: 50 }).features;
    // More than keepTexts: read twice, never more than a run of texts or block rows at once.
    const src = runsOf(corpus);
    const got: Matrix[] = [];
    await streamLexicalBlock(corpus.length, src.chunks, 8, (_s, b) => got.push(b), { fitRows: 50, keepTexts: 199 });
    assert.equal(src.passes(), 2, 'one pass for the sample, one projecting');
    assert.ok(got.every((b) => b.rows <= src.longest()), 'no more than a run of block rows at once');
    assert.deepEqual((await streamed(corpus, 8, 50, 199)).block, want);
    // Up to keepTexts: read once, the texts kept for the projection.
    const once = runsOf(corpus);
    await streamLexicalBlock(corpus.length, once.chunks, 8, () => undefined, { fitRows: 50, keepTexts: 200 });
    assert.equal(once.passes(), 1);
    assert.deepEqual((await streamed(corpus, 8, 50, 200)).block, want);
    assert.deepEqual(Array.from(lexicalFitRows(10, 4)), [0, 2, 5, 7]);
    assert.deepEqual(Array.from(lexicalFitRows(3, 4)), [0, 1, 2]);
  });

  test(`LEXICAL_FIT_ROWS is fitLexical's own sample size (${LEXICAL_FIT_ROWS}): the editor's block of a large corpus is the one simulate fits`, async () => {
    const many = Array.from({ length: LEXICAL_FIT_ROWS + 1 }, (_, i) => `w${i % 97} v${i % 13} u${i % 5}`);
    const { block } = await streamed(many, 4);
    assert.deepEqual(block, fitLexical(many, { dims: 4 }).features);
  });

  test('fewer or more texts than rows: an error, never a block', async () => {
    await assert.rejects(streamLexicalBlock(5, runsOf(texts.slice(1)).chunks, 3, () => undefined), /4 texts for 5 rows/);
  });

  test('ColumnAppender: the block added a run at a time gives appendColumns\' pool, dense or compact; a wrong count throws', () => {
    const { features } = fitLexical(texts, { dims: 3 });
    for (const p of [pool, quantise(pool)]) {
      const a = new ColumnAppender(p, features.cols);
      for (const [s, e] of [[0, 2], [2, 2], [2, 5]]) a.add({ rows: e - s, cols: features.cols, data: features.data.subarray(s * features.cols, e * features.cols) });
      assert.deepEqual(a.result(), appendColumns(p, features));
      const short = new ColumnAppender(p, features.cols);
      short.add({ rows: 1, cols: features.cols, data: features.data.subarray(0, features.cols) });
      assert.throws(() => short.result(), /1 of 5 rows added/);
    }
  });
});
