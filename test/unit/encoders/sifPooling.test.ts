import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildGraph, isCurrentModel, quantise, readGlove, sifConstant, sourcePath } from '../../../models/buildEmbedded.mjs';
import { DT, encodeModel, node, valueInfo } from '../../../models/onnxGraph.mjs';
import { DefaultEncoder, findDefaultModel } from '../../../src/core/encoders/defaultEncoder';
import { commonComponentsOf, defaultPoolingOf, loadEncoder } from '../../../src/core/encoders/loadEncoder';
import { ModelError } from '../../../src/core/errors';
import { openSession } from '../../../src/core/runtime/session';

const DIM = 100;

/** A three-word model whose word r (id r) is the unit vector on axis r − 1. */
function tinyModel(sifC: number): Uint8Array {
  const vectors = new Float32Array(3 * DIM);
  for (let r = 0; r < 3; r++) vectors[r * DIM + r] = 1;
  const { q, scale } = quantise(vectors, 3, DIM);
  return buildGraph(q, scale, 3, sifC);
}

async function pooled(model: Uint8Array, ids: number[][], mask: number[][], output: string): Promise<number[][]> {
  const s = await openSession(model, { device: 'cpu' });
  try {
    const dims = [ids.length, ids[0].length];
    const res = await s.run({ input_ids: { data: Int32Array.from(ids.flat()), dims }, attention_mask: { data: Int32Array.from(mask.flat()), dims } }, [output]);
    const d = res[output].data as Float32Array;
    return ids.map((_, i) => Array.from(d.subarray(i * DIM, i * DIM + 3)));
  } finally {
    await s.release();
  }
}

const near = (got: number[][], want: number[][]): void =>
  got.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - want[i][j]) < 1e-4, `[${i}][${j}]: ${v} ≠ ${want[i][j]}`)));

describe('SIF pooling in the embedded graph (Zipf weights r·c / (r·c + 1))', () => {
  test('hand-computed: with c = 1, words 1 and 2 weigh 1/2 and 2/3, so (½, ⅔) normalised is (0.6, 0.8); the mean gives (1,1)/√2', async () => {
    const model = tinyModel(1);
    // Row 2: word 3 and a padding slot (id 0, mask 0): weight 3/4 on axis 2 only, normalised to 1.
    const ids = [[1, 2], [3, 0]];
    const mask = [[1, 1], [1, 0]];
    near(await pooled(model, ids, mask, 'sif_embedding'), [[0.6, 0.8, 0], [0, 0, 1]]);
    near(await pooled(model, ids, mask, 'sentence_embedding'), [[Math.SQRT1_2, Math.SQRT1_2, 0], [0, 0, 1]]);
    // Repeating the frequent word 1 pulls the mean towards it but SIF much less: 3·½ vs ⅔ → (0.9138, 0.4061).
    const [sif] = await pooled(model, [[1, 1, 1, 2]], [[1, 1, 1, 1]], 'sif_embedding');
    const n = Math.hypot(1.5, 2 / 3);
    near([sif], [[1.5 / n, 2 / 3 / n, 0]]);
  });

  test('the constant is a · H_N, the Zipf normaliser of the whole source vocabulary: 0.5 · (1 + ½ + ⅓) for N = 3', () => {
    assert.equal(sifConstant(3, 0.5), Math.fround(0.5 * (11 / 6)));
    assert.equal(sifConstant(1), Math.fround(1e-3));
  });
});

describe('default-sif encoder', () => {
  let sif: DefaultEncoder;
  let mean: DefaultEncoder;
  const glove = readGlove(sourcePath(), 5000);

  before(async () => {
    sif = (await loadEncoder({ model: 'default-sif', device: 'cpu' })) as DefaultEncoder;
    mean = (await loadEncoder({ model: 'default-mean', device: 'cpu' })) as DefaultEncoder;
  });
  after(async () => {
    await sif.dispose();
    await mean.dispose();
  });

  test('a sentence is the normalised sum of its GloVe vectors weighted by rank: "the" counts far less than "jury"', async () => {
    const c = sifConstant(glove.total);
    const words = ['the', 'jury', 'of', 'election'];
    const ref = new Float32Array(DIM);
    const plain = new Float32Array(DIM);
    for (const w of words) {
      const r = glove.words.indexOf(w) + 1; // id = rank (line 0 of the vocabulary is <unk>)
      assert.ok(r > 0, w);
      const weight = (r * c) / (r * c + 1);
      for (let d = 0; d < DIM; d++) {
        ref[d] += weight * glove.vectors[(r - 1) * DIM + d];
        plain[d] += glove.vectors[(r - 1) * DIM + d];
      }
    }
    const cos = (a: Float32Array, b: Float32Array): number => {
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let i = 0; i < a.length; i++) {
        ab += a[i] * b[i];
        aa += a[i] * a[i];
        bb += b[i] * b[i];
      }
      return ab / Math.sqrt(aa * bb);
    };
    const text = 'The jury of election';
    const s = (await sif.encode([text])).data;
    const m = (await mean.encode([text])).data;
    assert.ok(cos(s, ref) > 0.999, `sif vs hand-weighted: ${cos(s, ref)}`);
    assert.ok(cos(m, plain) > 0.999, `mean vs plain: ${cos(m, plain)}`);
    assert.ok(cos(s, plain) < 0.99, 'the weighting changes the vector');
  });

  test('ids keep mean and SIF apart (the caches key on them); SIF asks for one common component, mean for none', () => {
    const hash = mean.id.split('@')[1];
    assert.match(mean.id, /^labelwise-glove100k@[0-9a-f]{16}$/);
    assert.equal(sif.id, `labelwise-glove100k-sif@${hash}`);
    assert.equal(DefaultEncoder.idOf('sif', findDefaultModel()), sif.id);
    assert.equal(sif.commonComponents, 1);
    assert.equal(mean.commonComponents, 0);
    assert.equal(commonComponentsOf('default-sif'), 1);
    assert.equal(commonComponentsOf('default-mean'), 0);
    assert.equal(commonComponentsOf('models/bert'), 0);
    assert.equal(defaultPoolingOf(' default-sif '), 'sif');
    assert.equal(defaultPoolingOf('some/folder'), undefined);
  });
});

describe('npm run build rebuilds a model from before the SIF output', () => {
  test('isCurrentModel: the built model has every output; one without sif_embedding (an older build) or a broken file does not', () => {
    assert.equal(isCurrentModel(findDefaultModel().model), true);
    const dir = mkdtempSync(join(tmpdir(), 'lw-old-model-'));
    try {
      const old = join(dir, 'old.onnx');
      writeFileSync(
        old,
        encodeModel({
          name: 'old',
          nodes: [node('Identity', ['x'], ['sentence_embedding']), node('Identity', ['x'], ['token_embeddings'])],
          initializers: [],
          inputs: [valueInfo('x', DT.FLOAT, [1])],
          outputs: [valueInfo('sentence_embedding', DT.FLOAT, [1]), valueInfo('token_embeddings', DT.FLOAT, [1])],
        }),
      );
      assert.equal(isCurrentModel(old), false);
      writeFileSync(join(dir, 'broken.onnx'), 'not a model');
      assert.equal(isCurrentModel(join(dir, 'broken.onnx')), false);
      assert.equal(isCurrentModel(join(dir, 'missing.onnx')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('default-sif on a model without the sif_embedding output says to rebuild it; the plain mean still loads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-old-enc-'));
  try {
    const files = { model: join(dir, 'old.onnx'), vocab: join(dir, 'old.vocab.txt') };
    writeFileSync(files.vocab, '<unk>\nword\n');
    writeFileSync(
      files.model,
      encodeModel({
        name: 'old',
        nodes: [node('Cast', ['input_ids'], ['ids_f'], { to: DT.FLOAT }), node('Cast', ['attention_mask'], ['sentence_embedding'], { to: DT.FLOAT })],
        initializers: [],
        inputs: [valueInfo('input_ids', DT.INT32, ['b', 's']), valueInfo('attention_mask', DT.INT32, ['b', 's'])],
        outputs: [valueInfo('sentence_embedding', DT.FLOAT, ['b', 's'])],
      }),
    );
    const mean = await DefaultEncoder.load({ model: 'default', device: 'cpu' }, files, 'mean');
    await mean.dispose();
    await assert.rejects(DefaultEncoder.load({ model: 'default-sif', device: 'cpu' }, files, 'sif'), (e: unknown) => ModelError.is(e) && /no "sif_embedding" output; rebuild it with "npm run build:models"/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
