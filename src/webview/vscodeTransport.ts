import { NoticeNotification, StateNotification, type HostToWebview, type WebviewToHost } from '../protocol';
import type { Disposable, Transport } from './transport';

/** The object VS Code injects into a webview; it may be acquired only once per page. */
interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The only place that calls `acquireVsCodeApi()`. */
export function createVsCodeTransport(target: Window = window): Transport {
  const api = acquireVsCodeApi();
  return {
    post(msg: WebviewToHost): void {
      api.postMessage(msg);
    },
    onMessage(handler: (msg: HostToWebview) => void): Disposable {
      const listener = (ev: MessageEvent<unknown>): void => {
        // Anything else on the window (e.g. VS Code's own frame messages) is not ours.
        const data = ev.data;
        if (StateNotification.is(data) || NoticeNotification.is(data)) handler(data);
      };
      target.addEventListener('message', listener);
      return { dispose: () => target.removeEventListener('message', listener) };
    },
    getState<T>(): T | undefined {
      return (api.getState() ?? undefined) as T | undefined;
    },
    setState<T>(s: T): void {
      api.setState(s);
    },
  };
}
