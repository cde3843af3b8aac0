import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SpanRecord } from '../../../src/core/engine/spanEngine';
import { contextFeaturizer, contextTokenFeatures, SHAPE_COUNT } from '../../../src/core/spans/tokenFeatures';

/** A record whose token k has the vector [k + 1, 10 (k + 1)] (token vectors of 2 dimensions). */
function rec(text: string): SpanRecord {
  const tokens = [...text.matchAll(/\S+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  return { text, tokens: { tokens, vectors: { rows: tokens.length, cols: 2, data: Float32Array.from(tokens.flatMap((_, k) => [k + 1, 10 * (k + 1)])) } } };
}

const plain = { window: 1, neighbourShapes: false, capitalisedVector: true, unknownFlag: true, project: 0, contextDims: 0, caseEvidence: false };

describe('span tagger features', () => {
  test("a row holds the previous, own and next token's vectors (zero past the edges), the vector again when capitalised, shapes, unknown flag", () => {
    const { X, offsets } = contextTokenFeatures([rec('Ann met bob')], plain);
    assert.deepEqual([...offsets], [0, 3]);
    assert.equal(X.cols, 2 * 3 + 2 + SHAPE_COUNT + 1);
    const row = (k: number): number[] => [...X.data.subarray(k * X.cols, (k + 1) * X.cols)];
    assert.deepEqual(row(0).slice(0, 8), [0, 0, 1, 10, 2, 20, 1, 10], 'Ann: no previous token; capitalised');
    assert.deepEqual(row(1).slice(0, 8), [1, 10, 2, 20, 3, 30, 0, 0], 'met: lower case, no second copy');
    assert.deepEqual(row(2).slice(0, 8), [2, 20, 3, 30, 0, 0, 0, 0]);
    assert.equal(row(0)[8], 1, 'Ann is title case');
    assert.equal(row(0)[8 + 5], 1, 'Ann is first');
    assert.equal(row(0)[X.cols - 1], 0, 'a non-zero vector is known');
  });

  test('case evidence: the share of lower-case sightings elsewhere in the pool, the token itself left out', () => {
    const pool = [rec('I saw The end'), rec('I saw the end'), rec('I saw the cat'), rec('So Ann left')];
    const f = contextFeaturizer(pool, { ...plain, capitalisedVector: false, unknownFlag: false, caseEvidence: true });
    const X = f(pool).X;
    const last2 = (row: number): number[] => [...X.data.subarray((row + 1) * X.cols - 2, (row + 1) * X.cols)];
    // "The" in record 0 (row 2): the other sightings of "the" are both lower case.
    assert.deepEqual(last2(2), [1, 1]);
    // "the" in record 1 (row 6): the others are "The" and "the": one of two.
    assert.deepEqual(last2(6), [0.5, 1]);
    // "Ann" (row 13): seen nowhere else.
    assert.deepEqual(last2(13), [0, 0]);
    // A new record's "the" and "Ann": every pool sighting counts.
    const Y = f([rec('Hi the Ann')]).X;
    assert.deepEqual([...Y.data.subarray(2 * Y.cols - 2, 2 * Y.cols)], [Math.fround(2 / 3), 1]);
    assert.deepEqual([...Y.data.subarray(3 * Y.cols - 2, 3 * Y.cols)], [0, 1]);
  });

  test("contextDims: the neighbours' vectors and the capitalised copy keep their first dimensions only", () => {
    const { X } = contextTokenFeatures([rec('Ann met bob')], { ...plain, contextDims: 1 });
    assert.equal(X.cols, 1 + 2 + 1 + 1 + SHAPE_COUNT + 1);
    assert.deepEqual([...X.data.subarray(X.cols, X.cols + 5)], [1, 2, 20, 3, 0], 'met: previous [1], own [2, 20], next [3], not capitalised');
    assert.deepEqual([...X.data.subarray(0, 5)], [0, 1, 10, 2, 1], 'Ann: capitalised copy [1]');
  });

  test('projection: token vectors on the pool’s top directions, same width for any record', () => {
    const pool = [rec('a b c d'), rec('e f g')];
    const f = contextFeaturizer(pool, { ...plain, project: 1 });
    const X = f(pool).X;
    assert.equal(X.cols, 1 * 3 + 1 + SHAPE_COUNT + 1);
    // Every vector is a multiple of (1, 10): its projection on the unit direction is ±‖v‖.
    assert.ok(Math.abs(Math.abs(X.data[1]) - Math.hypot(1, 10)) < 1e-4, `${X.data[1]}`);
    assert.equal(f([rec('x y')]).X.cols, X.cols);
  });
});
