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

describe('rejected labels (negative evidence)', () => {
  test('the gradient with rejected rows matches central finite differences', () => {
    const rng = createRng(12);
    const n = 5;
    const m = 4;
    const d = 3;
    const K = 4;
    const Xs = Float64Array.from({ length: n * d }, () => rng() * 2 - 1);
    const y = Int32Array.from({ length: n }, (_, i) => i % K);
    const sw = Float64Array.from({ length: n }, () => 1);
    const rejected = { Xs: Float64Array.from({ length: m * d }, () => rng() * 2 - 1), classes: Int32Array.from([0, 3, 1, 3]), weight: 0.8 };
    const fg = softmaxObjective(Xs, d, y, sw, K, 0.3, rejected);
    const w = Float64Array.from({ length: K * (d + 1) }, () => rng() * 2 - 1);
    const g = new Float64Array(w.length);
    const f = fg(w, g);
    const scratch = new Float64Array(w.length);
    // The term is there: the objective differs from the one without rejected rows.
    assert.ok(f > softmaxObjective(Xs, d, y, sw, K, 0.3)(w, scratch));
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

  test('after rejects, the probability of the rejected class for those spans drops', () => {
    // Three overlapping classes; train on a few labels, then reject the model's guess on spans it
    // gets wrong. One reject: p(guess) on that span falls (the new optimum cannot raise the term it
    // added). Several: their rejected classes lose probability on average, most of them each.
    const { X, y } = blobs(3, 40, 6, 1.6, 21);
    const K = 3;
    const rows = range(15);
    const yy = y.subarray(0, 15);
    const opts = { classes: K, tol: 1e-7, maxIter: 500 };
    const plain = new SoftmaxRegression(opts);
    plain.fit(X, rows, yy);
    const before = plain.predictProba(X);
    const guess = (p: Float32Array, r: number): number => [0, 1, 2].reduce((b, k) => (p[r * K + k] > p[r * K + b] ? k : b), 0);
    const wrong: number[] = [];
    for (let r = 15; r < X.rows && wrong.length < 8; r++) if (guess(before, r) !== y[r]) wrong.push(r);
    assert.ok(wrong.length >= 5, `the toy set needs a few mistakes to reject (got ${wrong.length})`);
    for (const r of wrong) {
      const c = guess(before, r);
      const m = new SoftmaxRegression(opts);
      m.fit(X, rows, yy, { rejected: { rows: Int32Array.from([r]), classes: Int32Array.from([c]) } });
      const p = m.predictProba(X, Int32Array.from([r]));
      assert.ok(p[c] < before[r * K + c] - 0.01, `span ${r}: p(rejected ${c}) ${before[r * K + c].toFixed(3)} → ${p[c].toFixed(3)}`);
    }
    const rejected = { rows: Int32Array.from(wrong), classes: Int32Array.from(wrong, (r) => guess(before, r)) };
    const m = new SoftmaxRegression(opts);
    m.fit(X, rows, yy, { rejected });
    const after = m.predictProba(X);
    let drop = 0;
    let dropped = 0;
    wrong.forEach((r, i) => {
      const c = rejected.classes[i];
      drop += before[r * K + c] - after[r * K + c];
      if (after[r * K + c] < before[r * K + c]) dropped++;
    });
    assert.ok(drop / wrong.length > 0.02, `mean drop ${(drop / wrong.length).toFixed(3)}`);
    assert.ok(dropped >= wrong.length - 2, `${dropped} of ${wrong.length} dropped`);
    // Rejects do not undo what the labels say: the labeled spans are fitted as well as before.
    const fitted = (p: Float32Array): number => [...rows].filter((r) => guess(p, r) === y[r]).length;
    assert.ok(fitted(after) >= fitted(before) - 1, `labeled spans fitted: ${fitted(before)} → ${fitted(after)}`);
  });

  test('a rejected class out of range is a RangeError', () => {
    const { X, y } = blobs(2, 5, 3, 0.5, 3);
    const m = new SoftmaxRegression({ classes: 2 });
    assert.throws(() => m.fit(X, range(4), y.subarray(0, 4), { rejected: { rows: Int32Array.from([5]), classes: Int32Array.from([2]) } }), RangeError);
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
