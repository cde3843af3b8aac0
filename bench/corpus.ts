// `node --import tsx bench/corpus.ts [--data FILE.jsonl] [--encoder]`: a benchmark, not a test.
// Writes the dataset's texts as .txt files (100 paragraphs each, blank-line separated) into a
// temp workspace and prints spans/s of readCorpus at each granularity. With --encoder it also
// times the embedded encoder cold, through an empty cache, and re-opening the warm cache.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddingCache } from '../src/core/encoders/embeddingCache';
import { loadEncoder } from '../src/core/encoders/loadEncoder';
import { defaultSettings } from '../src/core/settings';
import { readCorpus } from '../src/core/text/corpus';
import type { Granularity } from '../src/core/types';

const args = process.argv.slice(2);
const dataArg = args.indexOf('--data');
const data = dataArg >= 0 ? args[dataArg + 1] : '../shared/datasets/brown-genre.jsonl';
const withEncoder = args.includes('--encoder');

const texts = readFileSync(data, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => (JSON.parse(l) as { text: string }).text);
const root = mkdtempSync(join(tmpdir(), 'lw-bench-corpus-'));
const cacheDir = mkdtempSync(join(tmpdir(), 'lw-bench-cache-'));

function best<T>(runs: number, f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  return (async () => {
    let ms = Infinity;
    let value!: T;
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      value = await f();
      ms = Math.min(ms, performance.now() - t);
    }
    return { ms, value };
  })();
}

async function main(): Promise<void> {
  mkdirSync(join(root, 'data'));
  for (let f = 0; f * 100 < texts.length; f++) {
    writeFileSync(join(root, 'data', `part-${String(f).padStart(3, '0')}.txt`), texts.slice(f * 100, (f + 1) * 100).join('\n\n') + '\n');
  }
  console.log(`corpus: ${texts.length} paragraphs in ${Math.ceil(texts.length / 100)} files`);
  const opts = { root, include: defaultSettings.include, exclude: defaultSettings.exclude, maxFileSizeMB: 10 };
  let sentences: string[] = [];
  for (const granularity of ['paragraph', 'sentence', 'line'] as Granularity[]) {
    const { ms, value } = await best(3, () => readCorpus({ ...opts, granularity }));
    console.log(`readCorpus ${granularity.padEnd(9)} ${String(value.spans.length).padStart(6)} spans  ${ms.toFixed(0).padStart(5)} ms  ${Math.round((value.spans.length / ms) * 1000)} spans/s`);
    if (granularity === 'sentence') sentences = value.spans.map((s) => s.text);
  }
  if (!withEncoder) return;

  const encoder = await loadEncoder({ model: 'default', device: 'cpu' });
  try {
    await encoder.encode(sentences.slice(0, 1000)); // warm-up
    const cold = await best(5, () => encoder.encode(sentences));
    console.log(`encode cold (no cache)     ${sentences.length} sentences  ${cold.ms.toFixed(0).padStart(5)} ms  ${Math.round((sentences.length / cold.ms) * 1000)} sentences/s`);
    const t0 = performance.now();
    const first = await (await EmbeddingCache.open(cacheDir, encoder.id, encoder.dim)).encodeWithCache(encoder, sentences);
    const fill = performance.now() - t0;
    console.log(`encode through empty cache ${first.misses} misses  ${fill.toFixed(0).padStart(5)} ms (includes writing the cache)`);
    // A re-open happens in a later session, not right after encoding: let ONNX Runtime's worker
    // threads go idle first so they do not compete with it on a small machine.
    await new Promise((r) => setTimeout(r, 1000));
    const warm = await best(10, async () => (await EmbeddingCache.open(cacheDir, encoder.id, encoder.dim)).encodeWithCache(encoder, sentences));
    if (warm.value.misses !== 0) throw new Error(`expected a warm cache, got ${warm.value.misses} misses`);
    console.log(`re-open from cache         ${warm.value.hits} hits    ${warm.ms.toFixed(1).padStart(5)} ms  (open + hash + read vectors; best of 10): ${(cold.ms / warm.ms).toFixed(1)}× faster than the plain cold encode, ${(fill / warm.ms).toFixed(1)}× faster than the first open through the cache`);
  } finally {
    await encoder.dispose();
  }
}

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });
