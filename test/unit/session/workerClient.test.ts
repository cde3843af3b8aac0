import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEngine } from '../../../src/core/engine/createEngine';
import { CancelledError } from '../../../src/core/session/cancelledError';
import type { SessionDeps } from '../../../src/core/session/labelingSession';
import type { HostToWorker } from '../../../src/core/session/workerProtocol';
import { defaultSettings, type StartableSettings } from '../../../src/core/settings';
import { WorkerClient, WorkerError, type WorkerChannel } from '../../../src/extension/workerClient';
import { memoryChannel } from './memoryChannel';
import { letterEncoder, lineCorpus, TOPICS, openWith } from './testCorpus';

function deps(gate?: Promise<void>): SessionDeps {
  return {
    loadEncoder: async () => letterEncoder(),
    openCorpus: openWith(
      () => lineCorpus(TOPICS),
      async (encoder, texts, progress, signal) => {
        progress(0, texts.length);
        await gate;
        if (signal?.aborted) throw new CancelledError('encoding cancelled');
        progress(texts.length, texts.length);
        return encoder.encode(texts);
      },
    ),
    createEngine: (X, opts) => createEngine(X, opts),
  };
}

const settings: StartableSettings = { ...defaultSettings, labels: ['sport', 'science'], strategy: 'margin', committeeSize: 3 };
const start = { root: '/r', settings, cacheDir: '/r/c', decisions: [] };

describe('worker client and dispatcher', () => {
  test('requests get their own responses; progress goes to the request; logs to the logger', async () => {
    const logs: string[] = [];
    const client = new WorkerClient(() => memoryChannel(deps()), { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) });
    const progress: string[] = [];
    const started = await client.request('start', start, { onProgress: (m) => progress.push(m) });
    assert.equal(started.spans, 12);
    assert.ok(progress.includes('Encoding spans 12/12'));
    assert.ok(logs.some((l) => /corpus: 12 sentence spans/.test(l)));
    const [a, b] = await Promise.all([client.request('query', { n: 2, exclude: [] }), client.request('curve', {})]);
    assert.equal(a.length, 2);
    assert.deepEqual(b, { curve: [], weights: [] });
    client.dispose();
  });

  test('errors come back with the setting they name', async () => {
    const client = new WorkerClient(() => memoryChannel(deps()));
    await assert.rejects(client.request('start', { ...start, settings: { ...settings, strategy: 'nope' as never } }), (e: unknown) => e instanceof WorkerError && e.setting === 'labelwise.strategy');
    await assert.rejects(client.request('start', { ...start, settings: { ...settings, labels: ['one'] as never } }), (e: unknown) => e instanceof WorkerError && e.setting === 'labelwise.labels');
    await assert.rejects(client.request('query', { n: 1, exclude: [] }), /no labeling session is running/);
    client.dispose();
  });

  test('cancelling a request sends a cancel for its id and rejects with CancelledError', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const seen: HostToWorker[] = [];
    const client = new WorkerClient(() => memoryChannel(deps(gate), seen));
    const ac = new AbortController();
    const p = client.request('start', start, {
      signal: ac.signal,
      onProgress: () => {
        // The first progress report: the user presses Cancel while encoding waits on the gate.
        ac.abort();
        setImmediate(open);
      },
    });
    await assert.rejects(p, (e: unknown) => CancelledError.is(e));
    assert.ok(seen.some((m) => m.kind === 'cancel' && m.id === seen[0].id));
    client.dispose();
  });

  test('a thread that dies before answering is replaced by the fallback process, in-flight requests are resent', async () => {
    let exit: (e?: Error) => void = () => undefined;
    const dying: WorkerChannel = {
      kind: 'thread',
      post: () => setImmediate(() => exit(new Error('Module did not self-register'))),
      onMessage: () => undefined,
      onExit: (h) => (exit = h),
      terminate: async () => undefined,
    };
    const warnings: string[] = [];
    const client = new WorkerClient(() => dying, { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined }, () => ({ ...memoryChannel(deps()), kind: 'process' }));
    const started = await client.request('start', start);
    assert.equal(started.spans, 12);
    assert.equal(client.kind, 'process');
    assert.match(warnings[0], /could not run in a worker thread \(Module did not self-register\); falling back to a child process/);
    client.dispose();
  });

  test('a worker that dies later fails pending requests and tells onStopped', async () => {
    let exit: (e?: Error) => void = () => undefined;
    let answered = false;
    let toHost: (m: unknown) => void = () => undefined;
    const ch: WorkerChannel = {
      kind: 'thread',
      post: (m) => {
        if (!answered && m.kind === 'request') {
          answered = true;
          setImmediate(() => toHost({ kind: 'response', id: m.id, ok: true, result: { curve: [], weights: [] } }));
        } else setImmediate(() => exit(new Error('boom')));
      },
      onMessage: (h) => (toHost = h),
      onExit: (h) => (exit = h),
      terminate: async () => undefined,
    };
    const client = new WorkerClient(() => ch, undefined, () => assert.fail('no fallback after the worker answered'));
    const stopped: string[] = [];
    client.onStopped((e) => stopped.push(e.message));
    await client.request('curve', {});
    await assert.rejects(client.request('curve', {}), /the engine worker stopped: boom/);
    assert.deepEqual(stopped, ['the engine worker stopped: boom']);
    assert.equal(client.alive, false);
  });
});
