import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotTrainedError } from '../../../src/core/errors';
import { MultiLabelModel } from '../../../src/core/learners/multiLabelModel';
import { MultiLabelCommittee, OneVsRest } from '../../../src/core/learners/oneVsRest';
import { multiLabelToy as toy, range } from './helpers';

describe('one-vs-rest (multi-label)', () => {
  const { X, Y } = toy(400, 5);
  const K = 3;
  const train = range(200);
  const test_ = Int32Array.from({ length: 200 }, (_, i) => 200 + i);

  test('learns a separable multi-label toy set: per-label and whole-set accuracy on held-out rows', () => {
    const m = new OneVsRest({ classes: K, C: 10 });
    m.fit(X, train, Y.subarray(0, 200 * K));
    const p = m.predictProba(X, test_);
    let hamming = 0;
    let exact = 0;
    const sizes = new Set<number>();
    for (let i = 0; i < test_.length; i++) {
      let all = true;
      let size = 0;
      for (let k = 0; k < K; k++) {
        const want = Y[test_[i] * K + k];
        size += want;
        const got = p[i * K + k] >= 0.5 ? 1 : 0;
        if (got === want) hamming++;
        else all = false;
      }
      sizes.add(size);
      if (all) exact++;
    }
    assert.ok(sizes.has(0) && sizes.has(2), 'the toy set has empty and several-label rows');
    assert.ok(hamming / (test_.length * K) > 0.93, `per-label accuracy ${hamming / (test_.length * K)}`);
    assert.ok(exact / test_.length > 0.8, `exact-set accuracy ${exact / test_.length}`);
    // Per-label probabilities, not a distribution: some rows sum well above 1.
    let over = 0;
    for (let i = 0; i < test_.length; i++) if (p[i * K] + p[i * K + 1] + p[i * K + 2] > 1.5) over++;
    assert.ok(over > 10);
  });

  test('a rejected label is a negative for that label only', () => {
    const few = range(30);
    const base = new OneVsRest({ classes: K });
    base.fit(X, few, Y.subarray(0, 30 * K));
    const row = [...test_].find((r) => Y[r * K] === 1)!;
    const before = base.predictProba(X, Int32Array.from([row]));
    const m = new OneVsRest({ classes: K });
    m.fit(X, few, Y.subarray(0, 30 * K), { rejected: { rows: Int32Array.from([row]), classes: Int32Array.from([0]) } });
    const after = m.predictProba(X, Int32Array.from([row]));
    assert.ok(after[0] < before[0], `p(label 0) ${before[0]} → ${after[0]}`);
    assert.ok(Math.abs(after[1] - before[1]) < 1e-6 && Math.abs(after[2] - before[2]) < 1e-6, 'the other labels are untouched');
  });

  test('untrained models throw; targets of the wrong size are a RangeError', () => {
    assert.throws(() => new OneVsRest({ classes: K }).predictProba(X), NotTrainedError);
    assert.throws(() => new OneVsRest({ classes: K }).fit(X, range(4), new Uint8Array(5)), RangeError);
  });

  test('the committee is seeded and its members differ; the model fits it lazily and clones independently', () => {
    const a = new MultiLabelCommittee({ classes: K, seed: 3, size: 3 });
    const b = new MultiLabelCommittee({ classes: K, seed: 3, size: 3 });
    a.fit(X, range(60), Y.subarray(0, 60 * K));
    b.fit(X, range(60), Y.subarray(0, 60 * K));
    const pa = a.memberProba(X, test_);
    assert.deepEqual(pa, b.memberProba(X, test_));
    assert.notDeepEqual(pa[0], pa[1]);
    const model = new MultiLabelModel(X, { classes: K, seed: 1, committeeSize: 3 });
    model.fit(range(60), Y.subarray(0, 60 * K));
    const copy = model.clone();
    copy.fit(range(120), Y.subarray(0, 120 * K));
    assert.notDeepEqual(copy.main.predictProba(X, test_), model.main.predictProba(X, test_));
    assert.equal(model.memberProba(test_).length, 3);
  });
});
