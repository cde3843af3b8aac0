// Shared by bench/corpus.ts and bench/encode.ts: cold encode vs first open through the cache vs
// re-opening an unchanged corpus through the embedding cache alone and through the corpus manifest.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openCorpusEncoded } from '../src/core/cache/corpusManifest';
import { EmbeddingCache } from '../src/core/cache/embeddingCache';
import type { Encoder } from '../src/core/encoders/encoder';
import { readCorpus, type CorpusOptions } from '../src/core/text/corpus';
import { median } from './stats';

/** Writes `texts` into `root`/data as .txt files of `perFile` texts each, joined by `sep`. */
export function writeWorkspace(root: string, texts: readonly string[], perFile: number, sep: string): void {
  mkdirSync(join(root, 'data'), { recursive: true });
  for (let f = 0; f * perFile < texts.length; f++) {
    writeFileSync(join(root, 'data', `part-${String(f).padStart(4, '0')}.txt`), texts.slice(f * perFile, (f + 1) * perFile).join(sep) + '\n');
  }
}

/**
 * A user re-opens the corpus once per process (the extension host or the CLI just started): cold
 * JIT, fresh memory. Run as `LW_REOPEN_CHILD=<json> node --import tsx bench/reopen.ts`, this file
 * times one openCorpusEncoded in such a fresh process (the encoder stands for an already loaded
 * one: a full reuse never encodes, and an encode would throw) and prints the milliseconds.
 */
interface ChildJob {
  readonly corpus: CorpusOptions;
  readonly cacheDir: string;
  readonly id: string;
  readonly dim: number;
}

if (process.env.LW_REOPEN_CHILD) {
  const job = JSON.parse(process.env.LW_REOPEN_CHILD) as ChildJob;
  const encoder: Encoder = {
    id: job.id,
    dim: job.dim,
    provider: 'cpu',
    encode: () => Promise.reject(new Error('the fresh-process re-open expected a full manifest reuse')),
    dispose: () => Promise.resolve(),
  };
  void (async (): Promise<void> => {
    const t = performance.now();
    const r = await openCorpusEncoded({ corpus: job.corpus, encoder, cacheDir: job.cacheDir });
    const ms = performance.now() - t;
    if (r.stats.filesRead !== 0) throw new Error(`expected a full manifest reuse, got ${JSON.stringify(r.stats)}`);
    process.stdout.write(`${ms}\n`);
  })();
}

function freshProcessOpen(job: ChildJob): number {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename], {
    env: { ...process.env, LW_REOPEN_CHILD: JSON.stringify(job) },
    encoding: 'utf8',
  });
  const ms = Number(r.stdout.trim());
  if (r.status !== 0 || !Number.isFinite(ms)) throw new Error(`fresh-process re-open failed: ${r.stderr || r.stdout}`);
  return ms;
}

const idle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// A re-open happens in a fresh process, with no garbage left by earlier phases: collect it before
// each timed phase (every phase alike), so that one phase does not pay for the previous one's.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Waits for ONNX Runtime's threads to go idle and collects garbage, then times `fn`. */
async function timed<T>(fn: () => Promise<T>, into: number[]): Promise<T> {
  await idle(300);
  gc();
  const t = performance.now();
  const v = await fn();
  into.push(performance.now() - t);
  return v;
}

/**
 * Cold encode (read + segment + encode, no cache) vs the first open through the cache (the same
 * plus writing the cache and the manifest) vs re-opening the unchanged corpus through the cache
 * alone (read + segment + hash + look up) and through the manifest (list + stat + read the
 * manifest). Medians over RUNS runs; each cold and first-open run starts from an empty folder.
 */
export async function reopenBench(encoder: Encoder, corpus: CorpusOptions, RUNS = 5): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'lw-bench-reopen-'));
  try {
    await reopenRuns(encoder, corpus, RUNS, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function reopenRuns(encoder: Encoder, corpus: CorpusOptions, RUNS: number, cacheDir: string): Promise<void> {
  // A real workspace's files were not written a moment ago. A file changed within ~2.5 s of its
  // stat is "racy" and read again at the next open (see corpusManifest.ts), so wait that long.
  await idle(2600);
  const warm = await readCorpus(corpus);
  await encoder.encode(warm.spans.slice(0, 1000).map((s) => s.text)); // warm-up
  const cold: number[] = [];
  const first: number[] = [];
  const viaCache: number[] = [];
  const viaManifest: number[] = [];
  const fresh: number[] = [];
  let spans = 0;
  for (let r = 0; r < RUNS; r++) {
    const c = await timed(async () => {
      const read = await readCorpus(corpus);
      await encoder.encode(read.spans.map((s) => s.text));
      return read;
    }, cold);
    spans = c.spans.length;

    const dir = join(cacheDir, `run-${r}`);
    const f = await timed(() => openCorpusEncoded({ corpus, encoder, cacheDir: dir }), first);
    if (f.stats.misses !== spans || !f.stats.written) throw new Error('expected a cold first open that writes the manifest');

    const cached = await timed(async () => {
      const read = await readCorpus(corpus);
      return (await EmbeddingCache.open(dir, encoder.id, encoder.dim)).encodeWithCache(encoder, read.spans.map((s) => s.text));
    }, viaCache);
    if (cached.misses !== 0) throw new Error(`expected a warm cache, got ${cached.misses} misses`);

    const m = await timed(() => openCorpusEncoded({ corpus, encoder, cacheDir: dir }), viaManifest);
    if (m.stats.filesRead !== 0 || m.stats.misses !== 0 || m.spans.length !== spans) throw new Error(`expected a full manifest reuse, got ${JSON.stringify(m.stats)}`);
  }
  // Only after every in-process run: a child process perturbs this one's next timings (the cold
  // encode measured up to 2.5× slower right after one), which would flatter every ratio.
  for (let r = 0; r < RUNS; r++) {
    await idle(300);
    fresh.push(freshProcessOpen({ corpus, cacheDir: join(cacheDir, `run-${RUNS - 1}`), id: encoder.id, dim: encoder.dim }));
  }

  const [c, f, vc, vm, fp] = [median(cold), median(first), median(viaCache), median(viaManifest), median(fresh)];
  const lo = (xs: number[]): string => `(min ${Math.min(...xs).toFixed(1)})`.padEnd(12);
  console.log(`  ${encoder.id}, ${spans} ${corpus.granularity} spans, median (min) of ${RUNS} runs:`);
  console.log(`    cold: read + segment + encode, no cache   ${c.toFixed(1).padStart(7)} ms ${lo(cold)}`);
  console.log(`    first open through the cache + manifest   ${f.toFixed(1).padStart(7)} ms ${lo(first)} ${(f / c).toFixed(2)}× the cold time (also writes the cache and the manifest)`);
  console.log(`    re-open via the embedding cache only      ${vc.toFixed(1).padStart(7)} ms ${lo(viaCache)} read + segment + hash + look up: ${(c / vc).toFixed(1)}× faster than cold`);
  console.log(`    re-open via the corpus manifest           ${vm.toFixed(1).padStart(7)} ms ${lo(viaManifest)} list + stat + read the manifest: ${(c / vm).toFixed(1)}× faster than cold (${(Math.min(...cold) / Math.min(...viaManifest)).toFixed(1)}× min to min), ${(f / vm).toFixed(1)}× faster than the first open`);
  console.log(`    the same re-open in a fresh process        ${fp.toFixed(1).padStart(7)} ms ${lo(fresh)} first call in a new process (cold JIT, fresh memory): ${(c / fp).toFixed(1)}× faster than cold`);
}

