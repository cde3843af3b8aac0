import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { blockInto, denseOf, gatherRows, isCompact, quantise, quantiseRowInto, rowInto, roundHalfUp, vectorBytes } from '../../../src/core/features/compactVectors';
import { predictPool } from '../../../src/core/learners/poolPredict';
import { runStackedSoftmax } from '../../../src/core/runtime/stackedSoftmax';
import { createRng } from '../../../src/core/learners/rng';
import { predictStacked, SoftmaxRegression } from '../../../src/core/learners/softmax';
import { augmentedNorm } from '../../../src/core/strategies/augmentedNorm';
import { distanceSpace, SKETCH_DIMS, sketchOf } from '../../../src/core/strategies/poolSketch';
import { pointDistanceSq, rowDistanceSq, rowDistanceSqBelow } from '../../../src/core/strategies/vectorDistance';
import type { Matrix } from '../../../src/core/types';
import { blobs } from '../learners/helpers';

function gaussian(rows: number, cols: number, seed: number): Matrix {
  const rng = createRng(seed);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = (rng() - 0.5) * (1 + (i % 7)) + (i % cols === 0 ? 3 : 0);
  return { rows, cols, data };
}

describe('compact vectors: int8 codes with a per-row scale', () => {
  test('round trip: every entry within half a step (the row’s largest magnitude / 254) of the float32 value', () => {
    const X = gaussian(500, 37, 1);
    // A zero row and a row of one huge value among small ones.
    X.data.fill(0, 3 * 37, 4 * 37);
    X.data[5 * 37 + 2] = 1e6;
    const C = quantise(X);
    assert.ok(isCompact(C));
    assert.equal(C.codes.length, X.data.length);
    assert.equal(vectorBytes(C), 500 * 37 + 500 * 4);
    const buf = new Float32Array(37);
    let worst = 0;
    for (let r = 0; r < X.rows; r++) {
      const row = X.data.subarray(r * 37, (r + 1) * 37);
      const max = row.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
      const back = rowInto(C, r, buf);
      for (let j = 0; j < 37; j++) {
        const err = Math.abs(back[j] - row[j]);
        // Half a step, plus float32 rounding of the product.
        assert.ok(err <= max / 254 + max * 1e-6, `row ${r} col ${j}: ${back[j]} vs ${row[j]}`);
        if (max > 0) worst = Math.max(worst, err / max);
      }
    }
    assert.ok(worst > 0 && worst <= 1 / 254 + 1e-6, `worst relative error ${worst}`);
    // The zero row stays zero; a compact matrix is not quantised twice.
    assert.deepEqual([...rowInto(C, 3, buf)], new Array(37).fill(0));
    assert.equal(quantise(C), C);
  });

  test('blocks, gathered rows and the dense copy read the same dequantised values', () => {
    const C = quantise(gaussian(50, 9, 2));
    const D = denseOf(C);
    const buf = new Float32Array(9);
    for (let r = 0; r < 50; r++) assert.deepEqual(D.data.subarray(r * 9, (r + 1) * 9), rowInto(C, r, buf).slice());
    assert.deepEqual(blockInto(C, 10, 20), D.data.subarray(90, 180));
    const rows = Int32Array.from([7, 3, 49]);
    assert.deepEqual(gatherRows(C, rows).data, Float32Array.from([...D.data.subarray(63, 72), ...D.data.subarray(27, 36), ...D.data.subarray(441, 450)]));
    // A dense matrix's contiguous block is a view, not a copy.
    assert.equal(blockInto(D, 2, 4).buffer, D.data.buffer);
  });

  test('the learner on a compact pool: the same fit and probabilities as on its dequantised copy', async () => {
    // 12,000 rows × 20: past the size where the pool pass goes through ONNX Runtime.
    const { X, y } = blobs(3, 4000, 20, 1.5, 4);
    const C = quantise(X);
    const D = denseOf(C);
    const rows = Int32Array.from({ length: 60 }, (_, i) => i * 20);
    const labels = Int32Array.from(rows, (r) => y[r]);
    const a = new SoftmaxRegression({ classes: 3 });
    const b = new SoftmaxRegression({ classes: 3 });
    a.fit(C, rows, labels);
    b.fit(D, rows, labels);
    assert.deepEqual(a.weights(), b.weights());
    const pc = predictStacked([a, b], C);
    const pd = predictStacked([a, b], D);
    assert.deepEqual(pc, pd);
    // Some rows only, and the pool pass (ONNX Runtime chunks of codes and scales, dequantised in the graph).
    const some = Int32Array.from([5, 9000, 17]);
    assert.deepEqual(a.predictProba(C, some), a.predictProba(D, some));
    const [pool] = await predictPool([a], C, 2500);
    let diff = 0;
    for (let i = 0; i < pool.length; i++) diff = Math.max(diff, Math.abs(pool[i] - pd[0][i]));
    assert.ok(diff < 1e-5, `ONNX Runtime pass off by ${diff}`);
    // The compact graph itself (predictPool would fall back to JavaScript if it could not run).
    const { W } = a.rawWeights();
    const Wt = new Float32Array(20 * 3);
    for (let k = 0; k < 3; k++) for (let j = 0; j < 20; j++) Wt[j * 3 + k] = W[k * 21 + j];
    const bias = Float32Array.from([0, 1, 2], (k) => W[k * 21 + 20]);
    const direct = await runStackedSoftmax({ X: { rows: 500, cols: 20, codes: C.codes.subarray(0, 500 * 20), scales: C.scales.subarray(0, 500) }, Wt, bias, groups: 1, classes: 3 });
    for (let i = 0; i < direct.length; i++) assert.ok(Math.abs(direct[i] - pd[0][i]) < 1e-5, `compact graph, entry ${i}`);
    // And the quantisation noise itself: the float32 pool's probabilities differ by little.
    const pf = predictStacked([a], X)[0];
    let noise = 0;
    for (let i = 0; i < pf.length; i++) noise = Math.max(noise, Math.abs(pf[i] - pd[0][i]));
    assert.ok(noise < 0.02, `quantisation moved a probability by ${noise}`);
  });

  test('distances and norms read the codes in place and equal those of the dequantised copy', () => {
    const C = quantise(gaussian(40, 21, 3));
    const D = denseOf(C);
    const p = Float64Array.from({ length: 21 }, (_, j) => j / 10);
    for (const [a, b] of [
      [0, 1],
      [5, 39],
      [12, 12],
    ]) {
      const dc = rowDistanceSq(C, a, b);
      assert.ok(Math.abs(dc - rowDistanceSq(D, a, b)) <= 1e-5 * Math.max(1, dc), `${a}–${b}`);
      assert.equal(rowDistanceSqBelow(C, a, b, Infinity), dc);
      // Pruned: the same number below the bound, at least the bound above it.
      assert.equal(rowDistanceSqBelow(C, a, b, dc + 1), dc);
      if (dc > 0) assert.ok(rowDistanceSqBelow(C, a, b, dc / 2) >= dc / 2);
      assert.ok(Math.abs(pointDistanceSq(C, a, p) - pointDistanceSq(D, a, p)) < 1e-4);
      assert.ok(Math.abs(augmentedNorm(C, a) - augmentedNorm(D, a)) < 1e-5);
    }
  });

  test('a compact wide pool gets a compact sketch, quantised row by row from the same projection', () => {
    const C = quantise(gaussian(120, 100, 5));
    const s = distanceSpace(C);
    assert.ok(isCompact(s));
    assert.equal(s.cols, SKETCH_DIMS);
    assert.equal(distanceSpace(C), s, 'cached');
    assert.deepEqual(s, quantise(sketchOf(C)));
  });
});

/** quantiseRowInto as it was before roundHalfUp (Math.round per entry): the reference for bit identity. */
function quantiseRowWithMathRound(src: ArrayLike<number>, from: number, cols: number, codes: Int8Array, scales: Float32Array, r: number): void {
  let max = 0;
  for (let j = 0; j < cols; j++) {
    const a = Math.abs(src[from + j]);
    if (a > max) max = a;
  }
  const o = r * cols;
  if (!(max > 0) || !Number.isFinite(max)) {
    scales[r] = 0;
    codes.fill(0, o, o + cols);
    return;
  }
  const scale = Math.fround(max / 127);
  scales[r] = scale;
  const inv = 1 / scale;
  for (let j = 0; j < cols; j++) {
    const q = Math.round(src[from + j] * inv);
    codes[o + j] = q > 127 ? 127 : q < -127 ? -127 : q;
  }
}

/** The doubles next to v (one ulp down and up). */
function neighbours(v: number): number[] {
  const b = new DataView(new ArrayBuffer(8));
  const out: number[] = [];
  for (const step of [-1n, 1n]) {
    b.setFloat64(0, v);
    const bits = b.getBigInt64(0);
    // Towards −∞ / +∞: for a positive double the bits grow with the value, for a negative one they shrink.
    b.setBigInt64(0, v > 0 || Object.is(v, 0) ? bits + step : bits - step);
    out.push(b.getFloat64(0));
  }
  return out;
}

describe('quantising with roundHalfUp: the same codes as Math.round', () => {
  test('roundHalfUp equals Math.round on ties, their neighbours, the value below 0.5, and random doubles', () => {
    const values: number[] = [0, -0, 0.5, -0.5, 0.49999999999999994, -0.49999999999999994, 1.5, -1.5, 127.5, -127.5, NaN, 2 ** 52, -(2 ** 52), 2 ** 53 + 2];
    for (let k = -600; k <= 600; k++) {
      const v = k / 2;
      values.push(v, ...neighbours(v));
      for (const w of neighbours(v)) values.push(...neighbours(w));
    }
    const rng = createRng(7);
    for (let i = 0; i < 200_000; i++) {
      values.push((rng() - 0.5) * 400, (rng() - 0.5) * 2, 0.25 + rng() * 0.25, -(0.25 + rng() * 0.25), (rng() - 0.5) * 1e-6);
      // Full-precision doubles in [0.25, 0.5) (rng() may carry fewer bits): the binade where v + 0.5 can round.
      values.push(0.25 + (rng() + rng() * 2 ** -26) / 4);
    }
    let checked = 0;
    for (const v of values) {
      const want = Math.round(v);
      const got = roundHalfUp(v);
      // Equal as numbers (−0 and 0 alike: both are code 0); NaN for NaN.
      assert.ok(Number.isNaN(want) ? Number.isNaN(got) : got === want, `roundHalfUp(${v}) = ${got}, Math.round = ${want}`);
      checked++;
    }
    assert.ok(checked > 1_200_000);
  });

  test('quantiseRowInto gives the codes and scales of the Math.round version bit for bit: random rows, zeros, ±max, exact ties, NaN and ∞', () => {
    const cols = 16;
    const rows: number[][] = [];
    const rng = createRng(11);
    for (let r = 0; r < 20_000; r++) {
      const mag = 10 ** ((rng() - 0.5) * 12);
      rows.push(Array.from({ length: cols }, () => (rng() - 0.5) * mag));
    }
    rows.push(new Array(cols).fill(0), new Array(cols).fill(-0));
    rows.push(Array.from({ length: cols }, (_, j) => (j % 2 ? 1 : -1) * 3.25)); // every entry ±max
    rows.push(Array.from({ length: cols }, (_, j) => (j === 0 ? -7 : 7))); // −max first, then +max
    // max 127 → scale 1, inverse 1: entries k + 0.5 are exact ties (−127.5 … 126.5).
    rows.push([127, ...Array.from({ length: cols - 1 }, (_, j) => -127.5 + 17 * j)]);
    rows.push([-127, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 126.5, -126.5, 0.49999997, -0.49999997, 0.50000006, -0.50000006, 63.5, -63.5, 0]);
    // max 254 → scale 2: odd integers are ties at k.5.
    rows.push([254, ...Array.from({ length: cols - 1 }, (_, j) => 2 * (j - 7) + 1)]);
    rows.push([1, NaN, 0.5, -0.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    rows.push([1, Infinity, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    rows.push([-Infinity, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    rows.push(Array.from({ length: cols }, (_, j) => 3.4e38 * (j % 3 === 0 ? -1 : 0.5))); // near float32's largest
    rows.push(Array.from({ length: cols }, (_, j) => 1e-45 * (j % 4))); // subnormal float32 entries
    const n = rows.length;
    // Both as float32 (what encoders give) and as float64 arrays (ArrayLike<number>).
    for (const asF32 of [true, false]) {
      const src = asF32 ? new Float32Array(n * cols) : new Array<number>(n * cols);
      rows.forEach((row, r) => row.forEach((v, j) => (src[r * cols + j] = v)));
      const want = { codes: new Int8Array(n * cols), scales: new Float32Array(n) };
      const got = { codes: new Int8Array(n * cols), scales: new Float32Array(n) };
      for (let r = 0; r < n; r++) {
        quantiseRowWithMathRound(src, r * cols, cols, want.codes, want.scales, r);
        quantiseRowInto(src, r * cols, cols, got.codes, got.scales, r);
      }
      assert.deepEqual(Buffer.from(got.codes.buffer), Buffer.from(want.codes.buffer));
      assert.deepEqual(Buffer.from(got.scales.buffer), Buffer.from(want.scales.buffer));
      if (asF32) {
        const q = quantise({ rows: n, cols, data: src as Float32Array });
        assert.deepEqual(Buffer.from(q.codes.buffer), Buffer.from(want.codes.buffer));
        // The tie rows really hold ties: codes of ±127.5 / ±0.5 at scale 1 round toward +∞.
        const tieRow = rows.findIndex((row) => row[1] === 0.5 && row[0] === -127);
        assert.deepEqual(Array.from(q.codes.subarray(tieRow * cols, tieRow * cols + 9)), [-127, 1, 0, 2, -1, 3, -2, 127, -126]);
      }
    }
  });
});
