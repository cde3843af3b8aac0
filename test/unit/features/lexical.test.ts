import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { concatColumns, fitLexical, lexicalTerms, orthonormalise, symmetricEigen } from '../../../src/core/features/lexical';

const rowsOf = (X: { rows: number; cols: number; data: Float32Array }): number[][] =>
  Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));
const norm = (r: number[]): number => Math.sqrt(r.reduce((a, v) => a + v * v, 0));
const near = (a: number, b: number, msg: string, tol = 1e-6): void => assert.ok(Math.abs(a - b) < tol, `${msg}: ${a} ≠ ${b}`);

describe('lexical features (TF-IDF of words and character trigrams, projected on the pool)', () => {
  test('terms: lower-cased words and the trigrams of " word ", counted', () => {
    assert.deepEqual(
      [...lexicalTerms('Ab, ab!')].sort(),
      [
        ['# ab', 2],
        ['#ab ', 2],
        ['ab', 2],
      ],
    );
    // Letters of any script, digits and "_" make words; a one-letter word has one trigram " x ".
    assert.deepEqual([...lexicalTerms('Ça x_1 é')].map(([t]) => t).sort(), ['# x_', '# ça', '# é ', '#_1 ', '#x_1', '#ça ', 'x_1', 'é', 'ça'].sort());
    assert.equal(lexicalTerms('  ... ').size, 0);
  });

  test('idf is ln((1 + n)/(1 + df)) + 1 over the pool, and terms in fewer than minDf texts are dropped', () => {
    // n = 3; "aa" in 3 texts, "bb" in 2, "cc" in 1 (dropped with the default minDf 2).
    const { model } = fitLexical(['aa bb', 'aa bb', 'aa cc'], { dims: 1 });
    const idf = (term: string): number => model.idf[model.vocabulary.get(term)!];
    near(idf('aa'), Math.log(4 / 4) + 1, 'idf(aa)');
    near(idf('bb'), Math.log(4 / 3) + 1, 'idf(bb)');
    assert.equal(model.vocabulary.has('cc'), false);
    assert.equal(model.vocabulary.has('# cc'), false);
    assert.ok(fitLexical(['aa bb', 'aa bb', 'aa cc'], { dims: 1, minDf: 1 }).model.vocabulary.has('cc'));
  });

  test('two kinds of text, two of each: rank 2, singular values √2 and √2, every row of unit length', () => {
    // Each text's TF-IDF row has unit length and the kinds share no term, so MMᵀ has eigenvalues 2, 2.
    const { model, features } = fitLexical(['aa bb', 'aa bb', 'cc dd', 'cc dd'], { dims: 100 });
    assert.equal(model.dims, 2);
    assert.equal(features.cols, 2);
    near(model.singularValues[0], Math.SQRT2, 'σ1');
    near(model.singularValues[1], Math.SQRT2, 'σ2');
    const rows = rowsOf(features);
    for (const r of rows) near(norm(r), 1, 'row length');
    // Texts of the same kind get the same features; the kinds are orthogonal.
    rows[0].forEach((v, j) => near(v, rows[1][j], 'same kind'));
    near(rows[0][0] * rows[2][0] + rows[0][1] * rows[2][1], 0, 'kinds orthogonal');
  });

  test('transform projects other texts with the pool fit: a pool text gets its own row, unseen terms give zeros', () => {
    const pool = ['the cat sat', 'the cat ran', 'a dog ran', 'a dog sat', 'the dog sat'];
    const { model, features } = fitLexical(pool, { dims: 3 });
    const again = model.transform([pool[2], 'zebra quokka']);
    rowsOf(again)[0].forEach((v, j) => near(v, rowsOf(features)[2][j], 'same text, same row', 1e-5));
    assert.deepEqual(rowsOf(again)[1], [0, 0, 0]);
  });

  test('deterministic: the same texts and seed give the same features', () => {
    const pool = Array.from({ length: 40 }, (_, i) => `text ${i % 7} word${i % 5} and ${i % 3 ? 'alpha' : 'beta'} gamma${i % 11}`);
    const a = fitLexical(pool, { dims: 5 }).features.data;
    const b = fitLexical(pool, { dims: 5 }).features.data;
    assert.deepEqual(a, b);
  });

  test('a pool larger than fitRows is fitted on evenly spaced texts and projected whole', () => {
    const pool = Array.from({ length: 12 }, (_, i) => `${['red fox', 'blue jay', 'green frog'][i % 3]} number${i % 4}`);
    const capped = fitLexical(pool, { dims: 3, fitRows: 6 });
    const sample = fitLexical([0, 2, 4, 6, 8, 10].map((i) => pool[i]), { dims: 3 });
    assert.deepEqual([...capped.model.vocabulary.keys()], [...sample.model.vocabulary.keys()]);
    assert.equal(capped.features.rows, 12);
    assert.deepEqual(capped.features.data, sample.model.transform(pool).data);
    assert.throws(() => fitLexical(pool, { fitRows: 0 }), /fitRows must be a positive integer, got 0/);
  });

  test('bad settings are refused with the setting named', () => {
    assert.throws(() => fitLexical(['a b'], { dims: 0 }), /dims must be a positive integer, got 0/);
    assert.throws(() => fitLexical(['a b'], { dims: 2.5 }), /dims must be a positive integer/);
  });

  test('a pool with no repeated term gives an empty block, not an error', () => {
    const { model, features } = fitLexical(['alpha', 'beta'], { dims: 10 });
    assert.equal(model.dims, 0);
    assert.equal(features.cols, 0);
    assert.equal(features.rows, 2);
  });

  test('symmetricEigen: [[2,1,0],[1,2,0],[0,0,5]] has eigenvalues 5, 3, 1 with eigenvectors z, (x+y)/√2, (x−y)/√2', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]), 3);
    near(values[0], 5, 'λ1');
    near(values[1], 3, 'λ2');
    near(values[2], 1, 'λ3');
    const col = (c: number): number[] => [0, 1, 2].map((k) => vectors[k * 3 + c]);
    near(Math.abs(col(0)[2]), 1, 'v1 = ±z');
    near(Math.abs(col(1)[0] + col(1)[1]), Math.SQRT2, 'v2 = ±(x + y)/√2');
    near(Math.abs(col(2)[0] - col(2)[1]), Math.SQRT2, 'v3 = ±(x − y)/√2');
  });

  test('orthonormalise: columns become orthonormal; a dependent column becomes zero', () => {
    // 3 × 3, columns (1,1,0), (1,0,0), (2,2,0): the third is twice the first.
    const Y = Float64Array.from([1, 1, 2, 1, 0, 2, 0, 0, 0]);
    orthonormalise(Y, 3, 3);
    const col = (c: number): number[] => [0, 1, 2].map((i) => Y[i * 3 + c]);
    near(norm(col(0)), 1, '|q1|');
    near(norm(col(1)), 1, '|q2|');
    near(col(0).reduce((a, v, i) => a + v * col(1)[i], 0), 0, 'q1·q2');
    near(norm(col(2)), 0, 'dependent column');
  });

  test('concatColumns puts the rows side by side, and refuses different row counts', () => {
    const a = { rows: 2, cols: 1, data: Float32Array.from([1, 2]) };
    const b = { rows: 2, cols: 2, data: Float32Array.from([3, 4, 5, 6]) };
    assert.deepEqual(rowsOf(concatColumns(a, b)), [
      [1, 3, 4],
      [2, 5, 6],
    ]);
    assert.throws(() => concatColumns(a, { rows: 1, cols: 1, data: Float32Array.from([0]) }), /2 rows next to 1/);
  });
});
