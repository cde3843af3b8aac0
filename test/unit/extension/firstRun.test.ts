import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createEngine } from '../../../src/core/engine/createEngine';
import type { SessionDeps } from '../../../src/core/session/labelingSession';
import type { Disposable } from '../../../src/core/types';
import { ALL_COMMANDS } from '../../../src/extension/commands/allCommands';
import { LabelwiseApp, type PanelLike } from '../../../src/extension/labelwiseApp';
import { registerCommands } from '../../../src/extension/registerCommands';
import { WorkerClient } from '../../../src/extension/workerClient';
import { memoryChannel } from '../session/memoryChannel';
import { letterEncoder, lineCorpus, TOPICS, openWith } from '../session/testCorpus';
import { FakeSurface } from './fakeSurface';

const deps: SessionDeps = {
  loadEncoder: async () => letterEncoder(),
  openCorpus: openWith(() => lineCorpus(TOPICS), async (encoder, texts) => encoder.encode(texts)),
  createEngine: (X, opts) => createEngine(X, opts),
};

describe('first run: no label set yet', () => {
  let dir: string;
  let surface: FakeSurface;
  let app: LabelwiseApp;
  let panels: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelwise-first-'));
    surface = new FakeSurface();
    surface.root = dir;
    surface.settings.set('labelwise.strategy', 'margin');
    panels = 0;
    const openPanel = (): PanelLike => {
      panels++;
      return {
        post: () => undefined,
        reveal: () => undefined,
        onMessage: (): Disposable => ({ dispose: () => undefined }),
        onDidDispose: (): Disposable => ({ dispose: () => undefined }),
        dispose: () => undefined,
      };
    };
    app = new LabelwiseApp({ surface, openPanel, startWorker: (logger) => new WorkerClient(() => memoryChannel(deps), logger) });
    registerCommands(ALL_COMMANDS, { app, surface });
  });
  afterEach(() => {
    app.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('Start asks for the labels, writes labelwise.labels to the workspace settings and starts with them', async () => {
    surface.inputAnswers.push(' sport, science ,other ');
    await surface.commands.get('labelwise.startSession')?.();
    assert.deepEqual(surface.updates, [{ key: 'labelwise.labels', value: ['sport', 'science', 'other'] }]);
    const session = app.activeController;
    assert.ok(session, 'the session started');
    assert.deepEqual(session.state().session.labels.map((l) => l.name), ['sport', 'science', 'other']);
    assert.equal(panels, 1);
    assert.deepEqual(surface.messages.filter((m) => m.level !== 'info'), []);
  });

  test('the box checks what is typed: at least two distinct, non-empty labels, the problem shown in the box', async () => {
    surface.inputAnswers.push(undefined);
    await app.start();
    const validate = surface.lastInput?.validateInput;
    assert.ok(validate, 'the input box validates');
    assert.equal(validate(''), 'Enter at least two labels, separated by commas');
    assert.equal(validate('spam'), 'Enter at least two labels, separated by commas');
    assert.equal(validate('spam, , '), 'Enter at least two labels, separated by commas');
    assert.equal(validate('spam, ham, spam'), '"spam" is listed twice');
    assert.equal(validate('spam, ham'), undefined);
    assert.equal(validate('a,b,c'), undefined);
  });

  test('a single label already set is offered for completion in the box', async () => {
    surface.settings.set('labelwise.labels', ['spam']);
    surface.inputAnswers.push('spam, ham');
    await app.start();
    assert.equal(surface.lastInput?.value, 'spam');
    assert.deepEqual(surface.updates, [{ key: 'labelwise.labels', value: ['spam', 'ham'] }]);
    assert.ok(app.activeController);
  });

  test('cancelling the box starts nothing: no panel, no worker, no setting written, no error or warning', async () => {
    surface.inputAnswers.push(undefined);
    assert.equal(await app.start(), undefined);
    assert.equal(panels, 0);
    assert.equal(app.activeController, undefined);
    assert.deepEqual(surface.updates, []);
    assert.deepEqual(surface.messages.filter((m) => m.level !== 'info'), []);
  });
});
