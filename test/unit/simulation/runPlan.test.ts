import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planRun, runHeader, type RunSettings } from '../../../src/core/simulation/runPlan';
import { InputError, SettingError } from '../../../src/core/errors';
import type { Logger } from '../../../src/core/types';
import { syntheticDataset } from './synthetic';

const { data } = syntheticDataset(2, 10, 1);
const strata = data.records.map((r) => (r.label === 'class0' ? 0 : 1));
const base: RunSettings = { data, seed: 3, init: 4, batch: 2, budget: 8, testFraction: 0.3 };
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('planRun: what classification and entity-span simulations start from', () => {
  test('a stratified split by seed, the pool in file order, init drawn from the pool; the header in the contract order', () => {
    const plan = planRun(base, strata, quiet);
    assert.equal(plan.name, 'synthetic');
    assert.equal(plan.testIds.length, 6);
    assert.deepEqual([...plan.poolIds, ...plan.testIds].sort((a, b) => a - b), [...Array(20).keys()]);
    assert.deepEqual([...plan.poolIds], [...plan.poolIds].sort((a, b) => a - b));
    assert.equal(plan.initPos.length, 4);
    for (const p of plan.initPos) assert.ok(p >= 0 && p < plan.poolIds.length);
    assert.deepEqual(planRun(base, strata, quiet), plan);
    assert.deepEqual(Object.keys(runHeader('classify', plan, { ...base, strategy: 'margin' })), ['dataset', 'task', 'strategy', 'seed', 'init', 'batch', 'budget', 'pool', 'test']);
  });

  test('a fixed split as given; initIds become pool rows; a budget past the pool is cut with a warning', () => {
    const warnings: string[] = [];
    const plan = planRun({ ...base, budget: 50, split: { testIds: [0, 1, 2, 3, 4], initIds: [5, 9] } }, strata, { ...quiet, warn: (m) => warnings.push(m) });
    assert.deepEqual(plan.testIds, [0, 1, 2, 3, 4]);
    assert.deepEqual(plan.initPos, [0, 4]);
    assert.equal(plan.budget, 15);
    assert.equal(runHeader('spans', plan, { ...base, budget: 50, strategy: 'meta' }).budget, 50, 'the result keeps the budget asked for');
    assert.match(warnings.join('\n'), /budget 50 is larger than the pool \(15 records\)/);
  });

  test('bad numbers name the flag; an empty pool or test split names the file', () => {
    assert.throws(() => planRun({ ...base, batch: 0 }, strata, quiet), (e: unknown) => e instanceof SettingError && /--batch must be an integer ≥ 1/.test(e.message));
    assert.throws(() => planRun({ ...base, init: 9 }, strata, quiet), (e: unknown) => e instanceof SettingError && /--init \(9\) is larger than --budget \(8\)/.test(e.message));
    assert.throws(() => planRun({ ...base, split: { testIds: [...Array(20).keys()] } }, strata, quiet), (e: unknown) => InputError.is(e) && /synthetic\.jsonl: the test split leaves no records/.test(e.message));
    assert.throws(() => planRun({ ...base, testFraction: 0 }, strata, quiet), (e: unknown) => InputError.is(e) && /the test split is empty/.test(e.message));
  });
});
