import type { SpanView } from '../../protocol';
import type { LabelStore } from '../../core/store/labelStore';
import type { Logger } from '../../core/types';
import { SingleFlight } from '../../core/util/singleFlight';
import { viewOfEvent, type WorkerViews } from './workerViews';

/** How many decisions the undo stack keeps (the issue asks for at least 20). */
export const UNDO_DEPTH = 100;
/** After a retrain the current span and the next two stay (re-explained); the rest is picked again. */
export const KEEP_AFTER_RETRAIN = 3;

export interface SpanQueueOptions {
  readonly views: WorkerViews;
  readonly store: LabelStore;
  /** Spans kept queued ahead of the panel at least; two batches when more. */
  readonly lookahead: number;
  /** The batch size and the annotator as they are now (both can change during a session). */
  readonly batchSize: () => number;
  readonly annotator: () => string;
  readonly logger: Logger;
  readonly notify?: (level: 'info' | 'warning' | 'error', message: string) => void;
  /** The panel state changed (the queue moved). */
  readonly changed: () => void;
  readonly disposed: () => boolean;
}

/**
 * What the panel shows next: the queue of spans (the first is on screen), filled ahead of the
 * panel so the next span never waits on the engine; picked again by the new model after a
 * retrain; and the undo stack. It never writes the label store (the controller does) and reads it
 * only to leave decided spans out.
 */
export class SpanQueue {
  private queue: SpanView[] = [];
  /**
   * Every span the panel may still show or open, by id: queued ones, ones that left the queue
   * (an answer for one the panel still shows is stored as usual), review items.
   */
  readonly known = new Map<string, SpanView>();
  private readonly undoStack: string[] = [];
  /** The fetch in flight (a refill, or a pick after a retrain): one at a time. */
  private readonly fetches = new SingleFlight<void>();
  private exhausted = false;

  constructor(private readonly opts: SpanQueueOptions) {
    this.restoreUndoStack();
  }

  /** The span on screen. */
  get current(): SpanView | null {
    return this.queue[0] ?? null;
  }

  /** The spans behind the one on screen. */
  get behind(): SpanView[] {
    return this.queue.slice(1);
  }

  get length(): number {
    return this.queue.length;
  }

  get undoDepth(): number {
    return this.undoStack.length;
  }

  /** How many spans the queue is filled up to. */
  private get ahead(): number {
    return Math.max(this.opts.batchSize() * 2, this.opts.lookahead);
  }

  /**
   * Tops the queue up to `ahead` once a batch of it has been used; resolves when the fetch in
   * progress is done.
   */
  refill(): Promise<void> {
    const inFlight = this.fetches.inFlight;
    if (inFlight) return inFlight;
    if (this.queue.length > this.ahead - this.opts.batchSize() || this.opts.disposed()) return Promise.resolve();
    const n = Math.max(this.ahead - this.queue.length, 1);
    return this.fetches.run(() =>
      this.opts.views
        .query(n, this.queue.map((s) => s.id))
        .then((views) => {
          const inQueue = new Set(this.queue.map((s) => s.id));
          const fresh = views.filter((v) => !inQueue.has(v.id) && !this.opts.store.state.current(v.id));
          for (const v of fresh) {
            this.known.set(v.id, v);
            this.queue.push(v);
          }
          const wasExhausted = this.exhausted;
          this.exhausted = fresh.length === 0 && views.length === 0;
          if (this.exhausted && !wasExhausted && this.queue.length === 0) {
            this.opts.notify?.('info', 'Every candidate span has a decision. Edit labelwise.include or the granularity to add more.');
          }
          this.opts.changed();
        })
        .catch((e: unknown) => {
          this.opts.logger.error(`could not fetch the next spans: ${(e as Error).message}`);
          this.opts.notify?.('error', `Could not fetch the next spans: ${(e as Error).message}`);
        }),
    );
  }

  /** "Next Batch": drops the spans not shown yet and asks the engine for a fresh batch. */
  async nextBatch(): Promise<void> {
    await this.fetches.settled();
    this.queue = this.queue.slice(0, 1);
    this.opts.changed();
    await this.refill();
  }

  /**
   * After a retrain: the spans queued behind the next few were picked by the old model, so the new
   * one picks them again; the first few stay (the one on screen never jumps away) and get the new
   * model's "why". Resolves once those are re-explained (the new picks arrive when they arrive).
   */
  async retrained(): Promise<void> {
    await this.fetches.settled();
    if (this.queue.length > KEEP_AFTER_RETRAIN) {
      // After any fetch in flight, never joined with one: it has to ask the new model.
      void this.fetches.runNext(() => this.repick()).finally(() => {
        if (!this.opts.disposed()) void this.refill();
      });
    }
    await this.explainQueue();
  }

  /** A decision was stored for the span: it leaves the queue and can be undone. */
  answered(spanId: string): void {
    this.undoStack.push(spanId);
    if (this.undoStack.length > UNDO_DEPTH) this.undoStack.shift();
    this.drop(spanId);
  }

  /** The span leaves the queue (a decision stored for it elsewhere: a review resolution). */
  drop(spanId: string): void {
    this.queue = this.queue.filter((s) => s.id !== spanId);
  }

  /** The span to undo next, taken off the undo stack; `undoFailed` puts it back. */
  takeUndo(): string | undefined {
    return this.undoStack.pop();
  }

  undoFailed(spanId: string): void {
    this.undoStack.push(spanId);
  }

  /**
   * The view of a span to show again after an undo: the one the panel had, or (a decision from an
   * earlier session) the worker's, or one built from the stored decision.
   */
  async viewToShowAgain(id: string): Promise<SpanView | undefined> {
    let view = this.known.get(id);
    if (!view) {
      view = (await this.opts.views.views([id]).catch(() => [] as SpanView[]))[0];
      const cur = this.opts.store.state.current(id);
      if (!view && cur) view = viewOfEvent(cur);
      if (view) this.known.set(id, view);
    }
    return view;
  }

  /** An undone span goes back on screen, in front of the queue. */
  showAgain(view: SpanView): void {
    this.queue = [view, ...this.queue.filter((s) => s.id !== view.id)];
  }

  /**
   * Asks the new model for the spans behind the first few and swaps them in only when they are
   * here: the old picks stay queued meanwhile, so the panel never runs dry while the new ones are
   * on their way (a fast annotator answers the kept few before the query returns). Spans that
   * leave the queue stay in `known`: an answer for one the panel still shows is stored as usual.
   */
  private repick(): Promise<void> {
    const keepIds = this.queue.slice(0, KEEP_AFTER_RETRAIN).map((s) => s.id);
    const n = Math.max(this.ahead - KEEP_AFTER_RETRAIN, 1);
    return this.opts.views
      .query(n, keepIds)
      .then((views) => {
        // The first few of the queue as it is now: answers may have moved it on meanwhile.
        const keep = this.queue.slice(0, KEEP_AFTER_RETRAIN);
        const kept = new Set(keep.map((s) => s.id));
        const fresh = views.filter((v) => !kept.has(v.id) && !this.opts.store.state.current(v.id));
        for (const v of fresh) this.known.set(v.id, v);
        // Nothing new (the corpus is used up): keep the old picks rather than empty the queue.
        if (fresh.length > 0) this.queue = [...keep, ...fresh];
        this.opts.changed();
      })
      .catch((e: unknown) => {
        this.opts.logger.error(`could not pick the next spans after a retrain: ${(e as Error).message}`);
      });
  }

  /** Replaces the "why" of the first few queued spans with the current model's (they keep their place). */
  private async explainQueue(): Promise<void> {
    const items = this.queue.slice(0, KEEP_AFTER_RETRAIN).map((s) => ({ id: s.id, strategy: s.why.strategy, score: s.why.score }));
    if (items.length === 0) return;
    const fresh = await this.opts.views.explain(items).catch((e: unknown) => {
      this.opts.logger.warn(`could not refresh the "why" of the queued spans: ${(e as Error).message}`);
      return [] as SpanView[];
    });
    const byId = new Map(fresh.map((v) => [v.id, v]));
    if (byId.size === 0) return;
    // The queue may have moved on meanwhile (answers, undo): update by id, never reorder.
    this.queue = this.queue.map((s) => byId.get(s.id) ?? s);
    for (const v of byId.values()) if (this.known.has(v.id)) this.known.set(v.id, v);
  }

  /** This annotator's live decisions, oldest first, become the undo stack of a restored session. */
  private restoreUndoStack(): void {
    const store = this.opts.store;
    const annotator = this.opts.annotator();
    const mine = store
      .events()
      .filter((s) => !s.event.undo && s.event.annotator === annotator && store.state.current(s.event.id) === s.event)
      .map((s) => s.event.id);
    this.undoStack.push(...mine.slice(-UNDO_DEPTH));
  }
}
