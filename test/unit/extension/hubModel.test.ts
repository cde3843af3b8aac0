import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { makeTinyBert } from '../../fixtures/makeTinyBert.mjs';
import { createEngine } from '../../../src/core/engine/createEngine';
import type { EncoderOptions } from '../../../src/core/encoders/encoder';
import { hubModelFolder } from '../../../src/core/encoders/hubDownload';
import type { SessionDeps } from '../../../src/core/session/labelingSession';
import type { Disposable } from '../../../src/core/types';
import { ALL_COMMANDS } from '../../../src/extension/commands/allCommands';
import { LabelwiseApp, type PanelLike } from '../../../src/extension/labelwiseApp';
import { registerCommands } from '../../../src/extension/registerCommands';
import { WorkerClient } from '../../../src/extension/workerClient';
import { FakeHub } from '../encoders/fakeHub';
import { memoryChannel } from '../session/memoryChannel';
import { letterEncoder, lineCorpus, TOPICS, openWith } from '../session/testCorpus';
import { FakeSurface } from './fakeSurface';

// labelwise.model = a hub id, end to end through the app: the download happens in the host (from a
// local server on 127.0.0.1, through LABELWISE_HF_ENDPOINT) and the worker is handed the folder.

const quietPanel = (): PanelLike => ({
  post: () => undefined,
  reveal: () => undefined,
  onMessage: (): Disposable => ({ dispose: () => undefined }),
  onDidDispose: (): Disposable => ({ dispose: () => undefined }),
  dispose: () => undefined,
});

const ID = 'test-org/tiny-bert';

describe('labelwise.model = a Hugging Face hub id', () => {
  const root = mkdtempSync(join(tmpdir(), 'lw-hubapp-'));
  const hub = new FakeHub();
  const savedEndpoint = process.env.LABELWISE_HF_ENDPOINT;
  let dir: string;
  let storage: string;
  let surface: FakeSurface;
  let app: LabelwiseApp;
  let asked: EncoderOptions[];

  before(async () => {
    const bert = makeTinyBert(join(root, 'tiny-bert'));
    hub.addRepo(ID, bert, ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']);
    await hub.start();
    process.env.LABELWISE_HF_ENDPOINT = hub.url;
  });
  after(async () => {
    if (savedEndpoint === undefined) delete process.env.LABELWISE_HF_ENDPOINT;
    else process.env.LABELWISE_HF_ENDPOINT = savedEndpoint;
    await hub.stop();
    rmSync(root, { recursive: true, force: true });
  });

  beforeEach(() => {
    dir = mkdtempSync(join(root, 'ws-'));
    storage = mkdtempSync(join(root, 'global-'));
    asked = [];
    hub.requests.length = 0;
    const deps: SessionDeps = {
      loadEncoder: async (o) => {
        asked.push(o);
        return letterEncoder();
      },
      openCorpus: openWith(() => lineCorpus(TOPICS), async (encoder, texts) => encoder.encode(texts)),
      createEngine: (X, opts) => createEngine(X, opts),
    };
    surface = new FakeSurface();
    surface.root = dir;
    surface.settings.set('labelwise.labels', ['sport', 'science']);
    surface.settings.set('labelwise.strategy', 'margin');
    surface.settings.set('labelwise.model', ID);
    app = new LabelwiseApp({ surface, openPanel: quietPanel, startWorker: (logger) => new WorkerClient(() => memoryChannel(deps), logger), modelStorageDir: () => storage });
  });
  afterEach(() => app.dispose());

  test('without labelwise.allowModelDownload: nothing is fetched, and the error names both settings', async () => {
    const c = await app.start();
    assert.equal(c, undefined);
    assert.deepEqual(asked, []);
    assert.deepEqual(hub.requests, []);
    const err = surface.messages.find((m) => m.level === 'error');
    assert.ok(err, JSON.stringify(surface.messages));
    assert.match(err.text, /labelwise\.model/);
    assert.match(err.text, /labelwise\.allowModelDownload/);
    assert.ok(err.text.includes(ID));
  });

  test('with it on: downloaded once behind a progress notification, the worker loads the folder, and the next start is offline', async () => {
    surface.settings.set('labelwise.allowModelDownload', true);
    const c = await app.start();
    assert.ok(c, JSON.stringify(surface.messages));
    const folder = hubModelFolder(storage, ID);
    assert.deepEqual(asked.map((o) => o.model), [folder]);
    assert.deepEqual(c.applySettings(app.settings()), [], 'the session keeps the setting as written: no restart prompt');
    const progress = surface.progress.find((p) => p.title.includes(`downloading ${ID}`));
    assert.ok(progress, JSON.stringify(surface.progress.map((p) => p.title)));
    assert.ok(progress.reports.some((r) => r.message?.startsWith('onnx/model.onnx')), JSON.stringify(progress.reports));
    assert.ok(hub.requests.length > 0);

    app.stop();
    await hub.stop();
    try {
      hub.requests.length = 0;
      const again = await app.start();
      assert.ok(again, JSON.stringify(surface.messages));
      assert.deepEqual(asked.map((o) => o.model), [folder, folder]);
      assert.equal(surface.progress.filter((p) => p.title.includes('downloading')).length, 1, 'no second download');
    } finally {
      await hub.start();
      process.env.LABELWISE_HF_ENDPOINT = hub.url;
    }
  });

  test('Restricted Mode: allowModelDownload is not honoured, nothing is fetched, the embedded model is used', async () => {
    surface.settings.set('labelwise.allowModelDownload', true);
    surface.trusted = false;
    const c = await app.start();
    assert.ok(c, JSON.stringify(surface.messages));
    assert.deepEqual(asked.map((o) => o.model), ['default']);
    assert.deepEqual(hub.requests, []);
    assert.ok(!existsSync(hubModelFolder(storage, ID)));
  });

  test('"Select Model and Device" takes a hub id, checks its form, and offers to allow downloads', async () => {
    registerCommands(ALL_COMMANDS, { app, surface });
    surface.settings.set('labelwise.model', 'default');
    surface.pickAnswers.push((items) => items.find((i) => i.label === 'Hugging Face model id…'));
    surface.inputAnswers.push('test-org/tiny-bert');
    surface.buttonAnswers.push('Allow Downloads');
    surface.pickAnswers.push((items) => items.find((i) => i.label === 'cpu'));
    await surface.commands.get('labelwise.selectModel')?.();
    assert.equal(surface.lastInput?.validateInput?.('not an id'), 'a hub model id has the form owner/name, for example Xenova/all-MiniLM-L6-v2');
    assert.equal(surface.lastInput?.validateInput?.('Xenova/all-MiniLM-L6-v2'), undefined);
    assert.equal(surface.settings.get('labelwise.model'), ID);
    assert.equal(surface.settings.get('labelwise.allowModelDownload'), true);
    const c = await app.start();
    assert.ok(c, JSON.stringify(surface.messages));
    assert.deepEqual(asked.map((o) => o.model), [hubModelFolder(storage, ID)]);
  });

  test('a 404 from the hub is an error naming the model id and the file', async () => {
    surface.settings.set('labelwise.allowModelDownload', true);
    surface.settings.set('labelwise.model', 'test-org/nope');
    const c = await app.start();
    assert.equal(c, undefined);
    const err = surface.messages.find((m) => m.level === 'error');
    assert.ok(err && err.text.includes('"test-org/nope"') && err.text.includes('config.json') && err.text.includes('404'), JSON.stringify(surface.messages));
    assert.deepEqual(asked, []);
  });
});
