// `npm run bench:learner`: our softmax learner side by side with scikit-learn and numpy on
// identical data, single-threaded (issue 11, item 3; target: within 1.5×).
//   - fits: the main model on the labels and the 5 committee members on the very bootstrap rows
//     BootstrapCommittee draws, ours vs LogisticRegression(multinomial, lbfgs) with the same
//     objective (bench/learner.py explains how), both from zero weights: milliseconds,
//     iterations and the objective each reached;
//   - the prediction pass a retrain makes over the pool (main model + 5 members on every row):
//     ours vs sklearn's predict_proba per model and numpy's matmul + softmax over the stacked
//     weights, on our fitted weights (numpy's probabilities are checked against ours).
// Medians of --reps runs. Times are CPU time of the process (this machine is shared; with one
// thread everywhere CPU time is the work done) and wall time beside it. Without Python, numpy
// or scikit-learn it says so and prints our figures alone.
// Flags: --rows N (100000), --dim D (300), --classes K (6), --labels L (2000), --reps R (3),
// --python PATH (else $LABELWISE_PYTHON, python3, /usr/bin/python3: the first with sklearn).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootstrapCommittee, bootstrapPicks, DEFAULT_COMMITTEE_SIZE } from '../src/core/learners/committee';
import { createRng, deriveSeed } from '../src/core/learners/rng';
import { predictPool } from '../src/core/learners/poolPredict';
import { DEFAULT_C, predictStacked, SoftmaxRegression } from '../src/core/learners/softmax';
import { releaseStackedSoftmax } from '../src/core/runtime/stackedSoftmax';
import { writeNpy } from '../src/core/npy';
import type { Matrix } from '../src/core/types';
import { median } from './stats';

interface Args {
  rows: number;
  dim: number;
  classes: number;
  labels: number;
  reps: number;
  python?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { rows: 100_000, dim: 300, classes: 6, labels: 2000, reps: 3 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`bench:learner: ${flag} needs a value`);
    if (flag === '--python') {
      a.python = value;
      continue;
    }
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`bench:learner: ${flag} must be a positive integer, got ${value}`);
    if (flag === '--rows') a.rows = n;
    else if (flag === '--dim') a.dim = n;
    else if (flag === '--classes') a.classes = n;
    else if (flag === '--labels') a.labels = n;
    else if (flag === '--reps') a.reps = n;
    else throw new Error(`bench:learner: unknown flag ${flag} (--rows, --dim, --classes, --labels, --reps, --python)`);
  }
  if (a.labels > a.rows) throw new Error('bench:learner: --labels cannot exceed --rows');
  return a;
}

/**
 * Sentence-vector-like data: Gaussian vectors around a shared offset (what standardisation
 * removes), labeled by a random linear teacher with noise so that classes overlap.
 */
function syntheticPool(n: number, d: number, K: number, seed: number): { X: Matrix; y: Int32Array } {
  const rng = createRng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const offset = Float64Array.from({ length: d }, () => 0.5 * gauss());
  const teacher = Float64Array.from({ length: K * d }, gauss);
  const data = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) data[i * d + j] = offset[j] + 0.2 * gauss();
    let best = 0;
    let bestV = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += teacher[k * d + j] * (data[i * d + j] - offset[j]);
      s += 2 * gauss();
      if (s > bestV) {
        bestV = s;
        best = k;
      }
    }
    y[i] = best;
  }
  return { X: { rows: n, cols: d, data }, y };
}

interface Timing {
  cpu: number;
  wall: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function timed<T>(reps: number, f: () => T | Promise<T>): Promise<{ t: Timing; out: T }> {
  const cpu: number[] = [];
  const wall: number[] = [];
  let out: T | undefined;
  for (let i = 0; i < reps; i++) {
    const c0 = cpuMs();
    const w0 = performance.now();
    out = await f();
    wall.push(performance.now() - w0);
    cpu.push(cpuMs() - c0);
  }
  return { t: { cpu: median(cpu), wall: median(wall) }, out: out as T };
}

interface PyFitRun {
  ms: number;
  cpuMs: number;
  iterations: number;
  objective: number;
}

interface PyFit extends PyFitRun {
  name: string;
  /** Stopped after as many iterations as ours took. */
  capped: PyFitRun;
  /** Stopped at the fewest iterations that reach our objective. */
  reach: PyFitRun;
}

interface PyResult {
  numpy: string;
  sklearn: string;
  fits: PyFit[];
  sklearnPredict: { ms: number; cpuMs: number };
  numpyPredict: { ms: number; cpuMs: number };
  maxAbsDiffVsOurs: number;
}

/** The first interpreter that imports numpy and scikit-learn, or why none did. */
function findPython(explicit: string | undefined): { python?: string; tried: string[] } {
  const candidates = explicit ? [explicit] : [process.env.LABELWISE_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  const tried: string[] = [];
  for (const p of candidates) {
    const r = spawnSync(p, ['-c', 'import numpy, sklearn'], { encoding: 'utf8' });
    if (r.status === 0) return { python: p, tried };
    tried.push(`${p}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`);
  }
  return { tried };
}

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)).padStart(7);
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`.padStart(7);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { rows: N, dim: D, classes: K, labels: L, reps } = args;
  const say = (s: string): void => void process.stdout.write(`${s}\n`);
  say(`bench:learner — ${N.toLocaleString('en')} rows × ${D} dims, ${K} classes, ${L} labels, committee of ${DEFAULT_COMMITTEE_SIZE}; medians of ${reps}; node ${process.version}, ${new Date().toISOString()}`);
  const { X, y } = syntheticPool(N, D, K, 1);
  // Labeled rows spread over the pool, as a session's labels are.
  const labeled = Int32Array.from({ length: L }, (_, i) => Math.floor((i * N) / L));
  const labels = Int32Array.from(labeled, (r) => y[r]);
  const seed = 7;
  // The rows each member of the committee's first fit is trained on (committee.ts's draws).
  const fits = [{ name: 'main', rows: labeled, y: labels }];
  for (let m = 0; m < DEFAULT_COMMITTEE_SIZE; m++) {
    const pick = bootstrapPicks(labels, K, createRng(deriveSeed(seed, m, 0)));
    fits.push({ name: `member ${m + 1}`, rows: Int32Array.from(pick, (p) => labeled[p]), y: Int32Array.from(pick, (p) => labels[p]) });
  }

  // The pool's standardisation is computed once per pool and cached; a session pays it once.
  // One untimed fit also lets V8 compile the kernels before anything is timed.
  new SoftmaxRegression({ classes: K }).fit(X, labeled, labels);
  const ours: { name: string; t: Timing; model: SoftmaxRegression }[] = [];
  for (const f of fits) {
    const { t, out } = await timed(reps, () => {
      const m = new SoftmaxRegression({ classes: K });
      m.fit(X, f.rows, f.y);
      return m;
    });
    ours.push({ name: f.name, t, model: out });
  }
  const committeeFit = await timed(reps, () => {
    const c = new BootstrapCommittee({ classes: K, seed, size: DEFAULT_COMMITTEE_SIZE });
    c.fit(X, labeled, labels);
    return c;
  });
  // The bench's members are the committee's own: same rows, so the same weights.
  committeeFit.out.members.forEach((m, i) => {
    const a = m.weights();
    const b = ours[i + 1].model.weights();
    if (a.some((v, j) => v !== b[j])) throw new Error(`bench:learner: member ${i + 1} fitted here differs from the committee's (the bootstrap draws drifted from committee.ts)`);
  });
  const models = ours.map((o) => o.model);
  const predict = await timed(reps, () => predictStacked(models, X));
  await predictPool(models, X); // opens the ONNX Runtime session (once per process)
  const viaOrt = await timed(reps, () => predictPool(models, X));
  const engineStyle = await timed(reps, () => [models[0].predictProba(X), committeeFit.out.memberProba(X)]);

  // Hand the same data and weights to Python.
  const { python, tried } = findPython(args.python);
  let py: PyResult | undefined;
  if (!python) {
    say(`\nPython with numpy and scikit-learn not found — ours alone below. Tried: ${tried.join('; ')}.`);
    say('To compare: apt-get install -y python3-sklearn python3-numpy (or pass --python PATH).');
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-bench-learner-'));
    try {
      writeNpy(join(dir, 'X.npy'), X);
      const P = D + 1;
      const stacked = new Float32Array(models.length * K * P);
      const W64: number[] = [];
      models.forEach((m, i) => {
        const w = m.weights();
        stacked.set(w, i * K * P);
        W64.push(...w);
      });
      const probs = predict.out;
      const flat = new Float32Array(N * models.length * K);
      for (let i = 0; i < N; i++) for (let m = 0; m < models.length; m++) flat.set(probs[m].subarray(i * K, (i + 1) * K), (i * models.length + m) * K);
      writeNpy(join(dir, 'probs.npy'), { rows: N, cols: models.length * K, data: flat });
      const spec = {
        classes: K,
        C: models[0].C,
        tol: models[0].tol,
        maxIter: models[0].maxIter,
        reps,
        weights: W64,
        weightCols: P,
        fits: fits.map((f, i) => ({ name: f.name, rows: Array.from(f.rows), y: Array.from(f.y), oursIterations: ours[i].model.lastIterations, oursObjective: ours[i].model.lastObjective })),
      };
      writeFileSync(join(dir, 'fits.json'), JSON.stringify(spec));
      const single = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', BLIS_NUM_THREADS: '1', VECLIB_MAXIMUM_THREADS: '1', NUMEXPR_NUM_THREADS: '1' };
      const r = spawnSync(python, [join(__dirname, 'learner.py'), dir], { encoding: 'utf8', env: { ...process.env, ...single }, maxBuffer: 1 << 24 });
      if (r.status !== 0) say(`\n${python} bench/learner.py failed (exit ${r.status}): ${r.stderr.trim()} — ours alone below.`);
      else py = JSON.parse(r.stdout) as PyResult;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  say('');
  if (py) say(`python: ${python}, numpy ${py.numpy}, scikit-learn ${py.sklearn}, one thread (OMP/OPENBLAS/MKL_NUM_THREADS=1)`);
  say(`fits from zero weights, C = ${DEFAULT_C}; CPU ms, L-BFGS iterations, objective in our units (Σ loss + penalty), ratio = ours / sklearn's time`);
  if (py) say('  sklearn: to its own convergence (tol as ours) | stopped at our iteration count | stopped at the fewest iterations that reach our objective');
  const col = (r: PyFitRun, oursCpu: number): string => ` │ ${fmt(r.cpuMs)} ${String(r.iterations).padStart(4)} ${r.objective.toFixed(2).padStart(9)} ${ratio(oursCpu, r.cpuMs).slice(1)}`;
  const head = ` │ ${'sk ms'.padStart(7)} ${'its'.padStart(4)} ${'objective'.padStart(9)} ${'ratio'.padStart(6)}`;
  say(`${'fit'.padEnd(10)} ${'ours ms'.padStart(7)} ${'its'.padStart(4)} ${'objective'.padStart(9)}${py ? head.repeat(3) : ''}`);
  const zero = { ms: 0, cpuMs: 0, iterations: 0, objective: 0 };
  const sum = { ours: 0, sk: { ...zero }, capped: { ...zero }, reach: { ...zero } };
  const members = { ours: 0, sk: { ...zero }, capped: { ...zero }, reach: { ...zero } };
  ours.forEach((o, i) => {
    const s = py?.fits[i];
    for (const acc of i > 0 ? [sum, members] : [sum]) {
      acc.ours += o.t.cpu;
      if (s) {
        acc.sk.cpuMs += s.cpuMs;
        acc.capped.cpuMs += s.capped.cpuMs;
        acc.reach.cpuMs += s.reach.cpuMs;
      }
    }
    say(
      `${o.name.padEnd(10)} ${fmt(o.t.cpu)} ${String(o.model.lastIterations).padStart(4)} ${o.model.lastObjective.toFixed(2).padStart(9)}` +
        (s ? col(s, o.t.cpu) + col(s.capped, o.t.cpu) + col(s.reach, o.t.cpu) : ''),
    );
  });
  const totalCol = (r: PyFitRun, oursCpu: number): string => ` │ ${fmt(r.cpuMs)} ${''.padStart(4)} ${''.padStart(9)} ${ratio(oursCpu, r.cpuMs).slice(1)}`;
  for (const [name, acc] of [['5 members', members], ['all 6', sum]] as const) {
    say(`${name.padEnd(10)} ${fmt(acc.ours)} ${''.padStart(4)} ${''.padStart(9)}` + (py ? totalCol(acc.sk, acc.ours) + totalCol(acc.capped, acc.ours) + totalCol(acc.reach, acc.ours) : ''));
  }
  say(`(BootstrapCommittee.fit itself, the 5 members: ${fmt(committeeFit.t.cpu).trim()} ms CPU, ${fmt(committeeFit.t.wall).trim()} ms wall)`);
  say('');
  say(`prediction pass over ${N.toLocaleString('en')} rows, main + ${DEFAULT_COMMITTEE_SIZE} members, ms (CPU | wall)`);
  say(`  ours in JavaScript, one stacked pass (predictStacked): ${fmt(predict.t.cpu)} | ${fmt(predict.t.wall)}`);
  say(`  ours, main then committee (predictProba, memberProba): ${fmt(engineStyle.t.cpu)} | ${fmt(engineStyle.t.wall)}`);
  say(`  ours through ONNX Runtime, 1 thread (predictPool):     ${fmt(viaOrt.t.cpu)} | ${fmt(viaOrt.t.wall)}`);
  if (py) {
    say(`  scikit-learn predict_proba, one call per model:       ${fmt(py.sklearnPredict.cpuMs)} | ${fmt(py.sklearnPredict.ms)}   ours/sklearn: ONNX Runtime ${ratio(viaOrt.t.cpu, py.sklearnPredict.cpuMs).trim()}, JavaScript ${ratio(predict.t.cpu, py.sklearnPredict.cpuMs).trim()}`);
    say(`  numpy matmul + softmax, stacked weights (float32):    ${fmt(py.numpyPredict.cpuMs)} | ${fmt(py.numpyPredict.ms)}   ours/numpy: ONNX Runtime ${ratio(viaOrt.t.cpu, py.numpyPredict.cpuMs).trim()}, JavaScript ${ratio(predict.t.cpu, py.numpyPredict.cpuMs).trim()}`);
    say(`  largest |numpy − ours (JavaScript)| over all probabilities: ${py.maxAbsDiffVsOurs.toExponential(2)}`);
  }
}

main()
  .then(() => releaseStackedSoftmax())
  .catch((e: unknown) => {
    process.stderr.write(`bench:learner: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
