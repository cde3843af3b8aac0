import type { HostToWebview, LabelButton, PanelState, SpanView, WebviewToHost } from '../../../src/protocol';
import type { Disposable, Transport } from '../../../src/webview/transport';

/** Records what the panel posts and saves; `send` plays the host. */
export class FakeTransport implements Transport {
  readonly posted: WebviewToHost[] = [];
  saved: unknown = undefined;
  private handler: ((msg: HostToWebview) => void) | undefined;

  constructor(saved?: unknown) {
    this.saved = saved;
  }

  post(msg: WebviewToHost): void {
    this.posted.push(msg);
  }

  onMessage(handler: (msg: HostToWebview) => void): Disposable {
    this.handler = handler;
    return { dispose: () => (this.handler = undefined) };
  }

  getState<T>(): T | undefined {
    return this.saved as T | undefined;
  }

  setState<T>(s: T): void {
    // VS Code stores a JSON copy, so aliasing bugs would show up here.
    this.saved = JSON.parse(JSON.stringify(s)) as unknown;
  }

  /** Delivers a host message the way the real transport does (anything, even malformed). */
  send(msg: unknown): void {
    this.handler?.(msg as HostToWebview);
  }

  get listening(): boolean {
    return this.handler !== undefined;
  }

  methods(): string[] {
    return this.posted.map((m) => m.method);
  }

  last(): WebviewToHost | undefined {
    return this.posted[this.posted.length - 1];
  }
}

export function labelsOf(names: readonly string[]): LabelButton[] {
  return names.map((name, i) => ({ name, key: i < 9 ? String(i + 1) : '' }));
}

export function span(i: number, predicted?: string): SpanView {
  return {
    id: `s${i}`,
    file: `docs/f${i % 3}.txt`,
    line: i,
    start: i * 10,
    end: i * 10 + 5,
    text: `span number ${i}`,
    before: 'before ',
    after: ' after',
    why: { strategy: 'margin', score: i / 100, votes: { news: 3, sports: 2 }, predicted: predicted ? { label: predicted, probability: 0.7 } : undefined },
  };
}

/** A host state whose current span is `from` and whose queue runs up to `to` (exclusive). */
export function hostState(from: number, to: number, extra: Partial<PanelState> = {}): PanelState {
  const spans = [];
  for (let i = from; i < to; i++) spans.push(span(i, 'news'));
  return {
    view: 'label',
    session: { labels: labelsOf(['news', 'sports', 'science']), budget: 100, labeled: 10, annotator: 'ann', strategy: 'meta' },
    current: spans[0] ?? null,
    queue: spans.slice(1),
    undoDepth: 0,
    busy: { retraining: false },
    curve: [],
    weights: [],
    contested: [],
    ...extra,
  };
}

export function stateMsg(state: PanelState): { method: 'state'; params: PanelState } {
  return { method: 'state', params: state };
}
