/**
 * At most one run of an async task at a time (single-flight, the hand-made
 * `if (this.fetching) return this.fetching`): a caller who asks while a run is in flight gets that
 * run's promise instead of starting another. The slot frees itself when the run settles, before
 * the run's promise settles for its callers, so a caller that awaited it can start the next one.
 */
export class SingleFlight<T> {
  private current: Promise<T> | undefined;

  /** The run in flight, if any. */
  get inFlight(): Promise<T> | undefined {
    return this.current;
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** The run in flight, or a new run of `task` started now (synchronously) when none is. */
  run(task: () => Promise<T>): Promise<T> {
    if (this.current) return this.current;
    let started: Promise<T>;
    try {
      started = task();
    } catch (e) {
      return Promise.reject(e);
    }
    const run: Promise<T> = started.finally(() => {
      if (this.current === run) this.current = undefined;
    });
    this.current = run;
    return run;
  }

  /**
   * Starts `task` as a run of its own once no run is in flight (it never joins one): for a run
   * that must begin after the one in flight, such as a query that has to see a newer model.
   */
  async runNext(task: () => Promise<T>): Promise<T> {
    // Another run may start while this waits: wait for that one too, then start in the same turn.
    while (this.current) await this.current.catch(() => undefined);
    return this.run(task);
  }

  /** Resolves once no run is in flight (at once when none is); never rejects. */
  async settled(): Promise<void> {
    while (this.current) await this.current.catch(() => undefined);
  }
}
