import { NO_COMMITTEE } from '../../../src/core/strategies/committeeSummary';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEngine } from '../../../src/core/engine/createEngine';
import type { EngineOptions } from '../../../src/core/engine/labelingEngine';
import { createMetaSelector } from '../../../src/core/meta/metaSelector';
import { marginStrategy } from '../../../src/core/strategies/margin';
import { rankScores } from '../../../src/core/strategies/scoreRank';
import { blobs } from '../learners/helpers';

describe('rankScores', () => {
  test('rank 1 is the highest score; a value ranks after every strictly higher score', () => {
    const pool = Float32Array.from([0.2, 0.9, 0.5, 0.1, 0.7]);
    assert.deepEqual(
      rankScores(pool, [0.9, 0.7, 0.5, 0.1]).map((r) => r.rank),
      [1, 2, 3, 5],
    );
    assert.ok(rankScores(pool, [0.9]).every((r) => r.poolSize === 5));
  });

  test('ties share the best rank among them; NaN in the pool ranks below everything', () => {
    const pool = [0.5, 0.5, 0.5, NaN, 0.2];
    assert.deepEqual(rankScores(pool, [0.5, 0.2, NaN]), [
      { rank: 1, poolSize: 5 },
      { rank: 4, poolSize: 5 },
      { rank: 5, poolSize: 5 },
    ]);
  });

  test('matches counting by hand on a pool with many ties and NaN, for values in any order', () => {
    let seed = 7;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pool = Float32Array.from({ length: 500 }, () => (next() < 0.05 ? NaN : Math.round(next() * 20) / 20));
    const values = Array.from({ length: 17 }, (_, i) => (i === 3 ? NaN : pool[Math.floor(next() * 500)]));
    const byHand = values.map((v) => (Number.isNaN(v) ? 500 : 1 + [...pool].filter((s) => s > v).length));
    assert.deepEqual(rankScores(pool, values).map((r) => r.rank), byHand);
  });

  test('a value higher than the whole pool is rank 1; a rank never exceeds the pool size', () => {
    assert.equal(rankScores([0.1, 0.2], [3])[0].rank, 1);
    assert.equal(rankScores([0.1, 0.2], [-3])[0].rank, 2);
    assert.deepEqual(rankScores([], [1]), [{ rank: 0, poolSize: 0 }]);
  });
});

describe('engine: the rank of each pick among the unlabeled pool', () => {
  const { X, y } = blobs(3, 40, 6, 1.2, 9);
  const opts: EngineOptions = { classes: ['a', 'b', 'c'], committeeSize: 4, strategy: 'margin', diversity: false, seed: 1 };

  test('margin picks carry their rank among the rows the strategy scored, and how many there were', async () => {
    const e = createEngine(X, opts);
    for (let r = 0; r < 12; r++) e.setLabel(r, y[r]);
    await e.retrain();
    const first = await e.query(3);
    const unlabeled = Int32Array.from({ length: X.rows - 12 }, (_, i) => i + 12);
    // The pool's margin scores, computed independently from the engine's own probabilities.
    const probs = new Float32Array(X.rows * 3);
    const explained = e.explain!([...unlabeled].map((row) => ({ row, strategy: 'random', score: 0 })));
    explained.forEach((q) => probs.set(q.probs, q.row * 3));
    const scores = marginStrategy.score({ X, classes: 3, unlabeled, labeled: new Int32Array(0), labels: new Int32Array(0), poolProbs: probs, committee: NO_COMMITTEE, rng: Math.random, round: 1, predict: () => new Float32Array(0) });
    const rankOf = (row: number, among: readonly number[]): number => {
      const s = scores[row - 12];
      return 1 + among.filter((r) => scores[r - 12] > s).length;
    };
    for (const q of first) {
      assert.equal(q.poolSize, X.rows - 12, 'ranked among every unlabeled row');
      assert.equal(q.rank, rankOf(q.row, [...unlabeled]), `row ${q.row}`);
    }
    // Without diversity the first batch is the top of the pool, in order.
    assert.deepEqual(first.map((q) => q.rank), [1, 2, 3]);
    // Spans the host already holds are not scored again: the next batch is the top of the rest.
    const held = new Set(first.map((q) => q.row));
    const later = await e.query(3, held);
    const rest = [...unlabeled].filter((r) => !held.has(r));
    for (const q of later) {
      assert.equal(q.poolSize, rest.length);
      assert.equal(q.rank, rankOf(q.row, rest));
    }
    assert.deepEqual(later.map((q) => q.rank), [1, 2, 3]);
    // After a retrain the shown spans are explained again, ranked under the new model among every unlabeled row.
    for (let r = 12; r < 20; r++) e.setLabel(r, y[r]);
    await e.retrain();
    const again = e.explain!(first.map((q) => ({ row: q.row, strategy: q.strategy, score: q.score })));
    for (const q of again) assert.equal(q.poolSize, X.rows - 20);
    assert.ok(again.every((q) => q.rank !== undefined && q.rank >= 1 && q.rank <= X.rows - 20));
  });

  test('the meta-learner ranks each pick in the ranking of the strategy it credits', async () => {
    const e = createEngine(X, { ...opts, strategy: 'meta' }, { metaFactory: () => createMetaSelector({ batch: 5, prior: 'none' }) });
    for (let r = 0; r < 12; r++) e.setLabel(r, y[r]);
    await e.retrain();
    const picks = await e.query(5);
    assert.equal(picks.length, 5);
    for (const q of picks) {
      if (q.strategy === 'random') assert.equal(q.rank, undefined);
      else {
        assert.equal(q.poolSize, X.rows - 12);
        assert.ok(q.rank !== undefined && q.rank >= 1 && q.rank <= X.rows - 12, `${q.strategy} rank ${q.rank}`);
      }
    }
    assert.ok(picks.some((q) => q.rank !== undefined), 'scored strategies took part');
  });

  test('random and cold-start picks have no rank', async () => {
    const cold = await createEngine(X, opts).query(3);
    assert.ok(cold.every((q) => q.rank === undefined && q.poolSize === undefined));
    const e = createEngine(X, { ...opts, strategy: 'random' });
    for (let r = 0; r < 12; r++) e.setLabel(r, y[r]);
    await e.retrain();
    assert.ok((await e.query(3)).every((q) => q.rank === undefined));
  });
});
