import type { TokenVectors } from '../encoders/encoder';
import { InputError } from '../errors';
import { ModelWithCommittee } from '../learners/modelWithCommittee';
import { createRng, deriveSeed } from '../learners/rng';
import { SoftmaxRegression } from '../learners/softmax';
import { tokenFeatureMatrix } from '../learners/tokenFeatures';
import { createSelector } from '../strategies/selectorFactory';
import type { Pick, PoolState } from '../strategies/strategy';
import type { GoldDataset, GoldSpan } from '../text/dataset';
import { silentLogger, type Matrix } from '../types';
import { aulc, argmaxRows } from './metrics';
import type { SimulateOptions } from './simulate';
import { spanF1, spansToTags, tagCount, tagsToSpans } from './spanTags';
import { planRun, runHeader, type RunHeader } from './runPlan';

export interface SpanCurvePoint {
  readonly labels: number;
  /** Tokens of the labeled records (the encoder's tokens): what an annotator reads, for tokens-to-X % of full-pool F1. */
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
}

export interface SpanSimulateOptions extends Omit<SimulateOptions, 'vectors'> {
  /** Per-token vectors of every record, in file order (Encoder.encodeTokens). */
  readonly tokens: readonly TokenVectors[];
}

interface Part {
  readonly ids: readonly number[];
  readonly X: Matrix;
  readonly offsets: Int32Array;
  readonly tags: Int32Array;
}

/**
 * Entity-span simulation: the annotator labels whole records (every span in them); the base
 * learner is a token tagger (softmax over BIO tags on token vectors + shape features), and the
 * query strategies see each record through its least confident token (its tag distribution and
 * its committee's), with the record's mean token vector for diversity. Evaluation: exact-match
 * span F1 on the test records.
 */
export async function simulateSpans(opts: SpanSimulateOptions): Promise<SpanSimulationResult> {
  const t0 = performance.now();
  const log = opts.logger ?? silentLogger;
  const ds: GoldDataset = opts.data;
  if (ds.task !== 'spans') throw new InputError(`${ds.file}: simulateSpans needs an entity-span dataset ("spans" records)`, ds.file);
  const N = ds.records.length;
  if (opts.tokens.length !== N) throw new InputError(`got token vectors for ${opts.tokens.length} texts but ${ds.file} has ${N} records; they must match one to one`);
  if (ds.classes.length === 0) throw new InputError(`${ds.file}: no record has any span; there is nothing to learn`, ds.file);
  const labels = ds.classes;
  const T = tagCount(labels.length);
  const hasSpan = ds.records.map((r) => ((r.spans?.length ?? 0) > 0 ? 1 : 0));
  const plan = planRun(opts, hasSpan, log);
  const { name, testIds, poolIds, budget, initPos } = plan;

  const part = (ids: readonly number[]): Part => {
    const { X, offsets } = tokenFeatureMatrix(
      ids.map((i) => ds.records[i].text),
      ids.map((i) => opts.tokens[i]),
    );
    const tags = new Int32Array(X.rows);
    ids.forEach((id, s) => tags.set(spansToTags(opts.tokens[id].tokens, ds.records[id].spans ?? [], labels), offsets[s]));
    return { ids, X, offsets, tags };
  };
  const pool = part(poolIds);
  const test = part(testIds);
  const P = poolIds.length;
  // Records as rows for the strategies: the mean of their token vectors (diversity, EGL's ‖x‖).
  const S = sentenceMatrix(pool);

  const model = new ModelWithCommittee(pool.X, { classes: T, committeeSize: opts.committeeSize, seed: opts.seed, C: opts.C, classBalanced: opts.classBalanced });
  const selector = await createSelector(
    { strategy: opts.strategy, classes: T, seed: opts.seed, diversity: opts.diversity ?? true, batch: opts.batch, budget, init: initPos.length, holdOut: name },
    opts.metaFactory,
  );
  const rng = createRng(deriveSeed(opts.seed, 3));
  const isLabeled = new Uint8Array(P);
  const labeled: number[] = [];
  // Each record's representative token: its least confident one (kept fixed once it is labeled,
  // so the meta-learner's reward compares like with like).
  const rep = new Int32Array(P).fill(-1);
  const add = (p: number): void => {
    isLabeled[p] = 1;
    labeled.push(p);
  };
  initPos.forEach(add);

  const curve: SpanCurvePoint[] = [];
  let chosen: Record<string, number> | null = null;
  let lastPicks: Pick[] = [];
  const tag = `[${name} ${opts.strategy} seed ${opts.seed}]`;
  const evaluate = (m: SoftmaxRegression): { f1: number; precision: number; recall: number } => {
    const pred = argmaxRows(m.predictProba(test.X), T);
    const gold: GoldSpan[][] = [];
    const got: GoldSpan[][] = [];
    test.ids.forEach((id, s) => {
      gold.push([...(ds.records[id].spans ?? [])]);
      got.push(tagsToSpans(opts.tokens[id].tokens, pred.subarray(test.offsets[s], test.offsets[s + 1]), labels));
    });
    return spanF1(gold, got);
  };
  const tokenRows = (records: readonly number[]): Int32Array => {
    const out: number[] = [];
    for (const p of records) for (let r = pool.offsets[p]; r < pool.offsets[p + 1]; r++) out.push(r);
    return Int32Array.from(out);
  };

  for (let round = 1; ; round++) {
    const rows = tokenRows(labeled);
    model.fit(rows, Int32Array.from(rows, (r) => pool.tags[r]));
    const score = evaluate(model.main);
    const tokens = labeled.reduce((a, p) => a + pool.offsets[p + 1] - pool.offsets[p], 0);
    curve.push({ labels: labeled.length, tokens, ...score, chosen });
    log.info(`${tag} ${labeled.length}/${budget} records: span F1 ${score.f1.toFixed(3)}`);
    const remaining = P - labeled.length;
    if (labeled.length >= budget || remaining === 0) break;
    const unlabeled = new Int32Array(remaining);
    for (let p = 0, u = 0; p < P; p++) if (!isLabeled[p]) unlabeled[u++] = p;
    // Representative token of every unlabeled record under the current model.
    const uRows = tokenRows(Array.from(unlabeled));
    const probsAll = model.main.predictProba(pool.X, uRows);
    let cursor = 0;
    for (const p of unlabeled) {
      let best = -1;
      let bestConf = Infinity;
      for (let r = pool.offsets[p]; r < pool.offsets[p + 1]; r++, cursor++) {
        let conf = 0;
        for (let k = 0; k < T; k++) conf = Math.max(conf, probsAll[cursor * T + k]);
        if (conf < bestConf) {
          bestConf = conf;
          best = r;
        }
      }
      rep[p] = best;
    }
    const repRows = (records: Int32Array): Int32Array => Int32Array.from(records, (p) => rep[p]);
    const probsOf = (records: Int32Array): Float32Array => {
      const out = new Float32Array(records.length * T);
      const r = repRows(records);
      const have = Int32Array.from(r.filter((x) => x >= 0));
      const pr = have.length ? model.main.predictProba(pool.X, have) : new Float32Array(0);
      for (let i = 0, h = 0; i < records.length; i++) {
        if (r[i] >= 0) out.set(pr.subarray(h * T, ++h * T), i * T);
        else out[i * T] = 1; // A record without tokens: surely nothing to tag.
      }
      return out;
    };
    const labeledArr = Int32Array.from(labeled);
    let members: Float32Array[] | undefined;
    const state: PoolState = {
      X: S,
      classes: T,
      unlabeled,
      labeled: labeledArr,
      labels: Int32Array.from(labeled, (p) => (rep[p] >= 0 ? pool.tags[rep[p]] : 0)),
      probs: probsOf(unlabeled),
      get committeeProbs(): readonly Float32Array[] {
        if (!members) {
          const r = repRows(unlabeled).map((x) => (x >= 0 ? x : pool.offsets[0]));
          members = model.memberProba(r);
        }
        return members;
      },
      rng,
      round,
      predict: probsOf,
    };
    if (lastPicks.length > 0 && selector.feedback) {
      await selector.feedback(lastPicks, Int32Array.from(lastPicks, (pk) => (rep[pk.row] >= 0 ? pool.tags[rep[pk.row]] : 0)), state);
    }
    const picks = await selector.select(state, Math.min(opts.batch, budget - labeled.length, remaining));
    if (picks.length === 0) throw new Error(`${selector.name}: selected nothing from ${remaining} unlabeled records`);
    opts.onQuery?.(picks.map((pk) => poolIds[pk.row]));
    chosen = {};
    for (const pk of picks) {
      if (isLabeled[pk.row]) throw new Error(`${selector.name}: picked record ${pk.row}, which is already labeled`);
      add(pk.row);
      chosen[pk.strategy] = (chosen[pk.strategy] ?? 0) + 1;
    }
    lastPicks = picks;
  }

  const full = new SoftmaxRegression({ classes: T, C: opts.C, classBalanced: opts.classBalanced });
  full.fit(pool.X, Int32Array.from(pool.tags.keys()), pool.tags);
  return {
    ...runHeader('spans', plan, opts),
    curve,
    aulc: aulc(curve.map((c) => ({ labels: c.labels, value: c.f1 }))),
    fullData: evaluate(full),
    seconds: (performance.now() - t0) / 1000,
  };
}

function sentenceMatrix(pool: Part): Matrix {
  const P = pool.ids.length;
  const cols = pool.X.cols;
  const data = new Float32Array(P * cols);
  for (let p = 0; p < P; p++) {
    const a = pool.offsets[p];
    const b = pool.offsets[p + 1];
    for (let r = a; r < b; r++) for (let j = 0; j < cols; j++) data[p * cols + j] += pool.X.data[r * cols + j] / (b - a);
  }
  return { rows: P, cols, data };
}
