import type { HostToWebview, WebviewToHost } from '../protocol';

/** Mirrors VS Code's Disposable; the webview imports nothing but the protocol. */
export interface Disposable {
  dispose(): void;
}

/**
 * Everything the panel logic needs from its surroundings. The real one wraps `acquireVsCodeApi()`
 * (see vscodeTransport.ts); tests hand the model a fake, so the panel logic runs in plain Node.
 */
export interface Transport {
  post(msg: WebviewToHost): void;
  onMessage(handler: (msg: HostToWebview) => void): Disposable;
  getState<T>(): T | undefined;
  setState<T>(s: T): void;
}
