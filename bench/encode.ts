// `npm run bench:encode`: throughput of the encoders, a benchmark (prints figures, asserts nothing).
//
//   1. embedded GloVe encoder, end to end (tokenization + batching + ONNX Runtime) versus a raw
//      ONNX Runtime session run over the same, already tokenised and batched, token ids: the
//      ceiling, and the ratio of the two;
//   2. the same for the tiny random BERT of test/fixtures (@huggingface/tokenizers tokenizer);
//   3. cold encode versus re-encode of the unchanged corpus from the on-disk embedding cache, and
//      the whole re-open of a corpus of files: cold (read + segment + encode) vs first open vs
//      re-open through the cache alone vs through the corpus manifest (bench/reopen.ts);
//   4. peak memory (max RSS).
//
// Input: the paragraphs of ../shared/datasets/brown-genre.jsonl split into sentences at . ! ?
// followed by a capitalised word (a plain regex, good enough for a benchmark). Figures are
// medians over RUNS runs after one warm-up; end-to-end and raw runs alternate, so their ratio holds
// even while other processes load the machine. Options: --runs N, --device auto|cpu|cuda,
// --data FILE.jsonl, --bert-sentences N.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeTinyBert } from '../test/fixtures/makeTinyBert.mjs';
import { DefaultEncoder, makeBatches } from '../src/core/encoders/defaultEncoder';
import { tokenizeAll } from '../src/core/encoders/tokenizedTexts';
import { EmbeddingCache } from '../src/core/cache/embeddingCache';
import { reopenBench, writeWorkspace } from './reopen';
import type { Encoder } from '../src/core/encoders/encoder';
import { HfEncoder } from '../src/core/encoders/hfEncoder';
import { loadEncoder } from '../src/core/encoders/loadEncoder';
import { parseDevice } from '../src/core/settingsParser';
import { median } from './stats';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const RUNS = Number(arg('runs', '5'));
const device = parseDevice(arg('device', 'auto'), '--device');
const dataFile = resolve(arg('data', join(__dirname, '..', '..', 'shared', 'datasets', 'brown-genre.jsonl')));
const BERT_SENTENCES = Number(arg('bert-sentences', '5000'));

/** Median seconds of `fn` over RUNS runs, after one warm-up run. */
async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    xs.push((performance.now() - t0) / 1000);
  }
  return median(xs);
}

/**
 * Median seconds of `a` and of `b`, run alternately (a, b, b, a, ...) after a warm-up of each, so
 * that both see the same machine load: their ratio stays meaningful on a busy machine.
 */
async function timePair(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  await a();
  await b();
  const xa: number[] = [];
  const xb: number[] = [];
  const once = async (fn: () => Promise<unknown>, xs: number[]): Promise<void> => {
    const t0 = performance.now();
    await fn();
    xs.push((performance.now() - t0) / 1000);
  };
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      await once(a, xa);
      await once(b, xb);
    } else {
      await once(b, xb);
      await once(a, xa);
    }
  }
  return [median(xa), median(xb)];
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const rssMB = (): number => process.resourceUsage().maxRSS / 1024;

function sentences(file: string): string[] {
  const paras = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => (JSON.parse(l) as { text: string }).text);
  return paras.flatMap((p) => p.split(/(?<=[.!?]["')]?)\s+(?=["'(]?[A-Z])/)).filter((s) => s.trim() !== '');
}

async function cacheSection(label: string, enc: Encoder, texts: readonly string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lw-bench-cache-'));
  try {
    // Cold: an empty cache, every text encoded and written. Each cold run gets a fresh folder.
    const coldTimes: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const d = join(dir, `cold-${i}`);
      const t0 = performance.now();
      const cache = await EmbeddingCache.open(d, enc.id, enc.dim);
      await cache.encodeWithCache(enc, texts);
      await cache.flush();
      if (i > 0) coldTimes.push((performance.now() - t0) / 1000);
    }
    // Warm: what a second open of the unchanged corpus does — read the cache file, find every text.
    const warm = await time(async () => {
      const cache = await EmbeddingCache.open(join(dir, 'cold-0'), enc.id, enc.dim);
      const r = await cache.encodeWithCache(enc, texts);
      if (r.misses !== 0) throw new Error(`expected no misses, got ${r.misses}`);
    });
    const cold = median(coldTimes);
    console.log(`  ${label}: cold ${cold.toFixed(3)} s (${fmt(texts.length / cold)} texts/s), cached re-encode ${warm.toFixed(3)} s (${fmt(texts.length / warm)} texts/s): ${(cold / warm).toFixed(1)}× faster`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const sents = sentences(dataFile);
  const chars = sents.reduce((a, s) => a + s.length, 0);
  console.log(`bench:encode — ${sents.length} sentences (${(chars / sents.length).toFixed(0)} chars on average) from ${dataFile}, split at sentence ends; median of ${RUNS} runs; device ${device}`);
  console.log(`node ${process.version}, ${process.platform}-${process.arch}`);

  // 1. Embedded encoder.
  const glove = (await loadEncoder({ model: 'default', device })) as DefaultEncoder;
  const tokenized = tokenizeAll(glove.tokenizer, sents);
  const batches = makeBatches(tokenized);
  const tokenizeS = await time(async () => tokenizeAll(glove.tokenizer, sents));
  const [endToEnd, raw] = await timePair(
    () => glove.encode(sents),
    async () => {
      for (const b of batches) await glove.run(b, 'sentence_embedding');
    },
  );
  const padded = batches.reduce((a, b) => a + b.rows * b.seq, 0);
  console.log(`\nembedded encoder ${glove.id} on ${glove.provider.toUpperCase()}: ${tokenized.ids.length} known tokens, ${batches.length} batches, ${((padded / tokenized.ids.length - 1) * 100).toFixed(1)}% padding`);
  console.log(`  end to end (tokenize + batch + run): ${fmt(sents.length / endToEnd)} sentences/s (${endToEnd.toFixed(3)} s)`);
  console.log(`  raw ONNX Runtime session, same ids:  ${fmt(sents.length / raw)} sentences/s (${raw.toFixed(3)} s)  ← ceiling`);
  console.log(`  end to end / ceiling: ${((raw / endToEnd) * 100).toFixed(0)}%   (tokenization alone: ${fmt(sents.length / tokenizeS)} sentences/s)`);
  console.log(`  peak RSS so far: ${rssMB().toFixed(0)} MB`);

  // 2. Tiny BERT.
  const bertDir = mkdtempSync(join(tmpdir(), 'lw-bench-bert-'));
  try {
    makeTinyBert(join(bertDir, 'tiny-bert'));
    const bert = (await loadEncoder({ model: join(bertDir, 'tiny-bert'), device })) as HfEncoder;
    const subset = sents.slice(0, BERT_SENTENCES);
    const bertBatches = bert.prepareBatches(subset);
    const [bertE2E, bertRaw] = await timePair(
      () => bert.encode(subset),
      async () => {
        for (const b of bertBatches) await bert.runBatch(b);
      },
    );
    console.log(`\ntiny BERT (2 layers, hidden 32, random weights) ${bert.id} on ${bert.provider.toUpperCase()}, first ${subset.length} sentences:`);
    console.log(`  end to end (tokenize + batch + run + pool): ${fmt(subset.length / bertE2E)} sentences/s (${bertE2E.toFixed(3)} s)`);
    console.log(`  raw ONNX Runtime session, same ids:         ${fmt(subset.length / bertRaw)} sentences/s (${bertRaw.toFixed(3)} s)  ← ceiling`);
    console.log(`  end to end / ceiling: ${((bertRaw / bertE2E) * 100).toFixed(0)}%`);

    // 3. Embedding cache.
    console.log('\nembedding cache (cold encode + write vs. re-open + lookup of the unchanged corpus):');
    await cacheSection(`embedded encoder, ${sents.length} sentences`, glove, sents);
    await cacheSection(`tiny BERT, ${subset.length} sentences`, bert, subset);
    // 3b. The whole re-open: files → spans → vectors, with the corpus manifest.
    console.log('\ncorpus re-open (the sentences as .txt files, one a line, 100 a file; granularity line):');
    const ws = mkdtempSync(join(tmpdir(), 'lw-bench-ws-'));
    try {
      writeWorkspace(ws, sents, 100, '\n');
      const corpus = { root: ws, include: ['**/*.txt'], exclude: [], granularity: 'line' as const, maxFileSizeMB: 10 };
      await reopenBench(glove, corpus, RUNS);
      const wsBert = mkdtempSync(join(tmpdir(), 'lw-bench-ws-'));
      try {
        writeWorkspace(wsBert, subset, 100, '\n');
        await reopenBench(bert, { ...corpus, root: wsBert }, RUNS);
      } finally {
        rmSync(wsBert, { recursive: true, force: true });
      }
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
    await bert.dispose();
  } finally {
    rmSync(bertDir, { recursive: true, force: true });
  }
  await glove.dispose();

  // 4. Memory.
  console.log(`\npeak RSS: ${rssMB().toFixed(0)} MB`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
