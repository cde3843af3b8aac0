import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attach, buildKnnGraph, knnGraphOf, sampleRows, topK, type KnnGraph } from '../../../src/core/learners/knnGraph';
import { productOfExperts, spreadLabels } from '../../../src/core/learners/labelPropagation';
import { ModelWithCommittee } from '../../../src/core/learners/modelWithCommittee';
import { propagationSettings } from '../../../src/core/learners/selfTraining';
import { SettingError } from '../../../src/core/errors';
import type { Matrix } from '../../../src/core/types';

/**
 * Unit vectors at 0°, 10°, 90°, 100°, 180°, 190°, 270°, 280°: the set maps onto itself under a
 * 90° turn, so both columns have mean 0 and the same spread, and standardising keeps every cosine.
 */
const angles = [0, 10, 90, 100, 180, 190, 270, 280];
const circle: Matrix = { rows: 8, cols: 2, data: Float32Array.from(angles.flatMap((a) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)])) };

/** A hand-made graph: node i's neighbour lists as given (k = the longest list). */
function graphOf(lists: number[][], weights: number[][]): KnnGraph {
  const k = Math.max(...lists.map((l) => l.length));
  const n = lists.length;
  const neighbours = new Int32Array(n * k).fill(-1);
  const w = new Float32Array(n * k);
  lists.forEach((l, i) => l.forEach((j, t) => ((neighbours[i * k + t] = j), (w[i * k + t] = weights[i][t]))));
  const nodes = Int32Array.from({ length: n }, (_, i) => i);
  return { nodes, neighbours, weights: w, k, nodeOf: nodes, unit: new Float32Array(0), unitRow: () => new Float32Array(0) };
}

describe('topK', () => {
  test('the k largest, largest first, ties to the lower index, similarities clipped at 0', () => {
    const sims = Float32Array.from([0.1, 0.9, 0.5, 0.9, -0.2, -Infinity]);
    const idx = new Int32Array(5);
    const val = new Float32Array(5);
    topK(sims, 3, idx, val, 0);
    assert.deepEqual([...idx.subarray(0, 3)], [1, 3, 2]);
    assert.deepEqual([...val.subarray(0, 3)].map((v) => +v.toFixed(4)), [0.9, 0.9, 0.5]);
    topK(sims, 5, idx, val, 0);
    assert.deepEqual([...idx], [1, 3, 2, 0, 4]);
    assert.equal(val[4], 0, 'a negative cosine is no similarity');
  });
});

describe('buildKnnGraph', () => {
  test('nearest by the cosine of the standardised vectors', () => {
    const g = buildKnnGraph(circle, sampleRows(8, 100, 1), 2);
    // 0° → 10° (cos 10°), then 280° (cos 80° = 0.174) before 90° (cos 90° = 0).
    assert.deepEqual([...g.neighbours.subarray(0, 2)], [1, 7]);
    assert.ok(Math.abs(g.weights[0] - Math.cos(Math.PI / 18)) < 1e-5);
    assert.ok(Math.abs(g.weights[1] - Math.cos((8 * Math.PI) / 18)) < 1e-5);
    // 100° → 90° (10° away), then 180° (80° away), not 10° or 190° (90° away).
    assert.deepEqual([...g.neighbours.subarray(3 * 2, 3 * 2 + 2)], [2, 4]);
  });

  test('each pair scored once: the same graph (and attach()) as scoring every row against every other and keeping its topK, ties and all', () => {
    // 37 rows (not a multiple of the 4 pairs scored at a time) × 5 columns of small integers, with
    // repeated rows, so that many similarities tie exactly.
    let state = 7;
    const next = (): number => ((state = (state * 1103515245 + 12345) % 2147483648) >> 16) % 5;
    const base = Array.from({ length: 12 }, () => Array.from({ length: 5 }, () => next() - 2));
    const rows = Array.from({ length: 37 }, (_, i) => base[(i * 7) % 12].map((v, j) => (i % 3 === 0 ? v : v + ((i + j) % 2))));
    const X: Matrix = { rows: 37, cols: 5, data: Float32Array.from(rows.flat()) };
    const nodes = sampleRows(37, 100, 1);
    for (const k of [1, 4, 10, 36]) {
      const g = buildKnnGraph(X, nodes, k);
      // The reference: every row against every other, the similarities as float32, topK per row.
      const n = 37;
      const d = 5;
      const idx = new Int32Array(n * k).fill(-1);
      const val = new Float32Array(n * k);
      const sims = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        for (let r = 0; r < n; r++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += g.unit[i * d + j] * g.unit[r * d + j];
          sims[r] = s;
        }
        sims[i] = -Infinity;
        topK(sims, k, idx, val, i * k);
      }
      assert.deepEqual([...g.neighbours], [...idx], `k = ${k}`);
      assert.deepEqual([...g.weights], [...val], `k = ${k}`);
    }
    // attach(): a row outside a sample of 21 nodes against every node, topK.
    const some = Int32Array.from({ length: 21 }, (_, i) => i * 1 + (i > 10 ? 5 : 0));
    for (const k of [3, 20]) {
      const g = buildKnnGraph(X, some, k);
      for (const row of [11, 12, 13, 36]) {
        const u = g.unitRow(row);
        const sims = Float32Array.from({ length: some.length }, (_, i) => {
          let s = 0;
          for (let j = 0; j < 5; j++) s += u[j] * g.unit[i * 5 + j];
          return s;
        });
        const idx = new Int32Array(k);
        const val = new Float32Array(k);
        topK(sims, k, idx, val, 0);
        const got = attach(g, row);
        assert.deepEqual([...got.nodes], [...idx], `attach row ${row}, k = ${k}`);
        assert.deepEqual([...got.weights], [...val], `attach row ${row}, k = ${k}`);
      }
    }
    const ties = buildKnnGraph(X, nodes, 36);
    assert.ok([...ties.weights].some((w, t) => t % 36 > 0 && w === ties.weights[t - 1]), 'the data has ties');
    assert.equal(buildKnnGraph(X, Int32Array.from([3]), 5).k, 0, 'one node: no neighbours');
  });

  test('a row outside the sample attaches to its nearest sample nodes; the graph is cached per matrix', () => {
    const nodes = Int32Array.from([0, 2, 4, 6]); // 0°, 90°, 180°, 270°
    const g = buildKnnGraph(circle, nodes, 2);
    assert.equal(g.nodeOf[1], -1);
    const near = attach(g, 7); // 280°: nearest 270° (node 3), then 0° (node 0)
    assert.deepEqual([...near.nodes], [3, 0]);
    const a = knnGraphOf(circle, 2, 100, 1);
    assert.equal(knnGraphOf(circle, 2, 100, 1), a);
    assert.notEqual(knnGraphOf(circle, 3, 100, 1), a);
    assert.equal(sampleRows(1000, 10, 3).length, 10);
    assert.deepEqual([...sampleRows(1000, 10, 3)], [...sampleRows(1000, 10, 3)]);
  });
});

describe('spreadLabels', () => {
  test('one step on the path 0 — 1 — 2, hand-computed', () => {
    // kNN lists: 0 → 1, 1 → 0, 2 → 1, all weight 1. Symmetrised: W01 = 2, W12 = 1; degrees 2, 3, 1;
    // S10 = 2/√6, S12 = 1/√3. Seeds: node 0 class 0, node 2 class 1. After one step node 1 holds
    // α·(2/√6, 1/√3), i.e. (0.5858, 0.4142) once normalised.
    const g = graphOf([[1], [0], [1]], [[1], [1], [1]]);
    const F = spreadLabels(g, [{ node: 0, cls: 0, weight: 1 }, { node: 2, cls: 1, weight: 1 }], 2, 0.9, 1);
    const a = 2 / Math.sqrt(6);
    const b = 1 / Math.sqrt(3);
    assert.ok(Math.abs(F[2] - a / (a + b)) < 1e-9);
    assert.ok(Math.abs(F[3] - b / (a + b)) < 1e-9);
  });

  test('labels reach their own component only; a node no label reaches is uniform', () => {
    const g = graphOf([[1], [0], [3], [2], []], [[1], [1], [1], [1], []]);
    const F = spreadLabels(g, [{ node: 0, cls: 0, weight: 1 }, { node: 3, cls: 2, weight: 1 }], 3);
    assert.deepEqual([...F.subarray(3, 6)], [1, 0, 0]);
    assert.deepEqual([...F.subarray(6, 9)], [0, 0, 1]);
    assert.deepEqual([...F.subarray(12, 15)], [1 / 3, 1 / 3, 1 / 3]);
  });
});

describe('productOfExperts', () => {
  test('agreement is confident, disagreement is not', () => {
    const p = productOfExperts([0.8, 0.2, 0.6, 0.4], [0.5, 0.5, 0.2, 0.8], 2, 2);
    assert.ok(Math.abs(p[0] - 0.8) < 1e-6);
    assert.ok(Math.abs(p[2] - 0.12 / 0.44) < 1e-6);
  });
});

describe('ModelWithCommittee with propagation', () => {
  test('pseudo-labels where the graph and the model agree; settings checked', () => {
    // Two clusters on the circle: 0°, 10°, 280° … labeled 0° → class 0 and 180° → class 1.
    const m = new ModelWithCommittee(circle, { classes: 2, seed: 1, committeeSize: 3, semiSupervised: { method: 'propagation', threshold: 0.5, ratio: 1, k: 2 } });
    m.fit(Int32Array.from([0, 4]), Int32Array.from([0, 1]));
    // 10° is the nearest neighbour of 0° and 190° of 180°: each is its cluster's most confident.
    assert.deepEqual([...m.lastPseudo.rows], [1, 5]);
    assert.deepEqual([...m.lastPseudo.y], [0, 1]);
    assert.throws(() => propagationSettings({ method: 'propagation', alpha: 1 }), SettingError);
    assert.throws(() => propagationSettings({ method: 'propagation', k: 0 }), SettingError);
  });
});
