import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTinyBert } from '../../fixtures/makeTinyBert.mjs';
import { FakeHub } from './fakeHub';
import { HfEncoder } from '../../../src/core/encoders/hfEncoder';
import { DOWNLOAD_MANIFEST, downloadedHubModel, ensureHubModel, hubEndpoint, hubModelFolder, isHubModelId, type DownloadProgress } from '../../../src/core/encoders/hubDownload';
import { loadEncoder } from '../../../src/core/encoders/loadEncoder';
import { ModelError } from '../../../src/core/errors';
import { CancelledError } from '../../../src/core/session/cancelledError';

// Against FakeHub, a local stand-in for the Hugging Face hub on 127.0.0.1 serving generated tiny
// BERTs in the hub's layout. Nothing here reaches outside the machine.

const root = mkdtempSync(join(tmpdir(), 'lw-hub-'));
const source = makeTinyBert(join(root, 'source', 'tiny-bert'));
const texts = ['The cat sat on the mat.', 'Stock markets fell sharply after the election.', 'hello'];
after(() => rmSync(root, { recursive: true, force: true }));

const ALL = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];

/** Every entry of storage but the downloaded model folders: temporary folders a download left. */
const leftovers = (storage: string): string[] => (existsSync(storage) ? readdirSync(storage).filter((e) => e.startsWith('.')) : []);

describe('hub model download (local server on 127.0.0.1)', () => {
  const hub = new FakeHub();
  before(async () => {
    hub.addRepo('test-org/tiny-bert', source, ALL);
    // A repository with only the int8 graph, as some hub exports have.
    const quantDir = join(root, 'quant');
    mkdirSync(join(quantDir, 'onnx'), { recursive: true });
    for (const f of ['config.json', 'tokenizer.json']) writeFileSync(join(quantDir, f), readFileSync(join(source, f)));
    writeFileSync(join(quantDir, 'onnx', 'model_quantized.onnx'), readFileSync(join(source, 'onnx', 'model.onnx')));
    hub.addRepo('test-org/quant-only', quantDir, ['config.json', 'tokenizer.json', 'onnx/model_quantized.onnx']);
    hub.addRepo('test-org/no-onnx', source, ['config.json', 'tokenizer.json']);
    await hub.start();
  });
  after(() => hub.stop());

  test('downloads the model once, checks it, and the encoder gives the same vectors as the local folder', async () => {
    const storage = join(root, 'store-first');
    const progress: DownloadProgress[] = [];
    const t0 = performance.now();
    const got = await ensureHubModel('test-org/tiny-bert', { storageDir: storage, endpoint: hub.url, onProgress: (p) => progress.push(p) });
    const ms = performance.now() - t0;
    process.stderr.write(`[hubDownload] first download of the tiny BERT from 127.0.0.1: ${ms.toFixed(0)} ms\n`);
    assert.equal(got.downloaded, true);
    assert.equal(got.folder, hubModelFolder(storage, 'test-org/tiny-bert'));
    for (const f of ALL) assert.deepEqual(readFileSync(join(got.folder, ...f.split('/'))), readFileSync(join(source, ...f.split('/'))), f);
    const manifest = JSON.parse(readFileSync(join(got.folder, DOWNLOAD_MANIFEST), 'utf8')) as { id: string; revision: string; files: Record<string, { size: number; sha256: string }> };
    assert.equal(manifest.id, 'test-org/tiny-bert');
    assert.equal(manifest.revision, 'abc123');
    assert.equal(manifest.files['onnx/model.onnx'].sha256, createHash('sha256').update(readFileSync(join(source, 'onnx', 'model.onnx'))).digest('hex'));
    assert.ok(progress.some((p) => p.file === 'onnx/model.onnx' && p.received === p.total), 'progress reaches the whole graph');
    assert.deepEqual(leftovers(storage), []);

    const fromHub = (await loadEncoder({ model: got.folder, device: 'cpu' })) as HfEncoder;
    const local = (await loadEncoder({ model: source, device: 'cpu' })) as HfEncoder;
    try {
      const a = await fromHub.encode(texts);
      const b = await local.encode(texts);
      assert.deepEqual(a.data, b.data);
    } finally {
      await fromHub.dispose();
      await local.dispose();
    }
  });

  test('a downloaded model is used offline: no request reaches the hub the second time', async () => {
    const storage = join(root, 'store-offline');
    await ensureHubModel('test-org/tiny-bert', { storageDir: storage, endpoint: hub.url });
    const offline: typeof fetch = () => Promise.reject(new Error('offline'));
    const again = await ensureHubModel('test-org/tiny-bert', { storageDir: storage, endpoint: 'http://127.0.0.1:9', fetch: offline });
    assert.equal(again.downloaded, false);
    assert.equal(downloadedHubModel(storage, 'test-org/tiny-bert'), again.folder);
    const enc = await loadEncoder({ model: again.folder, device: 'cpu' });
    await enc.dispose();
  });

  test('a repository with only onnx/model_quantized.onnx is downloaded and loads', async () => {
    const storage = join(root, 'store-quant');
    const got = await ensureHubModel('test-org/quant-only', { storageDir: storage, endpoint: hub.url });
    assert.ok(existsSync(join(got.folder, 'onnx', 'model_quantized.onnx')));
    assert.ok(!existsSync(join(got.folder, 'tokenizer_config.json')), 'tokenizer_config.json is optional');
    const enc = await loadEncoder({ model: got.folder, device: 'cpu' });
    try {
      assert.equal((await enc.encode(['hello'])).cols, 32);
    } finally {
      await enc.dispose();
    }
  });

  test('a 404 (or the 401 of a private repository) names the file and the model id, and keeps nothing', async () => {
    const storage = join(root, 'store-404');
    await assert.rejects(
      ensureHubModel('test-org/missing', { storageDir: storage, endpoint: hub.url }),
      (e: unknown) => ModelError.is(e) && e.message.includes('"test-org/missing"') && e.message.includes('config.json') && e.message.includes('404'),
    );
    await assert.rejects(
      ensureHubModel('test-org/no-onnx', { storageDir: storage, endpoint: hub.url }),
      (e: unknown) => ModelError.is(e) && e.message.includes('"test-org/no-onnx"') && e.message.includes('onnx/model.onnx') && e.message.includes('onnx/model_quantized.onnx'),
    );
    await assert.rejects(
      ensureHubModel('private-org/secret', { storageDir: storage, endpoint: hub.url }),
      (e: unknown) => ModelError.is(e) && e.message.includes('"private-org/secret"') && e.message.includes('config.json') && e.message.includes('HTTP 401') && e.message.includes('public'),
    );
    assert.equal(downloadedHubModel(storage, 'test-org/missing'), undefined);
    assert.deepEqual(readdirSync(storage), []);
  });

  test('an interrupted download leaves no model that a later run would use, and the next try completes', async () => {
    const storage = join(root, 'store-cut');
    hub.behaviour = 'cut';
    try {
      await assert.rejects(ensureHubModel('test-org/tiny-bert', { storageDir: storage, endpoint: hub.url }), (e: unknown) => ModelError.is(e) && e.message.includes('onnx/model.onnx') && e.message.includes('test-org/tiny-bert'));
    } finally {
      hub.behaviour = 'normal';
    }
    assert.equal(downloadedHubModel(storage, 'test-org/tiny-bert'), undefined);
    assert.ok(!existsSync(hubModelFolder(storage, 'test-org/tiny-bert')), 'no model folder');
    assert.deepEqual(leftovers(storage), [], 'no temporary folder');
    // Offline now: the half model is not taken for a model.
    await assert.rejects(ensureHubModel('test-org/tiny-bert', { storageDir: storage, endpoint: hub.url, fetch: () => Promise.reject(new Error('offline')) }), (e: unknown) => ModelError.is(e) && /cannot reach/.test(e.message));
    const got = await ensureHubModel('test-org/tiny-bert', { storageDir: storage, endpoint: hub.url });
    assert.equal(got.downloaded, true);
    assert.equal(statSync(join(got.folder, 'onnx', 'model.onnx')).size, statSync(join(source, 'onnx', 'model.onnx')).size);
  });

  test('a file that does not match the SHA-256 the hub announced is refused', async () => {
    const storage = join(root, 'store-sha');
    hub.behaviour = 'bad-sha';
    try {
      await assert.rejects(ensureHubModel('test-org/tiny-bert', { storageDir: storage, endpoint: hub.url }), (e: unknown) => ModelError.is(e) && e.message.includes('SHA-256') && e.message.includes('onnx/model.onnx'));
    } finally {
      hub.behaviour = 'normal';
    }
    assert.equal(downloadedHubModel(storage, 'test-org/tiny-bert'), undefined);
    assert.deepEqual(readdirSync(storage), []);
  });

  test('a server that gzips the JSON files anyway: the files arrive whole', async () => {
    const storage = join(root, 'store-gzip');
    hub.behaviour = 'gzip';
    try {
      const got = await ensureHubModel('test-org/tiny-bert', { storageDir: storage, endpoint: hub.url });
      assert.deepEqual(readFileSync(join(got.folder, 'tokenizer.json')), readFileSync(join(source, 'tokenizer.json')));
    } finally {
      hub.behaviour = 'normal';
    }
  });

  test('cancelling stops the download and keeps nothing', async () => {
    const storage = join(root, 'store-cancel');
    hub.behaviour = 'stall';
    const ac = new AbortController();
    try {
      const p = ensureHubModel('test-org/tiny-bert', { storageDir: storage, endpoint: hub.url, signal: ac.signal, onProgress: (pr) => pr.file.endsWith('.onnx') && ac.abort() });
      await assert.rejects(p, (e: unknown) => CancelledError.is(e));
    } finally {
      hub.behaviour = 'normal';
    }
    assert.deepEqual(readdirSync(storage), []);
  });

  test('loadEncoder with a hub id that was not downloaded names both settings', async () => {
    await assert.rejects(
      loadEncoder({ model: 'Xenova/all-MiniLM-L6-v2', device: 'cpu', baseDir: root }),
      (e: unknown) => ModelError.is(e) && e.message.includes('labelwise.model') && e.message.includes('labelwise.allowModelDownload') && e.message.includes('Xenova/all-MiniLM-L6-v2'),
    );
  });
});

describe('hub model ids', () => {
  test('owner/name is a hub id unless a folder of that path exists', () => {
    assert.equal(isHubModelId('Xenova/all-MiniLM-L6-v2', root), true);
    assert.equal(isHubModelId('source/tiny-bert', root), false, 'an existing relative folder stays a folder');
    for (const v of ['default', './a/b', '/abs/path', 'a/b/c', '../a', 'a\\b', 'a/..', 'owner/']) assert.equal(isHubModelId(v, root), false, v);
  });

  test('the endpoint comes from the option, else LABELWISE_HF_ENDPOINT, else the hub', () => {
    const saved = { a: process.env.LABELWISE_HF_ENDPOINT, b: process.env.HF_ENDPOINT };
    try {
      delete process.env.LABELWISE_HF_ENDPOINT;
      delete process.env.HF_ENDPOINT;
      assert.equal(hubEndpoint(), 'https://huggingface.co');
      process.env.LABELWISE_HF_ENDPOINT = 'http://127.0.0.1:1234/';
      assert.equal(hubEndpoint(), 'http://127.0.0.1:1234');
      assert.equal(hubEndpoint('http://127.0.0.1:5/'), 'http://127.0.0.1:5');
    } finally {
      if (saved.a === undefined) delete process.env.LABELWISE_HF_ENDPOINT;
      else process.env.LABELWISE_HF_ENDPOINT = saved.a;
      if (saved.b === undefined) delete process.env.HF_ENDPOINT;
      else process.env.HF_ENDPOINT = saved.b;
    }
  });
});
