// `node --import tsx bench/corpus.ts [--data FILE.jsonl] [--encoder]`: a benchmark, not a test.
// Writes the dataset's texts as .txt files (100 paragraphs each, blank-line separated) into a
// temp workspace and prints spans/s of readCorpus at each granularity. With --encoder it also
// times the embedded encoder cold (read + segment + encode), the first open through the cache and
// manifest, and re-opening the unchanged corpus through the cache alone and through the manifest.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEncoder } from '../src/core/encoders/loadEncoder';
import { defaultSettings } from '../src/core/settings';
import { readCorpus } from '../src/core/text/corpus';
import type { Granularity } from '../src/core/types';
import { reopenBench, writeWorkspace } from './reopen';

const args = process.argv.slice(2);
const dataArg = args.indexOf('--data');
const data = dataArg >= 0 ? args[dataArg + 1] : '../shared/datasets/brown-genre.jsonl';
const withEncoder = args.includes('--encoder');

const texts = readFileSync(data, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => (JSON.parse(l) as { text: string }).text);
const root = mkdtempSync(join(tmpdir(), 'lw-bench-corpus-'));

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
  writeWorkspace(root, texts, 100, '\n\n');
  console.log(`corpus: ${texts.length} paragraphs in ${Math.ceil(texts.length / 100)} files`);
  const opts = { root, include: defaultSettings.include, exclude: defaultSettings.exclude, maxFileSizeMB: 10 };
  for (const granularity of ['paragraph', 'sentence', 'line'] as Granularity[]) {
    const { ms, value } = await best(3, () => readCorpus({ ...opts, granularity }));
    console.log(`readCorpus ${granularity.padEnd(9)} ${String(value.spans.length).padStart(6)} spans  ${ms.toFixed(0).padStart(5)} ms  ${Math.round((value.spans.length / ms) * 1000)} spans/s`);
  }
  if (!withEncoder) return;

  const encoder = await loadEncoder({ model: 'default', device: 'cpu' });
  try {
    console.log('\nre-open of the unchanged corpus:');
    await reopenBench(encoder, { ...opts, granularity: 'sentence' }, 7);
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
  });
