import type { ContestedItem, SpanView } from '../../protocol';
import type { LabelEvent } from '../../core/store/events';
import type { CurveData, ExplainItem } from '../../core/session/workerProtocol';
import type { ViewEngineApi } from '../views';


/**
 * The one place where the controller receives from the worker what the panel shows (spans with
 * their context and "why", review items, the curve): the seam where worker results become panel
 * views. The queue model and the review list ask here, never the engine directly.
 */
export class EngineViews {
  /** `engine` maps the worker's picks to views (views.ts viewingEngine). */
  constructor(private readonly engine: ViewEngineApi) {}

  /** The next `n` spans to ask about, none of `exclude`. */
  query(n: number, exclude: readonly string[]): Promise<SpanView[]> {
    return this.engine.request('query', { n, exclude });
  }

  /** Spans by id, with their context (those not in the pool are left out). */
  views(ids: readonly string[]): Promise<SpanView[]> {
    return this.engine.request('views', { ids });
  }

  /** The spans again, with the current model's "why". */
  explain(items: readonly ExplainItem[]): Promise<SpanView[]> {
    return this.engine.request('explain', { items });
  }

  /** The unlabeled spans the committee disputes most. */
  contested(k: number): Promise<ContestedItem[]> {
    return this.engine.request('contested', { k });
  }

  /** The learning curve and the strategy weights per round. */
  curve(): Promise<CurveData> {
    return this.engine.request('curve', {});
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
