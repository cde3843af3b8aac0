// The arithmetic behind `npm run bench:al`'s verdicts, kept free of I/O so it is unit-tested on
// hand-made curves (test/unit/bench/alTargets.test.ts): labels to reach a fraction of full-data
// accuracy, meta against random and against the best fixed strategy in hindsight (paired
// Wilcoxon over seeds), which fixed strategies earn a run at the larger budget, and the check of
// every issue-8 target with the number it measured.
import { wilcoxonSignedRank } from '../src/core/simulation/wilcoxon';
import { median } from './stats';

/** What the verdicts need of one simulation run (a subset of SimulationResult). */
export interface RunLike {
  readonly seed: number;
  readonly aulc: number;
  readonly curve: readonly { readonly labels: number; readonly accuracy: number }[];
  readonly fullData: { readonly accuracy: number };
}

/** Significance level of every "significantly above / below" verdict. */
export const ALPHA = 0.05;

/**
 * First label count at which the curve reaches `fraction` of the run's full-data accuracy;
 * Infinity when it never does within the run's budget.
 */
export function labelsToReach(run: RunLike, fraction: number): number {
  // A tolerance so that 0.9 × 0.8 (0.7200000000000001 in floating point) counts 0.72 as reached.
  const target = fraction * run.fullData.accuracy - 1e-9;
  return run.curve.find((c) => c.accuracy >= target)?.labels ?? Infinity;
}

/** Median over runs of labelsToReach; Infinity when at least half the runs never reached it. */
export function medianLabelsToReach(runs: readonly RunLike[], fraction: number): number {
  return runs.length ? median(runs.map((r) => labelsToReach(r, fraction))) : Infinity;
}

/**
 * Meta's labels (to some accuracy) as a fraction of random's. Medians that never reached it
 * within the budget are only known to exceed it, so the ratio may be a bound:
 * - both reached: `exact`;
 * - meta reached, random did not: the ratio is below meta / budget (`below`);
 * - meta did not: the ratio is unknown from above (`unknown`; never counts as a saving).
 */
export interface LabelsRatio {
  readonly ratio: number;
  readonly kind: 'exact' | 'below' | 'unknown';
}

export function labelsRatio(meta: number, random: number, budget: number): LabelsRatio {
  if (!Number.isFinite(meta)) return { ratio: NaN, kind: 'unknown' };
  if (!Number.isFinite(random)) return { ratio: meta / budget, kind: 'below' };
  return { ratio: meta / random, kind: 'exact' };
}

/** True when the ratio is known to be at most `limit`. */
export function ratioAtMost(r: LabelsRatio, limit: number): boolean {
  return r.kind !== 'unknown' && r.ratio <= limit;
}

export function formatRatio(r: LabelsRatio): string {
  if (r.kind === 'unknown') return '—';
  return `${r.kind === 'below' ? '< ' : ''}${r.ratio.toFixed(2)}×`;
}

export function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
}

/** Sample standard deviation (0 for fewer than two values). */
export function sd(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

/** a − b on the seeds both have, with the paired two-sided Wilcoxon p over those seeds. */
export interface PairedDifference {
  readonly diff: number;
  readonly p: number;
  readonly n: number;
  readonly wPlus: number;
  readonly wMinus: number;
}

/** Seed and AULC are all it needs, so the span bench (alSpanTargets.ts) pairs its runs with it too. */
export function pairedDifference(a: readonly Pick<RunLike, 'seed' | 'aulc'>[], b: readonly Pick<RunLike, 'seed' | 'aulc'>[]): PairedDifference {
  const bySeed = new Map(b.map((r) => [r.seed, r.aulc]));
  const x: number[] = [];
  const y: number[] = [];
  for (const r of a) {
    const other = bySeed.get(r.seed);
    if (other !== undefined) {
      x.push(r.aulc);
      y.push(other);
    }
  }
  const w = wilcoxonSignedRank(x, y);
  return { diff: mean(x) - mean(y), p: w.p, n: x.length, wPlus: w.wPlus, wMinus: w.wMinus };
}

/** Meta's standing on one dataset at one budget. */
export interface DatasetVerdict {
  readonly dataset: string;
  readonly budget: number;
  readonly meta: number;
  readonly random: number;
  /** The fixed strategy (random included) with the highest mean AULC among those run. */
  readonly best: { readonly strategy: string; readonly aulc: number };
  readonly vsBest: PairedDifference;
  readonly vsRandom: PairedDifference;
  readonly labels90: { readonly meta: number; readonly random: number; readonly ratio: LabelsRatio };
  readonly labels95: { readonly meta: number; readonly random: number; readonly ratio: LabelsRatio };
}

/**
 * Meta against random and the best fixed strategy in hindsight on one dataset and budget, from
 * the runs of each strategy (`meta` and `random` must be among them). Undefined without both.
 */
export function verdictOf(dataset: string, budget: number, runs: ReadonlyMap<string, readonly RunLike[]>): DatasetVerdict | undefined {
  const meta = runs.get('meta');
  const random = runs.get('random');
  if (!meta?.length || !random?.length) return undefined;
  let best: { strategy: string; aulc: number } | undefined;
  for (const [strategy, rs] of runs) {
    if (strategy === 'meta' || !rs.length) continue;
    const m = mean(rs.map((r) => r.aulc));
    if (!best || m > best.aulc) best = { strategy, aulc: m };
  }
  const bestRuns = runs.get(best!.strategy)!;
  const labelsAt = (fraction: number): DatasetVerdict['labels90'] => {
    const m = medianLabelsToReach(meta, fraction);
    const r = medianLabelsToReach(random, fraction);
    return { meta: m, random: r, ratio: labelsRatio(m, r, budget) };
  };
  return {
    dataset,
    budget,
    meta: mean(meta.map((r) => r.aulc)),
    random: mean(random.map((r) => r.aulc)),
    best: best!,
    vsBest: pairedDifference(meta, bestRuns),
    vsRandom: pairedDifference(meta, random),
    labels90: labelsAt(0.9),
    labels95: labelsAt(0.95),
  };
}

/**
 * Seeds run at a budget: all `seeds` at the smallest budget (the first of `budgets`), `seedsLarger`
 * (when given) at the larger ones, whose runs cost most.
 */
export function seedsAtBudget(budget: number, budgets: readonly number[], seeds: number, seedsLarger?: number): number {
  return budget === budgets[0] ? seeds : (seedsLarger ?? seeds);
}

/**
 * Fixed strategies that earn runs at the larger budget: those whose mean AULC at the smaller
 * budget is within `margin` (AULC as a fraction: 0.01 = one point) of the best fixed one there,
 * best first, at most `max` of them. Random always runs at every budget and is not counted here.
 */
export function strategiesForLargerBudget(meanAulc: ReadonlyMap<string, number>, margin: number, max: number): string[] {
  const fixed = [...meanAulc].filter(([s]) => s !== 'meta' && s !== 'random').sort((a, b) => b[1] - a[1]);
  if (!fixed.length) return [];
  const top = Math.max(fixed[0][1], meanAulc.get('random') ?? -Infinity);
  return fixed.filter(([, a]) => a >= top - margin).slice(0, max).map(([s]) => s);
}

/** One issue-8 target with its verdict and the number that decided it. */
export interface TargetCheck {
  readonly target: string;
  readonly met: boolean;
  readonly measured: string;
}

const pts = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}`;

/**
 * Every issue-8 target bench:al can measure, at each budget: meta never significantly below the
 * best fixed strategy and significantly above it on at least 2 datasets; meta ≥ random + 3 AULC
 * points on average and never significantly below random; labels to 90 % of full-data accuracy at
 * most 0.6× random's on at least half the datasets; and (budget 300, brown-genre's fixed splits)
 * meta's mean AULC ≥ 0.67. A target with no data to judge it is MISSED, never MET.
 */
/** Seeds per dataset the issue-8 targets are judged on ("≥ 20 seeds"): with fewer, no p can reach 0.05 reliably. */
export const TARGET_MIN_SEEDS = 20;

export function checkTargets(verdicts: readonly DatasetVerdict[], budgets: readonly number[], peersMeta: number | undefined, minSeeds = TARGET_MIN_SEEDS): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const budget of budgets) {
    const v = verdicts.filter((x) => x.budget === budget);
    const start = out.length;
    const at = `(budget ${budget}, ${v.length} dataset${v.length === 1 ? '' : 's'})`;
    const none = v.length === 0;
    const belowBest = v.filter((x) => x.vsBest.diff < 0 && x.vsBest.p < ALPHA);
    out.push({
      target: `meta never significantly below the best fixed strategy ${at}`,
      met: !none && belowBest.length === 0,
      measured: none ? 'no datasets' : belowBest.length ? `below on ${belowBest.map((x) => `${x.dataset} (${pts(x.vsBest.diff)} pts, ${pText(x.vsBest.p)})`).join(', ')}` : `worst ${worst(v, (x) => x.vsBest)}`,
    });
    const aboveBest = v.filter((x) => x.vsBest.diff > 0 && x.vsBest.p < ALPHA);
    out.push({
      target: `meta significantly above the best fixed strategy on ≥ 2 datasets ${at}`,
      met: aboveBest.length >= 2,
      measured: `${aboveBest.length}${aboveBest.length ? `: ${aboveBest.map((x) => `${x.dataset} (${pts(x.vsBest.diff)} pts, ${pText(x.vsBest.p)})`).join(', ')}` : ''}`,
    });
    const avg = mean(v.map((x) => x.vsRandom.diff));
    out.push({
      target: `meta ≥ random + 3 AULC points on average ${at}`,
      met: !none && avg >= 0.03 - 1e-12,
      measured: none ? 'no datasets' : `${pts(avg)} points`,
    });
    const belowRandom = v.filter((x) => x.vsRandom.diff < 0 && x.vsRandom.p < ALPHA);
    out.push({
      target: `meta never significantly below random ${at}`,
      met: !none && belowRandom.length === 0,
      measured: none ? 'no datasets' : belowRandom.length ? `below on ${belowRandom.map((x) => `${x.dataset} (${pts(x.vsRandom.diff)} pts, ${pText(x.vsRandom.p)})`).join(', ')}` : `worst ${worst(v, (x) => x.vsRandom)}`,
    });
    const saved = v.filter((x) => ratioAtMost(x.labels90.ratio, 0.6));
    out.push({
      target: `labels to 90 % of full-data accuracy ≤ 0.6× random's on at least half the datasets ${at}`,
      met: !none && saved.length * 2 >= v.length,
      measured: `${saved.length} of ${v.length}${v.length ? ` (ratios: ${v.map((x) => `${x.dataset} ${formatRatio(x.labels90.ratio)}`).join(', ')})` : ''}`,
    });
    // Judged on fewer seeds than the targets ask for, nothing is MET: "never significantly below"
    // would hold trivially (with 5 pairs no two-sided p is below 0.0625).
    const seeds = v.length ? Math.min(...v.flatMap((x) => [x.vsBest.n, x.vsRandom.n])) : 0;
    if (v.length && seeds < minSeeds) {
      for (let i = start; i < out.length; i++) out[i] = { ...out[i], met: false, measured: `only ${seeds} seeds (the targets need ≥ ${minSeeds}); ${out[i].measured}` };
    }
  }
  out.push({
    target: "meta's mean AULC ≥ 0.67 on the peers' brown-genre splits (budget 300)",
    met: peersMeta !== undefined && peersMeta >= 0.67,
    measured: peersMeta === undefined ? 'not run' : peersMeta.toFixed(3),
  });
  return out;
}

function worst(v: readonly DatasetVerdict[], of: (x: DatasetVerdict) => PairedDifference): string {
  const w = [...v].sort((a, b) => of(a).diff - of(b).diff)[0];
  return `${w.dataset} ${pts(of(w).diff)} pts (${pText(of(w).p)})`;
}

/** A p-value as the reports write it in a table cell: "0.034", or "< 0.001" (never "0.000"). */
export function fmtP(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** The same in a sentence: "p = 0.034", or "p < 0.001". */
export function pText(p: number): string {
  return p < 0.001 ? `p ${fmtP(p)}` : `p = ${fmtP(p)}`;
}

/**
 * The flags (of `keys`) whose values differ from the defaults': a run that narrowed its plan so is
 * not the main report's plan, and writing BENCHMARKS.md from its partial cache would misreport
 * (bench:al once rewrote BENCHMARKS.md from a meta-only run). Lists compare as sets.
 */
export function narrowedBy<T extends object>(args: T, defaults: T, keys: readonly (keyof T)[]): (keyof T)[] {
  const norm = (v: unknown): string => JSON.stringify(Array.isArray(v) ? [...v].map(String).sort() : v);
  return keys.filter((k) => norm(args[k]) !== norm(defaults[k]));
}
