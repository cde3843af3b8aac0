import { quantise } from '../../../src/core/features/compactVectors';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEngine } from '../../../src/core/engine/createEngine';
import type { EngineOptions } from '../../../src/core/engine/labelingEngine';
import { SettingError } from '../../../src/core/errors';
import { ModelWithCommittee } from '../../../src/core/learners/modelWithCommittee';
import { choosePseudoLabels, selfTrainingCandidates, selfTrainingSettings } from '../../../src/core/learners/selfTraining';
import { SoftmaxRegression } from '../../../src/core/learners/softmax';
import type { Matrix } from '../../../src/core/types';

/** Six points on a line, two clusters: x = −3, −2, −1 | 1, 2, 3 (a constant second column). */
const line: Matrix = { rows: 6, cols: 2, data: Float32Array.from([-3, 1, -2, 1, -1, 1, 1, 1, 2, 1, 3, 1]) };

describe('choosePseudoLabels', () => {
  test('threshold, then a per-class quota of ratio × that class’s labels, most confident first', () => {
    // Five candidates, 2 classes. Top probabilities: r10 0.9 (c0), r11 0.6 (c0: below 0.7),
    // r12 0.95 (c1), r13 0.8 (c0), r14 0.75 (c1).
    const probs = Float32Array.from([0.9, 0.1, 0.6, 0.4, 0.05, 0.95, 0.8, 0.2, 0.25, 0.75]);
    const cands = Int32Array.from([10, 11, 12, 13, 14]);
    // Class 0 has 1 label → quota 1 (r10 beats r13); class 1 has 2 → quota 2 (r12, r14).
    const p = choosePseudoLabels(probs, cands, 2, [1, 2], { threshold: 0.7, ratio: 1 });
    assert.deepEqual([...p.rows], [10, 12, 14]);
    assert.deepEqual([...p.y], [0, 1, 1]);
    // A class without labels gets no pseudo-labels, however sure the model is.
    const q = choosePseudoLabels(probs, cands, 2, [2, 0], { threshold: 0.7, ratio: 1 });
    assert.deepEqual([...q.rows], [10, 13]);
    assert.deepEqual([...q.y], [0, 0]);
    // ratio 0.5 of 2 labels = 1; ratio 0 = none.
    assert.deepEqual([...choosePseudoLabels(probs, cands, 2, [2, 2], { threshold: 0.7, ratio: 0.5 }).rows], [10, 12]);
    assert.equal(choosePseudoLabels(probs, cands, 2, [2, 2], { threshold: 0.7, ratio: 0 }).rows.length, 0);
  });

  test('equal confidence: the lower row first', () => {
    const probs = Float32Array.from([0.9, 0.1, 0.9, 0.1]);
    assert.deepEqual([...choosePseudoLabels(probs, Int32Array.from([7, 3]), 2, [1, 0], { threshold: 0.5, ratio: 1 }).rows], [3]);
  });
});

describe('selfTrainingCandidates', () => {
  test('every row neither labeled nor rejected; above `sample` a seeded sample of that size', () => {
    assert.deepEqual([...selfTrainingCandidates(6, [1, 4], 10, 1)], [0, 2, 3, 5]);
    const a = selfTrainingCandidates(1000, [0, 1, 2], 50, 7);
    assert.equal(a.length, 50);
    assert.ok(![0, 1, 2].some((r) => a.includes(r)));
    assert.deepEqual([...a], [...selfTrainingCandidates(1000, [0, 1, 2], 50, 7)], 'same seed, same sample');
    assert.notDeepEqual([...a], [...selfTrainingCandidates(1000, [0, 1, 2], 50, 8)]);
    // Labeling a sampled row drops only that row (the next row of the seeded order takes its place).
    const b = selfTrainingCandidates(1000, [0, 1, 2, a[0]], 50, 7);
    assert.equal(b.length, 50);
    assert.ok(!b.includes(a[0]));
    assert.ok([...a].slice(1).every((r) => b.includes(r)));
  });

  test('settings are checked and named', () => {
    assert.throws(() => selfTrainingSettings({ method: 'self-training', threshold: 1.5 }), SettingError);
    assert.throws(() => selfTrainingSettings({ method: 'self-training', weight: 0 }), SettingError);
    assert.deepEqual(selfTrainingSettings({ method: 'self-training', ratio: 2, weight: undefined }), { method: 'self-training', threshold: 0.8, ratio: 2, weight: 0.5, sample: 20_000 });
  });
});

describe('ModelWithCommittee with self-training', () => {
  const opts = { classes: 2, seed: 1, committeeSize: 3, semiSupervised: { method: 'self-training', threshold: 0.5, ratio: 1, weight: 0.5 } } as const;

  test('pseudo-labels the most confident unlabeled row of each class, then refits on them at their weight', () => {
    // Labels: x = −2 → class 0, x = 2 → class 1. The fitted model is monotone in x, so the most
    // confident unlabeled rows are the outermost: x = −3 (row 0) for class 0, x = 3 (row 5) for
    // class 1; one each (one label each, ratio 1).
    const rows = Int32Array.from([1, 4]);
    const y = Int32Array.from([0, 1]);
    const m = new ModelWithCommittee(line, opts);
    m.fit(rows, y);
    assert.deepEqual([...m.lastPseudo.rows], [0, 5]);
    assert.deepEqual([...m.lastPseudo.y], [0, 1]);
    // The same two steps by hand: supervised fit, then a warm-started fit with the pseudo rows at 0.5.
    const hand = new SoftmaxRegression({ classes: 2 });
    hand.fit(line, rows, y, { warmStart: true });
    hand.fit(line, Int32Array.from([1, 4, 0, 5]), Int32Array.from([0, 1, 0, 1]), { warmStart: true, sampleWeight: Float32Array.from([1, 1, 0.5, 0.5]) });
    assert.deepEqual([...m.main.predictProba(line)], [...hand.predictProba(line)]);
    // And it is not the supervised model: the extra rows moved the probabilities.
    const sup = new ModelWithCommittee(line, { classes: 2, seed: 1, committeeSize: 3 });
    sup.fit(rows, y);
    assert.notDeepEqual([...m.main.predictProba(line)], [...sup.main.predictProba(line)]);
  });

  test('rejected rows are never pseudo-labeled; the committee trains on labels + pseudo-labels and its members differ', () => {
    // C = 10: with two labels and the default C, one rejected row would outweigh them.
    const m = new ModelWithCommittee(line, { ...opts, C: 10 });
    // Row 5 (x = 3) was rejected as class 0 ("not class 0": it agrees with the labels, so the
    // model stays monotone). It is not a candidate: class 1's most confident one is x = 1 (row 3).
    m.fit(Int32Array.from([1, 4]), Int32Array.from([0, 1]), { rows: Int32Array.from([5]), classes: Int32Array.from([0]) });
    assert.deepEqual([...m.lastPseudo.rows], [0, 3]);
    assert.deepEqual([...m.lastPseudo.y], [0, 1]);
    const members = m.memberProba();
    assert.equal(members.length, 3);
    assert.ok(members.some((p) => p.some((v, i) => v !== members[0][i])), 'bootstrap members should differ');
  });

  test('off by default: no pseudo-labels', () => {
    const m = new ModelWithCommittee(line, { classes: 2, seed: 1 });
    m.fit(Int32Array.from([1, 4]), Int32Array.from([0, 1]));
    assert.equal(m.lastPseudo.rows.length, 0);
  });
});

describe('createEngine passes semiSupervised to its learner', () => {
  for (const semiSupervised of [{ method: 'self-training', threshold: 0.5, ratio: 1 }, { method: 'propagation', threshold: 0.5, ratio: 1, k: 2 }] as const) {
    test(`the engine’s probabilities are those of the model with ${semiSupervised.method}`, async () => {
      const base: EngineOptions = { classes: ['neg', 'pos'], committeeSize: 3, strategy: 'margin', diversity: false, seed: 1 };
      const probsOf = async (o: EngineOptions): Promise<number[]> => {
        const e = createEngine(line, o);
        e.setLabel(1, 0);
        e.setLabel(4, 1);
        await e.retrain();
        return e.explain!([{ row: 2, strategy: 'margin', score: 0 }])[0].probs.map((p) => Math.fround(p));
      };
      // The engine holds its pool compact (int8 codes × a per-row scale): the same model on the same codes.
      const pool = quantise(line);
      const m = new ModelWithCommittee(pool, { classes: 2, seed: 1, committeeSize: 3, semiSupervised });
      m.fit(Int32Array.from([1, 4]), Int32Array.from([0, 1]));
      const expected = [...m.main.predictProba(pool, Int32Array.from([2]))];
      assert.deepEqual(await probsOf({ ...base, semiSupervised }), expected);
      assert.notDeepEqual(await probsOf(base), expected);
    });
  }
});
