import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BootstrapCommittee } from '../../../src/core/learners/committee';
import { addResidualProduct, logitsBlock } from '../../../src/core/learners/linearKernels';
import { createRng } from '../../../src/core/learners/rng';
import { lbfgs, predictStacked, SoftmaxRegression, softmaxObjective } from '../../../src/core/learners/softmax';
import type { Matrix } from '../../../src/core/types';
import { blobs, range } from './helpers';

// The learner before the tiled kernels, verbatim in what it computes: one dot product per
// (row, class), the objective row by row. The kernels must agree with it to float rounding.

function referenceProba(W: Float64Array, K: number, X: Matrix, rows?: Int32Array): Float32Array {
  const d = X.cols;
  const P = d + 1;
  const m = rows ? rows.length : X.rows;
  const out = new Float32Array(m * K);
  const z = new Float64Array(K);
  for (let i = 0; i < m; i++) {
    const xo = (rows ? rows[i] : i) * d;
    let zmax = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = W[k * P + d];
      for (let j = 0; j < d; j++) s += W[k * P + j] * X.data[xo + j];
      z[k] = s;
      zmax = Math.max(zmax, s);
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += (z[k] = Math.exp(z[k] - zmax));
    for (let k = 0; k < K; k++) out[i * K + k] = z[k] / sum;
  }
  return out;
}

function referenceObjective(Xs: Float64Array, d: number, y: Int32Array, sw: Float64Array, K: number, lam: number) {
  const P = d + 1;
  return (w: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let f = 0;
    const z = new Float64Array(K);
    for (let i = 0; i < y.length; i++) {
      let zmax = -Infinity;
      for (let k = 0; k < K; k++) {
        let s = w[k * P + d];
        for (let j = 0; j < d; j++) s += w[k * P + j] * Xs[i * d + j];
        z[k] = s;
        zmax = Math.max(zmax, s);
      }
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(z[k] - zmax);
      f += sw[i] * (Math.log(sum) + zmax - z[y[i]]);
      for (let k = 0; k < K; k++) {
        const r = sw[i] * (Math.exp(z[k] - zmax) / sum - (k === y[i] ? 1 : 0));
        for (let j = 0; j < d; j++) g[k * P + j] += r * Xs[i * d + j];
        g[k * P + d] += r;
      }
    }
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < d; j++) {
        f += 0.5 * lam * w[k * P + j] ** 2;
        g[k * P + j] += lam * w[k * P + j];
      }
      f += 0.5 * lam * 0.01 * w[k * P + d] ** 2;
      g[k * P + d] += lam * 0.01 * w[k * P + d];
    }
    return f;
  };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('linear kernels', () => {
  test('logitsBlock matches plain dot products for every tile shape (odd rows, outputs not a multiple of 4)', () => {
    const rng = createRng(5);
    for (const [n, d, M] of [[1, 3, 1], [2, 5, 4], [7, 9, 6], [9, 1, 11], [4, 300, 36]] as const) {
      const X = Float32Array.from({ length: n * d }, () => rng() * 2 - 1);
      const P = d + 1;
      const W = Float64Array.from({ length: M * P }, () => rng() - 0.5);
      const rows = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
      for (const r of [undefined, rows]) {
        const out = new Float64Array(n * M);
        logitsBlock(X, d, r, 0, n, W, M, P, W, d, P, out);
        for (let i = 0; i < n; i++) {
          const xo = (r ? r[i] : i) * d;
          for (let c = 0; c < M; c++) {
            let s = W[c * P + d];
            for (let j = 0; j < d; j++) s += W[c * P + j] * X[xo + j];
            assert.ok(Math.abs(out[i * M + c] - s) < 1e-12, `n=${n} d=${d} M=${M} row ${i} out ${c}: ${out[i * M + c]} vs ${s}`);
          }
        }
      }
    }
  });

  test('addResidualProduct adds Rᵀ·X into the strided gradient and nothing else', () => {
    const rng = createRng(6);
    for (const [n, d, M] of [[1, 4, 3], [5, 7, 4], [6, 3, 9]] as const) {
      const X = Float64Array.from({ length: n * d }, () => rng() * 2 - 1);
      const R = Float64Array.from({ length: n * M }, () => rng() - 0.5);
      const stride = d + 1;
      const G = Float64Array.from({ length: M * stride }, () => 1);
      addResidualProduct(X, d, n, R, M, G, stride);
      for (let c = 0; c < M; c++) {
        for (let j = 0; j < d; j++) {
          let s = 1;
          for (let i = 0; i < n; i++) s += R[i * M + c] * X[i * d + j];
          assert.ok(Math.abs(G[c * stride + j] - s) < 1e-12, `n=${n} M=${M} G[${c},${j}]`);
        }
        assert.equal(G[c * stride + d], 1, 'the bias slot is left alone');
      }
    }
  });
});

describe('the tiled learner agrees with the plain one', () => {
  test('softmaxObjective: same value and gradient as the row-by-row objective', () => {
    const rng = createRng(8);
    const n = 37;
    const d = 13;
    const K = 5;
    const Xs = Float64Array.from({ length: n * d }, () => rng() * 2 - 1);
    const y = Int32Array.from({ length: n }, (_, i) => (i * 7) % K);
    const sw = Float64Array.from({ length: n }, () => 0.5 + rng());
    const w = Float64Array.from({ length: K * (d + 1) }, () => rng() - 0.5);
    const g = new Float64Array(w.length);
    const gRef = new Float64Array(w.length);
    const f = softmaxObjective(Xs, d, y, sw, K, 0.4)(w, g);
    const fRef = referenceObjective(Xs, d, y, sw, K, 0.4)(w, gRef);
    assert.ok(Math.abs(f - fRef) < 1e-10 * Math.abs(fRef), `objective ${f} vs ${fRef}`);
    assert.ok(maxAbsDiff(g, gRef) < 1e-10, 'gradient');
    // L-BFGS on either reaches the same weights in the same number of iterations.
    const a = lbfgs(softmaxObjective(Xs, d, y, sw, K, 0.4), new Float64Array(w.length), 200, 1e-6);
    const b = lbfgs(referenceObjective(Xs, d, y, sw, K, 0.4), new Float64Array(w.length), 200, 1e-6);
    assert.equal(a.iterations, b.iterations);
    assert.ok(Math.abs(a.f - b.f) < 1e-9 * Math.abs(b.f), `final objective ${a.f} vs ${b.f}`);
    assert.ok(maxAbsDiff(a.w, b.w) < 1e-6, 'weights');
  });

  test('predictProba and the stacked committee pass give the plain loop\'s probabilities within 1e-6', () => {
    const { X, y } = blobs(6, 50, 17, 1.5, 31);
    const rows = range(120);
    const main = new SoftmaxRegression({ classes: 6 });
    main.fit(X, rows, y.subarray(0, 120));
    const some = Int32Array.from([299, 0, 5, 5, 150, 77, 3]);
    for (const r of [undefined, some]) assert.ok(maxAbsDiff(main.predictProba(X, r), referenceProba(main.weights(), 6, X, r)) < 1e-6);
    const committee = new BootstrapCommittee({ classes: 6, seed: 4, size: 5 });
    committee.fit(X, rows, y.subarray(0, 120));
    for (const r of [undefined, some]) {
      const members = committee.memberProba(X, r);
      assert.equal(members.length, 5);
      members.forEach((p, m) => {
        assert.ok(maxAbsDiff(p, referenceProba(committee.members[m].weights(), 6, X, r)) < 1e-6, `member ${m}`);
        // Stacked with the others or alone: the same numbers.
        assert.deepEqual(p, committee.members[m].predictProba(X, r));
      });
    }
    // Main model and members in one pass.
    const both = predictStacked([main, ...committee.members], X, some);
    assert.deepEqual(both[0], main.predictProba(X, some));
  });

  test('predictStacked refuses models of different shapes', () => {
    const { X, y } = blobs(3, 10, 4, 1, 2);
    const a = new SoftmaxRegression({ classes: 3 });
    a.fit(X, range(30), y);
    const b = new SoftmaxRegression({ classes: 4 });
    b.fit(X, range(30), y);
    assert.throws(() => predictStacked([a, b], X), /different shapes/);
  });
});
