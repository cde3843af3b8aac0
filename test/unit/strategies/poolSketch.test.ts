import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../../src/core/learners/rng';
import { distanceSpace, SKETCH_DIMS, sketchOf } from '../../../src/core/strategies/poolSketch';
import { rowDistanceSq } from '../../../src/core/strategies/vectorDistance';
import type { Matrix } from '../../../src/core/types';

function gaussianPool(seed: number, n: number, d: number): Matrix {
  const rng = createRng(seed);
  const data = Float32Array.from({ length: n * d }, () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()));
  return { rows: n, cols: d, data };
}

describe('the distance space of typicality and coverage', () => {
  test('narrow vectors are used as they are', () => {
    const X = gaussianPool(1, 10, SKETCH_DIMS);
    assert.equal(distanceSpace(X), X);
  });

  test('wide vectors are projected once per pool, the same way every time', () => {
    const X = gaussianPool(2, 300, 300);
    const s = distanceSpace(X) as Matrix;
    assert.equal(s.cols, SKETCH_DIMS);
    assert.equal(s.rows, 300);
    assert.equal(distanceSpace(X), s, 'cached');
    assert.deepEqual(sketchOf({ ...X }).data, s.data, 'deterministic');
    assert.notDeepEqual((distanceSpace(gaussianPool(3, 300, 300)) as Matrix).data, s.data);
  });

  test('the projection keeps squared distances on average (Johnson–Lindenstrauss)', () => {
    const X = gaussianPool(4, 400, 300);
    const s = distanceSpace(X);
    let ratio = 0;
    let worst = 0;
    const pairs = 300;
    for (let i = 0; i < pairs; i++) {
      const a = i;
      const b = (i * 7 + 13) % 400;
      if (a === b) continue;
      const r = rowDistanceSq(s, a, b) / rowDistanceSq(X, a, b);
      ratio += r / pairs;
      worst = Math.max(worst, Math.abs(Math.log(r)));
    }
    // Expected ratio 1, each pair within a factor ~1.5 (√(2/64) ≈ 0.18 relative sd).
    assert.ok(Math.abs(ratio - 1) < 0.05, `mean ratio ${ratio}`);
    assert.ok(worst < Math.log(2), `worst pair off by ×${Math.exp(worst).toFixed(2)}`);
  });
});
