/**
 * What the engine worker returns about a span: domain data, no panel layout. The extension host
 * turns it into the panel's views (src/extension/views.ts), so a panel change never changes the
 * worker's messages. This file imports nothing.
 */

/** One label's probability under the current model. */
export interface LabelProbability {
  readonly label: string;
  readonly probability: number;
}

/** Why the engine picked a span, as the model in service saw it. */
export interface PickReason {
  /** The strategy that picked it (or, for `explain`, the one the host says picked it). */
  readonly strategy: string;
  readonly score: number;
  /** Committee members voting for each label of the set (0 included). */
  readonly votes: Readonly<Record<string, number>>;
  /**
   * The model's probability of each label, in label-set order; absent before the model is trained.
   * Single-label: a distribution; multi-label: one independent probability per label.
   */
  readonly probabilities?: readonly LabelProbability[];
  /**
   * Where the span's score ranks among the unlabeled pool under its strategy (1 = the highest), and
   * the pool's size. Absent where the score is not a per-span ranking (random picks).
   */
  readonly rank?: number;
  readonly poolSize?: number;
  /**
   * Meta-learner picks only: the task's regime when the pick was made, and why the meta-learner
   * chose this pick's strategy, both in words ("cold start: 3.3 labels per class …").
   */
  readonly regime?: string;
  readonly armReason?: string;
  /** labelwise.task = spans: the entities (suggested or nearly suggested) the model is least sure of. */
  readonly uncertainEntities?: readonly SuggestedEntity[];
}

/** An entity inside a span's text (labelwise.task = spans): UTF-16 offsets into `text`, end exclusive. */
export interface EntityInText {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

/** A model-suggested entity: its confidence is the model's probability that this exact entity is right. */
export interface SuggestedEntity extends EntityInText {
  readonly confidence: number;
}

/** A token of a span's text (labelwise.task = spans): UTF-16 offsets into `text`, end exclusive. */
export interface TokenOffsets {
  readonly start: number;
  readonly end: number;
}

/** A candidate span with its place, its text and the text around it. */
export interface SpanInContext {
  readonly id: string;
  /** Workspace-relative file. */
  readonly file: string;
  /** Zero-based line of the span start. */
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Text of the source file before and after the span. */
  readonly before: string;
  readonly after: string;
  /** labelwise.task = spans: the span's tokens, the units a selection snaps to. */
  readonly tokens?: readonly TokenOffsets[];
  /** labelwise.task = spans: the entities the model suggests, once it is trained. */
  readonly suggestions?: readonly SuggestedEntity[];
}

/** A candidate span in its context, and why it was picked. */
export interface SpanPick extends SpanInContext {
  /** Absent for a span asked for by id (no strategy picked it). */
  readonly reason?: PickReason;
}
