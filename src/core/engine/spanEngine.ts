import type { TokenVectors } from '../encoders/encoder';
import type { EntityInText, SuggestedEntity } from '../session/spanPick';
import type { StrategyChoice } from '../strategies/strategy';

/**
 * labelwise.task = spans: the engine over sentences (or lines) whose answers are entity sets, as
 * its two drivers see it — the editor's worker with a person's answers and `labelwise simulate`
 * on a span dataset with gold ones. Same shape as LabelingEngine (setLabel → retrain → query), a
 * record per candidate span instead of a row per span. Implemented by createSpanEngine
 * (src/core/spans/).
 */
export interface SpanEngineOptions {
  /** Entity labels (labelwise.spanLabels), at least one; entities carry these names. */
  readonly labels: readonly string[];
  /**
   * labelwise.strategy as set: 'meta', or a fixed strategy. Classification strategy names map to
   * their span-level counterparts (spanStrategyFor in src/core/spans/).
   */
  readonly strategy: StrategyChoice;
  readonly committeeSize: number;
  readonly seed: number;
  /** labelwise.allowOverlap: entities of different labels may overlap (answers and suggestions). */
  readonly allowOverlap: boolean;
}

/** One candidate unit: its text and its tokens with their vectors (Encoder.encodeTokens). */
export interface SpanRecord {
  readonly text: string;
  readonly tokens: TokenVectors;
}

/** A record the engine picked, and why. */
export interface SpanEngineQuery {
  /** Index into the records the engine was built on. */
  readonly index: number;
  readonly strategy: string;
  readonly score: number;
  /** Where the score ranks among the unlabeled records (1 = highest) and how many there are; absent for random picks. */
  readonly rank?: number;
  readonly poolSize?: number;
  /** Meta-learner picks only: the regime and why this strategy, in words. */
  readonly regime?: string;
  readonly armReason?: string;
  /** The entities the model is least sure of in this record (offsets into its text), most uncertain first. */
  readonly uncertainEntities: readonly SuggestedEntity[];
}

export interface SpanRetrainResult {
  readonly labeled: number;
  /** Meta-learner's strategy weights after this round. */
  readonly weights: Record<string, number>;
  readonly millis: number;
}

export interface SpanLabelingEngine {
  readonly records: readonly SpanRecord[];
  readonly labeledCount: number;
  readonly trained: boolean;
  /**
   * Sets a record's answer: its entities as the annotator left them (offsets into its text,
   * possibly none — "no entities"), or null to remove the answer (undo). Takes effect at the next
   * retrain. Entity edges that fall inside a token snap outward to token boundaries.
   */
  setLabel(index: number, entities: readonly EntityInText[] | null): void;
  retrain(): Promise<SpanRetrainResult>;
  /** Next n unlabeled records not in `exclude` (seeded random before the first retrain); empty when none are left. */
  query(n: number, exclude?: ReadonlySet<number>): Promise<SpanEngineQuery[]>;
  /** The model in service's entities for a record (none before the first retrain), valid BIO, each with its confidence. */
  suggest(index: number): SuggestedEntity[];
  /** The model in service's entities for texts outside the pool (a simulation's test split). */
  predict(records: readonly SpanRecord[]): SuggestedEntity[][];
  /** Current mixing weights over strategies. */
  weights(): Record<string, number>;
}
