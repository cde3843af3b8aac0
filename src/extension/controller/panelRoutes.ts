import type { WebviewToHost } from '../../protocol';

/** The methods the panel sends to the host (`ready`, `answer`, …). */
export type PanelMethod = WebviewToHost['method'];

/** The message of one method, as the panel sends it. */
export type PanelCommand<M extends PanelMethod> = Extract<WebviewToHost, { readonly method: M }>;

/**
 * One handler per panel method: the map is exhaustive, so a command added to the protocol's
 * `WebviewToHost` without a handler here is a compile error (like the worker's dispatcher.ts).
 * `id`: the message's sequence number, present on `answer` and `undo`.
 */
export type PanelHandlers = {
  readonly [M in PanelMethod]: (params: PanelCommand<M>['params'], id: number | undefined) => Promise<void> | void;
};

/**
 * Hands one message from the panel to its handler. Returns false, without calling anything, when
 * the message names no panel method (the panel is out of date, or it is not a message at all).
 */
export function routePanelMessage(handlers: PanelHandlers, msg: unknown): { readonly handled: false } | { readonly handled: true; readonly done: Promise<void> | void } {
  if (typeof msg !== 'object' || msg === null) return { handled: false };
  const { method, params, id } = msg as { method?: unknown; params?: unknown; id?: unknown };
  // Own keys only: `toString` or `constructor` from the panel is not a method.
  if (typeof method !== 'string' || !Object.prototype.hasOwnProperty.call(handlers, method)) return { handled: false };
  const handler = handlers[method as PanelMethod] as (params: unknown, id: number | undefined) => Promise<void> | void;
  return { handled: true, done: handler(params, typeof id === 'number' ? id : undefined) };
}
