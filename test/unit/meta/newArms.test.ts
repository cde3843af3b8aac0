import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createRng } from '../../../src/core/learners/rng';
import { ModelWithCommittee } from '../../../src/core/learners/modelWithCommittee';
import { createMetaSelector } from '../../../src/core/meta/metaSelector';
import type { PriorJson } from '../../../src/core/meta/prior';
import { STRATEGY_NAMES } from '../../../src/core/strategies/strategy';
import { buildFixturePriors, randomPrior } from './fixturePrior';

/**
 * The strategies the shipped priors were trained on: before typicality, coverage and class-balance,
 * and with kl, since dropped from the registry.
 */
const OLD = ['random', 'least-confidence', 'margin', 'entropy', 'vote-entropy', 'kl', 'egl'];

/** A prior whose outputs are the old strategies (its last layer cut or repeated to their number). */
function oldPrior(seed: number): PriorJson {
  const p = randomPrior(seed);
  const last = p.layers[p.layers.length - 1];
  const keep = OLD.map((_, i) => i % last.weight.length);
  return {
    ...p,
    strategies: OLD,
    layers: [...p.layers.slice(0, -1), { ...last, weight: keep.map((i) => last.weight[i]), bias: keep.map((i) => last.bias[i] + i / 10) }],
  };
}

const dir = buildFixturePriors({ prior: oldPrior(21) });
after(() => rmSync(dir, { recursive: true, force: true }));

describe('meta-learner with arms its prior does not know', () => {
  test('mixes every registered strategy; unknown ones get the mean of the known gains; retired ones are ignored', async () => {
    const rng = createRng(3);
    const n = 300;
    const d = 6;
    const data = new Float32Array(n * d);
    const y = Int32Array.from({ length: n }, (_, i) => i % 3);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = (j === y[i] ? 1.5 : 0) + rng() - 0.5;
    const X = { rows: n, cols: d, data };
    const model = new ModelWithCommittee(X, { classes: 3, seed: 3, committeeSize: 3 });
    const labeled = Int32Array.from({ length: 15 }, (_, i) => i);
    const labels = Int32Array.from(labeled, (r) => y[r]);
    model.fit(labeled, labels);
    const state = model.poolState(Int32Array.from({ length: n - 15 }, (_, i) => i + 15), labeled, labels, 1, createRng(4));
    // The prior's gains are read but do not move the means (scale 0), and no regime head start: every arm can win a draw.
    const sel = await createMetaSelector({ batch: 10, budget: 100, prior: join(dir, 'prior.json'), priorStrength: 0.5, priorScale: 0, regimeHeadStart: 0 });
    try {
      const picks = await sel.select(state, 10);
      assert.equal(new Set(picks.map((p) => p.row)).size, 10);
      assert.deepEqual(Object.keys(sel.weights!()).sort(), [...STRATEGY_NAMES].sort());
      const g = sel.priorGains();
      assert.equal(g.kl, undefined);
      const known = OLD.filter((k) => (STRATEGY_NAMES as readonly string[]).includes(k));
      assert.equal(known.length, 6);
      const mean = known.reduce((s, k) => s + g[k], 0) / known.length;
      for (const k of ['typicality', 'coverage', 'class-balance']) assert.ok(Math.abs(g[k] - mean) < 1e-6, `${k}: ${g[k]} vs mean ${mean}`);
      // Gains are centred over the known strategies: their mean is 0, as is an unknown arm's gain.
      assert.ok(Math.abs(mean) < 1e-6, String(mean));
      assert.ok(new Set(picks.map((p) => p.strategy)).size >= 3, JSON.stringify(picks.map((p) => p.strategy)));
    } finally {
      await sel.dispose();
    }
  });
});
