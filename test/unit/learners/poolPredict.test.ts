import { committeeViewOf } from '../strategies/state';
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ModelWithCommittee } from '../../../src/core/learners/modelWithCommittee';
import { predictPool } from '../../../src/core/learners/poolPredict';
import { predictStacked, SoftmaxRegression } from '../../../src/core/learners/softmax';
import { createRng } from '../../../src/core/learners/rng';
import { releaseStackedSoftmax, runStackedSoftmax } from '../../../src/core/runtime/stackedSoftmax';
import { createFixedSelector } from '../../../src/core/strategies/fixedSelector';
import { allStrategies } from '../../../src/core/strategies/registry';
import type { PoolState } from '../../../src/core/strategies/strategy';
import { blobs, range } from './helpers';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

after(() => releaseStackedSoftmax());

describe('the pool pass through ONNX Runtime', () => {
  // 7 classes × 500 rows × 64 dims: 224,000 cells, above the size where predictPool leaves JavaScript.
  const { X, y } = blobs(7, 500, 64, 2.5, 13);

  test('the Gemm + Softmax graph computes the softmax of X·W + b per group of K', async () => {
    const d = X.cols;
    const G = 2;
    const K = 3;
    const M = G * K;
    const Wt = Float32Array.from({ length: d * M }, (_, i) => Math.sin(i) * 0.1);
    const bias = Float32Array.from({ length: M }, (_, c) => c - 2);
    const P = await runStackedSoftmax({ X, Wt, bias, groups: G, classes: K });
    assert.equal(P.length, X.rows * M);
    for (const i of [0, 1, 1234, X.rows - 1]) {
      for (let g = 0; g < G; g++) {
        const z = Array.from({ length: K }, (_, k) => {
          let s = bias[g * K + k];
          for (let j = 0; j < d; j++) s += X.data[i * d + j] * Wt[j * M + g * K + k];
          return s;
        });
        const e = z.map((v) => Math.exp(v - Math.max(...z)));
        const sum = e.reduce((a, b) => a + b, 0);
        for (let k = 0; k < K; k++) assert.ok(Math.abs(P[(g * X.rows + i) * K + k] - e[k] / sum) < 1e-5, `row ${i} group ${g} class ${k}`);
      }
    }
  });

  test('main model + committee: the same probabilities as the JavaScript pass, within 1e-5', async () => {
    const model = new ModelWithCommittee(X, { classes: 7, seed: 5 });
    const rows = Int32Array.from({ length: 140 }, (_, i) => i * 25);
    model.fit(rows, Int32Array.from(rows, (r) => y[r]));
    const { probs, committee } = await model.scorePool();
    const js = predictStacked([model.main, ...model.committee.members], X);
    assert.equal(committee.size, 5);
    assert.ok(maxAbsDiff(probs, js[0]) < 1e-5, 'main model');
    // The committee's summary, streamed from ONNX Runtime's chunks, against the one from the JavaScript pass.
    const jsView = committeeViewOf(js.slice(1), 7);
    assert.ok(maxAbsDiff(committee.voteEntropy, jsView.voteEntropy) < 1e-4, 'vote entropy');
    // In chunks of rows (the last one partial): the very same numbers.
    const members = await predictPool(model.committee.members, X);
    const chunked = await predictPool([model.main, ...model.committee.members], X, 1000);
    assert.deepEqual(chunked, [probs, ...members]);
    // What the engine used to compute: main.predictProba and memberProba.
    assert.ok(maxAbsDiff(probs, model.main.predictProba(X)) < 1e-5);
    // The argmax (the label a user is shown) is the same on every row where it is not a near tie.
    let disagreements = 0;
    for (let i = 0; i < X.rows; i++) {
      const a = probs.subarray(i * 7, (i + 1) * 7);
      const b = js[0].subarray(i * 7, (i + 1) * 7);
      if (a.indexOf(Math.max(...a)) !== b.indexOf(Math.max(...b))) disagreements++;
    }
    assert.equal(disagreements, 0);
  });

  test("every strategy picks the same batch on the ONNX Runtime pass as on the JavaScript one (seeded)", async () => {
    const model = new ModelWithCommittee(X, { classes: 7, seed: 9 });
    const labeled = Int32Array.from({ length: 70 }, (_, i) => i * 50);
    const labels = Int32Array.from(labeled, (r) => y[r]);
    model.fit(labeled, labels);
    const isLabeled = new Uint8Array(X.rows);
    for (const r of labeled) isLabeled[r] = 1;
    const unlabeled = Int32Array.from(range(X.rows).filter((r) => !isLabeled[r]));
    const js = model.poolState(unlabeled, labeled, labels, 1, createRng(1));
    const { probs, committee } = await model.scorePool();
    const ort: PoolState = { ...js, poolProbs: probs, committee };
    for (const strategy of allStrategies()) {
      for (const diversity of [false, true]) {
        const sel = createFixedSelector(strategy, { diversity });
        const a = await sel.select({ ...js, rng: createRng(3) }, 10);
        const b = await sel.select({ ...ort, rng: createRng(3) }, 10);
        assert.deepEqual(b.map((p) => p.row), a.map((p) => p.row), `${strategy.name}${diversity ? ' (diverse)' : ''}`);
      }
    }
  });

  test('a small pool stays in JavaScript: exactly predictStacked', async () => {
    const small = blobs(3, 20, 5, 1, 3);
    const m = new SoftmaxRegression({ classes: 3 });
    m.fit(small.X, range(60), small.y);
    const [p] = await predictPool([m], small.X);
    assert.deepEqual(p, predictStacked([m], small.X)[0]);
  });
});
