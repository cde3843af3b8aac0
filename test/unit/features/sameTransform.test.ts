import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { simulate, type SimulationResult } from '../../../src/core/simulation/simulate';
import { createEngine } from '../../../src/core/engine/createEngine';
import type { Encoder } from '../../../src/core/encoders/encoder';
import { poolFeatures } from '../../../src/core/features/poolFeatures';
import { LabelingSession } from '../../../src/core/session/labelingSession';
import { defaultSettings, type StartableSettings } from '../../../src/core/settings';
import { appendLexical } from '../../../src/core/features/lexicalPool';
import type { Matrix } from '../../../src/core/types';
import { denseOf } from '../../../src/core/features/compactVectors';
import { syntheticDataset } from '../simulation/synthetic';
import { letterEncoder, lineCorpus, openWith, TOPICS } from '../session/testCorpus';

// The editor's session and `labelwise simulate` must give the engine the same features: the
// encoder's vectors with the pool's common component removed, fitted on the pool alone.
const encoder = (): Encoder => ({ ...letterEncoder(), id: 'letters-cc1', commonComponents: 1 });
const settings: StartableSettings = { ...defaultSettings, labels: ['sport', 'science'], annotator: 't', autoRetrainEvery: 0, committeeSize: 3, batchSize: 2, strategy: 'margin' };

/** The matrix the session's engine is created with, for a corpus of `TOPICS`. */
async function sessionFeatures(lexicalFeatures = 0): Promise<{ X: Matrix; raw: Matrix }> {
  let X: Matrix | undefined;
  const corpus = lineCorpus(TOPICS);
  const { session } = await LabelingSession.open(
    { root: '/nowhere', settings: { ...settings, lexicalFeatures }, cacheDir: '/nowhere/cache', decisions: [] },
    {
      loadEncoder: async () => encoder(),
      openCorpus: openWith(() => corpus),
      createEngine: (m, opts) => {
        X = denseOf(m);
        return createEngine(m, opts);
      },
    },
  );
  await session.dispose();
  return { X: X!, raw: await encoder().encode(corpus.spans.map((s) => s.text)) };
}

const rowsOf = (X: Matrix): number[][] => Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));
const strip = (r: SimulationResult): Omit<SimulationResult, 'seconds'> => {
  const { seconds: _s, ...rest } = r;
  return rest;
};

describe('one feature transform for the editor and simulate', () => {
  test('the session hands the engine the corpus vectors with the common component removed (poolFeatures over the whole corpus)', async () => {
    const { X, raw } = await sessionFeatures();
    assert.deepEqual(rowsOf(X), rowsOf(poolFeatures(raw, 1).pool));
    assert.notDeepEqual(rowsOf(X), rowsOf(raw), 'the transform did something');
  });

  test('with the lexical block (the default), the transform is of the encoder\'s columns only and the block follows them', async () => {
    const { X, raw } = await sessionFeatures(defaultSettings.lexicalFeatures);
    const texts = lineCorpus(TOPICS).spans.map((s) => s.text);
    assert.deepEqual(rowsOf(X), rowsOf(denseOf(appendLexical(poolFeatures(raw, 1).pool, texts, defaultSettings.lexicalFeatures).pool)));
  });

  test('simulate trains on the pool\'s features as poolFeatures gives them, and applies the pool\'s transform to the test split', async () => {
    // Three classes around a large shared offset: the common component is the offset, and removing it matters.
    const base = syntheticDataset();
    const d = base.vectors.cols;
    const raw: Matrix = { rows: base.vectors.rows, cols: d, data: base.vectors.data.map((v, i) => v + (i % d === 0 ? 6 : 2)) };
    const testIds = Array.from({ length: 45 }, (_, i) => i * 4);
    const poolIds = Array.from({ length: raw.rows }, (_, i) => i).filter((i) => i % 4 !== 0);
    const pick = (ids: number[]): Matrix => ({ rows: ids.length, cols: d, data: Float32Array.from(ids.flatMap((i) => Array.from(raw.data.subarray(i * d, (i + 1) * d)))) });
    const f = poolFeatures(pick(poolIds), 1, [pick(testIds)]);
    // The same features put back in record order, to be used as given.
    const prepared = new Float32Array(raw.data.length);
    poolIds.forEach((id, p) => prepared.set(f.pool.data.subarray(p * d, (p + 1) * d), id * d));
    testIds.forEach((id, t) => prepared.set(f.others[0].data.subarray(t * d, (t + 1) * d), id * d));
    const opts = { data: base.data, strategy: 'margin' as const, seed: 3, init: 10, batch: 5, budget: 40, testFraction: 0.25, split: { testIds } };

    const viaSimulate = await simulate({ ...opts, vectors: raw, commonComponents: 1 });
    const asGiven = await simulate({ ...opts, vectors: { rows: raw.rows, cols: d, data: prepared }, commonComponents: 0 });
    assert.deepEqual(strip(viaSimulate), strip(asGiven));
    // And the transform changes the outcome here, so the equality above says something.
    assert.notDeepEqual(strip(await simulate({ ...opts, vectors: raw, commonComponents: 0 })), strip(viaSimulate));
  });
});
