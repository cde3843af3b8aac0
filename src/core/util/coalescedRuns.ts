import { SingleFlight } from './singleFlight';

/**
 * Requests for a run of one task, coalesced: with no run in flight a request starts one; while one
 * runs, a request gets one more run that starts when it ends (so it sees what changed meanwhile),
 * and every further request made before that run starts shares it. A burst of requests during a
 * long run costs one extra run, never one per request. A failed run does not stop the next.
 */
export class CoalescedRuns<T> {
  private readonly flight = new SingleFlight<T>();
  private queued: Promise<T> | undefined;

  constructor(private readonly task: () => Promise<T>) {}

  request(): Promise<T> {
    const running = this.flight.inFlight;
    if (!running) return this.flight.run(this.task);
    this.queued ??= running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.request();
      });
    return this.queued;
  }

  /** True while a run is in flight. */
  get busy(): boolean {
    return this.flight.busy;
  }

  /** The run in flight, if any (not the one queued behind it). */
  get inFlight(): Promise<T> | undefined {
    return this.flight.inFlight;
  }
}
