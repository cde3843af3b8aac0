import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../../src/core/learners/rng';
import { poolSilhouette, silhouetteOf } from '../../../src/core/meta/clusterability';
import type { Matrix } from '../../../src/core/types';

const matrix = (cols: number, values: number[]): Matrix => ({ rows: values.length / cols, cols, data: Float32Array.from(values) });
const clustering = (assign: number[], clusters: number) => ({
  clusters,
  assign: Int32Array.from(assign),
  size: Int32Array.from({ length: clusters }, (_, c) => assign.filter((a) => a === c).length),
  typicality: new Float64Array(assign.length),
});

/** n rows in d dimensions around `groups` random centres (uniform, `spread` wide on each axis), noise of sd 0.5 on each axis. */
function groups(n: number, d: number, g: number, spread: number, seed: number): Matrix {
  const rng = createRng(seed);
  const centres = Float32Array.from({ length: g * d }, () => spread * (rng() - 0.5));
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = centres[(i % g) * d + j] + (rng() + rng() + rng() - 1.5);
  return { rows: n, cols: d, data };
}

describe('pool silhouette', () => {
  test('is the mean of (b − a) / max(a, b) against the clusters\' centres (hand-computed)', () => {
    // Cluster 0 = {0, 2} (centre 1), cluster 1 = {10} (centre 10).
    // Row 0: a = 1, b = 10 → 0.9. Row 2: a = 1, b = 8 → 0.875. Row 10: a = 0, b = 9 → 1.
    const s = silhouetteOf(matrix(1, [0, 2, 10]), clustering([0, 0, 1], 2));
    assert.ok(Math.abs(s - (0.9 + 0.875 + 1) / 3) < 1e-12, String(s));
    // In 2-d: clusters {(0,0), (0,2)} (centre (0,1)) and {(3,1)} (centre (3,1)): a = 1, b = √10 for both rows of 0; row 3: a = 0 → 1.
    const two = silhouetteOf(matrix(2, [0, 0, 0, 2, 3, 1]), clustering([0, 0, 1], 2));
    const r = (Math.sqrt(10) - 1) / Math.sqrt(10);
    assert.ok(Math.abs(two - (2 * r + 1) / 3) < 1e-6, String(two));
  });

  test('is 0 with fewer than two non-empty clusters', () => {
    assert.equal(silhouetteOf(matrix(1, [0, 1, 2]), clustering([0, 0, 0], 1)), 0);
    assert.equal(silhouetteOf(matrix(1, [0, 1, 2]), clustering([1, 1, 1], 3)), 0);
  });

  test('samples every k-th row of a large pool', () => {
    // Rows alternate between two far groups; sampling every 2nd row sees only group 0's rows, whose silhouette is the same.
    const values = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? i * 0.01 : 100 + i * 0.01));
    const all = silhouetteOf(matrix(1, values), clustering(values.map((_, i) => i % 2), 2));
    const sampled = silhouetteOf(matrix(1, values), clustering(values.map((_, i) => i % 2), 2), 4);
    assert.ok(all > 0.99 && sampled > 0.99);
  });

  test('tight groups score far above one cloud cut into clusters, on the typicality arm\'s own clustering', () => {
    // 600 rows in 64-d (the distance space's width): 30 k-means clusters over 40 groups, or over one cloud.
    const tight = poolSilhouette(groups(600, 64, 40, 8, 1));
    const cloud = poolSilhouette(groups(600, 64, 40, 0, 1));
    assert.ok(tight > 0.5, `tight groups: ${tight}`);
    assert.ok(cloud < 0.1, `one cloud: ${cloud}`);
  });

  test('is computed once per pool Matrix', () => {
    const X = groups(300, 16, 10, 4, 2);
    assert.equal(poolSilhouette(X), poolSilhouette(X));
  });
});
