import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openCorpusEncoded } from '../../../src/core/cache/corpusManifest';
import { EmbeddingCache } from '../../../src/core/cache/embeddingCache';
import type { Encoder } from '../../../src/core/encoders/encoder';
import { loadEncoder } from '../../../src/core/encoders/loadEncoder';
import { quantise } from '../../../src/core/features/compactVectors';
import { readCorpus } from '../../../src/core/text/corpus';

// The caches keep the encoder's vectors keyed by its id: the plain-mean and the SIF pooling of the
// same model file must never read each other's vectors (nor a rebuilt model's: the id holds the
// file's hash). These use the real embedded model, in both poolings, over one cache folder.
describe('mean and SIF vectors never mix in the caches', () => {
  const dirs: string[] = [];
  let mean: Encoder;
  let sif: Encoder;
  const texts = ['The jury said the election was conducted well.', 'Stock markets fell sharply on Monday.', 'A quiet evening by the river.'];
  before(async () => {
    mean = await loadEncoder({ model: 'default-mean', device: 'cpu' });
    sif = await loadEncoder({ model: 'default-sif', device: 'cpu' });
  });
  after(async () => {
    await mean.dispose();
    await sif.dispose();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const tmp = (p: string): string => {
    const d = mkdtempSync(join(tmpdir(), p));
    dirs.push(d);
    return d;
  };

  test('embedding cache: what mean wrote is a miss for SIF (and the other way round); each reads back its own', async () => {
    const dir = tmp('lw-pool-cache-');
    const m1 = await EmbeddingCache.open(dir, mean.id, mean.dim);
    const a = await m1.encodeWithCache(mean, texts);
    await m1.flush();
    assert.equal(a.misses, texts.length);

    const s1 = await EmbeddingCache.open(dir, sif.id, sif.dim);
    const b = await s1.encodeWithCache(sif, texts);
    await s1.flush();
    assert.equal(b.hits, 0, 'SIF found no vector that mean wrote');
    assert.deepEqual(b.vectors, quantise(await sif.encode(texts)));
    assert.notDeepEqual(b.vectors.codes, a.vectors.codes);

    const m2 = await EmbeddingCache.open(dir, mean.id, mean.dim);
    const c = await m2.encodeWithCache(mean, texts);
    assert.equal(c.hits, texts.length, 'mean still finds its own');
    assert.deepEqual(c.vectors, a.vectors);
    // One encoder's cache cannot be asked to serve the other.
    await assert.rejects(m2.encodeWithCache(sif, texts), /opened for labelwise-glove100k@.* asked to encode with labelwise-glove100k-sif@/);
  });

  test('corpus manifest: switching the pooling re-reads and re-encodes every file, then each reuses its own', async () => {
    const root = tmp('lw-pool-ws-');
    writeFileSync(join(root, 'a.txt'), texts.join('\n\n') + '\n');
    const cacheDir = join(tmp('lw-pool-mf-'), 'cache');
    const corpus = { root, include: ['**/*.txt'], exclude: [], granularity: 'paragraph' as const, maxFileSizeMB: 1 };
    const later = (): number => Date.now() + 10_000;
    const open = (encoder: Encoder): ReturnType<typeof openCorpusEncoded> => openCorpusEncoded({ corpus, encoder, cacheDir, now: later });

    const m1 = await open(mean);
    const s1 = await open(sif);
    assert.equal(s1.stats.filesReused, 0, 'no file reused from the mean manifest');
    assert.equal(s1.stats.hits, 0, 'no vector from the mean embedding cache');
    const read = await readCorpus(corpus);
    assert.deepEqual(s1.vectors.codes, quantise(await sif.encode(read.spans.map((s) => s.text))).codes);
    const m2 = await open(mean);
    const s2 = await open(sif);
    assert.equal(m2.stats.filesReused, 1);
    assert.equal(s2.stats.filesReused, 1);
    assert.deepEqual(m2.vectors.codes, m1.vectors.codes);
    assert.deepEqual(s2.vectors.codes, s1.vectors.codes);
    assert.notDeepEqual(m2.vectors.codes, s2.vectors.codes);
  });
});
