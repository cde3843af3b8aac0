// `npm run train:prior`: trains the meta-learner's learned prior offline on simulated tasks and
// writes its weights as JSON to models/prior/ (models/buildPrior.mjs turns them into ONNX).
//
//   npm run train:prior -- [--real NAME=DATA.jsonl[:VECTORS.npy]]... [--synthetic 40] [--seed 1]
//                          [--states .cache/prior-states.json] [--reuse-states | --refit] [--out models/prior]
//
// Without --real: brown-genre (../shared/datasets) and the bench sets (bench/datasets/*.jsonl)
// that exist, encoded with the embedded default encoder. About 8 minutes on 2 cores from scratch;
// --reuse-states keeps the synthetic tasks' states from the last run (then ~3 minutes).
//
// 1. Tasks: synthetic Gaussian-mixture classification tasks (varied classes, dimensions,
//    separation, sub-clusters, imbalance, label noise) and real labelled datasets given with their
//    vectors (each cut into several tasks by class subsets and subsamples).
// 2. On every task, a trajectory from 20 random labels to 300, each round advanced by a strategy
//    drawn at random (so the states cover what a mixing meta-learner sees). At sampled rounds the
//    task-state features are recorded, and for every strategy the batch it would pick is labeled
//    and the model refitted: the test-accuracy gain of that one round is the target.
// 3. A small MLP (features → gain of each strategy, centred per state so it learns which strategy
//    is better, not how much any round helps) is fitted once on every task (prior.json, the
//    shipped default) and once per real dataset without that dataset's tasks
//    (prior-without-NAME.json), so that no benchmark runs with a prior trained on its own data.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { accuracy, argmaxRows } from '../src/core/simulation/metrics';
import { loadEncoder } from '../src/core/encoders/loadEncoder';
import { ModelWithCommittee } from '../src/core/learners/modelWithCommittee';
import { createRng, deriveSeed, shuffleInPlace, type Rng } from '../src/core/learners/rng';
import { SoftmaxRegression } from '../src/core/learners/softmax';
import { FEATURE_NAMES, computeFeatures } from '../src/core/meta/features';
import type { PriorJson, PriorLayer } from '../src/core/meta/prior';
import { readNpy } from '../src/core/npy';
import { allStrategies } from '../src/core/strategies/registry';
import { strategyBatch } from '../src/core/strategies/selectBatch';
import { STRATEGY_NAMES } from '../src/core/strategies/strategy';
import { readGoldDataset } from '../src/core/text/dataset';
import type { Matrix } from '../src/core/types';
import { DATASET_SPECS } from './datasetSpecs';

export interface Task {
  readonly source: string;
  readonly name: string;
  readonly Xpool: Matrix;
  readonly yPool: Int32Array;
  readonly Xtest: Matrix;
  readonly yTest: Int32Array;
  readonly classes: number;
}

export interface StateRecord {
  readonly source: string;
  readonly task: string;
  readonly labels: number;
  readonly features: number[];
  /** Test-accuracy gain of one round of each strategy (STRATEGY_NAMES order). */
  readonly gains: number[];
}

const INIT = 20;
const BATCH = 10;
const BUDGET = 300;

function args(): { real: string[]; synthetic: number; seed: number; states: string; reuse: boolean; refit: boolean; out: string; every: number } {
  const a = process.argv.slice(2);
  const get = (k: string, d: string): string => {
    const i = a.indexOf(k);
    return i >= 0 && i + 1 < a.length ? a[i + 1] : d;
  };
  const real: string[] = [];
  a.forEach((v, i) => {
    if (v === '--real' && i + 1 < a.length) real.push(a[i + 1]);
  });
  return {
    real,
    synthetic: Number(get('--synthetic', '40')),
    seed: Number(get('--seed', '1')),
    states: get('--states', '.cache/prior-states.json'),
    reuse: a.includes('--reuse-states'),
    refit: a.includes('--refit'),
    out: get('--out', 'models/prior'),
    every: Number(get('--every', '2')),
  };
}

function gauss(rng: Rng): number {
  const u = Math.max(1e-12, rng());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A Gaussian-mixture task shaped like sentence-vector classification: anisotropic, a shared offset, sub-clusters. */
export function syntheticTask(i: number, seed: number): Task {
  const rng = createRng(deriveSeed(seed, 0x5157, i));
  const K = 2 + Math.floor(rng() * 9);
  const d = [16, 32, 64, 100][Math.floor(rng() * 4)];
  const sep = 1 + rng() * 3;
  const subs = 1 + Math.floor(rng() * 3);
  const alpha = 0.5 + rng() * 5;
  const noise = rng() < 0.5 ? 0 : rng() * 0.1;
  const nPool = 2000 + Math.floor(rng() * 2000);
  const nTest = 1500;
  const scale = Float64Array.from({ length: d }, () => Math.exp(0.5 * gauss(rng)));
  const common = Float64Array.from({ length: d }, () => gauss(rng) * 2);
  const centres: Float64Array[][] = [];
  for (let k = 0; k < K; k++) {
    // Centre distances ≈ sep·√2 against unit noise, whatever the dimension.
    const c = Float64Array.from({ length: d }, () => (gauss(rng) * sep) / Math.sqrt(d));
    centres.push(Array.from({ length: subs }, () => c.map((v) => v + (gauss(rng) * sep * 0.6) / Math.sqrt(d))));
  }
  // Class priors from a symmetric Dirichlet (via normalised gammas, shape alpha ≥ 0.5: sum of exponentials approximation).
  const prior = Float64Array.from({ length: K }, () => {
    let g = 0;
    for (let t = 0; t < Math.max(1, Math.round(alpha)); t++) g -= Math.log(Math.max(1e-12, rng()));
    return g;
  });
  const ps = prior.reduce((x, y) => x + y, 0);
  const draw = (n: number, withNoise: boolean): { X: Matrix; y: Int32Array } => {
    const X = new Float32Array(n * d);
    const y = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      let u = rng() * ps;
      let k = 0;
      while (k < K - 1 && u >= prior[k]) u -= prior[k++];
      const c = centres[k][Math.floor(rng() * subs)];
      for (let j = 0; j < d; j++) X[r * d + j] = (c[j] + gauss(rng)) * scale[j] + common[j];
      y[r] = withNoise && rng() < noise ? Math.floor(rng() * K) : k;
    }
    return { X: { rows: n, cols: d, data: X }, y };
  };
  const pool = draw(nPool, true);
  const test = draw(nTest, false);
  return { source: 'synthetic', name: `synthetic-${i}`, Xpool: pool.X, yPool: pool.y, Xtest: test.X, yTest: test.y, classes: K };
}

function gather(X: Matrix, ids: ArrayLike<number>): Matrix {
  const d = X.cols;
  const data = new Float32Array(ids.length * d);
  for (let i = 0; i < ids.length; i++) data.set(X.data.subarray(ids[i] * d, (ids[i] + 1) * d), i * d);
  return { rows: ids.length, cols: d, data };
}

/** Real-data tasks: the whole label set and random class subsets, each on a random 70/30 split. */
async function realTasks(spec: string, seed: number, count: number): Promise<Task[]> {
  const m = /^([^=]+)=([^:]+)(?::(.+))?$/.exec(spec);
  if (!m) throw new Error(`--real ${spec}: expected NAME=DATA.jsonl[:VECTORS.npy]`);
  const [, name, dataFile, npyFile] = m;
  const ds = readGoldDataset(dataFile);
  let X: Matrix;
  if (npyFile) X = readNpy(npyFile);
  else {
    const encoder = await loadEncoder({ model: 'default', device: 'cpu' });
    try {
      X = await encoder.encode(ds.records.map((r) => r.text));
    } finally {
      await encoder.dispose();
    }
  }
  if (X.rows !== ds.records.length) throw new Error(`${npyFile ?? 'vectors'}: ${X.rows} rows for ${ds.records.length} records in ${dataFile}`);
  const cls = new Map(ds.classes.map((c, i) => [c, i]));
  const y = ds.records.map((r) => cls.get(r.label ?? '') ?? -1);
  const tasks: Task[] = [];
  for (let t = 0; t < count; t++) {
    const rng = createRng(deriveSeed(seed, 0x7265, t, name.length));
    const all = shuffleInPlace(Int32Array.from(ds.classes.keys()), rng);
    const K = t === 0 ? ds.classes.length : Math.max(2, Math.min(ds.classes.length, 2 + Math.floor(rng() * (ds.classes.length - 1))));
    const keep = new Map(Array.from(all.subarray(0, K)).map((c, i) => [c, i]));
    const ids = shuffleInPlace(Int32Array.from(y.keys()).filter((i) => keep.has(y[i])), rng);
    const nTest = Math.round(ids.length * 0.3);
    const testIds = ids.subarray(0, nTest);
    const poolIds = ids.subarray(nTest, nTest + Math.min(4000, ids.length - nTest));
    tasks.push({
      source: name,
      name: `${name}-${t}`,
      Xpool: gather(X, poolIds),
      yPool: Int32Array.from(poolIds, (i) => keep.get(y[i])!),
      Xtest: gather(X, testIds),
      yTest: Int32Array.from(testIds, (i) => keep.get(y[i])!),
      classes: K,
    });
  }
  return tasks;
}

/** One trajectory over a task, recording features and per-strategy one-round gains at sampled rounds. */
export function runTask(task: Task, seed: number, every: number): StateRecord[] {
  const strategies = allStrategies();
  const K = task.classes;
  const rng = createRng(deriveSeed(seed, 0x7472, task.name.length, task.yPool.length));
  const model = new ModelWithCommittee(task.Xpool, { classes: K, seed });
  const N = task.Xpool.rows;
  const order = shuffleInPlace(Int32Array.from({ length: N }, (_, i) => i), rng);
  const isLabeled = new Uint8Array(N);
  const labeled: number[] = Array.from(order.subarray(0, INIT));
  labeled.forEach((p) => (isLabeled[p] = 1));
  const out: StateRecord[] = [];
  const offset = Math.floor(rng() * every);
  // A pool smaller than the budget ends the trajectory when it runs out (it used to loop for ever).
  for (let round = 1; labeled.length < Math.min(BUDGET, N); round++) {
    const rows = Int32Array.from(labeled);
    const labels = Int32Array.from(labeled, (p) => task.yPool[p]);
    model.fit(rows, labels);
    const unlabeled = Int32Array.from({ length: N }, (_, i) => i).filter((i) => !isLabeled[i]);
    const state = model.poolState(unlabeled, rows, labels, round, rng);
    const base = accuracy(task.yTest, argmaxRows(model.main.predictProba(task.Xtest), K));
    // strategyBatch: the batch each strategy picks in the engine (its own sequential one, if it has it); state.rng is rng.
    const batches = strategies.map((s) => strategyBatch(s, state, s.score(state), BATCH, { diversity: true }).map((p) => unlabeled[p]));
    if ((round + offset) % every === 0) {
      const features = Array.from(computeFeatures(state));
      const gains = batches.map((b) => {
        const m = new SoftmaxRegression({ classes: K });
        const r2 = Int32Array.from([...labeled, ...b]);
        m.fit(task.Xpool, r2, Int32Array.from(r2, (p) => task.yPool[p]));
        return accuracy(task.yTest, argmaxRows(m.predictProba(task.Xtest), K)) - base;
      });
      out.push({ source: task.source, task: task.name, labels: labeled.length, features, gains });
    }
    // Advance with a strategy drawn at random.
    for (const p of batches[Math.floor(rng() * batches.length)]) {
      isLabeled[p] = 1;
      labeled.push(p);
    }
  }
  return out;
}

/**
 * The training target of a state: each strategy's mean one-round gain over the rest of its task
 * (this state and every later sampled state of the same trajectory). One round's gain is mostly
 * noise (a few test rows flipping); what a round's choice should follow is how the strategy does
 * from here on, which is also what the area under the learning curve rewards.
 */
export function restOfTaskGains(states: readonly StateRecord[]): number[][] {
  const byTask = new Map<string, number[]>();
  states.forEach((s, i) => {
    const list = byTask.get(s.task);
    if (list) list.push(i);
    else byTask.set(s.task, [i]);
  });
  const out: number[][] = states.map((s) => s.gains.slice());
  for (const idx of byTask.values()) {
    for (const i of idx) {
      const later = idx.filter((j) => states[j].labels >= states[i].labels);
      out[i] = states[i].gains.map((_, k) => later.reduce((a, j) => a + states[j].gains[k], 0) / later.length);
    }
  }
  return out;
}

/** Small MLP fitted with Adam on centred gains (accuracy points). Deterministic for a seed. */
function fitMlp(states: StateRecord[], hidden: number, seed: number): { mean: number[]; std: number[]; layers: PriorLayer[]; rmse: number } {
  const F = FEATURE_NAMES.length;
  const S = STRATEGY_NAMES.length;
  const n = states.length;
  const mean = new Array<number>(F).fill(0);
  const std = new Array<number>(F).fill(0);
  for (const s of states) s.features.forEach((v, j) => (mean[j] += v / n));
  for (const s of states) s.features.forEach((v, j) => (std[j] += (v - mean[j]) ** 2 / n));
  for (let j = 0; j < F; j++) std[j] = Math.sqrt(std[j]) > 1e-6 ? Math.sqrt(std[j]) : 1;
  const X = states.map((s) => s.features.map((v, j) => (v - mean[j]) / std[j]));
  const targets = restOfTaskGains(states);
  const Y = targets.map((t) => {
    const g = t.map((v) => v * 100);
    const m = g.reduce((a, b) => a + b, 0) / S;
    return g.map((v) => v - m);
  });
  const rng = createRng(deriveSeed(seed, 0x6d6c70));
  const W1 = Array.from({ length: hidden }, () => Array.from({ length: F }, () => gauss(rng) * Math.sqrt(2 / F)));
  const b1 = new Array<number>(hidden).fill(0);
  const W2 = Array.from({ length: S }, () => Array.from({ length: hidden }, () => gauss(rng) * Math.sqrt(1 / hidden)));
  const b2 = new Array<number>(S).fill(0);
  const params = [W1, [b1], W2, [b2]];
  const m1 = params.map((p) => p.map((r) => r.map(() => 0)));
  const v1 = params.map((p) => p.map((r) => r.map(() => 0)));
  const lr = 0.01;
  const wd = 1e-3;
  const epochs = 400;
  const batch = 64;
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  let step = 0;
  for (let ep = 0; ep < epochs; ep++) {
    shuffleInPlace(idx, rng);
    for (let st = 0; st < n; st += batch) {
      const gW1 = W1.map((r) => r.map(() => 0));
      const gb1 = b1.map(() => 0);
      const gW2 = W2.map((r) => r.map(() => 0));
      const gb2 = b2.map(() => 0);
      const end = Math.min(n, st + batch);
      for (let t = st; t < end; t++) {
        const x = X[idx[t]];
        const y = Y[idx[t]];
        const z = W1.map((r, h) => r.reduce((a, w, j) => a + w * x[j], b1[h]));
        const h = z.map((v) => Math.max(0, v));
        const o = W2.map((r, s) => r.reduce((a, w, j) => a + w * h[j], b2[s]));
        const dO = o.map((v, s) => (2 * (v - y[s])) / (S * (end - st)));
        const dH = new Array<number>(hidden).fill(0);
        for (let s = 0; s < S; s++) {
          gb2[s] += dO[s];
          for (let j = 0; j < hidden; j++) {
            gW2[s][j] += dO[s] * h[j];
            dH[j] += dO[s] * W2[s][j];
          }
        }
        for (let j = 0; j < hidden; j++) {
          if (z[j] <= 0) continue;
          gb1[j] += dH[j];
          for (let f = 0; f < F; f++) gW1[j][f] += dH[j] * x[f];
        }
      }
      step++;
      const grads = [gW1, [gb1], gW2, [gb2]];
      params.forEach((p, pi) =>
        p.forEach((row, ri) =>
          row.forEach((w, ci) => {
            const g = grads[pi][ri][ci] + (pi % 2 === 0 ? wd * w : 0);
            m1[pi][ri][ci] = 0.9 * m1[pi][ri][ci] + 0.1 * g;
            v1[pi][ri][ci] = 0.999 * v1[pi][ri][ci] + 0.001 * g * g;
            const mh = m1[pi][ri][ci] / (1 - 0.9 ** step);
            const vh = v1[pi][ri][ci] / (1 - 0.999 ** step);
            row[ci] = w - (lr * mh) / (Math.sqrt(vh) + 1e-8);
          }),
        ),
      );
    }
  }
  let se = 0;
  for (let i = 0; i < n; i++) {
    const h = W1.map((r, k) => Math.max(0, r.reduce((a, w, j) => a + w * X[i][j], b1[k])));
    W2.forEach((r, s) => (se += (r.reduce((a, w, j) => a + w * h[j], b2[s]) - Y[i][s]) ** 2));
  }
  const round6 = (v: number): number => Number(v.toPrecision(6));
  return {
    mean: mean.map(round6),
    std: std.map(round6),
    layers: [
      { weight: W1.map((r) => r.map(round6)), bias: b1.map(round6), activation: 'relu' },
      { weight: W2.map((r) => r.map(round6)), bias: b2.map(round6), activation: 'linear' },
    ],
    rmse: Math.sqrt(se / (n * S)),
  };
}

function forward(p: { mean: number[]; std: number[]; layers: PriorLayer[] }, x: number[]): number[] {
  let h = x.map((v, j) => (v - p.mean[j]) / p.std[j]);
  for (const l of p.layers) h = l.weight.map((r, o) => (l.activation === 'relu' ? Math.max(0, r.reduce((a, w, j) => a + w * h[j], l.bias[o])) : r.reduce((a, w, j) => a + w * h[j], l.bias[o])));
  return h;
}

/** How often following the prior's favourite beats the average strategy on held-out states, in accuracy points per round. */
function evaluate(p: { mean: number[]; std: number[]; layers: PriorLayer[] }, states: StateRecord[]): { chosenGain: number; meanGain: number; bestFixed: string; bestFixedGain: number } {
  let chosen = 0;
  let meanGain = 0;
  const perStrategy = new Array<number>(STRATEGY_NAMES.length).fill(0);
  for (const s of states) {
    const o = forward(p, s.features);
    chosen += s.gains[o.indexOf(Math.max(...o))] * 100;
    meanGain += (s.gains.reduce((a, b) => a + b, 0) / s.gains.length) * 100;
    s.gains.forEach((g, i) => (perStrategy[i] += g * 100));
  }
  const n = Math.max(1, states.length);
  const best = perStrategy.indexOf(Math.max(...perStrategy));
  return { chosenGain: chosen / n, meanGain: meanGain / n, bestFixed: STRATEGY_NAMES[best], bestFixedGain: perStrategy[best] / n };
}

/** The real datasets trained on when no --real is given: every set of scripts/datasetSpecs.ts that exists. */
function defaultReal(): string[] {
  return DATASET_SPECS.filter((d) => existsSync(d.file)).map((d) => `${d.name}=${d.file}`);
}

async function main(): Promise<void> {
  const opt = args();
  if (opt.real.length === 0) opt.real.push(...defaultReal());
  const t0 = Date.now();
  // Synthetic tasks depend on the seed only, so their states can be reused between runs; real
  // tasks are always recomputed (their vectors may have changed).
  const cached = (opt.reuse || opt.refit) && existsSync(opt.states) ? (JSON.parse(readFileSync(opt.states, 'utf8')) as StateRecord[]).filter((s) => opt.refit || s.source === 'synthetic') : [];
  const states: StateRecord[] = [];
  if (opt.refit) {
    // --refit: fit the priors again on the saved states, simulating nothing.
    states.push(...cached);
    console.error(`train:prior: refitting on ${states.length} saved states from ${opt.states}`);
  } else {
    const tasks: Task[] = [];
    for (let i = 0; i < opt.synthetic; i++) tasks.push(syntheticTask(i, opt.seed));
    for (const spec of opt.real) tasks.push(...(await realTasks(spec, opt.seed, 6)));
    tasks.forEach((t, i) => {
      const reused = cached.filter((s) => s.task === t.name);
      if (reused.length > 0) {
        states.push(...reused);
        return;
      }
      const s = runTask(t, deriveSeed(opt.seed, i), opt.every);
      states.push(...s);
      const mean = STRATEGY_NAMES.map((_, k) => s.reduce((a, r) => a + r.gains[k], 0) / Math.max(1, s.length));
      console.error(`train:prior: task ${i + 1}/${tasks.length} ${t.name} (${t.classes} classes, ${t.Xpool.rows}×${t.Xpool.cols}): ${s.length} states, mean gain ${STRATEGY_NAMES.map((n, k) => `${n} ${(mean[k] * 100).toFixed(2)}`).join(' ')} [${((Date.now() - t0) / 1000).toFixed(0)} s]`);
    });
    mkdirSync(dirname(opt.states), { recursive: true });
    writeFileSync(opt.states, JSON.stringify(states));
    console.error(`train:prior: ${states.length} states (${states.length - cached.length} new) saved to ${opt.states}`);
  }
  const sources = [...new Set(states.map((s) => s.source))].filter((s) => s !== 'synthetic').sort();
  mkdirSync(opt.out, { recursive: true });
  for (const held of [null, ...sources]) {
    const train = states.filter((s) => s.source !== held);
    const fit = fitMlp(train, 16, opt.seed);
    const prior: PriorJson = {
      format: 'labelwise-prior/1',
      heldOut: held,
      trainedOn: [...new Set(train.map((s) => s.source))].sort(),
      features: [...FEATURE_NAMES],
      strategies: [...STRATEGY_NAMES],
      mean: fit.mean,
      std: fit.std,
      layers: fit.layers,
      training: { states: train.length, tasks: new Set(train.map((s) => s.task)).size, target: 'mean one-round test-accuracy gain over the rest of the task, in points, centred over strategies', trainRmse: Number(fit.rmse.toFixed(4)), init: INIT, batch: BATCH, budget: BUDGET, seed: opt.seed },
    };
    const file = join(opt.out, held ? `prior-without-${held}.json` : 'prior.json');
    writeFileSync(file, `${JSON.stringify(prior)}\n`);
    let line = `train:prior: wrote ${file} (${train.length} states, train RMSE ${fit.rmse.toFixed(3)} points)`;
    if (held) {
      const e = evaluate(fit, states.filter((s) => s.source === held));
      line += `; on held-out ${held}: prior's pick gains ${e.chosenGain.toFixed(3)} points/round vs mean strategy ${e.meanGain.toFixed(3)}, best fixed ${e.bestFixed} ${e.bestFixedGain.toFixed(3)}`;
    }
    console.error(line);
  }
  console.error(`train:prior: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

// Run only as a script, so tests and tools can import the task generator.
if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`train:prior: ${(e as Error).message}`);
    process.exit(1);
  });
}
