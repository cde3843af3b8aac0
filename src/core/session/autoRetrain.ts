import type { SessionEvents } from './labelingSession';
import type { RoundInfo } from './workerProtocol';

/**
 * The automatic retrain both sessions (classification and spans) start after a decision: once
 * `every` labels (0: never) arrived since the last retrain and none is running, a retrain starts in
 * the background and its outcome goes to the session's events. Returns whether one started.
 */
export function startAutoRetrain(
  sinceRetrain: number,
  every: number,
  busy: boolean,
  events: SessionEvents,
  retrain: () => Promise<RoundInfo>,
): boolean {
  if (every <= 0 || sinceRetrain < every || busy) return false;
  events.onRetrainStarted?.();
  retrain().then(
    (round) => events.onRetrained?.(round),
    (e: unknown) => events.onRetrainFailed?.(e),
  );
  return true;
}
