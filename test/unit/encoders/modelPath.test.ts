import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { makeTinyBert } from '../../fixtures/makeTinyBert.mjs';
import { runEncode } from '../../../src/cli/encode';
import { createEngine } from '../../../src/core/engine/createEngine';
import { loadEncoder } from '../../../src/core/encoders/loadEncoder';
import { ModelError } from '../../../src/core/errors';
import { readNpy } from '../../../src/core/npy';
import { LabelingSession, type SessionDeps } from '../../../src/core/session/labelingSession';
import { defaultSettings, type StartableSettings } from '../../../src/core/settings';
import { silentLogger } from '../../../src/core/types';
import { lineCorpus, TOPICS, openWith } from '../session/testCorpus';

// A workspace with its own model folder, and a working directory that is somewhere else.
const workspace = mkdtempSync(join(tmpdir(), 'lw-modelpath-ws-'));
makeTinyBert(join(workspace, 'models', 'tiny-bert'));
const elsewhere = mkdtempSync(join(tmpdir(), 'lw-modelpath-cwd-'));
after(() => {
  rmSync(workspace, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

describe('relative model paths', () => {
  test('loadEncoder resolves a relative model against baseDir, not the working directory', async () => {
    const cwd = process.cwd();
    process.chdir(elsewhere);
    try {
      const enc = await loadEncoder({ model: 'models/tiny-bert', device: 'cpu', baseDir: workspace });
      try {
        assert.match(enc.id, /^hf:tiny-bert@/);
      } finally {
        await enc.dispose();
      }
      await assert.rejects(loadEncoder({ model: 'models/tiny-bert', device: 'cpu', baseDir: elsewhere }), (e: unknown) => ModelError.is(e) && e.message.includes(join(elsewhere, 'models', 'tiny-bert')));
    } finally {
      process.chdir(cwd);
    }
  });

  test('a labeling session loads labelwise.model relative to its workspace folder', async () => {
    const deps: SessionDeps = {
      loadEncoder: (o) => loadEncoder(o),
      openCorpus: openWith(() => lineCorpus(TOPICS), async (encoder, texts) => encoder.encode(texts)),
      createEngine: (X, opts) => createEngine(X, opts),
    };
    const settings: StartableSettings = { ...defaultSettings, labels: ['sport', 'science'], annotator: 't', strategy: 'margin', model: 'models/tiny-bert', device: 'cpu' };
    const { session, result } = await LabelingSession.open({ root: workspace, settings, cacheDir: join(workspace, 'cache'), decisions: [] }, deps, { logger: silentLogger });
    try {
      assert.match(result.encoderId, /^hf:tiny-bert@/);
    } finally {
      await session.dispose();
    }
  });

  test('the CLI resolves --model against its working directory, as command lines do', async () => {
    const data = join(elsewhere, 'texts.jsonl');
    writeFileSync(data, '{"text": "The cat sat."}\n{"text": "Markets fell."}\n');
    const cwd = process.cwd();
    process.chdir(workspace);
    try {
      await runEncode({ data, out: join(elsewhere, 'v.npy'), model: 'models/tiny-bert', device: 'cpu' }, silentLogger);
    } finally {
      process.chdir(cwd);
    }
    const m = readNpy(join(elsewhere, 'v.npy'));
    assert.equal(m.rows, 2);
    assert.equal(m.cols, 32);
  });
});
