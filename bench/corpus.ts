// `node --import tsx bench/corpus.ts [--data FILE.jsonl] [--encoder]`: a benchmark, not a test.
// Writes the dataset's texts as .txt files (100 paragraphs each, blank-line separated) into a
// temp workspace and prints spans/s of readCorpus at each granularity. With --encoder it also
// times the embedded encoder cold (read + segment + encode), the first open through the cache and
// manifest, and re-opening the unchanged corpus through the cache alone and through the manifest.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCorpusEncoded } from '../src/core/encoders/corpusManifest';
import { EmbeddingCache } from '../src/core/encoders/embeddingCache';
import type { Encoder } from '../src/core/encoders/encoder';
import { loadEncoder } from '../src/core/encoders/loadEncoder';
import { defaultSettings } from '../src/core/settings';
import { readCorpus, type CorpusOptions } from '../src/core/text/corpus';
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
  for (const granularity of ['paragraph', 'sentence', 'line'] as Granularity[]) {
    const { ms, value } = await best(3, () => readCorpus({ ...opts, granularity }));
    console.log(`readCorpus ${granularity.padEnd(9)} ${String(value.spans.length).padStart(6)} spans  ${ms.toFixed(0).padStart(5)} ms  ${Math.round((value.spans.length / ms) * 1000)} spans/s`);
  }
  if (!withEncoder) return;

  const encoder = await loadEncoder({ model: 'default', device: 'cpu' });
  try {
    await reopenBench(encoder, { ...opts, granularity: 'sentence' });
  } finally {
    await encoder.dispose();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const idle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Cold encode (read + segment + encode, no cache) vs the first open through the cache (the same
 * plus writing the cache and the manifest) vs re-opening the unchanged corpus through the cache
 * alone (read + segment + hash + look up) and through the manifest (list + stat + read the
 * manifest). Medians over RUNS runs; each cold and first-open run starts from an empty folder.
 */
async function reopenBench(encoder: Encoder, corpus: CorpusOptions): Promise<void> {
  const RUNS = 7;
  // A real workspace's files were not written a moment ago. A file changed within ~2.5 s of its
  // stat is "racy" and read again at the next open (see corpusManifest.ts), so wait that long.
  await idle(2600);
  const warm = await readCorpus(corpus);
  await encoder.encode(warm.spans.slice(0, 1000).map((s) => s.text)); // warm-up
  const cold: number[] = [];
  const first: number[] = [];
  const viaCache: number[] = [];
  const viaManifest: number[] = [];
  let spans = 0;
  for (let r = 0; r < RUNS; r++) {
    // Let ONNX Runtime's worker threads go idle between phases: on 2 cores they slow what follows.
    await idle(300);
    let t = performance.now();
    const c = await readCorpus(corpus);
    await encoder.encode(c.spans.map((s) => s.text));
    cold.push(performance.now() - t);
    spans = c.spans.length;

    const dir = join(cacheDir, `run-${r}`);
    await idle(300);
    t = performance.now();
    const f = await openCorpusEncoded({ corpus, encoder, cacheDir: dir });
    first.push(performance.now() - t);
    if (f.stats.misses !== spans || !f.stats.written) throw new Error('expected a cold first open that writes the manifest');

    await idle(300);
    t = performance.now();
    const c2 = await readCorpus(corpus);
    const cached = await (await EmbeddingCache.open(dir, encoder.id, encoder.dim)).encodeWithCache(encoder, c2.spans.map((s) => s.text));
    viaCache.push(performance.now() - t);
    if (cached.misses !== 0) throw new Error(`expected a warm cache, got ${cached.misses} misses`);

    await idle(300);
    t = performance.now();
    const m = await openCorpusEncoded({ corpus, encoder, cacheDir: dir });
    viaManifest.push(performance.now() - t);
    if (m.stats.filesRead !== 0 || m.stats.misses !== 0 || m.spans.length !== spans) throw new Error(`expected a full manifest reuse, got ${JSON.stringify(m.stats)}`);
  }
  const [c, f, vc, vm] = [median(cold), median(first), median(viaCache), median(viaManifest)];
  console.log(`\nre-open, ${spans} sentence spans, medians of ${RUNS} runs:`);
  console.log(`  cold: read + segment + encode, no cache   ${c.toFixed(1).padStart(7)} ms`);
  console.log(`  first open through the cache + manifest   ${f.toFixed(1).padStart(7)} ms  (${(f / c).toFixed(2)}× the cold time: writing cache and manifest)`);
  console.log(`  re-open via the embedding cache only      ${vc.toFixed(1).padStart(7)} ms  (read + segment + hash + look up): ${(c / vc).toFixed(1)}× faster than cold`);
  console.log(`  re-open via the corpus manifest           ${vm.toFixed(1).padStart(7)} ms  (list + stat + read manifest): ${(c / vm).toFixed(1)}× faster than cold, ${(f / vm).toFixed(1)}× faster than the first open`);
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
