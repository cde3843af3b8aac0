import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { defaultSettings } from '../../../src/core/settings';
import { LabelStore, storePath } from '../../../src/core/store/labelStore';
import type { Disposable } from '../../../src/core/types';
import { LabelingController } from '../../../src/extension/labelingController';
import { LabelwiseApp, type PanelLike } from '../../../src/extension/labelwiseApp';
import { AnswerCommand, DismissContestedCommand, ReadyCommand, ResolveContestedCommand, ShowViewCommand, StateNotification, UndoCommand, type HostToWebview, type PanelState } from '../../../src/protocol';
import { TOPICS } from '../session/testCorpus';
import { FakeWorker } from './fakeWorker';
import { FakeSurface } from './fakeSurface';
import { inProcessWorker, until } from './inProcessApp';


describe('store changes apart from view changes (decorations redraw only when the store changed)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelwise-storechg-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('controller: answer, undo and resolve fire onStoreChange after onChange; refill, views, dismiss and a refused answer do not', async () => {
    const store = LabelStore.open(storePath(dir));
    const settings = { ...defaultSettings, labels: ['a', 'b'], annotator: 'kim', batchSize: 3 };
    const started = { spans: 50, files: 1, provider: 'cpu' as const, encoderId: 'fake', restored: 0, unmatched: 0, problems: [], labeled: 0, millis: 1 };
    const c = new LabelingController({ settings, store, worker: new FakeWorker(), started, lookahead: 0 });
    const log: string[] = [];
    c.onChange(() => log.push('view'));
    c.onStoreChange(() => log.push('store'));
    await c.handle(ReadyCommand.create({ restored: false }));
    await c.refill();
    await c.showView('review');
    await c.showView('label');
    await c.nextBatch();
    await c.handle(AnswerCommand.create({ spanId: 'span-0', label: 'zzz', answer: 'accept' }, 1));
    assert.ok(log.length > 0);
    assert.ok(!log.includes('store'), `no store change yet: ${log.join(' ')}`);
    log.length = 0;
    await c.handle(AnswerCommand.create({ spanId: 'span-0', label: 'a', answer: 'accept' }, 2));
    assert.deepEqual(log.slice(0, 2), ['view', 'store'], 'the panel state first, then the store listeners');
    log.length = 0;
    await c.handle(UndoCommand.create({}, 3));
    assert.ok(log.includes('store'), 'undo');
    log.length = 0;
    await c.handle(ResolveContestedCommand.create({ spanId: 'span-1', label: 'b' }));
    assert.deepEqual(log, ['view', 'store'], 'resolve');
    log.length = 0;
    await c.handle(DismissContestedCommand.create({ spanId: 'span-2' }));
    assert.deepEqual(log, ['view'], 'dismiss touches no store');
    c.dispose();
    store.close();
  });

  test('app: showView and a queue refill do not call onStoreChanged; an answer does', async () => {
    for (const [f, lines] of Object.entries(TOPICS)) writeFileSync(join(dir, f), lines.join('\n') + '\n');
    const surface = new FakeSurface();
    surface.root = dir;
    surface.settings.set('labelwise.labels', ['sport', 'science', 'other']);
    surface.settings.set('labelwise.annotator', 'e2e');
    surface.settings.set('labelwise.strategy', 'margin');
    const posted: HostToWebview[] = [];
    const handlers = new Set<(m: unknown) => void>();
    const panel: PanelLike = {
      post: (m) => void posted.push(m),
      reveal: () => undefined,
      onMessage: (h): Disposable => {
        handlers.add(h);
        return { dispose: () => handlers.delete(h) };
      },
      onDidDispose: (): Disposable => ({ dispose: () => undefined }),
      dispose: () => undefined,
    };
    const send = (m: unknown): void => {
      for (const h of handlers) h(m);
    };
    const lastState = (): PanelState | undefined => [...posted].reverse().find((m) => StateNotification.is(m))?.params as PanelState | undefined;
    let storeChanged = 0;
    const app = new LabelwiseApp({
      surface,
      openPanel: () => panel,
      startWorker: inProcessWorker(),
      onStoreChanged: () => void storeChanged++,
    });
    try {
      const c = await app.start();
      assert.ok(c);
      // Once at start: the decorations show the store as it is.
      assert.equal(storeChanged, 1);
      send(ReadyCommand.create({ restored: false }));
      const first = await until('a first span', () => lastState()?.current ?? undefined);
      const states = posted.length;
      send(ShowViewCommand.create({ view: 'curve' }));
      await until('the curve view', () => lastState()?.view === 'curve');
      send(ShowViewCommand.create({ view: 'label' }));
      await until('the label view', () => lastState()?.view === 'label');
      await c.nextBatch();
      assert.ok(posted.length > states, 'the panel got new states');
      assert.equal(storeChanged, 1, 'view changes and refills do not redraw the decorations');
      send(AnswerCommand.create({ spanId: first.id, label: 'sport', answer: 'accept' }, 1));
      await until('the answer', () => lastState()?.ackSeq === 1);
      assert.equal(storeChanged, 2, 'an answer does');
    } finally {
      app.dispose();
    }
  });
});
