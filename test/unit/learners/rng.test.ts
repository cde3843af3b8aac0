import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng, deriveSeed, shuffleInPlace } from '../../../src/core/learners/rng';

describe('rng', () => {
  test('the same seed gives the same sequence, in [0, 1)', () => {
    const a = createRng(42);
    const b = createRng(42);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      assert.equal(x, b());
      assert.ok(x >= 0 && x < 1);
    }
  });

  test('different seeds and derived seeds give different sequences', () => {
    assert.notEqual(createRng(1)(), createRng(2)());
    assert.notEqual(deriveSeed(1, 0), deriveSeed(1, 1));
    assert.equal(deriveSeed(7, 3, 4), deriveSeed(7, 3, 4));
  });

  test('values are roughly uniform', () => {
    const r = createRng(3);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 10000; i++) bins[Math.floor(r() * 10)]++;
    for (const b of bins) assert.ok(b > 850 && b < 1150, `bin count ${b}`);
  });

  test('shuffle is a seeded permutation', () => {
    const a = shuffleInPlace(Int32Array.from({ length: 50 }, (_, i) => i), createRng(5));
    const b = shuffleInPlace(Int32Array.from({ length: 50 }, (_, i) => i), createRng(5));
    assert.deepEqual(a, b);
    assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
    assert.notDeepEqual([...a], Array.from({ length: 50 }, (_, i) => i));
  });
});
