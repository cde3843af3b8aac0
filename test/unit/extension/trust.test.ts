import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createEngine } from '../../../src/core/engine/createEngine';
import type { EncoderOptions } from '../../../src/core/encoders/encoder';
import type { SessionDeps } from '../../../src/core/session/labelingSession';
import { pathSettingKeys, restrictedSettingKeys } from '../../../src/core/settings';
import type { Disposable } from '../../../src/core/types';
import { ALL_COMMANDS } from '../../../src/extension/commands/allCommands';
import { modelSettingFor } from '../../../src/extension/commands/selectModel';
import { LabelwiseApp, type PanelLike } from '../../../src/extension/labelwiseApp';
import { registerCommands } from '../../../src/extension/registerCommands';
import { WorkerClient } from '../../../src/extension/workerClient';
import { memoryChannel } from '../session/memoryChannel';
import { letterEncoder, lineCorpus, TOPICS, openWith } from '../session/testCorpus';
import { FakeSurface } from './fakeSurface';

interface Manifest {
  capabilities?: { untrustedWorkspaces?: { supported: unknown; description?: string; restrictedConfigurations?: string[] } };
}

const quietPanel = (): PanelLike => ({
  post: () => undefined,
  reveal: () => undefined,
  onMessage: (): Disposable => ({ dispose: () => undefined }),
  onDidDispose: (): Disposable => ({ dispose: () => undefined }),
  dispose: () => undefined,
});

describe('workspace trust', () => {
  let dir: string;
  let surface: FakeSurface;
  let app: LabelwiseApp;
  /** What the engine worker was asked to load, session by session. */
  let asked: EncoderOptions[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelwise-trust-'));
    asked = [];
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
    surface.settings.set('labelwise.model', 'models/mini');
    // The folder exists: an owner/name value that names no folder would be a Hugging Face hub id.
    mkdirSync(join(dir, 'models', 'mini'), { recursive: true });
    app = new LabelwiseApp({ surface, openPanel: quietPanel, startWorker: (logger) => new WorkerClient(() => memoryChannel(deps), logger) });
    registerCommands(ALL_COMMANDS, { app, surface });
  });
  afterEach(() => {
    app.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('package.json declares limited support in untrusted workspaces, restricting every path setting', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;
    const cap = pkg.capabilities?.untrustedWorkspaces;
    assert.ok(cap, 'capabilities.untrustedWorkspaces is declared');
    assert.equal(cap.supported, 'limited');
    assert.match(cap.description ?? '', /labelwise\.model/);
    assert.deepEqual(cap.restrictedConfigurations, [...restrictedSettingKeys]);
    assert.ok(pathSettingKeys.includes('labelwise.model'));
  });

  test('Restricted Mode: labeling starts with the embedded model, and a warning says labelwise.model was not loaded', async () => {
    surface.trusted = false;
    const c = await app.start();
    assert.ok(c, 'the session started');
    assert.deepEqual(asked.map((o) => o.model), ['default']);
    const warning = surface.messages.find((m) => m.level === 'warning');
    assert.ok(warning, JSON.stringify(surface.messages));
    assert.match(warning.text, /Restricted Mode/);
    assert.match(warning.text, /labelwise\.model \("models\/mini"\) is not loaded/);
    assert.equal(surface.messages.filter((m) => m.level === 'error').length, 0);
    assert.equal(app.settings().model, 'default');
  });

  test('a trusted workspace loads labelwise.model, a relative path resolved against the workspace folder', async () => {
    const c = await app.start();
    assert.ok(c);
    assert.deepEqual(asked.map((o) => [o.model, o.baseDir]), [['models/mini', dir]]);
    assert.equal(surface.messages.filter((m) => m.level === 'warning').length, 0);
  });

  test('granting trust re-reads the settings: the running session offers a restart with labelwise.model', async () => {
    surface.trusted = false;
    await app.start();
    surface.messages.length = 0;
    surface.buttonAnswers.push('Restart Session');
    surface.grantTrust();
    const info = surface.messages.find((m) => m.level === 'info');
    assert.ok(info, JSON.stringify(surface.messages));
    assert.match(info.text, /labelwise\.model changed/);
    for (let i = 0; i < 200 && asked.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(asked.map((o) => o.model), ['default', 'models/mini']);
  });

  test('Select Model and Device: a model folder is refused in Restricted Mode and nothing is written', async () => {
    surface.trusted = false;
    surface.pickAnswers.push((items) => items.find((i) => i.label === 'Choose a model folder…'));
    surface.openAnswer = join(dir, 'models', 'mini', 'config.json');
    await surface.commands.get('labelwise.selectModel')?.();
    assert.deepEqual(surface.updates, []);
    assert.match(surface.messages.find((m) => m.level === 'warning')?.text ?? '', /Restricted Mode/);
  });

  test('Select Model and Device stores a folder inside the workspace relative to it, one outside as it is', async () => {
    mkdirSync(join(dir, 'models', 'mini'), { recursive: true });
    writeFileSync(join(dir, 'models', 'mini', 'config.json'), '{}');
    surface.pickAnswers.push((items) => items.find((i) => i.label === 'Choose a model folder…'));
    surface.pickAnswers.push((items) => items.find((i) => i.label === 'cpu'));
    surface.openAnswer = join(dir, 'models', 'mini', 'config.json');
    await surface.commands.get('labelwise.selectModel')?.();
    assert.deepEqual(surface.updates.find((u) => u.key === 'labelwise.model')?.value, 'models/mini');
    assert.equal(modelSettingFor(join(dir, '..', 'elsewhere'), dir), join(dir, '..', 'elsewhere'));
    assert.equal(modelSettingFor(join(dir, 'a', 'b'), undefined), join(dir, 'a', 'b'));
  });
});
