import type { ContestedItem, SpanView } from '../../protocol';
import type { LabelEvent } from '../../core/store/events';
import type { CurveData, ExplainItem } from '../../core/session/workerProtocol';
import type { ViewingWorker } from '../views';


/**
 * The one place where the controller receives from the worker what the panel shows (spans with
 * their context and "why", review items, the curve): the seam where worker results become panel
 * views. The queue model and the review list ask here, never the worker directly.
 */
export class WorkerViews {
  /** `worker` maps its picks to views (views.ts viewingWorker). */
  constructor(private readonly worker: ViewingWorker) {}

  /** The next `n` spans to ask about, none of `exclude`. */
  query(n: number, exclude: readonly string[]): Promise<SpanView[]> {
    return this.worker.request('query', { n, exclude });
  }

  /** Spans by id, with their context (those not in the pool are left out). */
  views(ids: readonly string[]): Promise<SpanView[]> {
    return this.worker.request('views', { ids });
  }

  /** The spans again, with the current model's "why". */
  explain(items: readonly ExplainItem[]): Promise<SpanView[]> {
    return this.worker.request('explain', { items });
  }

  /** The unlabeled spans the committee disputes most. */
  contested(k: number): Promise<ContestedItem[]> {
    return this.worker.request('contested', { k });
  }

  /** The learning curve and the strategy weights per round. */
  curve(): Promise<CurveData> {
    return this.worker.request('curve', {});
  }
}

/** A stored decision as a span view (no context, its stored strategy and score as the "why"). */
export function viewOfEvent(e: LabelEvent): SpanView {
  return {
    id: e.id,
    file: e.source.file,
    line: e.source.line ?? 0,
    start: e.source.start,
    end: e.source.end,
    text: e.text,
    before: '',
    after: '',
    why: { strategy: e.strategy ?? 'stored', score: e.score ?? 0, votes: {} },
  };
}
