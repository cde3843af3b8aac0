import type { Matrix } from '../types';

export const STRATEGY_NAMES = ['random', 'least-confidence', 'margin', 'entropy', 'vote-entropy', 'egl', 'typicality', 'coverage', 'class-balance'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/**
 * Span-level strategies (labelwise.task = spans, src/core/spans/spanStrategies.ts): they score
 * whole records from the token tagger's constrained posteriors, and are the meta-learner's arms
 * there. Not choices of their own: spanStrategyFor maps each StrategyChoice to one of them.
 */
export const SPAN_STRATEGY_NAMES = ['mnlp', 'token-entropy', 'entity-disagreement', 'expected-change'] as const;
export type SpanStrategyName = (typeof SPAN_STRATEGY_NAMES)[number];

/** What `labelwise.strategy` and `--strategy` name: the meta-learner or one fixed strategy. */
export type StrategyChoice = 'meta' | StrategyName;
/** Every strategy choice, meta first (the settings parser's and the CLI's list). */
export const STRATEGY_CHOICES: readonly StrategyChoice[] = ['meta', ...STRATEGY_NAMES];

/**
 * Everything a strategy may look at to score the unlabeled pool. Built once per round by the
 * engine after retraining. Strategies never see gold labels of unlabeled rows (there are none here).
 */
export interface PoolState {
  /** All candidate vectors (labeled and unlabeled). */
  readonly X: Matrix;
  readonly classes: number;
  /** Rows of X not labeled yet; scores are aligned with this array. */
  readonly unlabeled: Int32Array;
  /** Rows of X with a label, and their labels. */
  readonly labeled: Int32Array;
  readonly labels: Int32Array;
  /** Main model's probabilities for the unlabeled rows: unlabeled.length × classes. */
  readonly probs: Float32Array;
  /** Each committee member's probabilities for the unlabeled rows, same layout as probs. */
  readonly committeeProbs: readonly Float32Array[];
  /** Seeded generator in [0,1): the only source of randomness a strategy may use. */
  readonly rng: () => number;
  /** 1-based round number. */
  readonly round: number;
  /**
   * Multi-label pool (labelwise.multiLabel): probs hold P(label applies) per label, rows do not sum
   * to 1, and strategies score per-label uncertainty (multiLabel.ts). Absent: single-label.
   */
  readonly multiLabel?: boolean;
  /** Main model's probabilities for any rows of X (e.g. labeled ones, for the meta-learner's reward). */
  readonly predict: (rows: Int32Array) => Float32Array;
}

/** One query strategy: scores the unlabeled pool; higher = more worth labeling. Selection is shared. */
export interface Strategy {
  readonly name: StrategyName | SpanStrategyName;
  /** One score per entry of state.unlabeled. Throws NotTrainedError rather than returning zeros. */
  score(state: PoolState): Float32Array;
  /**
   * Optional: for a strategy whose picks within one batch depend on the picks before them
   * (typicality: one pick per cluster; coverage: greedy farthest point), which scores alone cannot
   * say. Given the scores `score(state)` just returned, up to n distinct positions into
   * state.unlabeled, in pick order. The shared selector (`strategyBatch` in selectBatch.ts) calls it
   * instead of its top-n / diverse selection, and the meta-learner builds the strategy's advice
   * through the same function. Without it a strategy's batch is the shared selection of its scores.
   */
  batch?(state: PoolState, scores: Float32Array, n: number): number[];
  /**
   * Set on strategies that choose well from the vectors alone (typicality, coverage): the engine lets
   * them pick the first batch too, before any model exists, instead of its spread-out random batch.
   */
  readonly coldStart?: true;
}

/** A chosen row with its "why". */
export interface Pick {
  /** Row of X. */
  readonly row: number;
  readonly strategy: string;
  readonly score: number;
  /** Optional: the score's rank among the scores of the rows the strategy scored (1 = highest), and how many. */
  readonly rank?: number;
  readonly poolSize?: number;
  /**
   * Meta-learner picks only: the task's regime when the pick was made, and why the meta-learner
   * chose this pick's strategy, both in words ("cold start: 3.3 labels per class …").
   */
  readonly regime?: string;
  readonly armReason?: string;
}

/**
 * Chooses the next batch: either one fixed strategy plus the shared batch selector, or the
 * meta-learner that mixes strategies. `feedback` is called after the picks were labeled and the
 * learner retrained, with the new state; it is how the meta-learner earns its reward.
 */
export interface BatchSelector {
  readonly name: string;
  select(state: PoolState, n: number): Promise<Pick[]>;
  feedback?(picks: readonly Pick[], pickLabels: Int32Array, state: PoolState): Promise<void> | void;
  /** Current mixing weights over strategies, for the "why" and the learning-curve view. */
  weights?(): Record<string, number>;
}
