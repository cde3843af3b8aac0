/**
 * The one contract between the extension host and the labeling panel (webview). Both sides import
 * this file; nothing else crosses the boundary. Shape after GitLens: typed command / notification
 * definitions with `is()` guards, and requests carrying ids whose replies are matched to them.
 *
 * Host waits for `ready` before posting anything.
 */

import type { Answer } from './core/store/answer';
import type { CurvePoint, StrategyWeightsPoint } from './core/session/learningCurve';
import type { EntityInText, SpanInContext, SuggestedEntity, TokenOffsets } from './core/session/spanPick';

// Domain types the panel shows as they are (types only: nothing of the core runs in the panel).
export type { Answer, CurvePoint, EntityInText, StrategyWeightsPoint, SuggestedEntity, TokenOffsets };

export interface IpcMessage<M extends string = string, P = unknown> {
  readonly method: M;
  readonly params: P;
  /** Present on requests and on their replies. */
  readonly id?: number;
}

export interface IpcType<M extends string, P> {
  readonly method: M;
  is(msg: unknown): msg is IpcMessage<M, P>;
  create(params: P, id?: number): IpcMessage<M, P>;
}

function ipc<M extends string, P>(method: M): IpcType<M, P> {
  return {
    method,
    is(msg: unknown): msg is IpcMessage<M, P> {
      return typeof msg === 'object' && msg !== null && (msg as { method?: unknown }).method === method;
    },
    create(params: P, id?: number): IpcMessage<M, P> {
      return id === undefined ? { method, params } : { method, params, id };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Shared shapes

export type PanelView = 'label' | 'curve' | 'review';

export interface LabelButton {
  readonly name: string;
  /** "1".."9", or empty for labels past the ninth. */
  readonly key: string;
}

/**
 * Label colours: the manifest contributes `labelwise.label1` … `labelwise.label9` (and a
 * `…Background` fill for each) with light, dark and high-contrast defaults. The panel reads them as
 * CSS variables (`--vscode-labelwise-label1`), the editor decorations as ThemeColors, so a label
 * has one colour everywhere: the one of its position in labelwise.labels, wrapping past nine.
 */
export const LABEL_COLOR_COUNT = 9;

/** 1-based colour slot of the label at `position` (0-based) in labelwise.labels. */
export function labelColorSlot(position: number): number {
  const n = Number.isInteger(position) && position >= 0 ? position : 0;
  return (n % LABEL_COLOR_COUNT) + 1;
}

/** Theme colour ids of a slot: the label's colour and its translucent fill. */
export function labelColorIds(slot: number): { readonly color: string; readonly background: string } {
  return { color: `labelwise.label${slot}`, background: `labelwise.label${slot}Background` };
}

/** Why the engine chose a span. */
export interface WhyInfo {
  readonly strategy: string;
  readonly score: number;
  /** Committee members voting for each label. */
  readonly votes: Record<string, number>;
  /** The model's current guess and its probability, if trained. */
  readonly predicted?: { readonly label: string; readonly probability: number };
  /**
   * Optional: the most likely labels (at most two), most likely first, once the model is trained:
   * "sports 48 % or news 41 %" says more than the guess alone.
   */
  readonly top?: readonly { readonly label: string; readonly probability: number }[];
  /**
   * Optional: where this span's score ranks among the unlabeled pool under its strategy (1 = the
   * highest), and the pool's size: "top 2 % most uncertain of 4,512". Absent for random picks.
   */
  readonly rank?: number;
  readonly poolSize?: number;
  /**
   * Meta-learner picks only: the task's regime when the pick was made, and why the meta-learner
   * chose this pick's strategy, both in words ("cold start: 3.3 labels per class …").
   */
  readonly regime?: string;
  readonly armReason?: string;
  /** Multi-label sessions: the labels the model says apply (P ≥ 0.5), once trained. */
  readonly predictedLabels?: readonly string[];
  /** Spans sessions: the entities the model is least sure of (offsets into the span's text). */
  readonly uncertainEntities?: readonly SuggestedEntity[];
}

/** A span as the panel shows it: its place and context (the core's SpanInContext) and its "why". */
export interface SpanView extends SpanInContext {
  readonly why: WhyInfo;
}

export interface SessionSummary {
  readonly labels: readonly LabelButton[];
  readonly budget: number;
  readonly labeled: number;
  /** Estimated accuracy (cross-validated), once it can be estimated. */
  readonly estimatedAccuracy?: number;
  readonly annotator: string;
  readonly strategy: string;
  /** 95 % interval of `estimatedAccuracy` (Wilson score interval over its `n` held-out predictions). */
  readonly accuracyInterval?: AccuracyIntervalView;
  /** Labels the estimate was made on (it may be older than `labeled`: it changes at each retrain). */
  readonly accuracyLabels?: number;
  /** Retrain rounds so far, earlier sessions included (from `.labelwise/curve.jsonl`). */
  readonly rounds?: number;
  /** Candidate spans of the corpus. */
  readonly candidates?: number;
  /** Labeled spans per label (current decisions, any annotator), every label of the set present. */
  readonly perLabel?: Readonly<Record<string, number>>;
  /** Spans with a decision of any kind (labeled, skipped or rejected). */
  readonly decided?: number;
  /** labelwise.multiLabel: digit keys toggle labels, Enter accepts the toggled set. */
  readonly multiLabel?: boolean;
  /**
   * labelwise.task: 'spans' labels entities inside each span (a sentence or line) — `labels` are
   * then labelwise.spanLabels, tokens come with each SpanView — absent or 'classify' otherwise.
   */
  readonly task?: 'classify' | 'spans';
  /** labelwise.allowOverlap (spans task): entities of different labels may overlap. */
  readonly allowOverlap?: boolean;
}

export interface AccuracyIntervalView {
  readonly low: number;
  readonly high: number;
  /** Held-out predictions behind the estimate. */
  readonly n: number;
  /** Confidence level, e.g. 0.95. */
  readonly level: number;
}

export interface BusyInfo {
  readonly retraining: boolean;
  readonly message?: string;
}

export interface ContestedItem {
  readonly span: SpanView;
  /**
   * 'orphan': a stored decision whose span cannot be found in its file any more (the file is gone
   * or the text was edited away). The store keeps it; the panel lists it so the user sees it.
   */
  readonly reason: 'committee' | 'annotators' | 'orphan';
  /**
   * For 'annotators': each annotator's label. For 'committee': votes per label. For 'orphan':
   * `label` (the stored label, or the answer when there is none), `annotator` and `problem`
   * ('file-missing' | 'text-not-found').
   */
  readonly detail: Record<string, string | number>;
}

/** κ or α for one label or overall; `value` absent when it cannot be computed (`note` says why). */
export interface AgreementFigure {
  readonly value?: number;
  /** Observed share of agreement. */
  readonly observed?: number;
  /** Agreement expected by chance from the label frequencies. */
  readonly expected?: number;
  /** Spans the figure is computed on (answered by two or more annotators). */
  readonly units: number;
  readonly note?: string;
}

/** A span whose annotators answered differently. */
export interface AgreementItem {
  readonly span: SpanView;
  /** Annotator → answer (the label, "reject", or the entity spans). */
  readonly byAnnotator: Readonly<Record<string, string>>;
  /** Labels (and "reject") the answers mention: the per-label rows it counts against. */
  readonly labels: readonly string[];
  /** The review decision that settled it, when there is one. */
  readonly resolvedAs?: string;
}

/**
 * Inter-annotator agreement (src/core/store/agreement.ts): Cohen's κ for two annotators,
 * Krippendorff's α (nominal) for more; absent `method` when fewer than two annotators share a span.
 */
export interface AgreementView {
  readonly method?: 'cohen-kappa' | 'krippendorff-alpha';
  readonly annotators: readonly string[];
  readonly overall: AgreementFigure;
  readonly perLabel: readonly (AgreementFigure & { readonly label: string })[];
  /** The spans behind the disagreements, most annotators first, at most a hundred. */
  readonly disagreements: readonly AgreementItem[];
  /** Disagreements in all. */
  readonly disagreementCount: number;
}

// ---------------------------------------------------------------------------------------------
// Webview → host

export const ReadyCommand = ipc<'ready', { readonly restored: boolean }>('ready');
/**
 * `labels`: the accepted set in a multi-label session (`label` null then); absent otherwise.
 * `entities`: a spans session's accept — the sentence's entities as they stand (possibly none:
 * "no entities"), offsets into the span's text; `label` null then.
 */
export const AnswerCommand = ipc<
  'answer',
  { readonly spanId: string; readonly label: string | null; readonly answer: Answer; readonly labels?: readonly string[]; readonly entities?: readonly EntityInText[] }
>('answer');
export const UndoCommand = ipc<'undo', Record<string, never>>('undo');
export const OpenSourceCommand = ipc<'openSource', { readonly spanId: string }>('openSource');
export const NextBatchCommand = ipc<'nextBatch', Record<string, never>>('nextBatch');
export const RetrainCommand = ipc<'retrain', Record<string, never>>('retrain');
export const ShowViewCommand = ipc<'showView', { readonly view: PanelView }>('showView');
export const ResolveContestedCommand = ipc<'resolveContested', { readonly spanId: string; readonly label: string }>('resolveContested');
/** Drops an item from the review list for this session (an orphan the user has seen); nothing is stored. */
export const DismissContestedCommand = ipc<'dismissContested', { readonly spanId: string }>('dismissContested');

// ---------------------------------------------------------------------------------------------
// Host → webview

/** The full state of the panel; sent after `ready` and whenever it changes. */
export interface PanelState {
  readonly view: PanelView;
  readonly session: SessionSummary;
  readonly current: SpanView | null;
  readonly queue: readonly SpanView[];
  /** How many decisions can be undone. */
  readonly undoDepth: number;
  readonly busy: BusyInfo;
  readonly curve: readonly CurvePoint[];
  readonly weights: readonly StrategyWeightsPoint[];
  readonly contested: readonly ContestedItem[];
  /** Optional: agreement between annotators, sent with the review view. */
  readonly agreement?: AgreementView;
  /**
   * Optional: the highest message `id` among the webview's `answer` / `undo` commands that the host
   * had applied when it produced this state. The panel sends those commands with increasing ids
   * (`AnswerCommand.create(params, id)`) and advances optimistically; with `ackSeq` it drops
   * exactly the local changes the host has seen. Without it the panel falls back to inferring
   * them from which spans are still in `current` / `queue`.
   */
  readonly ackSeq?: number;
  /**
   * Optional: identifies the host's labeling session (one per controller). The panel keeps the span
   * it shows, and spans it received earlier, only while this stays the same: a restarted session (or
   * a reloaded window) does not know them.
   */
  readonly sessionId?: string;
}

export const StateNotification = ipc<'state', PanelState>('state');
export const NoticeNotification = ipc<'notice', { readonly level: 'info' | 'warning' | 'error'; readonly message: string }>('notice');

export type WebviewToHost =
  | ReturnType<typeof ReadyCommand.create>
  | ReturnType<typeof AnswerCommand.create>
  | ReturnType<typeof UndoCommand.create>
  | ReturnType<typeof OpenSourceCommand.create>
  | ReturnType<typeof NextBatchCommand.create>
  | ReturnType<typeof RetrainCommand.create>
  | ReturnType<typeof ShowViewCommand.create>
  | ReturnType<typeof ResolveContestedCommand.create>
  | ReturnType<typeof DismissContestedCommand.create>;

export type HostToWebview = ReturnType<typeof StateNotification.create> | ReturnType<typeof NoticeNotification.create>;
