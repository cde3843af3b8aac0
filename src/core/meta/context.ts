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
 * mean much (TypiClust's "low budget" regime is a handful of labels per class). Skewed: the rarest
 * class has under half its balanced share of the labels (TAILOR's imbalanced regime).
 */
export const REGIME_THRESHOLDS = { coldLabelsPerClass: 10, coldMinClassLabels: 3, skewedBalance: 0.5 } as const;

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
export function taskContext(state: PoolState, sample = 2048): TaskContext {
  const K = state.classes;
  const L = state.labeled.length;
  const bal = state.multiLabel ? { minClassLabels: L, balance: 1 } : labelBalance(state.labels, K);
  const idx = strideSample(state.unlabeled.length, sample);
  let conf = 0;
  for (const i of idx) {
    let best = 0;
    for (let k = 0; k < K; k++) best = Math.max(best, state.probs[i * K + k]);
    conf += best;
  }
  return {
    labels: L,
    classes: K,
    labelsPerClass: K > 0 ? L / K : 0,
    minClassLabels: bal.minClassLabels,
    balance: bal.balance,
    coverage: coverage(state),
    confidence: idx.length > 0 ? conf / idx.length : 0,
  };
}

/** The regime a context is in: cold start first (too few labels to trust uncertainty), then skew. */
export function regimeOf(c: TaskContext): Regime {
  const t = REGIME_THRESHOLDS;
  if (c.labelsPerClass < t.coldLabelsPerClass || c.minClassLabels < t.coldMinClassLabels) return 'cold-start';
  if (c.balance < t.skewedBalance) return 'skewed';
  return 'refining';
}

/** The regime in words, for the "why" view. */
export function describeRegime(r: Regime, c: TaskContext): string {
  const perClass = c.labelsPerClass.toFixed(c.labelsPerClass < 10 ? 1 : 0);
  switch (r) {
    case 'cold-start':
      return `cold start: ${perClass} labels per class (rarest ${c.minClassLabels}), too few for the model's uncertainty to be trusted`;
    case 'skewed':
      return `skewed labels: the rarest class has ${Math.round(100 * c.balance)} % of its balanced share`;
    case 'refining':
      return `refining: ${perClass} labels per class, model ${Math.round(100 * c.confidence)} % sure on average`;
  }
}
