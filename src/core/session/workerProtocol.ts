import type { ContestedItem, CurvePoint, SpanView, StrategyWeightsPoint } from '../../protocol';
import type { LabelwiseSettings } from '../settings';
import type { CandidateSpan } from '../types';

/**
 * The typed messages between the extension host and the engine worker (worker_threads, or a forked
 * child process where a native module refuses to load in a thread). Requests carry ids; each gets
 * exactly one response with the same id; long requests report progress under their id and can be
 * cancelled by id. The worker also sends notifications (log lines, finished background retrains).
 */

/** A decision the host has stored, as the worker needs it to label its pool. */
export interface DecisionInput {
  readonly id: string;
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** The label of an accepted decision; null for skip / reject (decided, but no label). */
  readonly label: string | null;
}

export interface StartParams {
  /** Workspace folder the corpus is read from (absolute). */
  readonly root: string;
  readonly settings: LabelwiseSettings;
  /** Folder for the on-disk embedding cache (absolute). */
  readonly cacheDir: string;
  /** Decisions already in the label store (re-anchored by the host). */
  readonly decisions: readonly DecisionInput[];
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
  /** Decisions whose span is not among the candidates (e.g. granularity changed): kept, not used for training. */
  readonly unmatched: number;
  /** Corpus problems, `file:line: reason`. */
  readonly problems: readonly string[];
  /** Labeled spans (accepted with a label in the label set). */
  readonly labeled: number;
  readonly millis: number;
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
}

export interface DecideResult {
  readonly labeled: number;
  /** True when this decision started an automatic retrain (reported later as a `retrained` notification). */
  readonly retrainStarted: boolean;
}

/** One retrain round, as the learning-curve view and the status bar need it. */
export interface RoundInfo {
  readonly round: number;
  readonly labels: number;
  readonly estimatedAccuracy?: number;
  readonly weights: Record<string, number>;
  readonly millis: number;
}

export interface CurveData {
  readonly curve: readonly CurvePoint[];
  readonly weights: readonly StrategyWeightsPoint[];
}

/** Request name → params and result. */
export interface WorkerRequests {
  start: { params: StartParams; result: StartResult };
  query: { params: QueryParams; result: SpanView[] };
  decide: { params: DecideParams; result: DecideResult };
  retrain: { params: Record<string, never>; result: RoundInfo };
  curve: { params: Record<string, never>; result: CurveData };
  contested: { params: { readonly k: number }; result: ContestedItem[] };
  /** Views (with context) of the given span ids, for spans the host must show that it does not hold. */
  views: { params: { readonly ids: readonly string[] }; result: SpanView[] };
  /**
   * Views of spans the host already shows, with their "why" (votes, guess and, where it is a
   * per-span score, the strategy's score) from the current model: sent after a retrain. Spans not
   * in the pool are left out; an engine that cannot explain answers with an empty list.
   */
  explain: { params: { readonly items: readonly ExplainItem[] }; result: SpanView[] };
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
