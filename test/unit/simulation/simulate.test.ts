import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { simulate, type SimulateOptions, type SimulationResult } from '../../../src/core/simulation/simulate';
import { InputError, SettingError } from '../../../src/core/errors';
import { createFixedSelector } from '../../../src/core/strategies/fixedSelector';
import { randomStrategy } from '../../../src/core/strategies/random';
import type { BatchSelector, Pick } from '../../../src/core/strategies/strategy';
import type { Logger } from '../../../src/core/types';
import { syntheticDataset } from './synthetic';

const { data, vectors } = syntheticDataset();
const base: SimulateOptions = { data, vectors, strategy: 'margin', seed: 1, init: 10, batch: 5, budget: 40, testFraction: 0.3 };
const strip = (r: SimulationResult): Omit<SimulationResult, 'seconds'> => {
  const { seconds: _s, ...rest } = r;
  return rest;
};

describe('simulate', () => {
  test('produces the contract JSON: curve from init to budget, aulc, fullData', async () => {
    const r = await simulate(base);
    assert.deepEqual(Object.keys(r), ['dataset', 'task', 'strategy', 'seed', 'init', 'batch', 'budget', 'pool', 'test', 'curve', 'aulc', 'fullData', 'seconds']);
    assert.equal(r.dataset, 'synthetic');
    assert.equal(r.task, 'classify');
    assert.equal(r.pool + r.test, 180);
    assert.equal(r.test, 54);
    assert.deepEqual(r.curve.map((c) => c.labels), [10, 15, 20, 25, 30, 35, 40]);
    assert.equal(r.curve[0].chosen, null);
    for (const c of r.curve.slice(1)) assert.deepEqual(c.chosen, { margin: 5 });
    for (const c of r.curve) assert.ok(c.accuracy >= 0 && c.accuracy <= 1 && c.macroF1 >= 0 && c.macroF1 <= 1);
    assert.ok(r.aulc > 0.5, `aulc ${r.aulc}`);
    assert.ok(r.fullData.accuracy >= 0.6);
  });

  test('every strategy runs and is deterministic per seed', async () => {
    for (const strategy of ['random', 'least-confidence', 'margin', 'entropy', 'vote-entropy', 'egl'] as const) {
      const a = await simulate({ ...base, strategy });
      const b = await simulate({ ...base, strategy });
      assert.deepEqual(strip(a), strip(b), strategy);
    }
    const c = await simulate({ ...base, strategy: 'random', seed: 2 });
    assert.notDeepEqual(strip(c).curve, strip(await simulate({ ...base, strategy: 'random' })).curve);
  });

  test('a fixed split is used as given', async () => {
    const testIds = Array.from({ length: 30 }, (_, i) => i * 6);
    const initIds = [1, 2, 3, 4, 5, 7];
    const r = await simulate({ ...base, split: { testIds, initIds } });
    assert.equal(r.test, 30);
    assert.equal(r.pool, 150);
    assert.equal(r.init, 6);
    assert.equal(r.curve[0].labels, 6);
  });

  test('a budget larger than the pool stops at the pool with a message', async () => {
    const warnings: string[] = [];
    const logger: Logger = { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined };
    const r = await simulate({ ...base, budget: 1000, batch: 40, logger });
    assert.equal(r.curve[r.curve.length - 1].labels, r.pool);
    assert.equal(r.budget, 1000);
    assert.ok(warnings.some((w) => /budget 1000 is larger than the pool \(126 records\)/.test(w)), warnings.join('\n'));
  });

  test('bad inputs: a single class, vectors of the wrong count, spans, unknown strategy, bad numbers', async () => {
    const one = { ...data, classes: ['x'], records: data.records.map((r) => ({ ...r, label: 'x' })) };
    await assert.rejects(simulate({ ...base, data: one }), (e: unknown) => InputError.is(e) && /at least 2 classes/.test(e.message));
    await assert.rejects(
      simulate({ ...base, vectors: { rows: 10, cols: 8, data: new Float32Array(80) } }),
      (e: unknown) => InputError.is(e) && /10 rows but .* has 180 records/.test(e.message),
    );
    const spans = { ...data, task: 'spans' as const };
    await assert.rejects(simulate({ ...base, data: spans }), (e: unknown) => InputError.is(e) && /entity-span datasets .* use simulateSpans\(\)/.test(e.message));
    await assert.rejects(simulate({ ...base, batch: 0 }), SettingError);
    await assert.rejects(simulate({ ...base, init: 50, budget: 40 }), SettingError);
  });

  test('meta goes through the injected factory, whose feedback gets the picks and their gold labels', async () => {
    const seen: { picks: number; labels: number[] }[] = [];
    const factory = (): BatchSelector => {
      const inner = createFixedSelector(randomStrategy, { diversity: true });
      return {
        name: 'fake-meta',
        select: async (state, n): Promise<Pick[]> => (await inner.select(state, n)).map((p) => ({ ...p, strategy: 'margin' })),
        feedback: (picks, labels): void => {
          seen.push({ picks: picks.length, labels: [...labels] });
        },
      };
    };
    const r = await simulate({ ...base, strategy: 'meta', metaFactory: factory });
    assert.equal(r.strategy, 'meta');
    assert.deepEqual(r.curve[1].chosen, { margin: 5 });
    // Feedback arrives at the retrain after every batch, the last one included (as in the editor).
    assert.equal(seen.length, 6);
    for (const s of seen) {
      assert.equal(s.picks, 5);
      for (const l of s.labels) assert.ok(l >= 0 && l < 3);
    }
  });
});
