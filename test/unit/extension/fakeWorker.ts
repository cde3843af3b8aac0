import type { SpanPick } from '../../../src/core/session/spanPick';
import type { WorkerMethod, WorkerRequests } from '../../../src/core/session/workerProtocol';
import type { WorkerApi } from '../../../src/extension/labelingController';

/** What the worker returns for span i (domain data: the controller maps it to a view). */
export function spanPick(i: number): SpanPick {
  const text = `Sentence number ${i}.`;
  return {
    id: `span-${i}`,
    file: 'data/a.txt',
    line: i,
    start: i * 100,
    end: i * 100 + text.length,
    text,
    before: 'before ',
    after: ' after',
    reason: { strategy: 'margin', score: 0.5 - i / 100, votes: { a: 3, b: 2 } },
  };
}

/** A scripted worker: hands out span-0, span-1, … in order and records every request. */
export class FakeWorker implements WorkerApi {
  readonly calls: { method: WorkerMethod; params: unknown }[] = [];
  private handedOut = new Set<string>();
  decided = new Map<string, { label: string | null; decided: boolean; rejected?: string | null; labels?: readonly string[] }>();
  /** When set, retrain waits for it (a long retrain). */
  retrainGate: Promise<void> | undefined;
  /** When set, queries wait for it (a query stuck behind a retrain in the worker). */
  queryGate: Promise<void> | undefined;
  /** Retrains so far: a trained fake explains spans with probabilities ("a" 0.9, the guess). */
  retrains = 0;

  constructor(private readonly total = 50) {}

  async request<M extends WorkerMethod>(method: M, params: WorkerRequests[M]['params']): Promise<WorkerRequests[M]['result']> {
    this.calls.push({ method, params });
    if (method === 'retrain') {
      await this.retrainGate;
      this.retrains++;
    }
    if (method === 'query') await this.queryGate;
    const r = this.answer(method, params as never);
    return r as WorkerRequests[M]['result'];
  }

  count(method: WorkerMethod): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  private answer(method: WorkerMethod, params: Record<string, unknown>): unknown {
    switch (method) {
      case 'query': {
        const exclude = new Set(params.exclude as string[]);
        const out: SpanPick[] = [];
        for (let i = 0; i < this.total && out.length < (params.n as number); i++) {
          const v = spanPick(i);
          if (exclude.has(v.id) || this.decided.get(v.id)?.decided || this.handedOut.has(v.id)) continue;
          this.handedOut.add(v.id);
          out.push(this.retrains > 0 && v.reason ? { ...v, reason: { ...v.reason, probabilities: [{ label: 'a', probability: 0.4 }, { label: 'b', probability: 0.6 }] } } : v);
        }
        return out;
      }
      case 'decide': {
        this.decided.set(params.id as string, {
          label: params.label as string | null,
          decided: params.decided as boolean,
          ...(params.rejected ? { rejected: params.rejected as string } : {}),
          ...(params.labels !== undefined ? { labels: params.labels as readonly string[] } : {}),
        });
        if (!(params.decided as boolean)) this.handedOut.delete(params.id as string);
        return { labeled: [...this.decided.values()].filter((d) => d.label !== null || d.labels !== undefined).length, retrainStarted: false };
      }
      case 'retrain':
        return { round: 1, labels: 4, estimatedAccuracy: 0.75, weights: { margin: 0.6, random: 0.4 }, millis: 3 };
      case 'curve':
        return { curve: [{ labels: 4, accuracy: 0.75 }], weights: [{ round: 1, labels: 4, weights: { margin: 0.6, random: 0.4 } }] };
      case 'contested':
        return [];
      case 'views':
        // Asked for by id: no strategy picked them, so no reason.
        return (params.ids as string[]).map((id): SpanPick => {
          const { reason: _picked, ...span } = spanPick(Number(id.split('-')[1]));
          return span;
        });
      case 'explain':
        if (this.retrains === 0) return [];
        return (params.items as { id: string; strategy: string; score: number }[]).map((it) => {
          const v = spanPick(Number(it.id.split('-')[1]));
          return { ...v, reason: { strategy: it.strategy, score: 0.25, votes: { a: 4, b: 1 }, probabilities: [{ label: 'a', probability: 0.9 }, { label: 'b', probability: 0.1 }] } };
        });
      default:
        throw new Error(`unexpected ${method}`);
    }
  }
}
