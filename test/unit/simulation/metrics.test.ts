import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { accuracy, argmaxRows, aulc, macroF1 } from '../../../src/core/simulation/metrics';

describe('metrics', () => {
  test('aulc is the trapezoid area divided by the label range', () => {
    // (0.5+0.7)/2·10 + (0.7+0.8)/2·20 = 6 + 15 = 21 over 30 labels.
    assert.ok(Math.abs(aulc([{ labels: 20, value: 0.5 }, { labels: 30, value: 0.7 }, { labels: 50, value: 0.8 }]) - 0.7) < 1e-12);
    assert.equal(aulc([{ labels: 20, value: 0.4 }]), 0.4);
  });

  test('accuracy and macro-F1 on a hand-computed case', () => {
    const gold = Int32Array.from([0, 0, 1, 1, 2]);
    const pred = Int32Array.from([0, 1, 1, 1, 0]);
    assert.equal(accuracy(gold, pred), 0.6);
    // F1: class 0: tp1 fp1 fn1 → 0.5; class 1: tp2 fp1 fn0 → 0.8; class 2: tp0 fp0 fn1 → 0.
    assert.ok(Math.abs(macroF1(gold, pred, 4) - (0.5 + 0.8 + 0) / 3) < 1e-12);
  });

  test('argmax breaks ties toward the lower class', () => {
    assert.deepEqual(argmaxRows(Float32Array.from([0.5, 0.5, 0.2, 0.8]), 2), Int32Array.from([0, 1]));
  });
});
