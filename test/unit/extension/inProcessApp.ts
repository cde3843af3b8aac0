import { createEngine } from '../../../src/core/engine/createEngine';
import type { SessionDeps } from '../../../src/core/session/labelingSession';
import type { Disposable, Logger } from '../../../src/core/types';
import type { PanelLike } from '../../../src/extension/labelwiseApp';
import { WorkerClient } from '../../../src/extension/workerClient';
import { StateNotification, type HostToWebview, type PanelState } from '../../../src/protocol';
import { memoryChannel } from '../session/memoryChannel';
import { letterEncoder, lineCorpus, openWith, TOPICS } from '../session/testCorpus';

/**
 * What the app tests share: the engine worker in-process on the TOPICS corpus with the letter
 * encoder, a panel that records what the host posts and lets the test play the webview, and a
 * poll for a condition.
 */

/** The real session and engine on the small TOPICS corpus, with an instant encoder. */
export const inProcessDeps: SessionDeps = {
  loadEncoder: async () => letterEncoder(),
  openCorpus: openWith(
    () => lineCorpus(TOPICS),
    async (encoder, texts, progress) => {
      progress(texts.length, texts.length);
      return encoder.encode(texts);
    },
  ),
  createEngine: (X, opts) => createEngine(X, opts),
};

/** `AppDeps.startWorker` for the in-process worker over `deps`. */
export function inProcessWorker(deps: SessionDeps = inProcessDeps): (logger: Logger) => WorkerClient {
  return (logger) => new WorkerClient(() => memoryChannel(deps), logger);
}

/** A panel that records what the host posted and lets the test play the webview. */
export class RecordingPanel implements PanelLike {
  readonly posted: HostToWebview[] = [];
  private readonly handlers = new Set<(m: unknown) => void>();
  private readonly disposeHandlers = new Set<() => void>();
  revealed = 0;
  disposed = false;
  post(msg: HostToWebview): void {
    this.posted.push(msg);
  }
  reveal(): void {
    this.revealed++;
  }
  onMessage(h: (m: unknown) => void): Disposable {
    this.handlers.add(h);
    return { dispose: () => this.handlers.delete(h) };
  }
  onDidDispose(h: () => void): Disposable {
    this.disposeHandlers.add(h);
    return { dispose: () => this.disposeHandlers.delete(h) };
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const h of this.disposeHandlers) h();
  }
  /** Listened to by the app (a live panel whose messages reach a session). */
  get heard(): boolean {
    return this.handlers.size > 0;
  }
  send(m: unknown): void {
    for (const h of this.handlers) h(m);
  }
  lastState(): PanelState | undefined {
    const s = [...this.posted].reverse().find((m) => StateNotification.is(m));
    return s?.params as PanelState | undefined;
  }
}

/** Polls `f` every 5 ms (up to 2.5 s) until it gives something other than undefined or false. */
export async function until<T>(what: string, f: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}
