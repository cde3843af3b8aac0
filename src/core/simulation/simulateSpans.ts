import type { TokenVectors } from '../encoders/encoder';
import type { SpanRecord } from '../engine/spanEngine';
import { InputError } from '../errors';
import { DEFAULT_COMMITTEE_SIZE } from '../learners/committee';
import { createSpanEngine, type SpanEngineDeps } from '../spans/createSpanEngine';
import type { GoldDataset, GoldSpan } from '../text/dataset';
import { silentLogger } from '../types';
import { aulc } from './metrics';
import type { SimulateOptions } from './simulate';
import { spanF1 } from './spanTags';
import { planRun, runHeader, type RunHeader } from './runPlan';

export interface SpanCurvePoint {
  readonly labels: number;
  /** Tokens of the labeled records so far (what an annotator read). */
  readonly tokens: number;
  readonly f1: number;
  readonly precision: number;
  readonly recall: number;
  readonly chosen: Record<string, number> | null;
}

/** DESIGN.md's simulation JSON for entity spans: span-level exact-match f1 replaces accuracy. */
export interface SpanSimulationResult extends RunHeader<'spans'> {
  readonly curve: SpanCurvePoint[];
  readonly aulc: number;
  readonly fullData: { readonly f1: number; readonly precision: number; readonly recall: number };
  readonly seconds: number;
  /** Of `seconds`, the full-pool fit and evaluation (0 when memoised from an earlier run). */
  readonly fullDataSeconds: number;
}

export interface SpanSimulateOptions extends Omit<SimulateOptions, 'vectors'> {
  /** Per-token vectors of every record, in file order (Encoder.encodeTokens). */
  readonly tokens: readonly TokenVectors[];
  /** Span engine extras (the tagger's features, the meta-learner's prior); the run sets batch, budget, init, C and logger. */
  readonly engineDeps?: Pick<SpanEngineDeps, 'featurizer' | 'prior' | 'arms' | 'regimeArms'>;
}

type Score = { readonly f1: number; readonly precision: number; readonly recall: number };

/** Full-pool scores, memoised per token vectors × split × learner (a benchmark asks for the same one per strategy). */
const fullDataMemo = new WeakMap<readonly TokenVectors[], Map<string, Score>>();

/**
 * Entity-span simulation (DESIGN.md "simulate" for span datasets): the annotator answers each
 * record the span engine asks for with its gold entities (records are labeled whole). The rounds
 * are the editor's span engine (createSpanEngine: setLabel → retrain → query), so the simulation
 * adds only the split, the gold annotator and the evaluation: exact-match span F1 of
 * engine.predict on the test records, which the engine never sees.
 */
export async function simulateSpans(opts: SpanSimulateOptions): Promise<SpanSimulationResult> {
  const t0 = performance.now();
  const log = opts.logger ?? silentLogger;
  const ds: GoldDataset = opts.data;
  if (ds.task !== 'spans') throw new InputError(`${ds.file}: simulateSpans needs an entity-span dataset ("spans" records)`, ds.file);
  const N = ds.records.length;
  if (opts.tokens.length !== N) throw new InputError(`got token vectors for ${opts.tokens.length} texts but ${ds.file} has ${N} records; they must match one to one`);
  if (ds.classes.length === 0) throw new InputError(`${ds.file}: no record has any span; there is nothing to learn`, ds.file);
  const hasSpan = ds.records.map((r) => ((r.spans?.length ?? 0) > 0 ? 1 : 0));
  const plan = planRun(opts, hasSpan, log);
  const { name, testIds, poolIds, budget, initPos } = plan;
  const recordOf = (i: number): SpanRecord => ({ text: ds.records[i].text, tokens: opts.tokens[i] });
  const pool = poolIds.map(recordOf);
  const test = testIds.map(recordOf);
  const gold = (i: number): GoldSpan[] => [...(ds.records[i].spans ?? [])];
  const testGold = testIds.map(gold);
  const engineOptions = {
    labels: ds.classes,
    strategy: opts.strategy,
    committeeSize: opts.committeeSize ?? DEFAULT_COMMITTEE_SIZE,
    seed: opts.seed,
    // Gold span datasets carry no overlapping entities of one label; different labels may overlap.
    allowOverlap: hasOverlap(ds),
  };
  const engine = createSpanEngine(pool, engineOptions, {
    ...opts.engineDeps,
    batch: opts.batch,
    budget,
    init: initPos.length,
    C: opts.C,
    diversity: opts.diversity ?? true,
    logger: log,
  });
  const isLabeled = new Uint8Array(pool.length);
  let tokens = 0;
  const answer = (p: number): void => {
    if (isLabeled[p]) throw new Error(`${opts.strategy}: picked record ${p}, which is already labeled`);
    isLabeled[p] = 1;
    tokens += pool[p].tokens.tokens.length;
    const rec = ds.records[poolIds[p]];
    try {
      engine.setLabel(p, gold(poolIds[p]));
    } catch (e) {
      // The engine names its own record number; the dataset's line is what a person can find.
      if (InputError.is(e)) throw new InputError(`${ds.file}:${rec.index + 1}: ${e.message.replace(/^record \d+: /, '')}`, ds.file, rec.index + 1);
      throw e;
    }
  };
  initPos.forEach(answer);

  const curve: SpanCurvePoint[] = [];
  let chosen: Record<string, number> | null = null;
  const tag = `[${name} ${opts.strategy} seed ${opts.seed}]`;
  for (;;) {
    await engine.retrain();
    const labeled = engine.labeledCount;
    const score = spanF1(testGold, engine.predict(test));
    curve.push({ labels: labeled, tokens, ...score, chosen });
    log.info(`${tag} ${labeled}/${budget} records (${tokens} tokens): span F1 ${score.f1.toFixed(3)}`);
    const remaining = pool.length - labeled;
    if (labeled >= budget || remaining === 0) break;
    const picks = await engine.query(Math.min(opts.batch, budget - labeled, remaining));
    if (picks.length === 0) throw new Error(`${opts.strategy}: selected nothing from ${remaining} unlabeled records`);
    opts.onQuery?.(picks.map((q) => poolIds[q.index]));
    picks.forEach((q) => answer(q.index));
    chosen = {};
    for (const q of picks) chosen[q.strategy] = (chosen[q.strategy] ?? 0) + 1;
  }

  const tf = performance.now();
  const fullData = await fullDataScore(opts, engineOptions, pool, poolIds, test, testGold, testIds);
  const fullDataSeconds = (performance.now() - tf) / 1000;
  return {
    ...runHeader('spans', plan, opts),
    curve,
    aulc: aulc(curve.map((c) => ({ labels: c.labels, value: c.f1 }))),
    fullData,
    seconds: (performance.now() - t0) / 1000,
    fullDataSeconds,
  };
}

/** Whether any gold record has overlapping entities (then the engine tags each label apart). */
function hasOverlap(ds: GoldDataset): boolean {
  return ds.records.some((r) => {
    const s = [...(r.spans ?? [])].sort((a, b) => a.start - b.start);
    return s.some((x, i) => i > 0 && x.start < s[i - 1].end);
  });
}

/** The tagger trained on every pool record, scored on the test records: the curve's ceiling. */
async function fullDataScore(
  opts: SpanSimulateOptions,
  engineOptions: Parameters<typeof createSpanEngine>[1],
  pool: readonly SpanRecord[],
  poolIds: readonly number[],
  test: readonly SpanRecord[],
  testGold: readonly GoldSpan[][],
  testIds: readonly number[],
): Promise<Score> {
  const key = `${poolIds.length}:${testIds.join(',')}:${opts.C ?? ''}:${opts.engineDeps?.featurizer ? 'f' : ''}`;
  let memo = fullDataMemo.get(opts.tokens);
  const hit = memo?.get(key);
  if (hit) return hit;
  const full = createSpanEngine(pool, { ...engineOptions, strategy: 'random' }, { ...opts.engineDeps, C: opts.C });
  pool.forEach((_, p) => full.setLabel(p, [...(opts.data.records[poolIds[p]].spans ?? [])]));
  await full.retrain();
  const score = spanF1(testGold, full.predict(test));
  if (!memo) fullDataMemo.set(opts.tokens, (memo = new Map()));
  memo.set(key, score);
  return score;
}
