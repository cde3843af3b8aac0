import { NotTrainedError } from '../errors';
import { strategyByName } from '../strategies/registry';
import type { PoolState, SpanStrategyName, Strategy, StrategyChoice, StrategyName } from '../strategies/strategy';

/**
 * What the span-level strategies read about records under the model in service (computed by the
 * engine's round, src/core/spans/spanRound.ts): one score per record asked for, higher = more
 * worth labeling.
 */
export interface SpanScores {
  /** MNLP (Shen et al. 2017): −(log P of the best valid tag sequence) / tokens. */
  mnlp(records: Int32Array): Float32Array;
  /** Mean over tokens of the entropy of the constrained marginals. */
  tokenEntropy(records: Int32Array): Float32Array;
  /** Committee disagreement on entities: vote entropy of the entities the members decode, per token. */
  entityDisagreement(records: Int32Array): Float32Array;
  /** Expected gradient length of the token tagger's loss, per token. */
  expectedChange(records: Int32Array): Float32Array;
}

/** The span strategies (and random) as meta-learner arms / fixed strategies over the records. */
export type SpanArm = SpanStrategyName | 'random';
/** Every span strategy with random: the fixed choices the span benchmark compares. */
export const SPAN_ARMS: readonly SpanArm[] = ['random', 'mnlp', 'token-entropy', 'entity-disagreement', 'expected-change'];
/**
 * The meta-learner's arms in the spans task: SPAN_ARMS without expected-change, the weakest span
 * strategy in every measurement (bench/alSpans.md on the engine before this list: span-F1 AULC
 * 67.4 on brown-names, last of the four span strategies, and 42.9 on node-api-entities, below
 * random's 43.0 — it favours long, code-heavy records). An arm that is never the best one only
 * costs the meta-learner the picks its draws give it.
 */
export const SPAN_META_ARMS: readonly SpanArm[] = ['random', 'mnlp', 'token-entropy', 'entity-disagreement'];

function recordStrategy(name: SpanStrategyName, of: (s: SpanScores, records: Int32Array) => Float32Array, scores: () => SpanScores | undefined): Strategy {
  return {
    name,
    score(state: PoolState): Float32Array {
      const s = scores();
      if (!s) throw new NotTrainedError(`${name} needs a trained tagger; retrain first`);
      return of(s, state.unlabeled);
    },
  };
}

/** The span-level strategies over a round's scores (`scores()` is the model in service's, or undefined before the first retrain). */
export function spanStrategies(scores: () => SpanScores | undefined): Record<SpanStrategyName, Strategy> {
  return {
    mnlp: recordStrategy('mnlp', (s, r) => s.mnlp(r), scores),
    'token-entropy': recordStrategy('token-entropy', (s, r) => s.tokenEntropy(r), scores),
    'entity-disagreement': recordStrategy('entity-disagreement', (s, r) => s.entityDisagreement(r), scores),
    'expected-change': recordStrategy('expected-change', (s, r) => s.expectedChange(r), scores),
  };
}

/**
 * labelwise.strategy in the spans task: the classification choice's span-level counterpart.
 * Uncertainty of the top label (least-confidence, margin) becomes the sequence's (MNLP); entropy
 * the tokens' mean entropy; the committee's vote entropy its disagreement on entities; EGL the
 * token tagger's expected gradient length. Typicality, coverage and class-balance work on the
 * records as they are (vectors: the mean of their token features; class-balance's label: whether a
 * record has any entity), so they stay themselves. 'meta' stays 'meta' (the engine mixes SPAN_META_ARMS).
 */
export function spanStrategyFor(choice: StrategyChoice): 'meta' | SpanArm | Extract<StrategyName, 'typicality' | 'coverage' | 'class-balance'> {
  switch (choice) {
    case 'meta':
    case 'random':
    case 'typicality':
    case 'coverage':
    case 'class-balance':
      return choice;
    case 'least-confidence':
    case 'margin':
      return 'mnlp';
    case 'entropy':
      return 'token-entropy';
    case 'vote-entropy':
      return 'entity-disagreement';
    case 'egl':
      return 'expected-change';
  }
}

/** The Strategy object of a span strategy name (the record-level ones or a classification one kept as is). */
export function spanStrategyObject(name: Exclude<ReturnType<typeof spanStrategyFor>, 'meta'>, span: Record<SpanStrategyName, Strategy>): Strategy {
  return name === 'random' || name === 'typicality' || name === 'coverage' || name === 'class-balance' ? strategyByName(name) : span[name];
}
