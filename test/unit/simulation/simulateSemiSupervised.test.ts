import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulate, type SimulateOptions } from '../../../src/core/simulation/simulate';
import { syntheticDataset } from './synthetic';

const { data, vectors } = syntheticDataset();
const base: SimulateOptions = { data, vectors, strategy: 'margin', seed: 1, init: 10, batch: 5, budget: 30, testFraction: 0.3 };

// simulate() is deterministic per seed: identical curves would mean the option never reached the learner.
test('simulate passes semiSupervised to its learner, deterministically', async () => {
  const curve = async (o: SimulateOptions): Promise<number[]> => (await simulate(o)).curve.map((c) => c.accuracy);
  const off = await curve(base);
  for (const semiSupervised of [{ method: 'self-training', threshold: 0.5 }, { method: 'propagation', threshold: 0.5 }] as const) {
    const on = await curve({ ...base, semiSupervised });
    assert.notDeepEqual(on, off, `${semiSupervised.method} changed nothing`);
    assert.deepEqual(await curve({ ...base, semiSupervised }), on);
  }
});
