/**
 * Tasks that run one at a time, in the order they were queued (a serial chain, the hand-made
 * `this.chain = this.chain.then(...)`): each starts once every task queued before it has settled.
 * A task that fails rejects its own promise only; the tasks after it still run.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Queues `task`; resolves or rejects as it does. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    // A failed task must not poison the ones queued after it.
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every task queued so far has settled (failed ones included). */
  async idle(): Promise<void> {
    await this.tail;
  }
}
