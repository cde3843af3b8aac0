import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { findDefaultModel } from '../../../src/core/encoders/defaultEncoder';
import { ModelError } from '../../../src/core/errors';
import { checkCuda, describeMissing } from '../../../src/core/runtime/cudaCheck';
import { openSession, openSessionCount } from '../../../src/core/runtime/session';
import type { Logger } from '../../../src/core/types';

const model = findDefaultModel().model;
const dir = mkdtempSync(join(tmpdir(), 'lw-runtime-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

describe('device resolution', () => {
  test('auto logs which execution provider is active', async () => {
    const log = recorder();
    const s = await openSession(model, { device: 'auto', logger: log });
    try {
      assert.ok(['cpu', 'cuda'].includes(s.provider));
      assert.ok(log.lines.some((l) => l.includes(`${s.provider.toUpperCase()} execution provider`)), log.lines.join('\n'));
      if (checkCuda().missingProviders.length > 0) {
        assert.equal(s.provider, 'cpu');
        assert.ok(log.lines.some((l) => l.includes('libonnxruntime_providers_cuda.so')));
      }
    } finally {
      await s.release();
    }
  });

  test('cuda without the CUDA provider libraries fails naming what is missing', async (t) => {
    const check = checkCuda();
    if (check.missingProviders.length === 0) {
      t.diagnostic('CUDA provider libraries are installed here; checking that cuda opens or explains itself');
      try {
        const s = await openSession(model, { device: 'cuda' });
        assert.equal(s.provider, 'cuda');
        await s.release();
      } catch (e) {
        assert.ok(ModelError.is(e) && /cuda/i.test(e.message));
      }
      return;
    }
    await assert.rejects(openSession(model, { device: 'cuda' }), (e: unknown) => ModelError.is(e) && e.message.includes('libonnxruntime_providers_cuda.so') && e.message.includes('ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node'));
    assert.match(describeMissing(check), /libonnxruntime_providers_shared\.so/);
  });
});

describe('sessions', () => {
  test('are created once per model and device and shared until the last release', async () => {
    const before = openSessionCount();
    const a = await openSession(model, { device: 'cpu' });
    const b = await openSession(model, { device: 'cpu' });
    assert.equal(openSessionCount(), before + 1);
    await a.release();
    assert.equal(openSessionCount(), before + 1);
    const ids = Int32Array.of(1, 2, 3, 0);
    const out = await b.run({ input_ids: { data: ids, dims: [2, 2] }, attention_mask: { data: Int32Array.of(1, 1, 1, 0), dims: [2, 2] } }, ['sentence_embedding']);
    assert.deepEqual(out.sentence_embedding.dims, [2, 100]);
    assert.deepEqual(Object.keys(out), ['sentence_embedding']);
    await b.release();
    assert.equal(openSessionCount(), before);
    await assert.rejects(b.run({}), ModelError.is);
  });

  test('a corrupt or missing model file is a ModelError naming the file, and is not cached', async () => {
    const bad = join(dir, 'garbage.onnx');
    writeFileSync(bad, Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]));
    await assert.rejects(openSession(bad, { device: 'cpu' }), (e: unknown) => ModelError.is(e) && e.message.includes(bad));
    await assert.rejects(openSession(bad, { device: 'auto' }), (e: unknown) => ModelError.is(e) && e.message.includes(bad));
    const missing = join(dir, 'missing.onnx');
    await assert.rejects(openSession(missing, { device: 'cpu' }), (e: unknown) => ModelError.is(e) && e.message.includes(missing));
    assert.equal(openSessionCount(), 0);
  });
});
