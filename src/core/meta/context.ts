import type { PoolState } from '../strategies/strategy';
import { coverage, strideSample } from './features';

/**
 * The state of the task as the meta-learner reads it each round, and the regime it names in the
 * "why": how many labels there are per class, how skewed they are, how much of the pool they
 * cover and how sure the model is. Computed from the labels given and model outputs only, on a
 * fixed-size stride subsample of the pool (cheap on 100k candidates).
 */
export interface TaskContext {
  readonly labels: number;
  readonly classes: number;
  /** labels / classes. */
  readonly labelsPerClass: number;
  /** Fewest labels of any class. */
  readonly minClassLabels: number;
  /** Share of the rarest class × classes: 1 when balanced, 0 when a class has no label. */
  readonly balance: number;
  /**
   * The most under-labeled class against the pool: min over classes of (its share of the labels ÷
   * its share of the model's predictions on the pool). 1 when the labels mirror the pool; a class
   * the model expects often but that has few labels pulls it down. A dataset that is itself
   * imbalanced is not "skewed" by this measure when its labels follow it.
   */
  readonly poolBalance: number;
  /** features.coverage: ~0 when every region has a label nearby, ~1 when labels are no closer than a random row. */
  readonly coverage: number;
  /** Mean over the sampled pool of the model's top probability. */
  readonly confidence: number;
}

/** Which phase the task is in; the meta-learner's statistics are kept per regime. */
export type Regime = 'cold-start' | 'skewed' | 'refining';
export const REGIMES: readonly Regime[] = ['cold-start', 'skewed', 'refining'];

/**
 * Thresholds of the regimes. Cold start: too few labels per class for the model's uncertainty to
 * mean much (TypiClust's "low budget" regime is a handful of labels per class). Skewed: some class
 * has under `skewedPoolBalance` of the share of the labels that the model expects of it in the pool
 * (TAILOR's imbalanced regime, measured against the pool rather than a uniform split: measured, a
 * uniform reference kept inherently imbalanced sets "skewed" for the whole run).
 *
 * The skewed regime is off by default (0: no class can be below it). Measured in bench:al (20 seeds
 * × 9 sets, budget 300), with the cold start ended by coldStartSpent it put class-balance — the
 * weakest arm on its own at every label count of every set — in charge right after an early end of
 * the cold start (spdx-license-family −0.6 points); without it the meta-learner gained +0.16 points
 * on average, spdx +0.84 (p = 0.01), no set significantly worse. At 0.5 it is what TAILOR's regime
 * is meant to be, for a user who wants it.
 */
export interface RegimeThresholds {
  readonly coldLabelsPerClass: number;
  readonly skewedPoolBalance: number;
}
export const REGIME_THRESHOLDS: RegimeThresholds = { coldLabelsPerClass: 4, skewedPoolBalance: 0 };
/** The skewed regime switched on (the threshold before it was measured off; tests and experiments). */
export const SKEWED_AT_HALF: RegimeThresholds = { coldLabelsPerClass: 4, skewedPoolBalance: 0.5 };

/** The rarest class's count, and its share × classes. */
export function labelBalance(labels: Int32Array, classes: number): { minClassLabels: number; balance: number; counts: Int32Array } {
  const counts = new Int32Array(classes);
  for (const y of labels) if (y >= 0 && y < classes) counts[y]++;
  let min = Infinity;
  for (const c of counts) min = Math.min(min, c);
  const L = labels.length;
  return { minClassLabels: classes > 0 ? min : 0, balance: L > 0 && classes > 0 ? (min / L) * classes : 0, counts };
}

/** The context of a round. Multi-label labels are not class indices: balance then reads 1. */
export function taskContext(state: PoolState, sample = 2048, pool: { readonly coverage?: number } = {}): TaskContext {
  const K = state.classes;
  const L = state.labeled.length;
  const bal = state.multiLabel ? { minClassLabels: L, balance: 1 } : labelBalance(state.labels, K);
  const idx = strideSample(state.unlabeled.length, sample);
  let conf = 0;
  const predicted = new Float64Array(K);
  const probs = state.poolProbs;
  for (const i of idx) {
    const o = state.unlabeled[i] * K;
    let best = 0;
    let arg = 0;
    for (let k = 0; k < K; k++) {
      if (probs[o + k] > best) {
        best = probs[o + k];
        arg = k;
      }
    }
    conf += best;
    predicted[arg]++;
  }
  let poolBalance = 1;
  if (!state.multiLabel && L > 0 && idx.length > 0) {
    const counts = labelBalance(state.labels, K).counts;
    for (let k = 0; k < K; k++) if (predicted[k] > 0) poolBalance = Math.min(poolBalance, counts[k] / L / (predicted[k] / idx.length));
  }
  return {
    labels: L,
    classes: K,
    labelsPerClass: K > 0 ? L / K : 0,
    minClassLabels: bal.minClassLabels,
    balance: bal.balance,
    poolBalance,
    coverage: pool.coverage ?? coverage(state),
    confidence: idx.length > 0 ? conf / idx.length : 0,
  };
}

/**
 * The regime a context is in: cold start first (too few labels to trust uncertainty), then skew.
 * `coldSpent`: the cold start was ended by a measurement (coldStartSpent), whatever the count says.
 */
export function regimeOf(c: TaskContext, t: RegimeThresholds = REGIME_THRESHOLDS, coldSpent = false): Regime {
  if (!coldSpent && c.labelsPerClass < t.coldLabelsPerClass) return 'cold-start';
  if (c.poolBalance < t.skewedPoolBalance) return 'skewed';
  return 'refining';
}

/** The regime in words, for the "why" view; `coldSpent`: the cold start was ended by coldStartSpent. */
export function describeRegime(r: Regime, c: TaskContext, coldSpent = false): string {
  const perClass = c.labelsPerClass.toFixed(c.labelsPerClass < 10 ? 1 : 0);
  const ended = coldSpent && r !== 'cold-start' ? ' (cold start ended early: the model already got a batch of typical picks right more often than its confidence)' : '';
  return describeRegimeOnly(r, c, perClass) + ended;
}

function describeRegimeOnly(r: Regime, c: TaskContext, perClass: string): string {
  switch (r) {
    case 'cold-start':
      return `cold start: ${perClass} labels per class (rarest ${c.minClassLabels}), too few for the model's uncertainty to be trusted`;
    case 'skewed':
      return `skewed labels: a class has ${Math.round(100 * c.poolBalance)} % of the share of labels the model expects of it in the pool`;
    case 'refining':
      return `refining: ${perClass} labels per class, model ${Math.round(100 * c.confidence)} % sure on average`;
  }
}

/**
 * Whether a cold-start batch was spent: the model that chose it already predicted its labels right
 * more often than its mean confidence on the pool (its expected accuracy on an average row). Typical
 * picks are meant to teach what the model does not know yet; once they are easier than an average
 * row, they repeat what it knows (measured: on spdx-license-family, 15 licence families of
 * near-identical boilerplate, the second typical batch is predicted right ~50 % of the time against
 * a confidence of ~39 %, while on udhr-language the first two are ~20–26 % against ~34 %).
 * pred: the model's class per row of X (−1 = not predicted); rows and labels: the batch.
 */
export function coldStartSpent(pred: Int16Array | Int32Array, rows: readonly number[], labels: Int32Array, confidence: number): boolean {
  let n = 0;
  let right = 0;
  rows.forEach((r, i) => {
    if (pred[r] < 0 || labels[i] < 0) return;
    n++;
    if (pred[r] === labels[i]) right++;
  });
  return n > 0 && right / n > confidence;
}
