import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CoalescedRuns } from '../../../src/core/util/coalescedRuns';
import { SerialQueue } from '../../../src/core/util/serialQueue';
import { SingleFlight } from '../../../src/core/util/singleFlight';

/** A promise the test settles by hand. */
function gate<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('SerialQueue', () => {
  test('runs tasks one at a time in the order queued, each after the previous one settled', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    const first = gate();
    const a = q.run(async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
      return 'a';
    });
    const b = q.run(() => {
      log.push('b');
      return 'b';
    });
    await tick();
    assert.deepEqual(log, ['a start'], 'b waits for a');
    first.resolve();
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
    assert.deepEqual(log, ['a start', 'a end', 'b']);
  });

  test('a failed task rejects its own promise only; later tasks still run; idle() waits for all', async () => {
    const q = new SerialQueue();
    const ran: string[] = [];
    const bad = q.run(async () => {
      throw new Error('boom');
    });
    const good = q.run(async () => {
      ran.push('good');
      return 1;
    });
    await assert.rejects(bad, /boom/);
    assert.equal(await good, 1);
    const slow = gate();
    let done = false;
    void q.run(async () => {
      await slow.promise;
      done = true;
    });
    const idle = q.idle();
    await tick();
    assert.equal(done, false);
    slow.resolve();
    await idle;
    assert.equal(done, true);
    assert.deepEqual(ran, ['good']);
  });
});

describe('SingleFlight', () => {
  test('a caller during a run gets that run; the task starts synchronously and once', async () => {
    const f = new SingleFlight<number>();
    const g = gate<number>();
    let starts = 0;
    const task = (): Promise<number> => {
      starts++;
      return g.promise;
    };
    const a = f.run(task);
    assert.equal(starts, 1, 'started synchronously');
    const b = f.run(task);
    assert.equal(a, b);
    assert.equal(starts, 1);
    assert.equal(f.busy, true);
    g.resolve(7);
    assert.equal(await b, 7);
    assert.equal(f.busy, false, 'the slot is free once the run settled');
    const c = f.run(async () => {
      starts++;
      return 8;
    });
    assert.equal(await c, 8);
    assert.equal(starts, 2);
  });

  test('a failed run frees the slot; a task that throws synchronously rejects without taking it', async () => {
    const f = new SingleFlight<number>();
    await assert.rejects(
      f.run(async () => {
        throw new Error('x');
      }),
      /x/,
    );
    assert.equal(f.busy, false);
    await assert.rejects(
      f.run(() => {
        throw new Error('sync');
      }),
      /sync/,
    );
    assert.equal(f.busy, false);
  });

  test('the slot is free when a caller awaiting the run resumes, so it can start the next one', async () => {
    const f = new SingleFlight<string>();
    const g = gate<string>();
    const first = f.run(() => g.promise);
    const after = first.then(() => f.run(async () => 'second'));
    g.resolve('first');
    assert.equal(await after, 'second');
  });

  test('runNext never joins: it starts after every run in flight, including one started while it waited', async () => {
    const f = new SingleFlight<string>();
    const g1 = gate<string>();
    const g2 = gate<string>();
    const log: string[] = [];
    void f.run(() => g1.promise);
    const next = f.runNext(async () => {
      log.push('next');
      return 'next';
    });
    // While runNext waits, the first run's settling lets someone else in first.
    void g1.promise.then(() => f.run(() => g2.promise.then((v) => (log.push(v), v))));
    g1.resolve('one');
    await tick();
    assert.deepEqual(log, [], 'runNext waits for the run started meanwhile');
    g2.resolve('two');
    assert.equal(await next, 'next');
    assert.deepEqual(log, ['two', 'next']);
  });

  test('settled() resolves when nothing is in flight and never rejects', async () => {
    const f = new SingleFlight<void>();
    await f.settled();
    const g = gate();
    void f.run(() => g.promise).catch(() => undefined);
    let done = false;
    const s = f.settled().then(() => (done = true));
    await tick();
    assert.equal(done, false);
    g.reject(new Error('failed'));
    await s;
    assert.equal(done, true);
  });
});

describe('CoalescedRuns', () => {
  test('requests during a run share one more run after it; without a run a request starts one', async () => {
    const gates: ReturnType<typeof gate<number>>[] = [];
    let runs = 0;
    const c = new CoalescedRuns<number>(() => {
      runs++;
      const g = gate<number>();
      gates.push(g);
      return g.promise;
    });
    const first = c.request();
    assert.equal(runs, 1);
    assert.equal(c.busy, true);
    const second = c.request();
    const third = c.request();
    assert.equal(second, third, 'requests made during a run share the queued one');
    assert.equal(runs, 1, 'the queued run waits for the one in flight');
    gates[0].resolve(1);
    assert.equal(await first, 1);
    await tick();
    assert.equal(runs, 2);
    gates[1].resolve(2);
    assert.equal(await second, 2);
    assert.equal(c.busy, false);
    const fourth = c.request();
    assert.equal(runs, 3);
    gates[2].resolve(3);
    assert.equal(await fourth, 3);
  });

  test('a failed run still lets the queued run go', async () => {
    const gates: ReturnType<typeof gate<number>>[] = [];
    const c = new CoalescedRuns<number>(() => {
      const g = gate<number>();
      gates.push(g);
      return g.promise;
    });
    const first = c.request();
    const second = c.request();
    gates[0].reject(new Error('round failed'));
    await assert.rejects(first, /round failed/);
    await tick();
    assert.equal(gates.length, 2);
    assert.equal(c.inFlight !== undefined, true);
    gates[1].resolve(5);
    assert.equal(await second, 5);
  });
});
