import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { wilsonInterval } from '../../../src/core/session/accuracyInterval';

const near = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 5e-5, `${what}: ${a} vs ${b}`);

describe('accuracy interval (95 % Wilson score interval over held-out predictions)', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in
  // Medicine 17:857-872, Table I, method 3 (score interval without continuity correction).
  const newcombe: readonly [number, number, number, number][] = [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ];
  for (const [r, n, low, high] of newcombe) {
    test(`${r}/${n} gives ${low}–${high} as in Newcombe's Table I`, () => {
      const iv = wilsonInterval(r, n);
      assert.ok(iv);
      near(iv.low, low, 'low');
      near(iv.high, high, 'high');
      assert.equal(iv.n, n);
      assert.equal(iv.level, 0.95);
    });
  }

  test('all correct stays inside 0..1 and is not a point: 10/10 → 72.2 %–100 %', () => {
    const iv = wilsonInterval(10, 10);
    assert.ok(iv);
    near(iv.low, 0.7225, 'low');
    near(iv.high, 1, 'high');
    assert.ok(iv.high <= 1);
  });

  test('symmetric: r/n and (n-r)/n mirror each other', () => {
    const a = wilsonInterval(7, 30);
    const b = wilsonInterval(23, 30);
    assert.ok(a && b);
    near(a.low, 1 - b.high, 'mirror low');
    near(a.high, 1 - b.low, 'mirror high');
  });

  test('no predictions, or impossible counts, give no interval', () => {
    assert.equal(wilsonInterval(0, 0), undefined);
    assert.equal(wilsonInterval(5, 4), undefined);
    assert.equal(wilsonInterval(-1, 4), undefined);
  });
});
