import { emptyRecord, toRecord } from '../core/record';
import type { PickReason, SpanPick } from '../core/session/spanPick';
import type { WorkerMethod, WorkerRequests } from '../core/session/workerProtocol';
import type { ContestedItem, SpanView, WhyInfo } from '../protocol';
import type { RequestOptions, WorkerApi } from './workerClient';

/**
 * The worker's domain data (src/core/session/spanPick.ts) as the panel shows it
 * (src/protocol.ts). The only place that decides the panel's view of a pick: a panel layout change
 * changes this file, never the worker protocol.
 */

export interface ViewOptions {
  /** labelwise.multiLabel: the why names every label the model says applies. */
  readonly multiLabel: boolean;
}

/** The "why" of a pick in the panel. A span asked for by id (no reason) shows as "review". */
export function whyInfo(reason: PickReason | undefined, opts: ViewOptions): WhyInfo {
  if (!reason) return { strategy: 'review', score: 0, votes: {} };
  let predicted: WhyInfo['predicted'];
  let top: WhyInfo['top'];
  let predictedLabels: string[] | undefined;
  const probs = reason.probabilities;
  if (probs && probs.length > 0) {
    // Most likely first; equal probabilities keep the label set's order.
    const order = probs.map((_, i) => i).sort((a, b) => probs[b].probability - probs[a].probability || a - b);
    predicted = { ...probs[order[0]] };
    top = order.slice(0, 2).map((i) => ({ ...probs[i] }));
    // Multi-label: every label the model says applies (P ≥ 0.5); the panel starts with these toggled.
    if (opts.multiLabel) predictedLabels = probs.filter((p) => p.probability >= 0.5).map((p) => p.label);
  }
  const ranked = reason.rank !== undefined && reason.poolSize !== undefined ? { rank: reason.rank, poolSize: reason.poolSize } : {};
  return {
    strategy: reason.strategy,
    score: reason.score,
    votes: toRecord(reason.votes),
    ...(predicted ? { predicted } : {}),
    ...(top ? { top } : {}),
    ...ranked,
    ...(predictedLabels ? { predictedLabels } : {}),
    ...(reason.regime !== undefined ? { regime: reason.regime } : {}),
    ...(reason.armReason !== undefined ? { armReason: reason.armReason } : {}),
    // Spans task: the entities the model is least sure of, as the worker ranked them.
    ...(reason.uncertainEntities !== undefined ? { uncertainEntities: reason.uncertainEntities.map((e) => ({ ...e })) } : {}),
  };
}

export function spanView(pick: SpanPick, opts: ViewOptions): SpanView {
  return {
    id: pick.id,
    file: pick.file,
    line: pick.line,
    start: pick.start,
    end: pick.end,
    text: pick.text,
    before: pick.before,
    after: pick.after,
    // Spans task: the tokens a selection snaps to and the model's suggested entities.
    ...(pick.tokens !== undefined ? { tokens: pick.tokens.map((t) => ({ start: t.start, end: t.end })) } : {}),
    ...(pick.suggestions !== undefined ? { suggestions: pick.suggestions.map((e) => ({ ...e })) } : {}),
    why: whyInfo(pick.reason, opts),
  };
}

/** A span the committee disputes, in the review list: the labels with at least one vote. */
export function committeeItem(pick: SpanPick, opts: ViewOptions): ContestedItem {
  // Keyed by label names: collected without a prototype so "__proto__" or "constructor" count too.
  const detail = emptyRecord<number>();
  for (const [label, n] of Object.entries(pick.reason?.votes ?? {})) if (n > 0) detail[label] = n;
  return { span: spanView(pick, opts), reason: 'committee', detail: toRecord(detail) };
}

/** The worker requests whose results the panel shows, as views. */
export interface ViewResults {
  readonly query: SpanView[];
  readonly views: SpanView[];
  readonly explain: SpanView[];
  readonly contested: ContestedItem[];
}

export type ViewResult<M extends WorkerMethod> = M extends keyof ViewResults ? ViewResults[M] : WorkerRequests[M]['result'];

/** The worker client as the host controller sees it: the requests of ViewResults answer views. */
export interface ViewingWorker {
  request<M extends WorkerMethod>(method: M, params: WorkerRequests[M]['params'], opts?: RequestOptions): Promise<ViewResult<M>>;
}


/** Maps the worker's answers to views at the boundary; every other request passes through. */
export function viewingWorker(worker: WorkerApi, opts: ViewOptions): ViewingWorker {
  return {
    async request<M extends WorkerMethod>(method: M, params: WorkerRequests[M]['params'], ropts?: RequestOptions): Promise<ViewResult<M>> {
      const result: unknown = await worker.request(method, params, ropts);
      switch (method) {
        case 'query':
        case 'views':
        case 'explain':
          return (result as SpanPick[]).map((p) => spanView(p, opts)) as ViewResult<M>;
        case 'contested':
          return (result as SpanPick[]).map((p) => committeeItem(p, opts)) as ViewResult<M>;
        default:
          return result as ViewResult<M>;
      }
    },
  };
}
