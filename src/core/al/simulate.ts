import { basename } from 'node:path';
import { InputError, SettingError } from '../errors';
import { ModelWithCommittee } from '../learners/modelWithCommittee';
import { createRng, deriveSeed, shuffleInPlace } from '../learners/rng';
import { SoftmaxRegression } from '../learners/softmax';
import { createSelector, type SelectorFactory } from '../strategies/selectorFactory';
import type { Pick, StrategyChoice } from '../strategies/strategy';
import type { GoldDataset } from '../text/dataset';
import { silentLogger, type Logger, type Matrix } from '../types';
import { poolFeatures } from '../features/poolFeatures';
import { accuracy, aulc, argmaxRows, macroF1 } from './metrics';
import { stratifiedTestIds, type Split } from './split';

export interface CurvePoint {
  readonly labels: number;
  readonly accuracy: number;
  readonly macroF1: number;
  /** Picks per strategy in the round that led to this point; null for the initial labels. */
  readonly chosen: Record<string, number> | null;
}

/** Exactly DESIGN.md's simulation JSON. */
export interface SimulationResult {
  readonly dataset: string;
  readonly task: 'classify';
  readonly strategy: string;
  readonly seed: number;
  readonly init: number;
  readonly batch: number;
  readonly budget: number;
  readonly pool: number;
  readonly test: number;
  readonly curve: CurvePoint[];
  readonly aulc: number;
  readonly fullData: { readonly accuracy: number; readonly macroF1: number };
  readonly seconds: number;
}

export interface SimulateOptions {
  readonly data: GoldDataset;
  /** One row per record, in file order. */
  readonly vectors: Matrix;
  readonly strategy: StrategyChoice;
  readonly seed: number;
  readonly init: number;
  readonly batch: number;
  readonly budget: number;
  readonly testFraction: number;
  /** A fixed split (from `--split`); otherwise a stratified split by seed. */
  readonly split?: Split;
  readonly committeeSize?: number;
  readonly diversity?: boolean;
  /** With diversity: candidates per pick the diverse batch is drawn from (default 3). */
  readonly candidateFactor?: number;
  /** Builds the meta-learner's selector for `strategy: 'meta'`. */
  readonly metaFactory?: SelectorFactory;
  /** Dataset name in the result (default: the file name without .jsonl). */
  readonly name?: string;
  /** Base learner knobs (see SoftmaxOptions). */
  readonly C?: number;
  readonly classBalanced?: boolean;
  /** Progress lines go here (the CLI passes a stderr logger). */
  readonly logger?: Logger;
  /**
   * Common components to remove, fitted on the pool only (the encoder's `commonComponents`; the
   * editor's session applies the same poolFeatures to its corpus). Default 0: vectors as given.
   */
  readonly commonComponents?: number;
}

/**
 * Simulates an annotator who answers with the gold label (DESIGN.md "simulate"): hold out a test
 * split, start from `init` labels, query `batch` rows per round until `budget` labels, evaluating
 * on the test split after every round. Deterministic per seed (apart from `seconds`). The selector
 * sees only the pool's vectors and the labels it asked for, never the test split.
 */
export async function simulate(opts: SimulateOptions): Promise<SimulationResult> {
  const t0 = performance.now();
  const log = opts.logger ?? silentLogger;
  const ds = opts.data;
  const name = opts.name ?? basename(ds.file).replace(/\.jsonl$/i, '');
  if (ds.task !== 'classify') {
    throw new InputError(`${ds.file}: entity-span datasets ("spans" records) need per-token vectors: use simulateSpans() (simulateSpans.ts), not simulate()`, ds.file);
  }
  if (ds.classes.length < 2) {
    throw new InputError(`${ds.file}: every record has the label "${ds.classes[0]}"; classification needs at least 2 classes`, ds.file);
  }
  const N = ds.records.length;
  if (opts.vectors.rows !== N) {
    throw new InputError(`the vectors have ${opts.vectors.rows} rows but ${ds.file} has ${N} records; they must match one to one`);
  }
  for (const [flag, v, min] of [['--init', opts.init, 1], ['--batch', opts.batch, 1], ['--budget', opts.budget, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new SettingError(flag, `${flag} must be an integer ≥ ${min}, got ${v}`);
  }
  if (opts.init > opts.budget) throw new SettingError('--init', `--init (${opts.init}) is larger than --budget (${opts.budget})`);
  const K = ds.classes.length;
  const classIndex = new Map(ds.classes.map((c, i) => [c, i]));
  const y = ds.records.map((r) => classIndex.get(r.label!)!);

  const testIds = opts.split ? [...opts.split.testIds].sort((a, b) => a - b) : stratifiedTestIds(y, opts.testFraction, deriveSeed(opts.seed, 1));
  const isTest = new Uint8Array(N);
  for (const id of testIds) isTest[id] = 1;
  const poolIds: number[] = [];
  for (let i = 0; i < N; i++) if (!isTest[i]) poolIds.push(i);
  if (poolIds.length === 0) throw new InputError(`${ds.file}: the test split leaves no records in the pool`, ds.file);
  if (testIds.length === 0) throw new InputError(`${ds.file}: the test split is empty (too few records for --test-fraction ${opts.testFraction})`, ds.file);

  // Pool and test get their own matrices, so nothing (not even feature scaling or the common
  // components, fitted on the pool alone) sees test vectors.
  const features = poolFeatures(gather(opts.vectors, poolIds), opts.commonComponents ?? 0, [gather(opts.vectors, testIds)]);
  const Xp = features.pool;
  const Xt = features.others[0];
  const yPool = Int32Array.from(poolIds, (i) => y[i]);
  const yTest = Int32Array.from(testIds, (i) => y[i]);

  let budget = opts.budget;
  if (budget > poolIds.length) {
    log.warn(`budget ${budget} is larger than the pool (${poolIds.length} records); stopping when the pool is exhausted`);
    budget = poolIds.length;
  }
  const posOf = new Map(poolIds.map((id, p) => [id, p]));
  let initPos: number[];
  if (opts.split?.initIds) {
    initPos = opts.split.initIds.map((id) => posOf.get(id)!);
  } else {
    const order = shuffleInPlace(Int32Array.from(poolIds.keys()), createRng(deriveSeed(opts.seed, 2)));
    initPos = Array.from(order.subarray(0, Math.min(opts.init, poolIds.length)));
  }
  const init = initPos.length;

  const model = new ModelWithCommittee(Xp, { classes: K, committeeSize: opts.committeeSize, seed: opts.seed, C: opts.C, classBalanced: opts.classBalanced });
  const selector = await createSelector(
    { strategy: opts.strategy, classes: K, seed: opts.seed, diversity: opts.diversity ?? true, candidateFactor: opts.candidateFactor, batch: opts.batch, budget, init, holdOut: name },
    opts.metaFactory,
  );
  const rng = createRng(deriveSeed(opts.seed, 3));
  const isLabeled = new Uint8Array(poolIds.length);
  const labeled: number[] = [];
  const addLabel = (p: number): void => {
    isLabeled[p] = 1;
    labeled.push(p);
  };
  initPos.forEach(addLabel);

  const curve: CurvePoint[] = [];
  let chosen: Record<string, number> | null = null;
  let lastPicks: Pick[] = [];
  const tag = `[${name} ${opts.strategy} seed ${opts.seed}]`;
  for (let round = 1; ; round++) {
    const rows = Int32Array.from(labeled);
    const labels = Int32Array.from(labeled, (p) => yPool[p]);
    model.fit(rows, labels);
    const pred = argmaxRows(model.main.predictProba(Xt), K);
    curve.push({ labels: labeled.length, accuracy: accuracy(yTest, pred), macroF1: macroF1(yTest, pred, K), chosen });
    log.info(`${tag} ${labeled.length}/${budget} labels: accuracy ${curve[curve.length - 1].accuracy.toFixed(3)}`);
    const remaining = poolIds.length - labeled.length;
    if (labeled.length >= budget || remaining === 0) break;
    const unlabeled = new Int32Array(remaining);
    for (let p = 0, u = 0; p < poolIds.length; p++) if (!isLabeled[p]) unlabeled[u++] = p;
    const state = model.poolState(unlabeled, rows, labels, round, rng);
    if (lastPicks.length > 0 && selector.feedback) {
      await selector.feedback(lastPicks, Int32Array.from(lastPicks, (pk) => yPool[pk.row]), state);
    }
    const n = Math.min(opts.batch, budget - labeled.length, remaining);
    const picks = await selector.select(state, n);
    if (picks.length === 0) throw new Error(`${selector.name}: selected nothing from ${remaining} unlabeled rows`);
    chosen = {};
    for (const pk of picks) {
      if (isLabeled[pk.row]) throw new Error(`${selector.name}: picked row ${pk.row}, which is already labeled`);
      addLabel(pk.row);
      chosen[pk.strategy] = (chosen[pk.strategy] ?? 0) + 1;
    }
    lastPicks = picks;
  }

  const fullData = fullDataScore(opts, Xp, yPool, Xt, yTest, testIds);
  return {
    dataset: name,
    task: 'classify',
    strategy: opts.strategy,
    seed: opts.seed,
    init,
    batch: opts.batch,
    budget: opts.budget,
    pool: poolIds.length,
    test: testIds.length,
    curve,
    aulc: aulc(curve.map((c) => ({ labels: c.labels, value: c.accuracy }))),
    fullData,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Full-pool scores, memoised per vectors × split × learner (a benchmark asks for the same one per strategy). */
const fullDataMemo = new WeakMap<Float32Array, Map<string, { accuracy: number; macroF1: number }>>();

function fullDataScore(opts: SimulateOptions, Xp: Matrix, yPool: Int32Array, Xt: Matrix, yTest: Int32Array, testIds: readonly number[]): { accuracy: number; macroF1: number } {
  const K = opts.data.classes.length;
  const key = `${opts.C ?? ''}|${opts.classBalanced ?? ''}|${opts.commonComponents ?? 0}|${testIds.join(',')}`;
  let memo = fullDataMemo.get(opts.vectors.data);
  if (!memo) fullDataMemo.set(opts.vectors.data, (memo = new Map()));
  const hit = memo.get(key);
  if (hit) return hit;
  const full = new SoftmaxRegression({ classes: K, C: opts.C, classBalanced: opts.classBalanced });
  full.fit(Xp, Int32Array.from(yPool.keys()), yPool);
  const pred = argmaxRows(full.predictProba(Xt), K);
  const score = { accuracy: accuracy(yTest, pred), macroF1: macroF1(yTest, pred, K) };
  memo.set(key, score);
  return score;
}

function gather(X: Matrix, ids: readonly number[]): Matrix {
  const d = X.cols;
  const data = new Float32Array(ids.length * d);
  ids.forEach((id, i) => data.set(X.data.subarray(id * d, (id + 1) * d), i * d));
  return { rows: ids.length, cols: d, data };
}
