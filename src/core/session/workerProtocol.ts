import type { AccuracyInterval } from './accuracyInterval';
import type { SpanScore } from './spanPrequential';
import type { SessionSettings, StartableSettings } from '../settings';
import type { LabelEvent } from '../store/events';
import type { AnchorMatch, OrphanSpan } from '../store/reanchor';
import type { CandidateSpan, Granularity } from '../types';
import type { CurvePoint, StrategyWeightsPoint } from './learningCurve';
import type { EntityInText, SpanPick } from './spanPick';

/**
 * The typed messages between the extension host and the engine worker (worker_threads, or a forked
 * child process where a native module refuses to load in a thread). Requests carry ids; each gets
 * exactly one response with the same id; long requests report progress under their id and can be
 * cancelled by id. The worker also sends notifications (log lines, finished background retrains).
 */

/**
 * What re-anchoring found (the worker does it: it reads files). The host lists the orphans in
 * its output channel and the review view; nothing here changes the store.
 */
export interface AnchorReport {
  /** Decisions still in place. */
  readonly anchored: number;
  /** Decisions found again elsewhere, by how they were found. */
  readonly moved: Partial<Record<AnchorMatch, number>>;
  /** Decisions whose span cannot be found (kept in the store, not used for training). */
  readonly orphans: readonly OrphanSpan[];
}

/** Re-anchors the store's decisions without a session (the host's "check anchors" on activation). */
export interface AnchorParams {
  readonly root: string;
  readonly granularity: Granularity;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly maxFileSizeMB: number;
  /** The store's current decisions, as stored. */
  readonly decisions: readonly LabelEvent[];
}

/** `S`: the session's settings, a classification session's by default (`start` carries either). */
export interface StartParams<S extends SessionSettings = StartableSettings> {
  /** Workspace folder the corpus is read from (absolute). */
  readonly root: string;
  /** A classification session's settings, or a spans session's (labelwise.task). */
  readonly settings: S;
  /** Folder for the on-disk embedding cache (absolute). */
  readonly cacheDir: string;
  /**
   * The label store's current decisions, as stored. The worker re-anchors them (finds each span
   * again in the files as they are now) before it applies them to the pool.
   */
  readonly decisions: readonly LabelEvent[];
  /**
   * Where the learning curve and strategy weights of every round are kept (absolute; the host
   * passes `.labelwise/curve.jsonl`). Read at start so the curve view survives a restart; each
   * retrain appends a line. Without it the curve lives only as long as the session.
   */
  readonly curveFile?: string;
}

export interface StartResult {
  readonly spans: number;
  readonly files: number;
  readonly provider: 'cpu' | 'cuda';
  readonly encoderId: string;
  /** Decisions of the store that matched a span of the pool. */
  readonly restored: number;
  /** Decisions found in their files but not among the candidates (e.g. granularity changed): kept, not used for training. */
  readonly unmatched: number;
  /** Re-anchoring of the stored decisions (orphans are neither restored nor unmatched); the worker always sends it. */
  readonly anchors?: AnchorReport;
  /** Corpus problems, `file:line: reason`. */
  readonly problems: readonly string[];
  /** Labeled spans (accepted with a label in the label set). */
  readonly labeled: number;
  readonly millis: number;
  /**
   * The newest round known at start: the retrain on the stored labels when there was one, else the
   * last round of the curve file. The status bar and the panel show its figures (rounds, accuracy
   * and interval) before this session's first retrain.
   */
  readonly lastRound?: RoundSummary;
}

/** What the host shows of a round. */
export interface RoundSummary {
  readonly round: number;
  readonly labels: number;
  readonly estimatedAccuracy?: number;
  /** 95 % Wilson interval of the estimate over its held-out predictions (see accuracyInterval.ts). */
  readonly accuracyInterval?: AccuracyInterval;
}

export interface QueryParams {
  readonly n: number;
  /** Span ids the host already holds in its queue: never returned again. */
  readonly exclude: readonly string[];
}

/** A span the host already shows, with the strategy and score it was picked by. */
export interface ExplainItem {
  readonly id: string;
  readonly strategy: string;
  readonly score: number;
}

export interface DecideParams {
  readonly id: string;
  /** null: no label (undone, skipped or rejected). */
  readonly label: string | null;
  /** True when the span has a live decision (labeled, skipped or rejected): it is not queried again. */
  readonly decided: boolean;
  /** The label a reject turned down (negative evidence for the learner); absent or null otherwise. */
  readonly rejected?: string | null;
  /** Multi-label: the accepted label set (possibly empty); absent for single-label decisions. */
  readonly labels?: readonly string[];
  /**
   * Spans task: the sentence's entities (offsets into its text; possibly none, "no entities")
   * when its decision is an entity-span accept; absent otherwise (undone, skipped, rejected).
   */
  readonly entities?: readonly EntityInText[];
}

export interface DecideResult {
  readonly labeled: number;
  /** True when this decision started an automatic retrain (reported later as a `retrained` notification). */
  readonly retrainStarted: boolean;
}

/** One retrain round, as the learning-curve view and the status bar need it. */
export interface RoundInfo extends RoundSummary {
  readonly weights: Record<string, number>;
  /** Strategies behind the spans labeled since the previous round, counted (StrategyWeightsPoint.picks). */
  readonly picks?: Record<string, number>;
  /**
   * Spans task: span F1 (precision, recall) of the suggestions on the sentences answered since the
   * previous round, before the tagger saw them (spanPrequential.ts). Not `estimatedAccuracy`, which
   * the status bar calls accuracy.
   */
  readonly spanScore?: SpanScore;
  readonly millis: number;
}

export interface CurveData {
  readonly curve: readonly CurvePoint[];
  readonly weights: readonly StrategyWeightsPoint[];
}

/** Request name → params and result. */
export interface WorkerRequests {
  start: { params: StartParams<SessionSettings>; result: StartResult };
  query: { params: QueryParams; result: SpanPick[] };
  decide: { params: DecideParams; result: DecideResult };
  retrain: { params: Record<string, never>; result: RoundInfo };
  curve: { params: Record<string, never>; result: CurveData };
  /** The unlabeled spans the committee disputes most, each with its votes. */
  contested: { params: { readonly k: number }; result: SpanPick[] };
  /** The given spans (with context, without a reason), for spans the host must show that it does not hold. */
  views: { params: { readonly ids: readonly string[] }; result: SpanPick[] };
  /**
   * Spans the host already shows, with their reason (votes, probabilities and, where it is a
   * per-span score, the strategy's score) from the current model: sent after a retrain. Spans not
   * in the pool are left out; an engine that cannot explain answers with an empty list.
   */
  explain: { params: { readonly items: readonly ExplainItem[] }; result: SpanPick[] };
  /**
   * Re-anchors decisions: against the running session's corpus when there is one, else against
   * the workspace read with `AnchorParams`.
   */
  anchors: { params: AnchorParams; result: AnchorReport };
  /** Every candidate span of the pool (for matching imported records to the corpus by text). */
  spans: { params: Record<string, never>; result: CandidateSpan[] };
}

export type WorkerMethod = keyof WorkerRequests;

export interface RequestMessage<M extends WorkerMethod = WorkerMethod> {
  readonly kind: 'request';
  readonly id: number;
  readonly method: M;
  readonly params: WorkerRequests[M]['params'];
}

export interface CancelMessage {
  readonly kind: 'cancel';
  readonly id: number;
}

export type HostToWorker = RequestMessage | CancelMessage;

/** An error as it crosses the boundary: enough to rebuild a LabelwiseError on the other side. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code: string;
  readonly setting?: string;
  readonly file?: string;
  readonly line?: number;
}

export type ResponseMessage =
  | { readonly kind: 'response'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'response'; readonly id: number; readonly ok: false; readonly error: WireError };

export interface ProgressMessage {
  readonly kind: 'progress';
  readonly id: number;
  readonly message: string;
  /** 0..1 of the whole request, when known. */
  readonly fraction?: number;
}

export type WorkerNotification =
  | { readonly kind: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string }
  | { readonly kind: 'retrainStarted' }
  | { readonly kind: 'retrained'; readonly round: RoundInfo }
  | { readonly kind: 'retrainFailed'; readonly error: WireError };

export type WorkerToHost = ResponseMessage | ProgressMessage | WorkerNotification;

/** The code of the error a cancelled request fails with. */
export const CANCELLED_CODE = 'cancelled';

export function isHostToWorker(m: unknown): m is HostToWorker {
  if (typeof m !== 'object' || m === null) return false;
  const k = (m as { kind?: unknown }).kind;
  return (k === 'request' || k === 'cancel') && typeof (m as { id?: unknown }).id === 'number';
}

export function isWorkerToHost(m: unknown): m is WorkerToHost {
  if (typeof m !== 'object' || m === null) return false;
  const k = (m as { kind?: unknown }).kind;
  return k === 'response' || k === 'progress' || k === 'log' || k === 'retrainStarted' || k === 'retrained' || k === 'retrainFailed';
}

/** Rebuilds nothing: turns any thrown value into its wire form, keeping the setting / file / line it names. */
export function toWireError(e: unknown): WireError {
  if (e instanceof Error) {
    const x = e as Error & { code?: unknown; setting?: unknown; file?: unknown; line?: unknown };
    return {
      name: e.name,
      message: e.message,
      code: typeof x.code === 'string' ? x.code : 'internal',
      ...(typeof x.setting === 'string' ? { setting: x.setting } : {}),
      ...(typeof x.file === 'string' ? { file: x.file } : {}),
      ...(typeof x.line === 'number' ? { line: x.line } : {}),
    };
  }
  return { name: 'Error', message: String(e), code: 'internal' };
}
