// `npm run bench:select`: the engine's speed targets (issue 4), medians of repeated runs:
//   - selecting a batch of 10 from 100,000 candidates with a 5-member committee (≤ 150 ms):
//     scoring + the shared diverse batch selector, per strategy, on probabilities already
//     computed at retrain time (that prediction pass is timed separately);
//   - retraining the committee on 2,000 labels (≤ 1 s), warm-started as in a labeling session,
//     and from scratch;
//   - a full 300-label `simulate` on brown-genre (≤ 30 s), encoding included, as the CLI runs it.
// The synthetic pool has the columns the editor's engine gets by default: the encoder's 100 and
// labelwise.lexicalFeatures' default (100); `-- --dim 100` for the encoder's alone, or any other width.
import { join } from 'node:path';
import { metaSelectorFactory } from '../src/core/meta/metaSelectorFactory';
import { simulate } from '../src/core/simulation/simulate';
import { defaultSettings } from '../src/core/settings';
import { simulationVectors } from '../src/core/simulation/simulationVectors';
import { loadEncoder } from '../src/core/encoders/loadEncoder';
import { ModelWithCommittee } from '../src/core/learners/modelWithCommittee';
import { BootstrapCommittee } from '../src/core/learners/committee';
import { createRng } from '../src/core/learners/rng';
import { NO_COMMITTEE } from '../src/core/strategies/committeeSummary';
import { createFixedSelector } from '../src/core/strategies/fixedSelector';
import { allStrategies, strategyByName } from '../src/core/strategies/registry';
import type { PoolState } from '../src/core/strategies/strategy';
import { readGoldDataset } from '../src/core/text/dataset';
import { silentLogger, type Matrix } from '../src/core/types';
import { median } from './stats';

const N = 100_000;
/** Vector columns: the embedded encoder's 100 and the default lexical block's, or `--dim N`. */
const D = dimArg(process.argv.slice(2));
const K = 6;
const LABELS = 2000;

function dimArg(argv: string[]): number {
  const i = argv.indexOf('--dim');
  if (i < 0) return 100 + defaultSettings.lexicalFeatures;
  const d = Number(argv[i + 1]);
  if (!Number.isInteger(d) || d < 1) throw new Error(`bench/select.ts: --dim wants a positive integer, got "${argv[i + 1] ?? ''}"`);
  return d;
}

async function time<T>(reps: number, f: () => T | Promise<T>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

/** L2-normalised Gaussian vectors labeled by a random linear teacher with label noise. */
function syntheticPool(seed: number): { X: Matrix; y: Int32Array } {
  const rng = createRng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const data = new Float32Array(N * D);
  const teacher = Float64Array.from({ length: K * D }, gauss);
  const y = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    let n = 0;
    for (let j = 0; j < D; j++) {
      const v = gauss();
      data[i * D + j] = v;
      n += v * v;
    }
    n = Math.sqrt(n);
    let best = 0;
    let bestV = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += teacher[k * D + j] * data[i * D + j];
      s += 3 * gauss();
      if (s > bestV) {
        bestV = s;
        best = k;
      }
    }
    y[i] = best;
    for (let j = 0; j < D; j++) data[i * D + j] /= n;
  }
  return { X: { rows: N, cols: D, data }, y };
}

async function main(): Promise<void> {
  const out: string[] = [];
  const say = (s: string): void => {
    out.push(s);
    process.stdout.write(`${s}\n`);
  };
  say(`bench:select — medians; node ${process.version}, ${new Date().toISOString()}`);
  const { X, y } = syntheticPool(1);
  const labeled = Int32Array.from({ length: LABELS }, (_, i) => i * (N / LABELS));
  const labels = Int32Array.from(labeled, (r) => y[r]);

  // Retraining the committee (5 members) on 2,000 labels.
  const warm = new BootstrapCommittee({ classes: K, seed: 1, size: 5 });
  warm.fit(X, labeled.subarray(0, LABELS - 10), labels.subarray(0, LABELS - 10));
  const warmMs = await time(5, () => warm.fit(X, labeled, labels, { warmStart: true }));
  const coldMs = await time(3, () => new BootstrapCommittee({ classes: K, seed: 1, size: 5 }).fit(X, labeled, labels));
  say(`retrain 5-member committee on ${LABELS} labels, ${D}-d: warm-started ${warmMs.toFixed(0)} ms, from scratch ${coldMs.toFixed(0)} ms (target ≤ 1000 ms)`);

  // The semi-supervised step (off by default): a whole retrain of the main model with it, on the
  // same 100,000 rows. Propagation's first retrain also builds the kNN graph over its 4,000-row
  // sample (once per pool); later ones reuse it.
  for (const semiSupervised of [{ method: 'self-training' }, { method: 'propagation' }] as const) {
    const ssl = new ModelWithCommittee(X, { classes: K, committeeSize: 5, seed: 1, semiSupervised });
    const t0 = performance.now();
    ssl.fit(labeled.subarray(0, LABELS - 10), labels.subarray(0, LABELS - 10));
    const firstMs = performance.now() - t0;
    const sslMs = await time(3, () => ssl.fit(labeled, labels));
    const plain = new ModelWithCommittee(X, { classes: K, committeeSize: 5, seed: 1 });
    plain.fit(labeled.subarray(0, LABELS - 10), labels.subarray(0, LABELS - 10));
    const plainMs = await time(3, () => plain.fit(labeled, labels));
    say(`retrain the main model on ${LABELS} labels with ${semiSupervised.method}: ${sslMs.toFixed(0)} ms warm (${ssl.lastPseudo.rows.length} pseudo-labels; first retrain ${firstMs.toFixed(0)} ms), without: ${plainMs.toFixed(0)} ms`);
  }

  // Prediction pass over the pool at retrain time: main model + 5 members on 100,000 rows.
  const model = new ModelWithCommittee(X, { classes: K, committeeSize: 5, seed: 1 });
  model.fit(labeled, labels);
  const isLabeled = new Uint8Array(N);
  for (const r of labeled) isLabeled[r] = 1;
  const unlabeled = Int32Array.from([...Array(N).keys()].filter((r) => !isLabeled[r]));
  let state: PoolState | undefined;
  const predictMs = await time(3, () => {
    state = model.poolState(unlabeled, labeled, labels, 1, createRng(1));
    void state.committee.size;
  });
  say(`predict ${unlabeled.length} candidates with the main model + 5 members in JavaScript (poolState, as simulate does): ${predictMs.toFixed(0)} ms`);
  await model.scorePool(); // opens the ONNX Runtime session once
  const poolMs = await time(3, () => model.scorePool());
  say(`score all ${N} rows with the main model + 5 members through ONNX Runtime, streamed (scorePool, once per retrain in the engine): ${poolMs.toFixed(0)} ms`);

  // Selecting a batch of 10 from the ~100,000 candidates, per strategy.
  const s = state!;
  for (const strategy of allStrategies()) {
    const sel = createFixedSelector(strategy, { diversity: true });
    // The first call pays for what a strategy keeps per pool (typicality's clusters, coverage's
    // distances to the labeled rows), later rounds reuse it: timed apart.
    const firstMs = await time(1, () => sel.select(s, 10));
    const ms = await time(7, () => sel.select(s, 10));
    say(`select 10 of ${unlabeled.length} with ${strategy.name.padEnd(16)} (diverse): ${ms.toFixed(1)} ms (target ≤ 150 ms); first call on this pool ${firstMs.toFixed(0)} ms`);
  }
  // Typicality and coverage keep per-pool state; a labeling round brings 10 new labels, which
  // coverage folds into its distances: time rounds that each add the previous round's picks.
  for (const name of ['typicality', 'coverage'] as const) {
    const strategy = strategyByName(name);
    const sel = createFixedSelector(strategy, { diversity: true });
    let labeledNow = s.labeled;
    const isL = new Uint8Array(N);
    for (const r of labeledNow) isL[r] = 1;
    const ms = await time(7, async () => {
      const unl = Int32Array.from(s.unlabeled.filter((r) => !isL[r]));
      const picks = await sel.select({ ...s, unlabeled: unl, labeled: labeledNow, labels: new Int32Array(labeledNow.length), poolProbs: new Float32Array(0), committee: NO_COMMITTEE }, 10);
      for (const p of picks) isL[p.row] = 1;
      labeledNow = Int32Array.from([...labeledNow, ...picks.map((p) => p.row)]);
    });
    say(`a round of ${name} with the 10 labels of the round before (per-pool state kept): ${ms.toFixed(1)} ms (target ≤ 150 ms)`);
  }
  const meta = await metaSelectorFactory(silentLogger)({ strategy: 'meta', classes: K, seed: 1, diversity: true, batch: 10, budget: 3000, init: LABELS });
  const metaMs = await time(5, () => meta.select(s, 10));
  say(`select 10 of ${unlabeled.length} with meta (prior + all strategies' advice): ${metaMs.toFixed(1)} ms (target ≤ 150 ms)`);

  // A full 300-label simulate on brown-genre, encoding and the default features included (as
  // `labelwise simulate` without --vectors: the lexical block fitted on the pool, simulationVectors.ts).
  const file = join(__dirname, '..', '..', 'shared', 'datasets', 'brown-genre.jsonl');
  const data = readGoldDataset(file);
  for (const strategy of ['margin', 'meta'] as const) {
    const ms = await time(3, async () => {
      const encoder = await loadEncoder({ model: 'default', device: 'cpu', logger: silentLogger });
      const vectors = await encoder.encode(data.records.map((r) => r.text));
      await encoder.dispose();
      const run = { data, seed: 1, init: 20, batch: 10, budget: 300, testFraction: 0.3 };
      const features = simulationVectors(run, vectors, { commonComponents: 0, lexical: defaultSettings.lexicalFeatures });
      await simulate({ ...run, ...features, strategy, metaFactory: metaSelectorFactory(silentLogger) });
    });
    say(`full simulate on brown-genre (encode ${data.records.length} records + lexical block of ${defaultSettings.lexicalFeatures} + 300 labels) with ${strategy}: ${(ms / 1000).toFixed(1)} s (target ≤ 30 s)`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:select: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
