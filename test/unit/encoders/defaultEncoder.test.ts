import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildEmbedded, quantise, readGlove, sourcePath } from '../../../models/buildEmbedded.mjs';
import { DefaultEncoder, findDefaultModel } from '../../../src/core/encoders/defaultEncoder';
import { loadEncoder } from '../../../src/core/encoders/loadEncoder';
import { ModelError } from '../../../src/core/errors';
import type { Matrix } from '../../../src/core/types';

function cos(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

const row = (m: Matrix, i: number): Float32Array => m.data.subarray(i * m.cols, (i + 1) * m.cols);

describe('embedded GloVe encoder', () => {
  let enc: DefaultEncoder;
  const glove = readGlove(sourcePath(), 20000);

  before(async () => {
    enc = (await loadEncoder({ model: 'default', device: 'cpu' })) as DefaultEncoder;
  });
  after(async () => {
    await enc.dispose();
  });

  test('int8 quantisation keeps every vector within cosine 0.999 of the float GloVe vector', () => {
    const { q, scale } = quantise(glove.vectors, 2000, 100);
    let worst = 1;
    for (let r = 0; r < 2000; r++) {
      const deq = new Float32Array(100);
      for (let d = 0; d < 100; d++) deq[d] = q[(r + 1) * 100 + d] * scale[r + 1];
      worst = Math.min(worst, cos(deq, glove.vectors.subarray(r * 100, (r + 1) * 100)));
    }
    assert.ok(worst > 0.999, `worst cosine ${worst}`);
  });

  test('a one-word text encodes to its GloVe vector, normalised, through the ONNX graph', async () => {
    const picks = [5, 100, 777, 1999].map((i) => glove.words[i]).filter((w) => /^[a-z]+$/.test(w));
    const m = await enc.encode(picks);
    assert.equal(m.cols, 100);
    picks.forEach((w, i) => {
      const r = glove.words.indexOf(w);
      assert.ok(cos(row(m, i), glove.vectors.subarray(r * 100, (r + 1) * 100)) > 0.999, w);
    });
  });

  test('a sentence is the normalised mean of its word vectors, whatever else is in the batch', async () => {
    const words = ['stock', 'markets', 'fell', 'sharply'];
    const texts = ['Stock markets fell sharply', 'short', 'a much longer sentence about the jury and the election in the county court of the city'];
    const alone = await enc.encode([texts[0]]);
    const batch = await enc.encode(texts);
    assert.ok(cos(row(alone, 0), row(batch, 0)) > 0.99999);
    const ref = new Float32Array(100);
    for (const w of words) {
      const r = glove.words.indexOf(w);
      assert.ok(r >= 0, w);
      for (let d = 0; d < 100; d++) ref[d] += glove.vectors[r * 100 + d];
    }
    assert.ok(cos(row(batch, 0), ref) > 0.999);
    for (let i = 0; i < texts.length; i++) assert.ok(Math.abs(Math.hypot(...row(batch, i)) - 1) < 1e-5);
  });

  test('texts without known words give zero rows, in place', async () => {
    const m = await enc.encode(['the cat', '', '12345 !!!zzqxj', 'the dog']);
    assert.equal(m.rows, 4);
    assert.ok(row(m, 1).every((v) => v === 0));
    assert.ok(Math.abs(Math.hypot(...row(m, 0)) - 1) < 1e-5);
    assert.ok(Math.abs(Math.hypot(...row(m, 3)) - 1) < 1e-5);
  });

  test('similar sentences are closer than unrelated ones', async () => {
    const m = await enc.encode(['the cat sat on the mat', 'a dog lay on the rug', 'stock markets fell sharply']);
    assert.ok(cos(row(m, 0), row(m, 1)) > cos(row(m, 0), row(m, 2)));
  });

  test('encodeTokens returns one vector per token with offsets into the text', async () => {
    const text = "The jury didn't meet.";
    const [tv] = await enc.encodeTokens([text]);
    assert.deepEqual(tv.tokens.map((t) => text.slice(t.start, t.end)), ['The', 'jury', 'did', "n't", 'meet', '.']);
    assert.equal(tv.vectors.rows, 6);
    const r = glove.words.indexOf('jury');
    assert.ok(cos(tv.vectors.data.subarray(100, 200), glove.vectors.subarray(r * 100, (r + 1) * 100)) > 0.999);
  });

  test('the encoder id names the model and a hash of its bytes', () => {
    assert.match(enc.id, /^labelwise-glove100k@[0-9a-f]{16}$/);
    assert.equal(enc.provider, 'cpu');
  });

  test('the built model is at most 25 MB', () => {
    assert.ok(readFileSync(findDefaultModel().model).length < 25e6);
  });
});

describe('loadEncoder bad input', () => {
  test('a missing embedded model says how to build it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-nomodel-'));
    const prev = process.env.LABELWISE_MODELS_DIR;
    try {
      await assert.rejects(DefaultEncoder.load({ model: 'default', device: 'cpu' }, { model: join(dir, 'x.onnx'), vocab: join(dir, 'x.vocab.txt') }), (e: unknown) => ModelError.is(e) && /build:models/.test(e.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (prev === undefined) delete process.env.LABELWISE_MODELS_DIR;
      else process.env.LABELWISE_MODELS_DIR = prev;
    }
  });
});

test('the model build is reproducible: same bytes twice', () => {
  const a = mkdtempSync(join(tmpdir(), 'lw-build-a-'));
  const b = mkdtempSync(join(tmpdir(), 'lw-build-b-'));
  try {
    const ra = buildEmbedded({ outDir: a, count: 3000 });
    const rb = buildEmbedded({ outDir: b, count: 3000 });
    assert.equal(ra.sha256, rb.sha256);
    assert.deepEqual(readFileSync(ra.model), readFileSync(rb.model));
    assert.equal(readFileSync(ra.vocab, 'utf8'), readFileSync(rb.vocab, 'utf8'));
    assert.equal(readFileSync(ra.vocab, 'utf8').split('\n')[0], '<unk>');
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test('an empty list encodes to an empty matrix, and a huge text is capped, not exploded', async () => {
  const enc = await loadEncoder({ model: 'default', device: 'cpu' });
  try {
    const empty = await enc.encode([]);
    assert.deepEqual([empty.rows, empty.cols, empty.data.length], [0, 100, 0]);
    const huge = 'the jury said the election was fair. '.repeat(20_000);
    const [short, long] = [await enc.encode(['the jury said the election was fair.']), await enc.encode([huge])];
    assert.ok(cos(short.data, long.data) > 0.9999);
  } finally {
    await enc.dispose();
  }
});

test('concurrent encode calls on one encoder do not mix their batches', async () => {
  const enc = await loadEncoder({ model: 'default', device: 'cpu' });
  try {
    const a = ['the jury met on friday', 'stock markets fell', 'a b c the'];
    const b = ['music and art', 'the river flooded the valley', 'he said no'];
    const [ra, rb] = await Promise.all([enc.encode(a), enc.encode(b)]);
    const [sa, sb] = [await enc.encode(a), await enc.encode(b)];
    assert.deepEqual(ra.data, sa.data);
    assert.deepEqual(rb.data, sb.data);
  } finally {
    await enc.dispose();
  }
});
