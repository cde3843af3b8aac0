// The arithmetic behind `npm run bench:al:spans`'s verdicts (bench/alSpans.ts), free of I/O so it
// is unit-tested on hand-made curves (test/unit/bench/alSpanTargets.test.ts): tokens labeled to
// reach a fraction of full-pool span F1, meta against random and the best fixed span strategy
// (paired Wilcoxon over seeds, alTargets.ts), and issue 10's targets with the numbers that decide them.
import { ALPHA, labelsRatio, mean, pairedDifference, ratioAtMost, formatRatio, type LabelsRatio, type PairedDifference } from './alTargets';
import { median } from './stats';

/** What the verdicts need of one span simulation run (a subset of SpanSimulationResult). */
export interface SpanRunLike {
  readonly seed: number;
  readonly aulc: number;
  readonly curve: readonly { readonly labels: number; readonly tokens: number; readonly f1: number }[];
  readonly fullData: { readonly f1: number };
}

/** The first curve point at or above `fraction` of the run's full-pool F1, or undefined when none is. */
function pointReaching(run: SpanRunLike, fraction: number): SpanRunLike['curve'][number] | undefined {
  // A tolerance so that 0.95 × 0.8 (0.76 in decimal, not in floating point) counts 0.76 as reached.
  const target = fraction * run.fullData.f1 - 1e-9;
  return run.curve.find((c) => c.f1 >= target);
}

/** Tokens labeled when the run first reaches `fraction` of its full-pool F1; Infinity when it never does within its budget. */
export function tokensToReach(run: SpanRunLike, fraction: number): number {
  return pointReaching(run, fraction)?.tokens ?? Infinity;
}

/** Median over runs of tokensToReach; Infinity when at least half the runs never reached it. */
export function medianTokensToReach(runs: readonly SpanRunLike[], fraction: number): number {
  return runs.length ? median(runs.map((r) => tokensToReach(r, fraction))) : Infinity;
}

/**
 * A lower bound of the median tokens to reach `fraction`: a run that never reached it would have
 * needed more than the tokens it labeled in all, so its last point's tokens stand in for it (the
 * median of lower bounds bounds the median from below).
 */
export function medianTokensLowerBound(runs: readonly SpanRunLike[], fraction: number): number {
  return runs.length ? median(runs.map((r) => pointReaching(r, fraction)?.tokens ?? r.curve[r.curve.length - 1]?.tokens ?? 0)) : 0;
}

/** Meta's tokens to reach a fraction of full-pool F1 against random's, as a ratio (a bound when random's median was not reached). */
export interface TokensAt {
  readonly meta: number;
  readonly random: number;
  /** Meta's lower bound (tokens labeled in all) when its median is Infinity. */
  readonly metaAtLeast: number;
  /** Random's lower bound (tokens labeled in all) when its median is Infinity. */
  readonly randomAtLeast: number;
  readonly ratio: LabelsRatio;
}

export function tokensAt(meta: readonly SpanRunLike[], random: readonly SpanRunLike[], fraction: number): TokensAt {
  const m = medianTokensToReach(meta, fraction);
  const r = medianTokensToReach(random, fraction);
  const atLeast = medianTokensLowerBound(random, fraction);
  return { meta: m, random: r, metaAtLeast: medianTokensLowerBound(meta, fraction), randomAtLeast: atLeast, ratio: labelsRatio(m, r, atLeast) };
}

export interface SpanVerdict {
  readonly dataset: string;
  readonly budget: number;
  readonly meta: number;
  readonly random: number;
  readonly fullF1: number;
  /** The fixed span strategy (random included) with the highest mean AULC. */
  readonly best: { readonly strategy: string; readonly aulc: number };
  readonly vsBest: PairedDifference;
  readonly vsRandom: PairedDifference;
  readonly tokens90: TokensAt;
  readonly tokens95: TokensAt;
}

/** Meta against random and the best fixed strategy on one span dataset; undefined without meta and random runs. */
export function spanVerdictOf(dataset: string, budget: number, runs: ReadonlyMap<string, readonly SpanRunLike[]>): SpanVerdict | undefined {
  const meta = runs.get('meta');
  const random = runs.get('random');
  if (!meta?.length || !random?.length) return undefined;
  let best: { strategy: string; aulc: number } | undefined;
  for (const [strategy, rs] of runs) {
    if (strategy === 'meta' || !rs.length) continue;
    const m = mean(rs.map((r) => r.aulc));
    if (!best || m > best.aulc) best = { strategy, aulc: m };
  }
  return {
    dataset,
    budget,
    meta: mean(meta.map((r) => r.aulc)),
    random: mean(random.map((r) => r.aulc)),
    fullF1: mean([...runs.values()].flat().map((r) => r.fullData.f1)),
    best: best!,
    vsBest: pairedDifference(meta, runs.get(best!.strategy)!),
    vsRandom: pairedDifference(meta, random),
    tokens90: tokensAt(meta, random, 0.9),
    tokens95: tokensAt(meta, random, 0.95),
  };
}

export interface SpanTargetCheck {
  readonly target: string;
  readonly met: boolean;
  readonly measured: string;
}

const pts = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}`;

/**
 * Issue 10's targets that the span bench measures, on every span dataset: meta ≥ random + 5 AULC
 * points and ≥ the best fixed span strategy − 0.5 (mean AULC over seeds; the paired p is quoted);
 * tokens labeled to reach 95 % of full-pool F1 ≤ 0.5× random's; and full-pool span F1 ≥ 0.75 on
 * brown-names. A target with no data to judge it is MISSED, never MET.
 */
export function checkSpanTargets(verdicts: readonly SpanVerdict[], fullF1ByDataset: ReadonlyMap<string, number>): SpanTargetCheck[] {
  const out: SpanTargetCheck[] = [];
  const every = (target: string, ok: (v: SpanVerdict) => boolean, show: (v: SpanVerdict) => string): void => {
    out.push({
      target: `${target} (every span dataset: ${verdicts.length})`,
      met: verdicts.length > 0 && verdicts.every(ok),
      measured: verdicts.length ? verdicts.map((v) => `${v.dataset} ${show(v)}${ok(v) ? '' : ' ✗'}`).join('; ') : 'no datasets',
    });
  };
  every(
    'meta ≥ random + 5 span-F1 AULC points',
    (v) => v.vsRandom.diff >= 0.05 - 1e-12,
    (v) => `${pts(v.vsRandom.diff)} pts (p = ${v.vsRandom.p.toFixed(3)})`,
  );
  every(
    'meta ≥ the best fixed span strategy − 0.5 AULC points',
    (v) => v.vsBest.diff >= -0.005 - 1e-12,
    (v) => `${pts(v.vsBest.diff)} pts vs ${v.best.strategy} (p = ${v.vsBest.p.toFixed(3)}${v.vsBest.diff < 0 && v.vsBest.p < ALPHA ? ', significant' : ''})`,
  );
  every(
    "tokens labeled to reach 95 % of full-pool F1 ≤ 0.5× random's",
    (v) => ratioAtMost(v.tokens95.ratio, 0.5),
    (v) => formatRatio(v.tokens95.ratio),
  );
  const brown = fullF1ByDataset.get('brown-names');
  out.push({
    target: 'full-pool span F1 ≥ 0.75 on brown-names',
    met: brown !== undefined && brown >= 0.75,
    measured: brown === undefined ? 'not run' : brown.toFixed(3),
  });
  return out;
}
