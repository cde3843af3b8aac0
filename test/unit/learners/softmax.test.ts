import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotTrainedError, SettingError } from '../../../src/core/errors';
import { createRng } from '../../../src/core/learners/rng';
import { lbfgs, SoftmaxRegression, softmaxObjective } from '../../../src/core/learners/softmax';
import { blobs, range } from './helpers';

describe('softmaxObjective', () => {
  test('the analytic gradient matches central finite differences', () => {
    const rng = createRng(11);
    const n = 7;
    const d = 4;
    const K = 3;
    const Xs = Float64Array.from({ length: n * d }, () => rng() * 2 - 1);
    const y = Int32Array.from({ length: n }, (_, i) => i % K);
    const sw = Float64Array.from({ length: n }, () => 0.5 + rng());
    const fg = softmaxObjective(Xs, d, y, sw, K, 0.7);
    const w = Float64Array.from({ length: K * (d + 1) }, () => rng() - 0.5);
    const g = new Float64Array(w.length);
    fg(w, g);
    const scratch = new Float64Array(w.length);
    const h = 1e-6;
    for (let i = 0; i < w.length; i++) {
      const wp = w.slice();
      const wm = w.slice();
      wp[i] += h;
      wm[i] -= h;
      const num = (fg(wp, scratch) - fg(wm, scratch)) / (2 * h);
      assert.ok(Math.abs(num - g[i]) < 1e-6, `gradient ${i}: analytic ${g[i]} vs numeric ${num}`);
    }
  });
});

describe('lbfgs', () => {
  test('finds the minimum of a convex quadratic', () => {
    const target = Float64Array.from([3, -1, 0.5, 2]);
    const scale = [1, 10, 100, 0.1];
    const { w } = lbfgs(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < x.length; i++) {
          const r = x[i] - target[i];
          f += 0.5 * scale[i] * r * r;
          g[i] = scale[i] * r;
        }
        return f;
      },
      new Float64Array(4),
      500,
      1e-10,
    );
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(w[i] - target[i]) < 1e-5, `w[${i}] = ${w[i]}`);
  });
});

describe('SoftmaxRegression', () => {
  test('separates well-separated classes and gives rows of probabilities that sum to 1', () => {
    const { X, y } = blobs(3, 40, 5, 0.2, 1);
    const m = new SoftmaxRegression({ classes: 3, C: 10 });
    m.fit(X, range(X.rows), y);
    const p = m.predictProba(X);
    let correct = 0;
    for (let i = 0; i < X.rows; i++) {
      let s = 0;
      let best = 0;
      for (let k = 0; k < 3; k++) {
        s += p[i * 3 + k];
        if (p[i * 3 + k] > p[i * 3 + best]) best = k;
      }
      assert.ok(Math.abs(s - 1) < 1e-5);
      if (best === y[i]) correct++;
    }
    assert.equal(correct, X.rows);
  });

  test('is deterministic, and a warm start converges to the same optimum as a cold one', () => {
    const { X, y } = blobs(4, 30, 6, 1.5, 2);
    const rows = range(80);
    const yy = y.subarray(0, 80);
    const a = new SoftmaxRegression({ classes: 4, tol: 1e-7 });
    const b = new SoftmaxRegression({ classes: 4, tol: 1e-7 });
    a.fit(X, rows, yy);
    b.fit(X, rows, yy);
    assert.deepEqual(a.predictProba(X), b.predictProba(X));
    const warm = new SoftmaxRegression({ classes: 4, tol: 1e-7 });
    warm.fit(X, range(40), y.subarray(0, 40));
    warm.fit(X, rows, yy, { warmStart: true });
    const pa = a.predictProba(X);
    const pw = warm.predictProba(X);
    for (let i = 0; i < pa.length; i++) assert.ok(Math.abs(pa[i] - pw[i]) < 1e-3, `prob ${i}: ${pa[i]} vs ${pw[i]}`);
  });

  test('stronger regularisation (smaller C) gives less confident predictions', () => {
    const { X, y } = blobs(2, 30, 3, 0.5, 3);
    const conf = (C: number): number => {
      const m = new SoftmaxRegression({ classes: 2, C });
      m.fit(X, range(X.rows), y);
      const p = m.predictProba(X);
      let s = 0;
      for (let i = 0; i < X.rows; i++) s += Math.max(p[2 * i], p[2 * i + 1]);
      return s / X.rows;
    };
    assert.ok(conf(0.01) < conf(1));
  });

  test('a class absent from the labels gets low but finite probability', () => {
    const { X, y } = blobs(3, 20, 4, 0.5, 4);
    const rows = Int32Array.from([...range(X.rows)].filter((i) => y[i] !== 2));
    const m = new SoftmaxRegression({ classes: 3 });
    m.fit(X, rows, Int32Array.from(rows, (r) => y[r]));
    const p = m.predictProba(X);
    for (let i = 0; i < X.rows; i++) {
      assert.ok(p[i * 3 + 2] > 0 && p[i * 3 + 2] < 0.5);
      assert.ok(Number.isFinite(p[i * 3 + 2]));
    }
  });

  test('predicting before fitting throws NotTrainedError; bad settings throw SettingError', () => {
    const m = new SoftmaxRegression({ classes: 2 });
    assert.equal(m.trained, false);
    assert.throws(() => m.predictProba({ rows: 1, cols: 2, data: new Float32Array(2) }), NotTrainedError);
    assert.throws(() => new SoftmaxRegression({ classes: 1 }), SettingError);
    assert.throws(() => new SoftmaxRegression({ classes: 2, C: 0 }), SettingError);
  });

  test('class balancing shifts predictions toward a rare class', () => {
    const { X, y } = blobs(2, 60, 2, 2.5, 5);
    // Keep all of class 0 but only a few of class 1.
    const keep = [...range(X.rows)].filter((i) => y[i] === 0 || i % 12 === 1);
    const rows = Int32Array.from(keep);
    const yy = Int32Array.from(keep, (i) => y[i]);
    const share = (balanced: boolean): number => {
      const m = new SoftmaxRegression({ classes: 2, classBalanced: balanced });
      m.fit(X, rows, yy);
      const p = m.predictProba(X);
      let c = 0;
      for (let i = 0; i < X.rows; i++) if (p[2 * i + 1] > p[2 * i]) c++;
      return c;
    };
    assert.ok(share(true) > share(false));
  });
});
