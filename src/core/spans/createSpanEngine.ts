import type { SpanEngineOptions, SpanEngineQuery, SpanLabelingEngine, SpanRecord, SpanRetrainResult } from '../engine/spanEngine';
import { InputError, NotTrainedError } from '../errors';
import { BootstrapCommittee } from '../learners/committee';
import { ModelWithCommittee, rowRange } from '../learners/modelWithCommittee';
import { SoftmaxRegression } from '../learners/softmax';
import { predictPool } from '../learners/poolPredict';
import { createRng, deriveSeed, shuffleInPlace, type Rng } from '../learners/rng';
import type { Regime } from '../meta/context';
import { SKEWED_AT_HALF } from '../meta/context';
import { createMetaSelector, SPAN_REGIME_HEAD_START } from '../meta/metaSelector';
import type { EntityInText, SuggestedEntity } from '../session/spanPick';
import { spansToTags } from '../simulation/spanTags';
import { createFixedSelector } from '../strategies/fixedSelector';
import type { BatchSelector, Pick, PoolState } from '../strategies/strategy';
import { summariseCommittee, type CommitteeView } from '../strategies/committeeSummary';
import type { Logger, Matrix } from '../types';
import { decodeBio, noEntityProbability } from './bioDecode';
import { recordMatrix } from './recordMatrix';
import { snapEntities } from './snapEntities';
import { createSpanRound, suggestFromProbs, type SpanRound } from './spanRound';
import { SPAN_META_ARMS, spanStrategies, spanStrategyFor, spanStrategyObject, type SpanArm } from './spanStrategies';
import { tagLayersOf, type TagLayer } from './tagLayers';
import { SPAN_REGIME_ARMS, SPAN_WORDING } from './spanRegimes';
import { spanFeaturizer, type TokenFeaturizer, type TokenFeatures } from './tokenFeatures';

export interface SpanEngineDeps {
  /** Records per round the selector is tuned for (labelwise.batchSize); default 10. */
  readonly batch?: number;
  /** A run's label budget and starting labels, when known (a simulation): the meta-learner's horizon. */
  readonly budget?: number;
  readonly init?: number;
  /** Inverse L2 strength of the tagger (SoftmaxOptions.C). */
  readonly C?: number;
  /** Near-duplicate avoidance within a batch (the shared batch selector's switch); default true. */
  readonly diversity?: boolean;
  /**
   * The meta-learner's prior: "none" (default: the shipped prior was trained on the classification
   * arms and task states, not on these), or a prior JSON path.
   */
  readonly prior?: string;
  /** Fits the tagger's token features on the pool and returns the featurizer of any records (default spanFeaturizer). */
  readonly featurizer?: (pool: readonly SpanRecord[]) => TokenFeaturizer;
  /** The meta-learner's arms (default SPAN_META_ARMS) and its favoured arms per regime (default SPAN_REGIME_ARMS). */
  readonly arms?: readonly SpanArm[];
  readonly regimeArms?: Readonly<Record<Regime, readonly string[]>>;
  readonly logger?: Logger;
}

/** L-BFGS steps per fit of the main tagger and of each committee member (warm-started each round). */
const MAIN_ITERATIONS = 100;
const MEMBER_ITERATIONS = 8;

/** The model in service: one tagger per layer, the pool's posteriors under them, and their round. */
interface Served {
  readonly models: readonly ModelWithCommittee[];
  readonly round: SpanRound;
  /** Per layer, each member's posteriors on the given token rows (the committee fitted on first call). */
  readonly members: (rows: Int32Array) => readonly (readonly Float32Array[])[];
  readonly number: number;
}

/**
 * The span labeling engine (SpanLabelingEngine, src/core/engine/spanEngine.ts): a token tagger
 * (softmax over BIO tags on token features, with a bootstrap committee) decoded under BIO
 * constraints, span-level strategies over whole records, and the meta-learner mixing them.
 * Records are labeled whole: an answer is every entity of the record.
 */
export function createSpanEngine(records: readonly SpanRecord[], opts: SpanEngineOptions, deps: SpanEngineDeps = {}): SpanLabelingEngine {
  if (opts.labels.length === 0) throw new InputError('the spans task needs at least one entity label (labelwise.spanLabels)');
  if (new Set(opts.labels).size !== opts.labels.length) throw new InputError(`the span labels repeat a name: ${opts.labels.join(', ')}`);
  const labels = [...opts.labels];
  const layers: TagLayer[] = tagLayersOf(labels, opts.allowOverlap);
  const featurize = (deps.featurizer ?? spanFeaturizer)(records);
  const { X, offsets } = featurize(records);
  const S: Matrix = recordMatrix(X, offsets);
  const R = records.length;
  const untrained = layers.map((layer, li) => {
    const o = { classes: layer.T, committeeSize: opts.committeeSize, seed: deriveSeed(opts.seed, 0x7370, li), C: deps.C };
    // Every fit warm-starts from the last round's weights, so a capped number of L-BFGS steps
    // lands close to the optimum; the members' votes need less precision still.
    return new ModelWithCommittee(X, o, {
      main: new SoftmaxRegression({ classes: layer.T, C: deps.C, maxIter: MAIN_ITERATIONS }),
      committee: new BootstrapCommittee({ classes: layer.T, C: deps.C, size: opts.committeeSize, seed: deriveSeed(o.seed, 0x636f6d), maxIter: MEMBER_ITERATIONS }),
    });
  });
  const answers = new Map<number, EntityInText[]>();
  const rng: Rng = createRng(deriveSeed(opts.seed, 3));
  const choice = spanStrategyFor(opts.strategy);
  let served: Served | undefined;
  let selector: Promise<BatchSelector> | undefined;
  let resolved: BatchSelector | undefined;
  let pendingPicks: Pick[] = [];
  const spanArms = spanStrategies(() => served?.round);
  let lastPredicted: { batch: readonly SpanRecord[]; features: TokenFeatures } | undefined;

  const getSelector = (): Promise<BatchSelector> => {
    selector ??= (async (): Promise<BatchSelector> => {
      if (choice === 'meta') {
        return createMetaSelector({
          batch: deps.batch ?? 10,
          budget: deps.budget,
          init: deps.init,
          seed: opts.seed,
          diversity: deps.diversity ?? true,
          prior: deps.prior ?? 'none',
          strategies: (deps.arms ?? SPAN_META_ARMS).map((a) => spanStrategyObject(a, spanArms)),
          regimeArms: deps.regimeArms ?? SPAN_REGIME_ARMS,
          wording: SPAN_WORDING,
          // The spans task keeps the regimes its arms were measured with (bench:al:spans): the skewed
          // regime on at half the expected share, and a cold start that ends by count only. The
          // classification defaults (skewed off, cold start ended when spent) were measured on
          // classification sets only.
          regimeThresholds: SKEWED_AT_HALF,
          coldStartEndsWhenSpent: false,
          // Likewise the favoured arm's head start (the classification default moved to 0.4).
          regimeHeadStart: SPAN_REGIME_HEAD_START,
          logger: deps.logger,
        });
      }
      return createFixedSelector(spanStrategyObject(choice, spanArms), { diversity: deps.diversity ?? true });
    })().then(
      (s) => (resolved = s),
      (e: unknown) => {
        selector = undefined;
        throw e;
      },
    );
    return selector;
  };

  const checkIndex = (index: number): void => {
    if (!Number.isInteger(index) || index < 0 || index >= R) throw new InputError(`record ${index} is not in the pool (0..${R - 1})`);
  };

  /** The tagger's rows and tags of the answered records, per layer. */
  const trainingRows = (): { rows: Int32Array; tags: Int32Array[] } => {
    const idx = [...answers.keys()].sort((a, b) => a - b);
    const rows: number[] = [];
    const tags = layers.map(() => [] as number[]);
    for (const r of idx) {
      const rec = records[r];
      for (let t = offsets[r]; t < offsets[r + 1]; t++) rows.push(t);
      layers.forEach((layer, li) => {
        const ents = answers.get(r)!.filter((e) => layer.labels.includes(e.label));
        for (const g of spansToTags(rec.tokens.tokens, ents, layer.labels)) tags[li].push(g);
      });
    }
    return { rows: Int32Array.from(rows), tags: tags.map((t) => Int32Array.from(t)) };
  };

  /** P(no entity), P(some entity) of records under per-layer posteriors whose record i starts at row starts[i]. */
  const anyEntityAt = (probs: readonly Float32Array[], recs: Int32Array, starts: Int32Array): Float32Array => {
    const out = new Float32Array(recs.length * 2);
    recs.forEach((r, i) => {
      let none = 1;
      layers.forEach((layer, li) => (none *= noEntityProbability(decodeBio(probs[li], starts[i] * layer.T, offsets[r + 1] - offsets[r], layer.T))));
      out[i * 2] = none;
      out[i * 2 + 1] = 1 - none;
    });
    return out;
  };

  const hasEntity = (r: number): number => ((answers.get(r)?.length ?? 0) > 0 ? 1 : 0);

  /**
   * What the record-level machinery sees (diverse batches, typicality, coverage, class-balance,
   * the meta-learner's context and reward): records as rows (their mean token features), two
   * classes — no entity / some entity — and the tagger's probability of each.
   */
  const stateFor = (fit: Served, unlabeled: Int32Array): PoolState => {
    const labeled = Int32Array.from([...answers.keys()].sort((a, b) => a - b));
    // Each member's P(no entity), P(some entity) for the given records (records.length × 2).
    const membersFor = (recs: Int32Array): readonly Float32Array[] => {
      const rows: number[] = [];
      for (const r of recs) for (let t = offsets[r]; t < offsets[r + 1]; t++) rows.push(t);
      const m = fit.members(Int32Array.from(rows));
      const M = m[0]?.length ?? 0;
      let at = 0;
      const starts = Int32Array.from(recs, (r) => {
        const s0 = at;
        at += offsets[r + 1] - offsets[r];
        return s0;
      });
      return Array.from({ length: M }, (_, k) => anyEntityAt(m.map((perLayer) => perLayer[k]), recs, starts));
    };
    let committee: CommitteeView | undefined;
    return {
      X: S,
      classes: 2,
      unlabeled,
      labeled,
      labels: Int32Array.from(labeled, hasEntity),
      poolProbs: Float32Array.from({ length: R * 2 }, (_, i) => {
        const p = fit.round.anyEntity(i >> 1);
        return i % 2 === 1 ? p : 1 - p;
      }),
      get committee(): CommitteeView {
        // Streamed over the records in chunks (committeeSummary.ts), computed on first access.
        committee ??= summariseCommittee(R, 2, (s0, e) => membersFor(rowRange(s0, e)), membersFor);
        return committee;
      },
      rng,
      round: fit.number,
      predict: (rows: Int32Array): Float32Array => Float32Array.from({ length: rows.length * 2 }, (_, i) => {
        const p = fit.round.anyEntity(rows[i >> 1]);
        return i % 2 === 1 ? p : 1 - p;
      }),
    };
  };

  const unlabeledExcept = (exclude?: ReadonlySet<number>): Int32Array => {
    const out: number[] = [];
    for (let r = 0; r < R; r++) if (!answers.has(r) && !exclude?.has(r)) out.push(r);
    return Int32Array.from(out);
  };

  const engine: SpanLabelingEngine = {
    records,
    get labeledCount(): number {
      return answers.size;
    },
    get trained(): boolean {
      return served !== undefined;
    },
    setLabel(index: number, entities: readonly EntityInText[] | null): void {
      checkIndex(index);
      if (entities === null) {
        answers.delete(index);
        return;
      }
      const rec = records[index];
      answers.set(index, snapEntities(entities, rec.text, rec.tokens.tokens, labels, opts.allowOverlap, `record ${index}`));
    },
    async retrain(): Promise<SpanRetrainResult> {
      const t0 = performance.now();
      if (answers.size === 0) throw new NotTrainedError('answer at least one sentence before retraining');
      const { rows, tags } = trainingRows();
      const sel = await getSelector();
      // All or nothing, as createEngine: fitted into copies, swapped in once everything succeeded.
      const models = layers.map((_, li) => (served?.models[li] ?? untrained[li]).clone());
      if (rows.length > 0) models.forEach((m, li) => m.fit(rows, tags[li]));
      else throw new NotTrainedError('the answered sentences have no tokens to learn from');
      const main = await predictPool(models.map((m) => m.main), X);
      const membersOf = (r: Int32Array): Float32Array[][] => models.map((m) => m.memberProba(r));
      const next: Served = {
        models,
        round: createSpanRound(layers, records.map((r) => r.tokens), offsets, X, { main, members: membersOf }),
        members: membersOf,
        number: (served?.number ?? 0) + 1,
      };
      const taken = pendingPicks.length;
      const answered = pendingPicks.filter((p) => answers.has(p.row));
      if (answered.length > 0 && sel.feedback) await sel.feedback(answered, Int32Array.from(answered, (p) => hasEntity(p.row)), stateFor(next, unlabeledExcept()));
      served = next;
      pendingPicks = pendingPicks.slice(taken);
      return { labeled: answers.size, weights: engine.weights(), millis: performance.now() - t0 };
    },
    async query(n: number, exclude?: ReadonlySet<number>): Promise<SpanEngineQuery[]> {
      const unlabeled = unlabeledExcept(exclude);
      if (unlabeled.length === 0 || n <= 0) return [];
      const fit = served;
      if (!fit) {
        // Before the first retrain: a seeded random batch.
        return [...shuffleInPlace(unlabeled.slice(), rng).slice(0, n)].map((index) => ({ index, strategy: 'random', score: 0, uncertainEntities: [] }));
      }
      const sel = await getSelector();
      const picks = await sel.select(stateFor(fit, unlabeled), n);
      pendingPicks.push(...picks);
      return picks.map((p) => ({
        index: p.row,
        strategy: p.strategy,
        score: p.score,
        ...(p.rank !== undefined && p.poolSize !== undefined ? { rank: p.rank, poolSize: p.poolSize } : {}),
        ...(p.regime !== undefined ? { regime: p.regime } : {}),
        ...(p.armReason !== undefined ? { armReason: p.armReason } : {}),
        uncertainEntities: fit.round.uncertainEntities(p.row),
      }));
    },
    suggest(index: number): SuggestedEntity[] {
      checkIndex(index);
      return served ? served.round.suggest(index) : [];
    },
    predict(batch: readonly SpanRecord[]): SuggestedEntity[][] {
      const fit = served;
      if (!fit) throw new NotTrainedError('predictions need a trained tagger; retrain first');
      if (batch.length === 0) return [];
      // A simulation asks for the same test records every round: their features are kept.
      let f = lastPredicted?.batch === batch ? lastPredicted.features : undefined;
      if (!f) lastPredicted = { batch, features: (f = featurize(batch)) };
      if (f.X.cols !== X.cols) throw new InputError(`token features of ${f.X.cols} dimensions cannot be scored by a tagger of the pool's ${X.cols}`);
      const probs = fit.models.map((m) => m.main.predictProba(f.X));
      return batch.map((rec, i) => suggestFromProbs(layers, probs, f.offsets[i], rec.tokens));
    },
    weights(): Record<string, number> {
      return resolved?.weights?.() ?? (choice === 'meta' ? {} : { [choice]: 1 });
    },
  };
  return engine;
}
