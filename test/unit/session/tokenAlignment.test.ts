import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alignTokenVectors } from '../../../src/core/session/tokenAlignment';
import { spanTokens } from '../../../src/core/text/spanTokens';

describe('per-token vectors on the span tokens', () => {
  test('word pieces are averaged into their word, a token the encoder dropped gets a zero row, and the tokens are the span splitter\'s', () => {
    const text = 'Unbelievable, Bob!';
    // Encoder tokens: "Un" "believ" "able" (pieces of one word), "Bob"; it drops the punctuation.
    const pieces = [
      { start: 0, end: 2, v: [1, 0] },
      { start: 2, end: 8, v: [2, 0] },
      { start: 8, end: 12, v: [3, 3] },
      { start: 14, end: 17, v: [0, 5] },
    ];
    const aligned = alignTokenVectors(text, {
      tokens: pieces.map(({ start, end }) => ({ start, end })),
      vectors: { rows: pieces.length, cols: 2, data: Float32Array.from(pieces.flatMap((p) => p.v)) },
    });
    assert.deepEqual(aligned.tokens, spanTokens(text).map(({ start, end }) => ({ start, end })));
    assert.deepEqual(aligned.tokens.map((t) => text.slice(t.start, t.end)), ['Unbelievable', ',', 'Bob', '!']);
    assert.deepEqual([...aligned.vectors.data], [2, 1, 0, 0, 0, 5, 0, 0]);
    assert.equal(aligned.vectors.rows, 4);
  });
});
