import type { Matrix, Vectors } from '../types';
import type { SemiSupervised } from '../learners/selfTraining';
import type { LabelSet } from '../settings';
import type { Pick, StrategyChoice } from '../strategies/strategy';

/**
 * The labeling engine, the one implementation of a round, as its two drivers see it — the
 * editor's worker (src/core/session/labelingSession.ts) with a person's answers and `labelwise
 * simulate` (src/core/simulation/simulate.ts) with gold ones: a pool of vectors, labels arriving one at a
 * time, retraining on demand, and batches of queries that each carry their "why". Implemented by
 * createEngine in createEngine.ts.
 */
export interface EngineOptions {
  /** Class names (at least two, checked where settings are parsed); labels are indices into this array. */
  readonly classes: LabelSet;
  readonly committeeSize: number;
  readonly strategy: StrategyChoice;
  /** Avoid near-duplicates within a batch. */
  readonly diversity: boolean;
  readonly seed: number;
  /**
   * Multi-label (labelwise.multiLabel): rows get label sets (setLabels), the learner is one-vs-rest
   * and probabilities are per label, P(label applies).
   */
  readonly multiLabel?: boolean;
  /** The base learner's semi-supervised step (learners/selfTraining.ts); absent = off. Single-label only. */
  readonly semiSupervised?: SemiSupervised;
}

export interface EngineQuery {
  /** Row of the pool matrix. */
  readonly row: number;
  readonly strategy: string;
  readonly score: number;
  /**
   * Committee members voting for each class (length = classes); multi-label: members saying it
   * applies. Empty from an engine built without pick votes (EngineDeps.pickVotes, simulations).
   */
  readonly votes: readonly number[];
  /** Main model's probabilities (length = classes); multi-label: P(label applies) each. */
  readonly probs: readonly number[];
  /**
   * Where the row's score under its strategy ranks among the unlabeled pool (1 = highest), and the
   * pool's size. Absent for random picks and before the first retrain (no score to rank).
   */
  readonly rank?: number;
  readonly poolSize?: number;
  /**
   * Meta-learner picks only: the task's regime when the pick was made, and why the meta-learner
   * chose this pick's strategy, both in words ("cold start: 3.3 labels per class …").
   */
  readonly regime?: string;
  readonly armReason?: string;
}

export interface RetrainResult {
  readonly labeled: number;
  /** Cross-validated accuracy estimate on the labels so far, when there are enough of them. */
  readonly estimatedAccuracy?: number;
  /** The held-out predictions behind `estimatedAccuracy` (each label predicted once, by a fold that did not see it). */
  readonly heldOut?: { readonly correct: number; readonly total: number };
  /** Meta-learner's strategy weights after this round. */
  readonly weights: Record<string, number>;
  readonly millis: number;
}

export interface LabelingEngine {
  /** The pool's vectors as the engine holds them (compact unless EngineDeps.compactVectors is false). */
  readonly pool: Vectors;
  readonly labeledCount: number;
  readonly trained: boolean;
  /** Sets (or with null, removes: undo) the label of a row. Takes effect at the next retrain. */
  setLabel(row: number, cls: number | null): void;
  /**
   * Records (or with null, removes) that the annotator rejected class `cls` for a row: negative
   * evidence, trained on at the next retrain. A row holds a label or a rejected class, not both:
   * setting one clears the other. Optional: engines that cannot use it simply ignore rejects.
   */
  setRejected?(row: number, cls: number | null): void;
  /**
   * Multi-label engines: sets (or with null, removes) the label set of a row, possibly empty ("no
   * label applies"). Clears a rejected label of the row. Single-label engines throw.
   */
  setLabels?(row: number, classes: readonly number[] | null): void;
  retrain(): Promise<RetrainResult>;
  /**
   * Next batch of n unlabeled rows not in `exclude`. Before the first retrain: a seeded random/diverse
   * start. An exhausted pool is no error: the batch is empty (every caller stops on an empty batch).
   */
  query(n: number, exclude?: ReadonlySet<number>): Promise<EngineQuery[]>;
  /** Rows where the committee disagrees most (vote entropy), most contested first. */
  contested(k: number): EngineQuery[];
  /**
   * The model in service's probabilities (rows × classes) for vectors outside the pool, such as a
   * simulation's test split; they are scaled as the pool is and nothing is learned from them.
   */
  predictProba(vectors: Matrix): Float32Array;
  /** Current mixing weights over strategies. */
  weights(): Record<string, number>;
  /**
   * The "why" of rows picked earlier, as the current model sees them: votes, probabilities and,
   * for a fixed per-row strategy, its score now (random / unknown keep the pick's score). Used to
   * refresh the spans a panel already shows after a retrain. Optional: older engines lack it.
   */
  explain?(picks: readonly Pick[]): EngineQuery[];
}
