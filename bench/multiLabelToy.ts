// Multi-label active learning on a synthetic toy set: `node --import tsx bench/multiLabelToy.ts`.
// 1000 points in 5-d (standard Gaussian); label k of 3 applies when x_k > 0.3, so a point has
// no label, one, two or all three. Pool: rows 0..599; held out: 600..999. Each strategy starts from
// a 10-span diverse cold start and takes 4 rounds of 10 (50 labels), then reports the held-out
// Hamming accuracy (share of point × label decisions right) for seeds 1-3.
import { createEngine } from '../src/core/engine/createEngine';
import { createRng } from '../src/core/learners/rng';
import type { Matrix } from '../src/core/types';

function toy(n: number, seed: number): { X: Matrix; Y: Uint8Array } {
  const rng = createRng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const data = new Float32Array(n * 5);
  const Y = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 5; j++) data[i * 5 + j] = gauss();
    for (let k = 0; k < 3; k++) Y[i * 3 + k] = data[i * 5 + k] > 0.3 ? 1 : 0;
  }
  return { X: { rows: n, cols: 5, data }, Y };
}

const { X, Y } = toy(1000, 3);
const test = Array.from({ length: 400 }, (_, i) => 600 + i);
const exclude = new Set(test);
(async () => {
  for (const strategy of ['random', 'least-confidence', 'margin', 'entropy', 'vote-entropy', 'egl', 'meta'] as const) {
    const accs: number[] = [];
    for (const seed of [1, 2, 3]) {
      const e = createEngine(X, { classes: ['a', 'b', 'c'], committeeSize: 5, strategy, diversity: true, seed, multiLabel: true });
      const set = (r: number): number[] => [0, 1, 2].filter((k) => Y[r * 3 + k]);
      const init = (await e.query(10, exclude)).map((q) => q.row);
      for (const r of init) e.setLabels!(r, set(r));
      for (let round = 0; round < 4; round++) {
        await e.retrain();
        for (const x of await e.query(10, exclude)) e.setLabels!(x.row, set(x.row));
      }
      await e.retrain();
      const ex = e.explain!(test.map((row) => ({ row, strategy: 'random', score: 0 })));
      let ok = 0;
      ex.forEach((x, i) => [0, 1, 2].forEach((k) => (ok += (x.probs[k] >= 0.5 ? 1 : 0) === Y[test[i] * 3 + k] ? 1 : 0)));
      accs.push(ok / (test.length * 3));
    }
    console.log(`${strategy}: held-out Hamming accuracy at 50 labels, seeds 1-3: ${accs.map((a) => a.toFixed(3)).join(' ')} (mean ${(accs.reduce((a, b) => a + b, 0) / 3).toFixed(3)})`);
  }
})();
