import { InputError } from '../errors';
import { createEngine } from '../engine/createEngine';
import { DEFAULT_COMMITTEE_SIZE } from '../learners/committee';
import type { SemiSupervised } from '../learners/selfTraining';
import { SoftmaxRegression } from '../learners/softmax';
import { createSelector, type SelectorFactory } from '../strategies/selectorFactory';
import type { StrategyChoice } from '../strategies/strategy';
import type { GoldDataset } from '../text/dataset';
import { silentLogger, type Logger, type Matrix } from '../types';
import { poolFeatures } from '../features/poolFeatures';
import { accuracy, aulc, argmaxRows, macroF1 } from './metrics';
import { planRun, runHeader, type RunHeader } from './runPlan';
import type { Split } from './split';

export interface CurvePoint {
  readonly labels: number;
  readonly accuracy: number;
  readonly macroF1: number;
  /** Picks per strategy in the round that led to this point; null for the initial labels. */
  readonly chosen: Record<string, number> | null;
}

/** Exactly DESIGN.md's simulation JSON. */
export interface SimulationResult extends RunHeader<'classify'> {
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
  /** The base learner's semi-supervised step (ModelWithCommitteeOptions.semiSupervised); absent = off. */
  readonly semiSupervised?: SemiSupervised;
  /** Progress lines go here (the CLI passes a stderr logger). */
  readonly logger?: Logger;
  /** Called with each batch the engine asks for: dataset records (zero-based lines), in pick order. */
  readonly onQuery?: (records: readonly number[]) => void;
  /**
   * Common components to remove, fitted on the pool only (the encoder's `commonComponents`; the
   * editor's session applies the same poolFeatures to its corpus). Default 0: vectors as given.
   */
  readonly commonComponents?: number;
}

/**
 * Simulates an annotator who answers with the gold label (DESIGN.md "simulate"): hold out a test
 * split, start from `init` labels, query `batch` rows per round until `budget` labels, evaluating
 * on the test split after every round. The rounds are the editor's engine (createEngine), so what
 * a simulation measures is what a user gets; this adds only the split, the annotator and the
 * evaluation. Deterministic per seed (apart from `seconds`). The engine sees only the pool's
 * vectors and the labels it asked for, never the test split.
 */
export async function simulate(opts: SimulateOptions): Promise<SimulationResult> {
  const t0 = performance.now();
  const log = opts.logger ?? silentLogger;
  const ds = opts.data;
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
  const K = ds.classes.length;
  const classIndex = new Map(ds.classes.map((c, i) => [c, i]));
  const y = ds.records.map((r) => classIndex.get(r.label!)!);

  const plan = planRun(opts, y, log);
  const { name, testIds, poolIds, budget, initPos } = plan;

  // Pool and test get their own matrices, so nothing (not even feature scaling or the common
  // components, fitted on the pool alone) sees test vectors.
  const features = poolFeatures(gather(opts.vectors, poolIds), opts.commonComponents ?? 0, [gather(opts.vectors, testIds)]);
  const Xp = features.pool;
  const Xt = features.others[0];
  const yPool = Int32Array.from(poolIds, (i) => y[i]);
  const yTest = Int32Array.from(testIds, (i) => y[i]);
  const init = initPos.length;

  // The editor's engine, driven by a simulated annotator: it answers every pick with the gold
  // label, and the engine retrains after each batch (fit → feedback → query, as in the editor).
  const engine = createEngine(
    Xp,
    {
      classes: [ds.classes[0], ds.classes[1], ...ds.classes.slice(2)],
      committeeSize: opts.committeeSize ?? DEFAULT_COMMITTEE_SIZE,
      strategy: opts.strategy,
      diversity: opts.diversity ?? true,
      seed: opts.seed,
      semiSupervised: opts.semiSupervised,
    },
    {
      // The held-out prior is a simulation's choice, made here: the engine never names a dataset.
      metaFactory: (ctx) => createSelector({ ...ctx, holdOut: name }, opts.metaFactory),
      batch: opts.batch,
      budget,
      init,
      candidateFactor: opts.candidateFactor,
      C: opts.C,
      classBalanced: opts.classBalanced,
      // Measured on the test split below; nobody reads the votes.
      estimateAccuracy: false,
      pickVotes: false,
      logger: log,
    },
  );
  // The simulated annotator: the gold label, once per row (a second request is an engine bug).
  const isLabeled = new Uint8Array(poolIds.length);
  const answer = (p: number): void => {
    if (isLabeled[p]) throw new Error(`${opts.strategy}: picked row ${p}, which is already labeled`);
    isLabeled[p] = 1;
    engine.setLabel(p, yPool[p]);
  };
  initPos.forEach(answer);

  const curve: CurvePoint[] = [];
  let chosen: Record<string, number> | null = null;
  const tag = `[${name} ${opts.strategy} seed ${opts.seed}]`;
  for (;;) {
    await engine.retrain();
    const labeled = engine.labeledCount;
    const pred = argmaxRows(engine.predictProba(Xt), K);
    curve.push({ labels: labeled, accuracy: accuracy(yTest, pred), macroF1: macroF1(yTest, pred, K), chosen });
    log.info(`${tag} ${labeled}/${budget} labels: accuracy ${curve[curve.length - 1].accuracy.toFixed(3)}`);
    const remaining = poolIds.length - labeled;
    if (labeled >= budget || remaining === 0) break;
    const picks = await engine.query(Math.min(opts.batch, budget - labeled, remaining));
    if (picks.length === 0) throw new Error(`${opts.strategy}: selected nothing from ${remaining} unlabeled rows`);
    opts.onQuery?.(picks.map((q) => poolIds[q.row]));
    picks.forEach((q) => answer(q.row));
    chosen = {};
    for (const q of picks) chosen[q.strategy] = (chosen[q.strategy] ?? 0) + 1;
  }

  const fullData = fullDataScore(opts, Xp, yPool, Xt, yTest, testIds);
  return {
    ...runHeader('classify', plan, opts),
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
