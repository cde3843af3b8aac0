import { gatherRows } from '../../../src/core/features/compactVectors';
import { NO_COMMITTEE } from '../../../src/core/strategies/committeeSummary';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEngine } from '../../../src/core/engine/createEngine';
import type { EngineOptions } from '../../../src/core/engine/labelingEngine';
import { InputError, NotTrainedError } from '../../../src/core/errors';
import { strategyByName } from '../../../src/core/strategies/registry';
import type { BatchSelector, Pick, PoolState } from '../../../src/core/strategies/strategy';
import { blobs, multiLabelToy } from '../learners/helpers';

const { X, y } = blobs(3, 40, 6, 1.2, 9);
const opts: EngineOptions = { classes: ['a', 'b', 'c'], committeeSize: 4, strategy: 'margin', diversity: true, seed: 1 };

function labelFirst(engine: ReturnType<typeof createEngine>, n: number): void {
  for (let r = 0; r < n; r++) engine.setLabel(r, y[r]);
}

describe('createEngine', () => {
  test('before the first retrain: a seeded, spread-out cold start and no contested rows', async () => {
    const e = createEngine(X, opts);
    assert.equal(e.trained, false);
    const q = await e.query(5);
    assert.equal(q.length, 5);
    assert.equal(new Set(q.map((x) => x.row)).size, 5);
    for (const x of q) {
      assert.equal(x.strategy, 'random');
      assert.deepEqual(x.votes, [0, 0, 0]);
    }
    assert.deepEqual(
      q.map((x) => x.row),
      (await createEngine(X, opts).query(5)).map((x) => x.row),
    );
    assert.throws(() => e.contested(3), NotTrainedError);
    await assert.rejects(e.retrain(), NotTrainedError);
  });

  test('a strategy that needs no model (typicality, coverage) picks the cold-start batch itself', async () => {
    for (const strategy of ['typicality', 'coverage'] as const) {
      const e = createEngine(X, { ...opts, strategy });
      const q = await e.query(5);
      assert.equal(q.length, 5);
      for (const x of q) assert.equal(x.strategy, strategy);
      // The same rows as the strategy's own batch over the whole pool.
      const arm = strategyByName(strategy);
      const state: PoolState = { X, classes: 3, unlabeled: Int32Array.from({ length: X.rows }, (_, i) => i), labeled: new Int32Array(0), labels: new Int32Array(0), poolProbs: new Float32Array(0), committee: NO_COMMITTEE, rng: () => 0, round: 0, predict: () => new Float32Array(0) };
      assert.deepEqual(q.map((x) => x.row), arm.batch!(state, arm.score(state), 5).map((p) => state.unlabeled[p]));
    }
    // Coverage counts labels given before the first retrain: none of its picks is labeled, and the
    // first is the row farthest from them.
    const e = createEngine(X, { ...opts, strategy: 'coverage' });
    labelFirst(e, 3);
    const q = await e.query(3);
    assert.ok(q.every((x) => x.row >= 3));
  });

  test('retrain, then query returns unlabeled rows with their why: strategy, score, votes, probs', async () => {
    const e = createEngine(X, opts);
    labelFirst(e, 12);
    const r = await e.retrain();
    assert.equal(r.labeled, 12);
    assert.ok(r.estimatedAccuracy !== undefined && r.estimatedAccuracy >= 0 && r.estimatedAccuracy <= 1);
    assert.deepEqual(r.weights, { margin: 1 });
    assert.equal(e.trained, true);
    const q = await e.query(4, new Set([50, 51]));
    assert.equal(q.length, 4);
    for (const x of q) {
      assert.ok(x.row >= 12, 'a labeled row was queried');
      assert.ok(x.row !== 50 && x.row !== 51, 'an excluded row was queried');
      assert.equal(x.strategy, 'margin');
      assert.equal(x.votes.reduce((a, b) => a + b, 0), 4);
      assert.ok(Math.abs(x.probs.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      assert.ok(x.score >= 0 && x.score <= 1);
    }
  });

  test('what a simulation turns off (accuracy estimate, pick votes) leaves the picks as they were; vectors outside the pool get probabilities', async () => {
    const lean = createEngine(X, opts, { estimateAccuracy: false, pickVotes: false });
    const full = createEngine(X, opts);
    labelFirst(lean, 12);
    labelFirst(full, 12);
    assert.throws(() => lean.predictProba(X), NotTrainedError);
    assert.equal((await lean.retrain()).estimatedAccuracy, undefined);
    assert.ok((await full.retrain()).estimatedAccuracy !== undefined);
    const q = await lean.query(4);
    assert.deepEqual(q.map((x) => x.row), (await full.query(4)).map((x) => x.row));
    for (const x of q) assert.deepEqual(x.votes, []);
    // Two pool rows as if they came from elsewhere (as the engine holds them: compact, dequantised):
    // the same probabilities the pool's rows get.
    const outside = gatherRows(lean.pool, Int32Array.from([20, 21]));
    const p = lean.predictProba(outside);
    const seen = full.explain!([20, 21].map((row) => ({ row, strategy: 'margin', score: 0 }))).flatMap((x) => x.probs);
    assert.equal(p.length, 6);
    p.forEach((v, i) => assert.ok(Math.abs(v - seen[i]) < 1e-6, `${v} vs ${seen[i]}`));
    assert.throws(() => lean.predictProba({ rows: 1, cols: X.cols + 1, data: new Float32Array(X.cols + 1) }), InputError);
  });

  test('a rejected class is negative evidence: after the retrain that row gives it less probability', async () => {
    const e = createEngine(X, opts);
    labelFirst(e, 12);
    await e.retrain();
    const rows = [20, 21, 22, 23];
    const before = e.explain!(rows.map((row) => ({ row, strategy: 'margin', score: 0 })));
    const guess = before.map((q) => q.probs.indexOf(Math.max(...q.probs)));
    const p = (qs: readonly { probs: readonly number[] }[], i: number): number => qs[i].probs[guess[i]];
    // One reject: that row's rejected class loses probability.
    e.setRejected!(rows[0], guess[0]);
    const r = await e.retrain();
    assert.equal(r.labeled, 12, 'a reject is not a label');
    const one = e.explain!(rows.map((row) => ({ row, strategy: 'margin', score: 0 })));
    assert.ok(p(one, 0) < p(before, 0) - 0.01, `row ${rows[0]}: p ${p(before, 0)} → ${p(one, 0)}`);
    // Several: on average (rejects of different classes pull against each other a little).
    rows.forEach((row, i) => e.setRejected!(row, guess[i]));
    await e.retrain();
    const all = e.explain!(rows.map((row) => ({ row, strategy: 'margin', score: 0 })));
    const mean = (qs: typeof all): number => rows.reduce((a, _, i) => a + p(qs, i), 0) / rows.length;
    assert.ok(mean(all) < mean(before) - 0.01, `mean p(rejected) ${mean(before)} → ${mean(all)}`);
    // Labeling a rejected row replaces the reject; undoing it (null) leaves neither.
    e.setLabel(20, y[20]);
    assert.equal((await e.retrain()).labeled, 13);
    e.setRejected!(20, guess[0]);
    assert.equal((await e.retrain()).labeled, 12, 'a reject replaces the label of that row');
    assert.throws(() => e.setRejected!(20, 3), (err: unknown) => InputError.is(err));
  });

  test('no accuracy estimate with fewer than 10 labels', async () => {
    const e = createEngine(X, opts);
    labelFirst(e, 6);
    assert.equal((await e.retrain()).estimatedAccuracy, undefined);
  });

  test('setLabel(row, null) undoes a label; bad rows and classes are input errors', async () => {
    const e = createEngine(X, opts);
    labelFirst(e, 10);
    e.setLabel(3, null);
    assert.equal(e.labeledCount, 9);
    assert.throws(() => e.setLabel(X.rows, 0), (err: unknown) => InputError.is(err) && /not in the pool/.test(err.message));
    assert.throws(() => e.setLabel(0, 3), (err: unknown) => InputError.is(err) && /a, b, c/.test(err.message));
    await e.retrain();
    const rows = (await e.query(120)).map((q) => q.row);
    assert.ok(rows.includes(3), 'an undone row is back in the pool');
    assert.equal(rows.length, X.rows - 9);
  });

  test('contested rows are sorted by committee vote entropy', async () => {
    const e = createEngine(X, { ...opts, committeeSize: 5 });
    labelFirst(e, 9);
    await e.retrain();
    const c = e.contested(10);
    for (let i = 1; i < c.length; i++) assert.ok(c[i - 1].score >= c[i].score);
    for (const x of c) {
      assert.ok(x.score > 0);
      assert.ok(Math.max(...x.votes) < 5, 'a unanimous row is not contested');
    }
  });

  test('meta goes through the injected factory and receives feedback for answered picks', async () => {
    let feedbacks = 0;
    const fake: BatchSelector = {
      name: 'fake-meta',
      select: (state, n): Promise<Pick[]> => Promise.resolve(Array.from(state.unlabeled.subarray(0, n), (row) => ({ row, strategy: 'entropy', score: 0.5 }))),
      feedback: (picks, labels): void => {
        feedbacks++;
        assert.equal(picks.length, labels.length);
      },
      weights: () => ({ entropy: 0.7, random: 0.3 }),
    };
    const e = createEngine(X, { ...opts, strategy: 'meta' }, { metaFactory: () => fake });
    labelFirst(e, 10);
    await e.retrain();
    const q = await e.query(3);
    assert.deepEqual(q.map((x) => x.strategy), ['entropy', 'entropy', 'entropy']);
    for (const x of q) e.setLabel(x.row, y[x.row]);
    const r = await e.retrain();
    assert.equal(feedbacks, 1);
    assert.deepEqual(r.weights, { entropy: 0.7, random: 0.3 });
  });

  test('a retrain whose selector cannot be built fails alone: still untrained, queries answer, the next retrain works', async () => {
    let builds = 0;
    const fake: BatchSelector = {
      name: 'fake-meta',
      select: (state, n): Promise<Pick[]> => Promise.resolve(Array.from(state.unlabeled.subarray(0, n), (row) => ({ row, strategy: 'margin', score: 0.5 }))),
    };
    const factory = (): Promise<BatchSelector> => (++builds === 1 ? Promise.reject(new Error('prior refused')) : Promise.resolve(fake));
    const e = createEngine(X, { ...opts, strategy: 'meta' }, { metaFactory: factory });
    labelFirst(e, 10);
    await assert.rejects(e.retrain(), /prior refused/);
    assert.equal(e.trained, false, 'a failed first retrain must not mark the engine trained');
    const cold = await e.query(3);
    assert.equal(cold.length, 3);
    for (const x of cold) assert.equal(x.strategy, 'random');
    // The failed build is not cached: the next retrain builds the selector again and succeeds.
    const r = await e.retrain();
    assert.equal(r.labeled, 10);
    assert.equal(e.trained, true);
    assert.deepEqual((await e.query(2)).map((x) => x.strategy), ['margin', 'margin']);
    assert.equal(builds, 2);
  });

  test('a retrain that fails midway leaves the previous model in service; a later retrain works', async () => {
    let failNext = false;
    const fake: BatchSelector = {
      name: 'fake-meta',
      select: (state, n): Promise<Pick[]> => Promise.resolve(Array.from(state.unlabeled.subarray(0, n), (row) => ({ row, strategy: 'margin', score: 0.5 }))),
      feedback: (): void => {
        if (failNext) throw new Error('prior session lost');
      },
    };
    const e = createEngine(X, { ...opts, strategy: 'meta' }, { metaFactory: () => fake });
    labelFirst(e, 6);
    await e.retrain();
    const watch: Pick[] = [100, 101, 102].map((row) => ({ row, strategy: 'margin', score: 0 }));
    const before = e.explain!(watch).map((q) => ({ probs: q.probs, votes: q.votes }));
    // Labels the old model never saw, half of them on the queried rows (so feedback runs, and throws).
    const picked = await e.query(4);
    for (const x of picked) e.setLabel(x.row, y[x.row]);
    for (let r = 40; r < 60; r++) e.setLabel(r, y[r]);
    failNext = true;
    await assert.rejects(e.retrain(), /prior session lost/);
    assert.equal(e.trained, true);
    assert.deepEqual(
      e.explain!(watch).map((q) => ({ probs: q.probs, votes: q.votes })),
      before,
      'the failed round changed the model in service',
    );
    assert.equal((await e.query(3)).length, 3, 'queries still answer after a failed retrain');
    failNext = false;
    const r = await e.retrain();
    assert.equal(r.labeled, 30);
    assert.notDeepEqual(e.explain!(watch).map((q) => q.probs), before.map((b) => b.probs), 'the later retrain put a new model in service');
  });
});

describe('createEngine, multi-label', () => {
  const { X: Xm, Y } = multiLabelToy(300, 8);
  const K = 3;
  const mopts: EngineOptions = { classes: ['a', 'b', 'c'], committeeSize: 3, strategy: 'vote-entropy', diversity: false, seed: 2, multiLabel: true };
  const setOf = (r: number): number[] => [0, 1, 2].filter((k) => Y[r * K + k] === 1);

  test('label sets train a one-vs-rest model: per-label probabilities and votes, a Hamming estimate, queries skip labeled rows', async () => {
    const e = createEngine(Xm, mopts);
    for (let r = 0; r < 60; r++) e.setLabels!(r, setOf(r));
    assert.equal(e.labeledCount, 60);
    const r = await e.retrain();
    assert.equal(r.labeled, 60);
    assert.ok(r.estimatedAccuracy !== undefined && r.estimatedAccuracy > 0.8, `estimate ${r.estimatedAccuracy}`);
    const q = await e.query(5);
    assert.equal(q.length, 5);
    for (const x of q) {
      assert.ok(x.row >= 60);
      assert.equal(x.strategy, 'vote-entropy');
      assert.equal(x.probs.length, K);
      assert.ok(x.votes.every((v) => v >= 0 && v <= 3));
    }
    // Held-out rows: the model says which labels apply.
    const rows = Array.from({ length: 100 }, (_, i) => 200 + i);
    const ex = e.explain!(rows.map((row) => ({ row, strategy: 'margin', score: 0 })));
    let right = 0;
    ex.forEach((x, i) => [0, 1, 2].forEach((k) => (right += (x.probs[k] >= 0.5 ? 1 : 0) === Y[rows[i] * K + k] ? 1 : 0)));
    assert.ok(right / (rows.length * K) > 0.85, `per-label accuracy ${right / (rows.length * K)}`);
    // A single label (a review resolution) is a set of one; null removes; sets need a multi-label engine.
    e.setLabel(100, 1);
    assert.equal(e.labeledCount, 61);
    e.setLabels!(100, null);
    assert.equal(e.labeledCount, 60);
    e.setLabels!(101, []);
    assert.equal(e.labeledCount, 61, 'an empty set ("no label applies") is a label');
    assert.throws(() => e.setLabels!(5, [3]), (err: unknown) => InputError.is(err));
    assert.throws(() => createEngine(Xm, { ...mopts, multiLabel: false }).setLabels!(0, [1]), (err: unknown) => InputError.is(err));
    assert.ok(e.contested(3).length <= 3);
  });
});
