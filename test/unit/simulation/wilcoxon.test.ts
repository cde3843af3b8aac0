import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalCdf, wilcoxonSignedRank } from '../../../src/core/simulation/wilcoxon';

describe('wilcoxonSignedRank', () => {
  test('all ten differences positive: exact two-sided p = 2/1024', () => {
    const a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((x) => x + 0.5);
    const r = wilcoxonSignedRank(a, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(r.wPlus, 55);
    assert.ok(Math.abs(r.p - 2 / 1024) < 1e-12);
  });

  test('a hand-counted mixed case: W− = 7 of n = 8 gives p = 2·19/256', () => {
    // Subsets of {1..8} with sum ≤ 7: 1+1+1+2+2+3+4+5 = 19.
    const d = [1, -2, 3, 4, -5, 6, 7, 8];
    const r = wilcoxonSignedRank(d, new Array<number>(8).fill(0));
    assert.equal(r.wPlus, 29);
    assert.equal(r.wMinus, 7);
    assert.ok(Math.abs(r.p - 38 / 256) < 1e-12);
    // Swapping the samples mirrors W and keeps p.
    assert.equal(wilcoxonSignedRank(new Array<number>(8).fill(0), d).p, r.p);
  });

  test('zeros are dropped and tied magnitudes share their average rank', () => {
    // |d| = 1, 1, 2 (and a zero): ranks 1.5, 1.5, 3; W+ = 1.5 + 3 = 4.5.
    // Doubled ranks {3,3,6}, doubled W+ = 9; the 8 sign patterns sum to 0,3,3,6,6,9,9,12:
    // P(W+ ≥ 4.5) = 3/8, so p = 2·3/8.
    const r = wilcoxonSignedRank([1, -1, 2, 5], [0, 0, 0, 5]);
    assert.equal(r.n, 3);
    assert.equal(r.wPlus, 4.5);
    assert.equal(r.p, 0.75);
  });

  test('identical samples give p = 1; the normal approximation kicks in for large n', () => {
    assert.equal(wilcoxonSignedRank([1, 2], [1, 2]).p, 1);
    const a = Array.from({ length: 60 }, (_, i) => i + (i % 3 === 0 ? -0.3 : 0.7));
    const b = Array.from({ length: 60 }, (_, i) => i);
    const r = wilcoxonSignedRank(a, b);
    assert.equal(r.method, 'normal');
    assert.ok(r.p > 0 && r.p < 1e-3);
  });

  test('normalCdf matches known values', () => {
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
    assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
    assert.ok(Math.abs(normalCdf(-1) - 0.158655) < 1e-6);
  });
});
