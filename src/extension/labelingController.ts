import type { AccuracyIntervalView, ContestedItem, CurvePoint, LabelButton, PanelState, PanelView, SessionSummary, SpanView, StrategyWeightsPoint } from '../protocol';
import type { LabelwiseSettings } from '../core/settings';
import { resolutionEvent } from '../core/store/contested';
import { decisionParams, entitiesOf, isLabeled, type LabelEvent } from '../core/store/events';
import type { OrphanSpan } from '../core/store/reanchor';
import { StoreWriteError, type LabelStore } from '../core/store/labelStore';
import { emptyRecord, toRecord } from '../core/record';
import { silentLogger, type Disposable, type Logger } from '../core/types';
import { SerialQueue } from '../core/util/serialQueue';
import type { RequestOptions, WorkerApi } from './workerClient';
import type { RoundInfo, RoundSummary, StartResult, WorkerNotification } from '../core/session/workerProtocol';
import { WorkerViews } from './controller/workerViews';
import { routePanelMessage, type PanelHandlers } from './controller/panelRoutes';
import { ReviewList } from './controller/reviewList';
import { SpanQueue } from './controller/spanQueue';
import { answerEvent, undecidedEvent, type PanelAnswer } from './controller/decisionEvents';
import { entityAnswerEvent } from './controller/entityAnswer';
import { viewingWorker } from './views';

export type { WorkerApi } from './workerClient';

export interface ControllerOptions {
  readonly settings: LabelwiseSettings;
  readonly store: LabelStore;
  readonly worker: WorkerApi;
  readonly started: StartResult;
  readonly logger?: Logger;
  /**
   * Shows a message in the panel (or a notification when the panel is closed). `toast`: show it as
   * a notification as well, even with the panel open (a label that could not be saved).
   */
  readonly notify?: (level: 'info' | 'warning' | 'error', message: string, toast?: boolean) => void;
  /** Opens the span's source file with the span selected. */
  readonly openSource?: (span: SpanView) => void;
  /** Current time as ISO string (tests fix it). */
  readonly now?: () => string;
  /** Stored decisions whose spans cannot be found any more; the review view lists them. */
  readonly orphans?: () => readonly OrphanSpan[];
  /** Spans kept queued ahead of the panel at least (default LOOKAHEAD); two batches when more. */
  readonly lookahead?: number;
}

let sessionCount = 0;
/**
 * Spans queued ahead of the panel, at least. The panel advances on its own through what it holds;
 * new spans take a round trip (panel → host → worker, where a query waits behind a running
 * retrain, → panel), and while keys arrive back to back the browser runs the key events first and
 * the host's messages only in the gaps. Measured in code-server: 72 keys pressed without a pause
 * took 0.4–2 s, and in the fast runs no new span reached the panel before the 60th key. A hundred
 * spans (about 80 kB per state with their context) cover such a burst, and a retrain of a large
 * corpus that holds the worker for seconds.
 */
export const LOOKAHEAD = 100;

function labelButtons(labels: readonly string[]): LabelButton[] {
  return labels.map((name, i) => ({ name, key: i < 9 ? String(i + 1) : '' }));
}

/**
 * Whether a decision counts as labeled in a session of this task: a classification label (or
 * set), or in the spans task an entity-span accept, "no entities" included.
 */
export function countsAsLabeled(e: LabelEvent, task: LabelwiseSettings['task']): boolean {
  return task === 'spans' ? entitiesOf(e) !== undefined : isLabeled(e);
}

/**
 * The host side of a labeling session, vscode-free: it records the panel's decisions in the label
 * store and holds the session's figures; what the panel shows next is the queue model's
 * (controller/spanQueue.ts), the review view's lists the review list's (controller/reviewList.ts),
 * and each panel message goes to its handler through an exhaustive map (controller/panelRoutes.ts).
 *
 * A decision is appended to the store synchronously when its message arrives (durable before
 * anything else happens), then the panel gets the new state and the worker is told, without
 * waiting for it. The queue is kept filled ahead of the panel so the next span never waits on the
 * engine, not even while it retrains.
 *
 * Two events: `onChange` whenever the panel state or the counts changed (every change), and
 * `onStoreChange` only when this controller wrote the label store (decorations redraw on it).
 */
export class LabelingController implements Disposable {
  private view: PanelView = 'label';
  /** Tells the panel which session its spans belong to (it forgets spans of another one). */
  private readonly sessionId = `${Date.now().toString(36)}-${++sessionCount}`;
  private readonly spans: SpanQueue;
  private readonly review: ReviewList;
  private readonly views: WorkerViews;
  private ackSeq: number | undefined;
  private retrainingCount = 0;
  private estimatedAccuracy: number | undefined;
  private accuracyInterval: AccuracyIntervalView | undefined;
  private accuracyLabels: number | undefined;
  private rounds = 0;
  private curve: CurvePoint[] = [];
  private weights: StrategyWeightsPoint[] = [];
  private busyMessage: string | undefined;
  private budgetWarned = false;
  /** Panel messages, handled strictly in arrival order. */
  private readonly messages = new SerialQueue();
  private readonly listeners = new Set<() => void>();
  private readonly storeListeners = new Set<() => void>();
  private settings: LabelwiseSettings;
  private readonly store: LabelStore;
  private readonly worker: WorkerApi;
  private readonly logger: Logger;
  private readonly now: () => string;
  private disposed = false;
  private readonly routes: PanelHandlers;

  constructor(private readonly opts: ControllerOptions) {
    this.settings = opts.settings;
    this.store = opts.store;
    this.worker = opts.worker;
    this.logger = opts.logger ?? silentLogger;
    this.now = opts.now ?? ((): string => new Date().toISOString());
    // The worker's picks become the panel's views here, and only here (views.ts).
    this.views = new WorkerViews(viewingWorker(opts.worker, { multiLabel: opts.settings.multiLabel }));
    this.spans = new SpanQueue({
      views: this.views,
      store: this.store,
      lookahead: opts.lookahead ?? LOOKAHEAD,
      batchSize: () => this.settings.batchSize,
      annotator: () => this.settings.annotator,
      logger: this.logger,
      ...(opts.notify ? { notify: opts.notify } : {}),
      changed: () => this.emit(),
      disposed: () => this.disposed,
    });
    this.review = new ReviewList({
      views: this.views,
      store: this.store,
      labels: () => this.settings.labels,
      known: this.spans.known,
      ...(opts.orphans ? { orphans: opts.orphans } : {}),
      logger: this.logger,
    });
    this.routes = this.panelRoutes();
    this.budgetWarned = this.labeled >= this.settings.budget;
    // The figures of the last round (this start's retrain, or the curve file's last line) until
    // this session retrains: a reloaded window shows them at once.
    if (opts.started.lastRound) this.takeRound(opts.started.lastRound);
  }

  get started(): StartResult {
    return this.opts.started;
  }

  get annotator(): string {
    return this.settings.annotator;
  }

  /** Labeled spans in the store (accepted with a label, any annotator). */
  get labeled(): number {
    let n = 0;
    for (const e of this.store.state.decisions()) if (countsAsLabeled(e, this.settings.task)) n++;
    return n;
  }

  get retraining(): boolean {
    return this.retrainingCount > 0;
  }

  get accuracy(): number | undefined {
    return this.estimatedAccuracy;
  }

  get roundCount(): number {
    return this.rounds;
  }

  /** Calls back whenever the panel state or the counts changed (store changes included). */
  onChange(listener: () => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * Calls back when this controller wrote the label store (an answer, an undo, a resolution), after
   * the `onChange` listeners; never for a change of the view alone (a queue refill, another view).
   */
  onStoreChange(listener: () => void): Disposable {
    this.storeListeners.add(listener);
    return { dispose: () => this.storeListeners.delete(listener) };
  }

  /**
   * Takes new settings: budget, annotator and batch size apply at once; returns the names of the
   * changed settings that only a restarted session can apply (label set, model, corpus, engine).
   */
  applySettings(next: LabelwiseSettings): string[] {
    const live: (keyof LabelwiseSettings)[] = ['budget', 'annotator', 'batchSize'];
    const restart = (Object.keys(next) as (keyof LabelwiseSettings)[]).filter(
      (k) => !live.includes(k) && JSON.stringify(next[k]) !== JSON.stringify(this.settings[k]),
    );
    const budgetChanged = next.budget !== this.settings.budget;
    this.settings = { ...this.settings, budget: next.budget, annotator: next.annotator, batchSize: next.batchSize };
    if (budgetChanged) this.budgetWarned = this.labeled >= next.budget;
    this.emit();
    return restart;
  }

  get interval(): AccuracyIntervalView | undefined {
    return this.accuracyInterval;
  }

  /** What the panel's header and progress section and the status bar show: one count for all. */
  summary(): SessionSummary {
    const spans = this.settings.task === 'spans';
    // The spans task labels with labelwise.spanLabels and counts entities per label.
    const labels = spans ? this.settings.spanLabels : this.settings.labels;
    const perLabel = emptyRecord<number>();
    for (const l of labels) perLabel[l] = 0;
    let labeled = 0;
    let decided = 0;
    for (const e of this.store.state.decisions()) {
      decided++;
      if (spans) {
        const entities = entitiesOf(e);
        if (entities === undefined) continue;
        labeled++;
        for (const x of entities) perLabel[x.label] = (perLabel[x.label] ?? 0) + 1;
        continue;
      }
      if (!isLabeled(e)) continue;
      labeled++;
      // A stored label outside the current set (renamed labels) still counts in `labeled`.
      if (e.label !== null) perLabel[e.label] = (perLabel[e.label] ?? 0) + 1;
      // A multi-label decision counts once under each label of its set.
      for (const l of e.labels ?? []) perLabel[l] = (perLabel[l] ?? 0) + 1;
    }
    return {
      labels: labelButtons(labels),
      budget: this.settings.budget,
      labeled,
      ...(this.estimatedAccuracy !== undefined ? { estimatedAccuracy: this.estimatedAccuracy } : {}),
      annotator: this.settings.annotator,
      strategy: this.settings.strategy,
      ...(this.estimatedAccuracy !== undefined && this.accuracyInterval ? { accuracyInterval: this.accuracyInterval } : {}),
      ...(this.estimatedAccuracy !== undefined && this.accuracyLabels !== undefined ? { accuracyLabels: this.accuracyLabels } : {}),
      rounds: this.rounds,
      candidates: this.opts.started.spans,
      perLabel: toRecord(perLabel),
      decided,
      ...(this.settings.multiLabel && !spans ? { multiLabel: true } : {}),
      ...(spans ? { task: 'spans' as const, allowOverlap: this.settings.allowOverlap } : {}),
    };
  }

  state(): PanelState {
    const agreement = this.review.agreement;
    return {
      view: this.view,
      session: this.summary(),
      current: this.spans.current,
      queue: this.spans.behind,
      undoDepth: this.spans.undoDepth,
      busy: { retraining: this.retraining, ...(this.busyMessage ? { message: this.busyMessage } : {}) },
      curve: this.curve,
      weights: this.weights,
      contested: this.review.contested,
      // Only with the review view: a state goes to the panel at every key, and this one is long.
      ...(agreement && this.view === 'review' ? { agreement } : {}),
      ...(this.ackSeq !== undefined ? { ackSeq: this.ackSeq } : {}),
      sessionId: this.sessionId,
    };
  }

  /** Routes one message from the panel. Messages are handled strictly in arrival order. */
  handle(msg: unknown): Promise<void> {
    const run = this.messages.run(() => this.process(msg));
    run.catch((e: unknown) => {
      this.logger.error(`panel message failed: ${(e as Error).message}`);
      this.opts.notify?.('error', (e as Error).message);
    });
    return run;
  }

  /**
   * Tops the queue up to the lookahead once a batch of it has been used; resolves when the fetch
   * in progress is done.
   */
  refill(): Promise<void> {
    return this.spans.refill();
  }

  /** "Next Batch": drops the spans not shown yet and asks the engine for a fresh batch. */
  nextBatch(): Promise<void> {
    return this.spans.nextBatch();
  }

  /** Retrains now (labeling goes on meanwhile); the queue behind the current span is refreshed after. */
  async retrain(opts: RequestOptions = {}): Promise<RoundInfo> {
    this.retrainStarted();
    try {
      const round = await this.worker.request('retrain', {}, opts);
      await this.retrained(round);
      return round;
    } finally {
      this.retrainFinished();
    }
  }

  /** Worker notifications: automatic retrains started by the session. */
  notification(n: WorkerNotification): void {
    switch (n.kind) {
      case 'retrainStarted':
        this.retrainStarted();
        return;
      case 'retrained':
        void this.retrained(n.round).finally(() => this.retrainFinished());
        return;
      case 'retrainFailed':
        this.retrainFinished();
        this.logger.warn(`automatic retrain failed: ${n.error.message}`);
        return;
      default:
        return;
    }
  }

  async showView(view: PanelView): Promise<void> {
    this.view = view;
    this.emit();
    if (view === 'review') await this.loadContested();
    if (view === 'curve') await this.loadCurve();
  }

  async loadCurve(): Promise<void> {
    const data = await this.views.curve();
    this.curve = [...data.curve];
    this.weights = [...data.weights];
    this.emit();
  }

  /** Annotator disagreements from the store, then the spans the committee disputes most, then orphans. */
  async loadContested(): Promise<ContestedItem[]> {
    const items = await this.review.load();
    this.emit();
    return items;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    this.storeListeners.clear();
  }

  /** One handler per panel method (a method without one does not compile). */
  private panelRoutes(): PanelHandlers {
    const background = (what: string, p: Promise<unknown>): void => {
      p.catch((e: unknown) => this.opts.notify?.('warning', `${what} failed: ${(e as Error).message}`));
    };
    return {
      ready: () => {
        this.emit();
        if (this.spans.length === 0) background('Fetching spans', this.refill());
      },
      answer: (p, id) => this.answer(p.spanId, p, id),
      undo: (_p, id) => this.undo(id),
      openSource: (p) => {
        const v = this.spans.known.get(p.spanId);
        if (v) this.opts.openSource?.(v);
      },
      nextBatch: () => background('Next batch', this.nextBatch()),
      retrain: () => background('Retrain', this.retrain()),
      showView: (p) => background('Loading the view', this.showView(p.view)),
      resolveContested: (p) => this.resolve(p.spanId, p.label),
      dismissContested: (p) => this.dismiss(p.spanId),
    };
  }

  /**
   * Answers and undos are applied in order before the next message is looked at; everything that
   * waits on the engine (fetching, retraining, review lists) runs beside the queue of messages, so
   * a keypress is never stuck behind a retrain.
   */
  private async process(msg: unknown): Promise<void> {
    const routed = routePanelMessage(this.routes, msg);
    if (routed.handled) {
      await routed.done;
      return;
    }
    this.logger.warn(`panel sent an unknown message: ${JSON.stringify(msg)?.slice(0, 200)}`);
  }

  /** Stores the decision first (synchronously), then updates the queue, the panel and the worker. */
  private answer(spanId: string, given: PanelAnswer & { readonly entities?: unknown }, seq: number | undefined): void {
    const view = this.spans.known.get(spanId);
    if (seq !== undefined) this.ackSeq = Math.max(this.ackSeq ?? seq, seq);
    if (!view) {
      this.opts.notify?.('error', `Unknown span ${spanId}: the panel is out of date; it was refreshed.`);
      this.emit();
      return;
    }
    // Spans task: the sentence's entities, checked (tokens, range, labels, overlap) before anything is stored.
    const made = this.settings.task === 'spans' ? entityAnswerEvent(view, given, this.settings, this.now()) : answerEvent(view, given, this.settings, this.now());
    if ('error' in made) {
      this.opts.notify?.('error', made.error);
      this.emit();
      return;
    }
    const { event } = made;
    if (!this.save(event)) return;
    this.spans.answered(spanId);
    this.checkBudget();
    this.emitStore();
    this.tell(spanId);
    void this.refill();
  }

  /**
   * Appends one decision. When the store cannot be written (disk full, read-only, no permission)
   * the store is left as it was, the span stays on screen unlabeled, and the error, which names
   * the store file and says what was not saved, goes to the panel and to a notification.
   */
  private save(event: LabelEvent): boolean {
    try {
      this.store.append(event);
      return true;
    } catch (e) {
      this.logger.error((e as Error).message);
      this.opts.notify?.('error', (e as Error).message, true);
      this.emit();
      return false;
    }
  }

  private async undo(seq: number | undefined): Promise<void> {
    if (seq !== undefined) this.ackSeq = Math.max(this.ackSeq ?? seq, seq);
    const id = this.spans.takeUndo();
    if (id === undefined) {
      this.opts.notify?.('info', 'Nothing to undo.');
      this.emit();
      return;
    }
    const view = await this.spans.viewToShowAgain(id);
    try {
      this.store.undo(id, this.settings.annotator, this.now());
    } catch (e) {
      // A store that cannot be written is an error shown as a notification too (see save()).
      if (StoreWriteError.is(e)) {
        this.spans.undoFailed(id);
        this.opts.notify?.('error', e.message, true);
      } else this.opts.notify?.('warning', `Cannot undo: ${(e as Error).message}`);
      this.emit();
      return;
    }
    if (view) this.spans.showAgain(view);
    this.emitStore();
    this.tell(id);
  }

  private resolve(spanId: string, label: string): void {
    const cur = this.store.state.current(spanId);
    const view = this.spans.known.get(spanId);
    const base: LabelEvent | undefined = cur ?? (view ? undecidedEvent(view, this.settings.annotator, this.now()) : undefined);
    if (!base) {
      this.opts.notify?.('error', `Unknown span ${spanId}`);
      return;
    }
    if (!this.settings.labels.includes(label) && label !== 'reject') {
      this.opts.notify?.('error', `"${label}" is not in labelwise.labels`);
      return;
    }
    const decision = label === 'reject' ? { label: null, answer: 'reject' as const } : { label };
    if (!this.save(resolutionEvent(base, decision, this.settings.annotator, this.now()))) return;
    this.review.resolved(spanId, decision.label ?? 'reject');
    this.spans.drop(spanId);
    this.emitStore();
    this.tell(spanId);
  }

  /** Hides a review item for the rest of the session; the store is not touched. */
  private dismiss(spanId: string): void {
    this.review.dismiss(spanId);
    this.emit();
  }

  /** Tells the worker the span's current decision as the store has it now. */
  private tell(id: string): void {
    this.worker
      .request('decide', decisionParams(id, this.store.state.current(id)))
      .then((r) => {
        if (r.retrainStarted) this.logger.info(`automatic retrain after ${r.labeled} labels`);
      })
      .catch((e: unknown) => this.logger.error(`the engine did not take the decision on ${id}: ${(e as Error).message}`));
  }

  private retrainStarted(): void {
    this.retrainingCount++;
    this.busyMessage = 'Retraining in the background; keep labeling';
    this.emit();
  }

  private retrainFinished(): void {
    this.retrainingCount = Math.max(0, this.retrainingCount - 1);
    if (this.retrainingCount === 0) this.busyMessage = undefined;
    this.emit();
  }

  /** Takes a round's figures: the round count, and the estimate with its interval when it has one. */
  private takeRound(round: RoundSummary): void {
    this.rounds = Math.max(this.rounds, round.round);
    if (round.estimatedAccuracy === undefined) return;
    this.estimatedAccuracy = round.estimatedAccuracy;
    this.accuracyInterval = round.accuracyInterval;
    this.accuracyLabels = round.labels;
  }

  private async retrained(round: RoundInfo): Promise<void> {
    this.takeRound(round);
    const data = await this.views.curve().catch(() => undefined);
    if (data) {
      this.curve = [...data.curve];
      this.weights = [...data.weights];
    }
    // The new model picks the spans behind the next few again and explains the first few.
    await this.spans.retrained();
    this.emit();
  }

  private checkBudget(): void {
    if (this.budgetWarned || this.labeled < this.settings.budget) return;
    this.budgetWarned = true;
    this.opts.notify?.('warning', `Label budget spent: ${this.labeled}/${this.settings.budget}. You can keep labeling, or raise it with "Labelwise: Set Label Budget".`);
  }

  /** The panel state changed (the view alone: the store is as it was). */
  private emit(): void {
    if (this.disposed) return;
    for (const l of this.listeners) l();
  }

  /** The label store changed: the panel state first (status bar and panel), then the store's listeners. */
  private emitStore(): void {
    if (this.disposed) return;
    this.emit();
    for (const l of this.storeListeners) l();
  }
}
