import { metaSelectorFactory } from '../meta/metaSelectorFactory';
import type { EngineOptions, EngineQuery, LabelingEngine, RetrainResult } from './labelingEngine';
import { InputError, NotTrainedError } from '../errors';
import { ModelWithCommittee } from '../learners/modelWithCommittee';
import { MultiLabelModel } from '../learners/multiLabelModel';
import { OneVsRest } from '../learners/oneVsRest';
import { predictPool } from '../learners/poolPredict';
import { createRng, deriveSeed, shuffleInPlace, type Rng } from '../learners/rng';
import { SoftmaxRegression, type RejectedRows } from '../learners/softmax';
import { NO_COMMITTEE, type CommitteeView } from '../strategies/committeeSummary';
import { committeeVotes } from '../strategies/committeeVotes';
import { createFixedSelector } from '../strategies/fixedSelector';
import { isStrategyName, strategyByName } from '../strategies/registry';
import { rankScores } from '../strategies/scoreRank';
import { selectBatch } from '../strategies/selectBatch';
import { createSelector, type SelectorFactory } from '../strategies/selectorFactory';
import type { BatchSelector, Pick, PoolState, StrategyName } from '../strategies/strategy';
import { quantise } from '../features/compactVectors';
import type { Logger, Matrix, Vectors } from '../types';

export interface EngineDeps {
  /** Builds the meta-learner for `strategy: 'meta'` (default: src/core/meta's). */
  readonly metaFactory?: SelectorFactory;
  /** Default batch size the selector is tuned for (labelwise.batchSize). */
  readonly batch?: number;
  /** Inverse L2 strength of the base learner (see SoftmaxOptions.C). */
  readonly C?: number;
  /** Class-balanced loss for the single-label base learner (see SoftmaxOptions.classBalanced). */
  readonly classBalanced?: boolean;
  /** A run's label budget and starting labels, when known (a simulation): the meta-learner's horizon. */
  readonly budget?: number;
  readonly init?: number;
  /** With diversity: candidates per pick a diverse batch is drawn from (see BatchOptions). */
  readonly candidateFactor?: number;
  /**
   * What a round works out beyond the batch, for a person to see (default true each). A simulation
   * sees neither and turns both off for speed: the cross-validated accuracy estimate (five fits a
   * round; it measures on its test split instead) and each pick's committee votes (a committee fit
   * a round under strategies that never consult the committee). Picks then carry no votes.
   */
  readonly estimateAccuracy?: boolean;
  readonly pickVotes?: boolean;
  readonly logger?: Logger;
  /**
   * Hold the pool as int8 codes with a per-row scale (default true): a quarter of float32's memory,
   * each entry within half a quantisation step (the row's largest magnitude / 254) of the float32
   * vector; the learner and strategies dequantise a block of rows at a time. Strategy results change
   * by quantisation noise only (bench:al; see compactVectors.ts). False keeps the vectors as given.
   */
  readonly compactVectors?: boolean;
}

/** A model in service: fitted learners, every row's probabilities under them, and its round. */
interface Fitted {
  readonly model: ModelWithCommittee | MultiLabelModel;
  /** Main model's probabilities, rows × classes: handed to every query's state as they are, never copied. */
  readonly probs: Float32Array;
  /** The committee's per-row summary (votes, vote entropy, disagreement); fitted and streamed on first call. */
  readonly committee: () => CommitteeView;
  readonly round: number;
}

/** Labels needed before retrain() also reports a cross-validated accuracy estimate. */
export const MIN_LABELS_FOR_ESTIMATE = 10;
const CV_FOLDS = 5;
/** Cross-validation runs on at most this many labels (a seeded sample), to keep retraining fast. */
const CV_MAX_LABELS = 1000;
/** Before the first retrain, the diverse start draws from at most this many random rows. */
const COLD_START_SAMPLE = 2000;

/**
 * The labeling engine behind the editor's worker and `labelwise simulate`: labels arrive one at a
 * time, retrain() fits the base learner (main model + bootstrap committee) and gives the selector
 * its feedback, query() returns the next batch with each row's "why".
 */
export function createEngine(vectors: Vectors, opts: EngineOptions, deps: EngineDeps = {}): LabelingEngine {
  // The caller may drop its float32 vectors once the engine exists: the engine keeps only these.
  const X = deps.compactVectors === false ? vectors : quantise(vectors);
  const K = opts.classes.length;
  const multi = opts.multiLabel === true;
  // The untrained model every retrain's copy starts from until the first round succeeds.
  const untrained = multi
    ? new MultiLabelModel(X, { classes: K, committeeSize: opts.committeeSize, seed: opts.seed, C: deps.C })
    : new ModelWithCommittee(X, { classes: K, committeeSize: opts.committeeSize, seed: opts.seed, C: deps.C, classBalanced: deps.classBalanced, semiSupervised: opts.semiSupervised });
  const pickVotes = deps.pickVotes ?? true;
  const labels = new Map<number, number>();
  // Multi-label: row → its label set (class indices, possibly none). `labels` stays empty then.
  const labelSets = new Map<number, readonly number[]>();
  const isLabeledRow = (r: number): boolean => (multi ? labelSets.has(r) : labels.has(r));
  // Rows whose proposed class was rejected (row → class): negative evidence for the learner.
  const rejected = new Map<number, number>();
  const rng: Rng = createRng(deriveSeed(opts.seed, 3));
  let selector: Promise<BatchSelector> | undefined;
  // The selector once built, so that weights() can answer synchronously.
  let resolved: BatchSelector | undefined;
  // The model in service: replaced only by a retrain that succeeded from start to end.
  let served: Fitted | undefined;
  let pendingPicks: Pick[] = [];

  const getSelector = (): Promise<BatchSelector> => {
    // The labeling engine never names a dataset: the meta-learner uses the shipped prior whatever
    // the workspace is called (a leave-one-out prior is for simulations, chosen by simulate()).
    selector ??= Promise.resolve(
      createSelector(
        {
          strategy: opts.strategy,
          classes: K,
          seed: opts.seed,
          diversity: opts.diversity,
          batch: deps.batch ?? 10,
          budget: deps.budget,
          init: deps.init,
          candidateFactor: deps.candidateFactor,
        },
        deps.metaFactory ?? metaSelectorFactory(deps.logger),
      ),
    ).then(
      (s) => (resolved = s),
      (e: unknown) => {
        // Not cached: a later retrain tries again instead of failing for good.
        selector = undefined;
        throw e;
      },
    );
    return selector;
  };

  const checkRowClass = (row: number, cls: number | null): void => {
    if (!Number.isInteger(row) || row < 0 || row >= X.rows) throw new InputError(`row ${row} is not in the pool (0..${X.rows - 1})`);
    if (cls !== null && (!Number.isInteger(cls) || cls < 0 || cls >= K)) {
      throw new InputError(`label index ${cls} is not one of the ${K} labels (${opts.classes.join(', ')})`);
    }
  };

  const rejectedRows = (): RejectedRows | undefined => {
    if (rejected.size === 0) return undefined;
    const rows = Int32Array.from([...rejected.keys()].sort((a, b) => a - b));
    return { rows, classes: Int32Array.from(rows, (r) => rejected.get(r)!) };
  };

  const labeledArrays = (): { rows: Int32Array; y: Int32Array } => {
    if (multi) {
      // What strategies and the meta-learner's features see as "the" label of a multi-label row:
      // its first label (0 for an empty set); the learner itself gets the whole set (labelTargets).
      const rows = Int32Array.from([...labelSets.keys()].sort((a, b) => a - b));
      return { rows, y: Int32Array.from(rows, (r) => labelSets.get(r)![0] ?? 0) };
    }
    const rows = Int32Array.from([...labels.keys()].sort((a, b) => a - b));
    return { rows, y: Int32Array.from(rows, (r) => labels.get(r)!) };
  };

  /** Multi-hot targets of the multi-label rows: rows.length × K. */
  const labelTargets = (rows: Int32Array): Uint8Array => {
    const Y = new Uint8Array(rows.length * K);
    rows.forEach((r, i) => {
      for (const c of labelSets.get(r) ?? []) Y[i * K + c] = 1;
    });
    return Y;
  };

  /** The rows of the pool that pass `keep`, ascending: filled into one Int32Array (no array of numbers a million long). */
  const rowsWhere = (keep: (r: number) => boolean): Int32Array => {
    const out = new Int32Array(X.rows);
    let n = 0;
    for (let r = 0; r < X.rows; r++) if (keep(r)) out[n++] = r;
    return out.slice(0, n);
  };

  const stateFor = (fit: Fitted, unlabeled: Int32Array): PoolState => {
    const { rows, y } = labeledArrays();
    return {
      X,
      classes: K,
      unlabeled,
      labeled: rows,
      labels: y,
      poolProbs: fit.probs,
      // Computed when a strategy first asks (most never do).
      get committee(): CommitteeView {
        return fit.committee();
      },
      rng,
      round: fit.round,
      ...(multi ? { multiLabel: true } : {}),
      predict: (r: Int32Array): Float32Array => fit.model.main.predictProba(X, r),
    };
  };

  const whyOf = (row: number, strategy: string, score: number, ranked?: Pick, withVotes = pickVotes): EngineQuery => {
    const votes = withVotes ? new Array<number>(K).fill(0) : [];
    const probs = served ? Array.from(served.probs.subarray(row * K, (row + 1) * K)) : new Array<number>(K).fill(1 / K);
    if (served && withVotes) committeeVotes(served.committee(), K, row, votes);
    const rank = ranked?.rank !== undefined && ranked.poolSize !== undefined ? { rank: ranked.rank, poolSize: ranked.poolSize } : {};
    const meta = ranked?.regime !== undefined ? { regime: ranked.regime, ...(ranked.armReason !== undefined ? { armReason: ranked.armReason } : {}) } : {};
    return { row, strategy, score, votes, probs, ...rank, ...meta };
  };

  /**
   * For explain(): the rank of each shown span's score, under the current model, among every
   * unlabeled row's score under its strategy. One scoring of the pool per strategy (random
   * excluded: its "score" is a draw, and scoring it would consume the engine's rng).
   */
  const withRanks = (fit: Fitted, qs: EngineQuery[]): EngineQuery[] => {
    const names = new Set(qs.map((q) => q.strategy).filter((n): n is StrategyName => n !== 'random' && isStrategyName(n)));
    if (names.size === 0) return qs;
    const unlabeled = rowsWhere((r) => !labels.has(r));
    const position = new Int32Array(X.rows).fill(-1);
    unlabeled.forEach((r, i) => (position[r] = i));
    const state = stateFor(fit, unlabeled);
    const out = [...qs];
    for (const name of names) {
      const at = out.flatMap((q, i) => (q.strategy === name && position[q.row] >= 0 ? [i] : []));
      if (at.length === 0) continue;
      try {
        const scores = strategyByName(name).score(state);
        const ranks = rankScores(scores, at.map((i) => scores[position[out[i].row]]));
        at.forEach((i, k) => (out[i] = { ...out[i], rank: ranks[k].rank, poolSize: ranks[k].poolSize }));
      } catch (e) {
        deps.logger?.warn(`could not rank ${at.length} spans under ${name}: ${(e as Error).message}`);
      }
    }
    return out;
  };

/**
   * Multi-label estimate: Hamming accuracy (the share of row × label decisions the model gets
   * right) under the same 5-fold cross-validation, on at most CV_MAX_LABELS rows.
   */
  const crossValidatedMulti = (rows: Int32Array): { readonly correct: number; readonly total: number } | undefined => {
    if (rows.length < MIN_LABELS_FOR_ESTIMATE) return undefined;
    const cvRng = createRng(deriveSeed(opts.seed, 5, rows.length));
    let order = shuffleInPlace(Int32Array.from(rows.keys()), cvRng);
    if (order.length > CV_MAX_LABELS) order = order.slice(0, CV_MAX_LABELS);
    const Y = labelTargets(rows);
    let correct = 0;
    let total = 0;
    for (let f = 0; f < CV_FOLDS; f++) {
      const tr = order.filter((_, i) => i % CV_FOLDS !== f);
      const te = order.filter((_, i) => i % CV_FOLDS === f);
      if (te.length === 0 || tr.length === 0) continue;
      const m = new OneVsRest({ classes: K, C: deps.C, maxIter: 100 });
      const Ytr = new Uint8Array(tr.length * K);
      tr.forEach((p, i) => Ytr.set(Y.subarray(p * K, (p + 1) * K), i * K));
      m.fit(X, Int32Array.from(tr, (p) => rows[p]), Ytr);
      const pr = m.predictProba(X, Int32Array.from(te, (p) => rows[p]));
      te.forEach((p, i) => {
        for (let k = 0; k < K; k++) if ((pr[i * K + k] >= 0.5 ? 1 : 0) === Y[p * K + k]) correct++;
        total += K;
      });
    }
    // The interval drawn from it treats the row × label decisions as independent (they are not quite).
    return total ? { correct, total } : undefined;
  };

  const crossValidated = (rows: Int32Array, y: Int32Array): { readonly correct: number; readonly total: number } | undefined => {
    const present = new Set(y);
    if (rows.length < MIN_LABELS_FOR_ESTIMATE || present.size < 2) return undefined;
    const cvRng = createRng(deriveSeed(opts.seed, 5, rows.length));
    let order = shuffleInPlace(Int32Array.from(rows.keys()), cvRng);
    if (order.length > CV_MAX_LABELS) order = order.slice(0, CV_MAX_LABELS);
    // Deal the shuffled labels class by class into folds, so every fold has each class's share.
    order = Int32Array.from([...order].sort((a, b) => y[a] - y[b]));
    const fold = new Int32Array(rows.length).fill(-1);
    order.forEach((p, i) => (fold[p] = i % CV_FOLDS));
    let correct = 0;
    let total = 0;
    for (let f = 0; f < CV_FOLDS; f++) {
      const tr: number[] = [];
      const te: number[] = [];
      order.forEach((p) => (fold[p] === f ? te : tr).push(p));
      if (te.length === 0 || tr.length === 0) continue;
      const m = new SoftmaxRegression({ classes: K, C: deps.C, maxIter: 100 });
      m.fit(X, Int32Array.from(tr, (p) => rows[p]), Int32Array.from(tr, (p) => y[p]));
      const pr = m.predictProba(X, Int32Array.from(te, (p) => rows[p]));
      te.forEach((p, i) => {
        let best = 0;
        for (let k = 1; k < K; k++) if (pr[i * K + k] > pr[i * K + best]) best = k;
        if (best === y[p]) correct++;
        total++;
      });
    }
    return total ? { correct, total } : undefined;
  };

  const engine: LabelingEngine = {
    pool: X,
    get labeledCount(): number {
      return multi ? labelSets.size : labels.size;
    },
    get trained(): boolean {
      return served !== undefined;
    },
    setLabel(row: number, cls: number | null): void {
      checkRowClass(row, cls);
      // A single label on a multi-label engine (a review resolution) is the set of that one label.
      if (multi) return engine.setLabels!(row, cls === null ? null : [cls]);
      if (cls === null) {
        labels.delete(row);
        return;
      }
      rejected.delete(row);
      labels.set(row, cls);
    },
    setRejected(row: number, cls: number | null): void {
      checkRowClass(row, cls);
      if (cls === null) {
        rejected.delete(row);
        return;
      }
      labels.delete(row);
      labelSets.delete(row);
      rejected.set(row, cls);
    },
    setLabels(row: number, classes: readonly number[] | null): void {
      if (!multi) throw new InputError('label sets need a multi-label engine (labelwise.multiLabel)');
      checkRowClass(row, null);
      if (classes === null) {
        labelSets.delete(row);
        return;
      }
      for (const c of classes) checkRowClass(row, c);
      rejected.delete(row);
      labelSets.set(row, [...new Set(classes)].sort((a, b) => a - b));
    },
    async retrain(): Promise<RetrainResult> {
      const t0 = performance.now();
      if (engine.labeledCount === 0) throw new NotTrainedError('label at least one span before retraining');
      const { rows, y } = labeledArrays();
      // A round is all or nothing: the new model is fitted into a copy (warm-started from the one
      // in service) and swapped in only once every step that can fail has succeeded, so a failed
      // retrain (a prior that cannot be opened, a learner error) leaves the previous model
      // answering queries, and the next retrain simply tries again.
      const sel = await getSelector();
      const model = (served?.model ?? untrained).clone();
      if (model instanceof MultiLabelModel) model.fit(rows, labelTargets(rows), rejectedRows());
      else model.fit(rows, y, rejectedRows());
      const round = (served?.round ?? 0) + 1;
      let next: Fitted;
      if (pickVotes && !(model instanceof MultiLabelModel)) {
        // Picks show their votes: the committee is fitted now (a round that cannot fit it fails
        // whole) and the main model and members score the pool in one ONNX Runtime pass.
        const pool = await model.scorePool();
        next = { model, probs: pool.probs, committee: () => pool.committee, round };
      } else {
        // Simulations without votes: the committee is fitted only if a strategy asks for it.
        let committee: CommitteeView | undefined;
        const probs = model instanceof MultiLabelModel ? model.main.predictProba(X) : (await predictPool([model.main], X))[0];
        next = { model, probs, committee: () => (committee ??= model.committeeView()), round };
        if (pickVotes) next.committee();
      }
      // Reward the selector for the picks that have come back labeled since the last round.
      const taken = pendingPicks.length;
      const answered = pendingPicks.filter((p) => labels.has(p.row));
      // Multi-label rounds give no reward: the meta-learner's gain is accuracy on one label per row
      // (its bandit then keeps mixing by the prior's advice). `labels` is empty in multi-label mode.
      if (answered.length > 0 && sel.feedback) {
        await sel.feedback(answered, Int32Array.from(answered, (p) => labels.get(p.row)!), stateFor(next, rowsWhere((r) => !labels.has(r))));
      }
      const heldOut = deps.estimateAccuracy === false ? undefined : multi ? crossValidatedMulti(rows) : crossValidated(rows, y);
      served = next;
      // Picks made while this round ran belong to the next one.
      pendingPicks = pendingPicks.slice(taken);
      return {
        labeled: rows.length,
        ...(heldOut ? { estimatedAccuracy: heldOut.correct / heldOut.total, heldOut } : {}),
        weights: engine.weights(),
        millis: performance.now() - t0,
      };
    },
    async query(n: number, exclude?: ReadonlySet<number>): Promise<EngineQuery[]> {
      const unlabeled = rowsWhere((r) => !isLabeledRow(r) && !exclude?.has(r));
      if (unlabeled.length === 0 || n <= 0) return [];
      if (!served) {
        // Cold start with a strategy that needs no model (typicality, coverage): its own first batch.
        const cold = opts.strategy === 'meta' ? undefined : strategyByName(opts.strategy);
        if (cold?.coldStart) {
          const { rows, y } = labeledArrays();
          const state: PoolState = { X, classes: K, unlabeled, labeled: rows, labels: y, poolProbs: new Float32Array(0), committee: NO_COMMITTEE, rng, round: 0, predict: () => new Float32Array(0) };
          const fixed = createFixedSelector(cold, { diversity: opts.diversity });
          return (await fixed.select(state, n)).map((p) => whyOf(p.row, p.strategy, p.score, p));
        }
        // Otherwise a spread-out random batch (k-means++ seeding over a random sample).
        const sample = shuffleInPlace(unlabeled.slice(), rng).slice(0, Math.min(COLD_START_SAMPLE, unlabeled.length));
        const pos = selectBatch(X, sample, new Float32Array(sample.length), n, rng, { diversity: opts.diversity, candidateFactor: sample.length / Math.max(1, n) });
        return pos.map((p) => whyOf(sample[p], 'random', 0));
      }
      const fit = served;
      const sel = await getSelector();
      const picks = await sel.select(stateFor(fit, unlabeled), n);
      pendingPicks.push(...picks);
      // The selector ranks its picks among the rows it scored (no second pass over the pool).
      return picks.map((p) => whyOf(p.row, p.strategy, p.score, p));
    },
    // Over every row, labeled ones included: a committee split on a labeled row can flag a label error.
    contested(k: number): EngineQuery[] {
      if (!served) throw new NotTrainedError('contested rows need a trained committee; retrain first');
      const allProbs = served.probs;
      const committee = served.committee();
      const M = committee.size;
      const votes = new Float64Array(K);
      const scored: { row: number; h: number; conf: number }[] = [];
      const xlogx = (q: number): number => (q > 0 ? q * Math.log(q) : 0);
      for (let r = 0; r < X.rows; r++) {
        committeeVotes(committee, K, r, votes);
        let h = 0;
        // Multi-label: the mean over labels of the binary split "applies" / "does not".
        if (multi) for (let c = 0; c < K; c++) h -= (xlogx(votes[c] / M) + xlogx(1 - votes[c] / M)) / K;
        else for (let c = 0; c < K; c++) if (votes[c] > 0) h -= (votes[c] / M) * Math.log(votes[c] / M);
        if (h <= 0) continue;
        let conf = 0;
        for (let c = 0; c < K; c++) conf = Math.max(conf, multi ? Math.abs(2 * allProbs[r * K + c] - 1) : allProbs[r * K + c]);
        scored.push({ row: r, h, conf });
      }
      // Most split vote first; then the less confident main model; then the lower row.
      scored.sort((a, b) => b.h - a.h || a.conf - b.conf || a.row - b.row);
      return scored.slice(0, Math.max(0, k)).map((s) => whyOf(s.row, 'vote-entropy', s.h, undefined, true));
    },
    predictProba(vectors: Matrix): Float32Array {
      if (!served) throw new NotTrainedError('predictions need a trained model; retrain first');
      if (vectors.cols !== X.cols) throw new InputError(`vectors of ${vectors.cols} dimensions cannot be scored by a model of the pool's ${X.cols}`);
      return served.model.main.predictProba(vectors);
    },
    weights(): Record<string, number> {
      return resolved?.weights?.() ?? (opts.strategy === 'meta' ? {} : { [opts.strategy]: 1 });
    },
    explain(picks: readonly Pick[]): EngineQuery[] {
      const valid = picks.filter((p) => Number.isInteger(p.row) && p.row >= 0 && p.row < X.rows);
      const fit = served;
      if (!fit) return valid.map((p) => whyOf(p.row, p.strategy, p.score));
      const scoreOf = new Map<Pick, number>();
      for (const name of new Set(valid.map((p) => p.strategy))) {
        // Random draws from the engine's rng: rescoring would shift later batches, so it keeps its score.
        if (name === 'random' || !isStrategyName(name)) continue;
        const group = valid.filter((p) => p.strategy === name);
        try {
          const scores = strategyByName(name).score(stateFor(fit, Int32Array.from(group, (p) => p.row)));
          group.forEach((p, i) => scoreOf.set(p, scores[i]));
        } catch (e) {
          deps.logger?.warn(`could not rescore ${group.length} spans with ${name}: ${(e as Error).message}`);
        }
      }
      return withRanks(fit, valid.map((p) => whyOf(p.row, p.strategy, scoreOf.get(p) ?? p.score)));
    },
  };
  return engine;
}
