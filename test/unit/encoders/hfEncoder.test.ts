import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTinyBert } from '../../fixtures/makeTinyBert.mjs';
import { HfEncoder, loadTokenizer, wordTokens } from '../../../src/core/encoders/hfEncoder';
import { loadEncoder } from '../../../src/core/encoders/loadEncoder';
import { ModelError } from '../../../src/core/errors';

// Each run generates its own copy of the fixture: test files run in parallel processes.
const root = mkdtempSync(join(tmpdir(), 'lw-hf-'));
const bert = makeTinyBert(join(root, 'tiny-bert'));
const texts = ['The cat sat on the mat.', 'Stock markets fell sharply after the election in the county court.', 'hello', ''];

after(() => rmSync(root, { recursive: true, force: true }));

describe('Hugging Face encoder (tiny random BERT)', () => {
  let enc: HfEncoder;
  before(async () => {
    enc = (await loadEncoder({ model: bert, device: 'cpu' })) as HfEncoder;
  });
  after(async () => {
    await enc.dispose();
  });

  test('matches transformers.js feature-extraction with mean pooling and normalisation', async () => {
    const m = await enc.encode(texts);
    assert.equal(m.rows, texts.length);
    assert.equal(m.cols, 32);
    const { pipeline, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = `${root}/`;
    const pipe = await pipeline('feature-extraction', 'tiny-bert', { device: 'cpu', dtype: 'fp32' });
    try {
      const ref = await pipe(texts, { pooling: 'mean', normalize: true });
      assert.deepEqual(ref.dims, [texts.length, 32]);
      const r = ref.data as Float32Array;
      for (let i = 0; i < r.length; i++) assert.ok(Math.abs(r[i] - m.data[i]) < 1e-5, `element ${i}: ${r[i]} vs ${m.data[i]}`);
    } finally {
      await pipe.dispose();
    }
  });

  test('a text encodes the same alone and padded in a batch', async () => {
    const alone = await enc.encode([texts[0]]);
    const batch = await enc.encode(texts);
    for (let d = 0; d < 32; d++) assert.ok(Math.abs(alone.data[d] - batch.data[d]) < 1e-5);
  });

  test('rows are unit length and the id hashes the folder', async () => {
    const m = await enc.encode(texts.slice(0, 3));
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(Math.hypot(...m.data.subarray(i * 32, (i + 1) * 32)) - 1) < 1e-5);
    assert.match(enc.id, /^hf:tiny-bert@[0-9a-f]{16}$/);
    assert.equal(enc.provider, 'cpu');
  });

  test('texts longer than the model allows are truncated, not rejected', async () => {
    const m = await enc.encode([Array(400).fill('the cat').join(' ')]);
    assert.equal(m.rows, 1);
    assert.ok(Math.abs(Math.hypot(...m.data) - 1) < 1e-5);
  });
});

describe('Hugging Face encoder: per-word vectors for entity spans', () => {
  let enc: HfEncoder;
  before(async () => {
    enc = (await loadEncoder({ model: bert, device: 'cpu' })) as HfEncoder;
  });
  after(async () => {
    await enc.dispose();
  });

  test('words: letter/digit runs with inner apostrophes and hyphens; other characters alone', () => {
    const t = "O'Neill met Ann-Marie, 12 times.";
    assert.deepEqual(wordTokens(t).map((w) => t.slice(w.start, w.end)), ["O'Neill", 'met', 'Ann-Marie', ',', '12', 'times', '.']);
  });

  test("each word's vector is the mean of its word pieces' last hidden states in the whole sentence", async () => {
    const text = 'The cat sat on the mat near Bob.';
    const [tv] = await enc.encodeTokens([text]);
    const words = wordTokens(text);
    assert.deepEqual(tv.tokens, words);
    assert.equal(tv.vectors.rows, words.length);
    assert.equal(tv.vectors.cols, 32);
    // The same sentence through the sentence path's batch (one sequence with its special tokens):
    // when the per-word pieces concatenate to the sentence's own ids, the states line up.
    const tok = loadTokenizer(bert);
    const full = tok.encode(text);
    const pieces = words.map((w, k) => tok.encodePiece!(text.slice(k > 0 ? words[k - 1].end : 0, w.end)));
    assert.deepEqual([full[0], ...pieces.flat(), full[full.length - 1]], full, 'pieces concatenate to the sentence ids');
    const [b] = enc.prepareBatches([text]);
    const states = (await enc.runBatch(b)).data as Float32Array;
    let pos = 1;
    pieces.forEach((p, k) => {
      for (let d = 0; d < 32; d++) {
        let m = 0;
        for (let j = pos; j < pos + p.length; j++) m += states[j * 32 + d] / p.length;
        assert.ok(Math.abs(m - tv.vectors.data[k * 32 + d]) < 1e-4, `word ${k} dim ${d}`);
      }
      pos += p.length;
    });
  });

  test('a text longer than the model allows is split into windows of whole words, every word with a vector', async () => {
    const long = Array(300).fill('the cat sat').join(' ');
    const [tv] = await enc.encodeTokens([long, 'hello', '']);
    assert.equal(tv.vectors.rows, 900);
    for (let k = 0; k < 900; k++) assert.ok(Math.hypot(...tv.vectors.data.subarray(k * 32, (k + 1) * 32)) > 0, `word ${k} has a vector`);
    const [alone] = await enc.encodeTokens(['hello']);
    const [, inBatch, empty] = await enc.encodeTokens([long, 'hello', '']);
    for (let d = 0; d < 32; d++) assert.ok(Math.abs(alone.vectors.data[d] - inBatch.vectors.data[d]) < 1e-5);
    assert.equal(empty.vectors.rows, 0);
  });
});

describe('Hugging Face encoder bad input', () => {
  const broken = (name: string, change: (dir: string) => void): string => {
    const dir = join(root, name);
    cpSync(bert, dir, { recursive: true });
    change(dir);
    return dir;
  };

  test('a missing folder names the folder', async () => {
    const dir = join(root, 'nope');
    await assert.rejects(loadEncoder({ model: dir, device: 'cpu' }), (e: unknown) => ModelError.is(e) && e.message.includes(dir) && /does not exist/.test(e.message));
  });

  test('a folder without onnx/model.onnx or tokenizer.json names what is missing', async () => {
    const noModel = broken('no-model', (d) => unlinkSync(join(d, 'onnx', 'model.onnx')));
    await assert.rejects(loadEncoder({ model: noModel, device: 'cpu' }), (e: unknown) => ModelError.is(e) && e.message.includes(noModel) && e.message.includes(join('onnx', 'model.onnx')));
    const noTok = broken('no-tokenizer', (d) => unlinkSync(join(d, 'tokenizer.json')));
    await assert.rejects(loadEncoder({ model: noTok, device: 'cpu' }), (e: unknown) => ModelError.is(e) && /missing tokenizer\.json/.test(e.message));
  });

  test('a corrupt model.onnx is a ModelError naming the file', async () => {
    const dir = broken('corrupt', (d) => writeFileSync(join(d, 'onnx', 'model.onnx'), Buffer.from('this is not a protobuf \u0000\u00ff garbage')));
    await assert.rejects(loadEncoder({ model: dir, device: 'cpu' }), (e: unknown) => ModelError.is(e) && e.message.includes(join(dir, 'onnx', 'model.onnx')));
  });

  test('a corrupt tokenizer.json or config.json is a ModelError naming the file', async () => {
    const tok = broken('bad-tokenizer', (d) => writeFileSync(join(d, 'tokenizer.json'), '{"model": '));
    await assert.rejects(loadEncoder({ model: tok, device: 'cpu' }), (e: unknown) => ModelError.is(e) && e.message.includes(join(tok, 'tokenizer.json')));
    const cfg = broken('bad-config', (d) => writeFileSync(join(d, 'config.json'), 'nope'));
    await assert.rejects(loadEncoder({ model: cfg, device: 'cpu' }), (e: unknown) => ModelError.is(e) && e.message.includes(join(cfg, 'config.json')));
  });
});
