import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { rmSync } from 'node:fs';
import { ModelError, SettingError } from '../../../src/core/errors';
import { ModelWithCommittee } from '../../../src/core/learners/modelWithCommittee';
import { createRng } from '../../../src/core/learners/rng';
import { choosePriorFile, createMetaSelector } from '../../../src/core/meta/metaSelector';
import { SKEWED_AT_HALF } from '../../../src/core/meta/context';
import { poolSilhouette } from '../../../src/core/meta/clusterability';
import { allStrategies } from '../../../src/core/strategies/registry';
import { STRATEGY_NAMES, type PoolState } from '../../../src/core/strategies/strategy';
import type { Matrix } from '../../../src/core/types';
import { buildFixturePriors, randomPrior } from './fixturePrior';

const dir = buildFixturePriors({ prior: randomPrior(11), 'prior-without-toy': randomPrior(12, 6, 'toy') });
after(() => rmSync(dir, { recursive: true, force: true }));

/** 300 rows of 3 Gaussian classes in 8-d; 15 labeled. Gold labels of the rest stay here. */
function task(seed: number): { X: Matrix; y: Int32Array; model: ModelWithCommittee; state: (round: number, labeled: number[]) => PoolState } {
  const rng = createRng(seed);
  const n = 300;
  const d = 8;
  const X = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < d; j++) X[i * d + j] = (j === y[i] ? 1.5 : 0) + (rng() + rng() + rng() - 1.5);
  }
  const M = { rows: n, cols: d, data: X };
  const model = new ModelWithCommittee(M, { classes: 3, seed, committeeSize: 3 });
  const stateRng = createRng(seed + 1);
  return {
    X: M,
    y,
    model,
    state: (round, labeled) => {
      const rows = Int32Array.from(labeled);
      const labels = Int32Array.from(labeled, (r) => y[r]);
      model.fit(rows, labels);
      const isL = new Set(labeled);
      const unlabeled = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !isL.has(i));
      return model.poolState(unlabeled, rows, labels, round, stateRng);
    },
  };
}

const first = Array.from({ length: 15 }, (_, i) => i);

describe('meta-learner selector', () => {
  test('returns n distinct unlabeled rows, each with its strategy and score', async () => {
    const t = task(1);
    const sel = await createMetaSelector({ batch: 10, budget: 100, prior: join(dir, 'prior.json') });
    try {
      const state = t.state(1, first);
      const picks = await sel.select(state, 10);
      assert.equal(picks.length, 10);
      assert.equal(new Set(picks.map((p) => p.row)).size, 10);
      const unl = new Set(state.unlabeled);
      for (const p of picks) {
        assert.ok(unl.has(p.row), `row ${p.row} is not unlabeled`);
        assert.ok((STRATEGY_NAMES as readonly string[]).includes(p.strategy), p.strategy);
        assert.ok(Number.isFinite(p.score));
      }
      const w = sel.weights!();
      assert.deepEqual(Object.keys(w).sort(), [...STRATEGY_NAMES].sort());
      assert.ok(Math.abs(Object.values(w).reduce((a, b) => a + b, 0) - 1) < 1e-9);
      assert.deepEqual(Object.keys(sel.priorGains()).sort(), [...STRATEGY_NAMES].sort());
    } finally {
      await sel.dispose();
    }
  });

  test('runs a whole loop deterministically, with rewards from the labels it was given only', async () => {
    const run = async (): Promise<{ rows: number[]; weights: Record<string, number> }> => {
      const t = task(2);
      const sel = await createMetaSelector({ batch: 10, budget: 75, prior: join(dir, 'prior.json'), priorStrength: 5 });
      const labeled = [...first];
      const rows: number[] = [];
      try {
        for (let round = 1; round <= 6; round++) {
          const state = t.state(round, labeled);
          const picks = await sel.select(state, 10);
          labeled.push(...picks.map((p) => p.row));
          rows.push(...picks.map((p) => p.row));
          // The simulated annotator answers these rows only.
          await sel.feedback!(picks, Int32Array.from(picks, (p) => t.y[p.row]), t.state(round + 1, labeled));
        }
        assert.equal(new Set(labeled).size, labeled.length, 'a row was picked twice');
        return { rows, weights: sel.weights!() };
      } finally {
        await sel.dispose();
      }
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b);
  });

  test('the choice changes with the regime: typicality at cold start, class-balance when skewed, margin when refining', async () => {
    const t = task(5);
    // The skewed regime switched on (it is off by default: context.ts REGIME_THRESHOLDS).
    const opts = { batch: 10, prior: 'none', priorStrength: 100, regimeHeadStart: 0.25, regimeThresholds: SKEWED_AT_HALF } as const;
    const share = async (labeled: number[]): Promise<{ weights: Record<string, number>; regime: string; why: string; armReason: string }> => {
      const sel = await createMetaSelector(opts);
      const picks = await sel.select(t.state(1, labeled), 10);
      const choice = sel.choiceOf(picks[0].row)!;
      // The pick carries the same regime text, and why its arm was chosen, for the panel's why.
      assert.equal(picks[0].regime, choice.regimeText);
      return { weights: sel.weights!(), regime: sel.context()!.regime, why: choice.regimeText, armReason: picks.find((p) => p.strategy === 'typicality')?.armReason ?? '' };
    };
    // 9 labels over 3 classes: 3 per class, cold start.
    const cold = await share(first.slice(0, 9));
    assert.equal(cold.regime, 'cold-start');
    assert.match(cold.why, /^cold start: 3\.0 labels per class/);
    assert.match(cold.armReason, /^typicality is favoured here: while labels per class are few/);
    assert.ok(cold.weights.typicality >= 0.8, JSON.stringify(cold.weights));
    // 150 balanced labels: 50 per class, refining; margin.
    const refining = await share(Array.from({ length: 150 }, (_, i) => i));
    assert.equal(refining.regime, 'refining');
    assert.ok(refining.weights.margin >= 0.8, JSON.stringify(refining.weights));
    // 150 labels, 140 of class 0 (rows 3i) and 5 each of classes 1 and 2: skewed.
    const skewedRows = [...Array.from({ length: 140 }, (_, i) => 3 * i), 1, 4, 7, 10, 13, 2, 5, 8, 11, 14];
    const skewed = await share(skewedRows);
    assert.equal(skewed.regime, 'skewed');
    assert.ok(skewed.weights['class-balance'] >= 0.8, JSON.stringify(skewed.weights));
    // Without the new arms registered, random stands for representative picks at cold start.
    const old = await createMetaSelector({ ...opts, strategies: allStrategies().filter((s) => !['typicality', 'coverage', 'class-balance'].includes(s.name)) });
    await old.select(t.state(1, first.slice(0, 9)), 10);
    assert.ok(old.weights!().random >= 0.8, JSON.stringify(old.weights!()));
  });

  test('an unclustered pool turns the cold start from typicality to coverage, and the why says so', async () => {
    const t = task(5);
    const opts = { batch: 10, prior: 'none', priorStrength: 100 } as const;
    const cold = async (unclusteredSilhouette: number) => {
      const sel = await createMetaSelector({ ...opts, unclusteredSilhouette });
      const picks = await sel.select(t.state(1, first.slice(0, 9)), 10);
      return { weights: sel.weights!(), why: picks[0].regime ?? '', reason: picks.find((p) => p.strategy === 'coverage')?.armReason ?? '' };
    };
    const s = poolSilhouette(t.X);
    assert.ok(s > 0 && s < 1, String(s));
    // Above the pool's silhouette: coverage is favoured, and the regime's words name the silhouette.
    const swapped = await cold(Math.min(1, s + 0.05));
    assert.ok(swapped.weights.coverage >= 0.8, JSON.stringify(swapped.weights));
    assert.match(swapped.why, new RegExp(`^cold start: 3\\.0 labels per class.* — the pool has no clear clusters \\(silhouette ${s.toFixed(2)} < ${Math.min(1, s + 0.05).toFixed(2)}\\)`));
    assert.match(swapped.reason, /^coverage is favoured here/);
    // At or below it (and off, 0): typicality, with the regime's words unchanged.
    for (const threshold of [Math.max(0, s - 0.05), 0]) {
      const kept = await cold(threshold);
      assert.ok(kept.weights.typicality >= 0.8, JSON.stringify(kept.weights));
      assert.doesNotMatch(kept.why, /no clear clusters/);
    }
    // Refining is untouched whatever the pool.
    const sel = await createMetaSelector({ ...opts, unclusteredSilhouette: 1 });
    await sel.select(t.state(1, Array.from({ length: 150 }, (_, i) => i)), 10);
    assert.ok(sel.weights!().margin >= 0.8, JSON.stringify(sel.weights!()));
  });

  test('refuses a silhouette threshold outside [0, 1], naming the setting', async () => {
    for (const bad of [-0.1, 1.5, Number.NaN]) {
      await assert.rejects(createMetaSelector({ batch: 10, prior: 'none', unclusteredSilhouette: bad }), (e: unknown) => e instanceof SettingError && e.setting === 'unclusteredSilhouette');
    }
  });

  test('the cold start ends for good once a cold-start batch was predicted right more often than the model\'s confidence', async () => {
    const t = task(7);
    // 9 labels over 3 classes: 3 per class, cold start (below 4) by the count, in both rounds below.
    const labeled = first.slice(0, 9);
    /** Regime of round 2 after round 1's two picks were answered by `answer` (from the class the model gave each pick). */
    const secondRegime = async (spentOption: boolean, answer: (pred: number) => number): Promise<string> => {
      const sel = await createMetaSelector({ batch: 10, prior: 'none', coldStartEndsWhenSpent: spentOption });
      const state = t.state(1, labeled);
      const picks = await sel.select(state, 2);
      assert.equal(sel.context()!.regime, 'cold-start');
      assert.ok(sel.context()!.context.confidence < 1);
      const predOf = (row: number): number => [0, 1, 2].reduce((a, k) => (state.poolProbs[row * 3 + k] > state.poolProbs[row * 3 + a] ? k : a), 0);
      await sel.feedback!(picks, Int32Array.from(picks, (p) => answer(predOf(p.row))), state);
      await sel.select(t.state(2, labeled), 2);
      return sel.context()!.regime;
    };
    // Right on 2 of 2 = 1 > the model's mean confidence (< 1): spent, the cold start is over.
    assert.notEqual(await secondRegime(true, (pred) => pred), 'cold-start');
    // Right on 0 of 2: the typical picks still teach; the cold start goes on.
    assert.equal(await secondRegime(true, (pred) => (pred + 1) % 3), 'cold-start');
    // Without the option only the count ends it.
    assert.equal(await secondRegime(false, (pred) => pred), 'cold-start');
  });

  test('rewards reach the arms of a round only after its window of later labels, in that round\'s regime', async () => {
    const t = task(6);
    const sel = await createMetaSelector({ batch: 10, prior: 'none', window: 2 });
    const labeled = Array.from({ length: 150 }, (_, i) => i);
    const pulls = (): number => Object.values(sel.armPulls('refining')).reduce((a, b) => a + b, 0);
    for (let round = 1; round <= 3; round++) {
      const picks = await sel.select(t.state(round, labeled), 10);
      labeled.push(...picks.map((p) => p.row));
      await sel.feedback!(picks, Int32Array.from(picks, (p) => t.y[p.row]), t.state(round + 1, labeled));
      if (round < 3) assert.equal(pulls(), 0, `round ${round}`);
    }
    // Round 1's ten picks are rewarded once rounds 2 and 3 came back: one pull each, not decayed yet.
    assert.ok(Math.abs(pulls() - 10) < 1e-9, String(pulls()));
    assert.equal(Object.values(sel.armPulls('cold-start')).reduce((a, b) => a + b, 0), 0);
  });

  test('without a prior every pick still has an arm, and weights are the batch\'s shares', async () => {
    const t = task(3);
    const sel = await createMetaSelector({ batch: 5, prior: 'none' });
    assert.equal(sel.priorFile, undefined);
    const picks = await sel.select(t.state(1, first), 5);
    assert.equal(picks.length, 5);
    const w = sel.weights!();
    for (const p of picks) assert.ok(w[p.strategy] > 0);
    assert.ok(Math.abs(Object.values(w).reduce((a, b) => a + b, 0) - 1) < 1e-9);
  });

  test('a pool smaller than the batch gives what is left', async () => {
    const t = task(4);
    const all = Array.from({ length: 297 }, (_, i) => i);
    const sel = await createMetaSelector({ batch: 10, prior: 'none' });
    const picks = await sel.select(t.state(1, all), 10);
    assert.deepEqual(picks.map((p) => p.row).sort((a, b) => a - b), [297, 298, 299]);
  });

  test('picks the prior held out from the dataset being simulated', () => {
    assert.equal(choosePriorFile({ dataset: 'toy' }, dir), join(dir, 'prior-without-toy.json'));
    assert.equal(choosePriorFile({ dataset: 'other' }, dir), join(dir, 'prior.json'));
    assert.equal(choosePriorFile({ dataset: 'toy', prior: 'none' }, dir), undefined);
    assert.throws(() => choosePriorFile({ dataset: 'other', requireHeldOut: true }, dir), ModelError.is);
    // The fixture default lists "synthetic" as a training source: it may not be used on it.
    assert.throws(() => choosePriorFile({ dataset: 'synthetic' }, dir), (e: unknown) => ModelError.is(e) && /trained on "synthetic"/.test(e.message));
  });

  test('bad options are errors naming the setting', async () => {
    await assert.rejects(createMetaSelector({ batch: 0, prior: 'none' }), (e: unknown) => SettingError.is(e) && e.setting === 'batch');
    await assert.rejects(createMetaSelector({ batch: 5, prior: 'none', decay: 0 }), (e: unknown) => SettingError.is(e) && e.setting === 'decay');
    await assert.rejects(createMetaSelector({ batch: 5, prior: 'none', priorStrength: -1 }), (e: unknown) => SettingError.is(e) && e.setting === 'priorStrength');
    await assert.rejects(createMetaSelector({ batch: 5, prior: join(dir, 'missing.json') }), /missing\.json/);
  });
});
