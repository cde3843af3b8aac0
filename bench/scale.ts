// `npm run bench:scale [-- --sizes 10k,100k,1m --runs 3 --dir DIR --compare --source --lexical N]`: a benchmark (prints figures,
// asserts nothing). Builds workspaces of ~10 k / 100 k / 1 M sentence spans from the dev datasets
// (every record's text cut into sentences; copies after the first have two words replaced, so every
// text differs and the embedding cache cannot fold them), 100 spans a file (1 M: 10 k files), in
// DIR (default: the OS temp folder's labelwise-bench-scale; reused between runs when present), and
// times each phase through the product's own code:
//
//   read      list + read + segment (readCorpus), serial — the raw reference;
//   encode    the embedded encoder over every text in one call (after an untimed read) — the raw reference;
//   open      LabelingSession.open through defaultDeps (what the engine worker runs), cold: no cache;
//   open -cache  the same with no usable cache folder: nothing written; "cache write" is open minus this;
//   re-open   LabelingSession.open again in a fresh process, from the cache and manifest the open wrote;
//   query     the first batch of 10 (no labels yet), in that re-opened session;
//   retrain   50 labels given (by a hash of the text), then one retrain;
//   select    the next batch of 10 after that retrain.
//
// Every phase of a size runs in child processes (read, encode, open, open without cache, session),
// so the peak RSS is that child's: for query/retrain/select it is the session child's peak so far
// (re-open included). Wall, CPU (user + system, all threads: process.cpuUsage) and the main thread's
// CPU (/proc/self/task: what bounds the wall time on an idle machine) are medians over
// --runs runs; the runs alternate the children, so ratios hold while other processes load the
// machine. The growth exponent between sizes is log(t2/t1) / log(n2/n1) (1 = linear).
//
// The children run the code bundled as the extension ships it (see childCommand; --source: through
// tsx). --compare adds the parallel pieces alone: the read over the open's workers, the encode on
// one intra-op thread and over this thread + the workers, and the first open on one thread
// (LABELWISE_OPEN_WORKERS=0). LW_BENCH_LOG=1 prints each child's session log with wall, CPU and
// memory stamps. 1 M spans take minutes and ~2.5 GB: run it niced and alone.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { loadEncoder } from '../src/core/encoders/loadEncoder';
import { defaultDeps } from '../src/core/session/defaultDeps';
import { OpenPool, openWorkerCount } from '../src/core/session/openPool';
import { LabelingSession } from '../src/core/session/labelingSession';
import { defaultSettings, type StartableSettings } from '../src/core/settings';
import { readCorpus, type CorpusOptions } from '../src/core/text/corpus';
import { hash128Hex } from '../src/core/text/fastHash';
import { silentLogger, type Logger } from '../src/core/types';
import { median } from './stats';

const SPANS_PER_FILE = 100;
const LABELS = ['a', 'b', 'c', 'd'] as const;
/** Bump when the way workspaces are built changes: a workspace of another version is rebuilt. */
const WORKSPACE_VERSION = 1;

interface Measure {
  readonly wall: number;
  readonly cpu: number;
  /** CPU of the process's main thread alone (Linux; NaN elsewhere): the critical path of a phase on an idle machine. */
  readonly main: number;
  readonly rss: number;
}
type ChildResult = { readonly spans: number; readonly phases: Record<string, Measure> };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function sizeOf(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(s.trim());
  if (!m) throw new Error(`--sizes: "${s}" is not a size like 10k, 100k or 1m`);
  return Math.round(Number(m[1]) * (m[2].toLowerCase() === 'm' ? 1e6 : m[2].toLowerCase() === 'k' ? 1e3 : 1));
}

// --lexical N: labelwise.lexicalFeatures of the sessions (default: the setting's default; 0: none),
// handed to the children through the environment.
if (!process.argv.includes('--child') && process.argv.includes('--lexical')) process.env.LW_BENCH_LEXICAL = arg('lexical', String(defaultSettings.lexicalFeatures));
function lexicalFeatures(): number {
  const v = Number(process.env.LW_BENCH_LEXICAL ?? defaultSettings.lexicalFeatures);
  if (!(Number.isInteger(v) && v >= 0)) throw new Error(`--lexical must be an integer ≥ 0, got ${process.env.LW_BENCH_LEXICAL}`);
  return v;
}

function settingsFor(): StartableSettings {
  return { ...defaultSettings, labels: [...LABELS] as unknown as StartableSettings['labels'], include: ['**/*.txt'], device: 'cpu', autoRetrainEvery: 0, lexicalFeatures: lexicalFeatures() };
}

function corpusOf(root: string): CorpusOptions {
  const s = settingsFor();
  return { root, include: s.include, exclude: s.exclude, granularity: s.granularity, maxFileSizeMB: s.maxFileSizeMB };
}

// ---- workspaces ----

function datasetFiles(): string[] {
  const repo = resolve(__dirname, '..');
  const dirs = arg('data', '') !== '' ? arg('data', '').split(',') : [join(repo, '..', 'shared', 'datasets'), join(repo, '..', '..', 'shared', 'datasets'), join(repo, 'bench', 'datasets')];
  const files = new Set<string>();
  for (const d of dirs) if (existsSync(d)) for (const f of readdirSync(d)) if (f.endsWith('.jsonl')) files.add(resolve(d, f));
  if (files.size === 0) throw new Error(`no dataset found in ${dirs.join(', ')} (--data DIR,...)`);
  return [...files].sort();
}

/** Distinct sentences of the datasets (a plain regex split; good enough for a benchmark). */
function sentences(files: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const text = (JSON.parse(line) as { text?: unknown }).text;
      if (typeof text !== 'string') continue;
      for (const s of text.split(/(?<=[.!?])\s+(?=[A-Z"])/)) {
        const t = s.replace(/\s+/g, ' ').trim();
        if (t.length >= 20 && t.length <= 400 && /^[A-Za-z"]/.test(t)) seen.add(t);
      }
    }
  }
  return [...seen];
}

/** Copy `c` of sentence `t`: copy 0 as it is, later copies with two words replaced (seeded). */
function variant(t: string, c: number, i: number, words: readonly string[]): string {
  if (c === 0) return t;
  const w = t.split(' ');
  let h = (i * 2654435761 + c * 40503) >>> 0;
  for (let k = 0; k < 2; k++) {
    h = (h * 1103515245 + 12345) >>> 0;
    const at = h % w.length;
    h = (h * 1103515245 + 12345) >>> 0;
    w[at] = words[h % words.length];
  }
  return w.join(' ');
}

function ensureWorkspace(dir: string, spans: number): string {
  const root = join(dir, `ws-${spans}`);
  const stamp = join(root, '.bench-built');
  const want = `${WORKSPACE_VERSION} ${spans} ${SPANS_PER_FILE}`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return root;
  rmSync(root, { recursive: true, force: true });
  const base = sentences(datasetFiles());
  const words = [...new Set(base.join(' ').split(' ').filter((w) => /^[a-z]{3,}$/.test(w)))];
  process.stderr.write(`building ${root}: ${spans} spans from ${base.length} distinct sentences, ${Math.ceil(spans / SPANS_PER_FILE)} files\n`);
  for (let f = 0; f * SPANS_PER_FILE < spans; f++) {
    // 100 files a folder, as a real corpus is spread over folders.
    const sub = join(root, 'data', `d${String(Math.floor(f / 100)).padStart(3, '0')}`);
    if (f % 100 === 0) mkdirSync(sub, { recursive: true });
    const lines: string[] = [];
    for (let i = f * SPANS_PER_FILE; i < Math.min(spans, (f + 1) * SPANS_PER_FILE); i++) lines.push(variant(base[i % base.length], Math.floor(i / base.length), i, words));
    writeFileSync(join(sub, `part-${String(f).padStart(5, '0')}.txt`), lines.join('\n\n') + '\n');
  }
  writeFileSync(stamp, want);
  return root;
}

// ---- children ----

/** LW_BENCH_LOG=1: the session's log on stderr, with seconds since the child started (where the time goes). */
const t0 = performance.now();
const stamp = (level: string) => (m: string): void => {
  const mem = process.memoryUsage();
  const mb = (b: number): string => (b / 1048576).toFixed(0);
  process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(2)}s cpu ${(((c) => (c.user + c.system) / 1e6)(process.cpuUsage())).toFixed(2)}s rss ${mb(mem.rss)} MB (heap ${mb(mem.heapUsed)}/${mb(mem.heapTotal)}, buffers ${mb(mem.arrayBuffers)}) ${level} ${m}\n`);
};
const logger: Logger = process.env.LW_BENCH_LOG ? { info: stamp('info'), warn: stamp('warn'), error: stamp('error') } : silentLogger;

interface Job {
  readonly kind: 'read' | 'encode' | 'open' | 'open-nocache' | 'open-serial' | 'session' | 'read-pool' | 'encode-1t' | 'encode-pool';
  readonly root: string;
  readonly cacheDir: string;
}

/** Seconds of CPU of this process's main thread (utime + stime of its task), NaN where /proc is missing. */
function mainThreadCpu(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5), counted after the command: 12 and 13 here; in clock ticks (USER_HZ 100).
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function phase<T>(into: Record<string, Measure>, name: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const c = process.cpuUsage();
  const m = mainThreadCpu();
  const v = await fn();
  const d = process.cpuUsage(c);
  into[name] = { wall: (performance.now() - t) / 1000, cpu: (d.user + d.system) / 1e6, main: mainThreadCpu() - m, rss: process.resourceUsage().maxRSS / 1024 };
  return v;
}

async function child(job: Job): Promise<ChildResult> {
  const phases: Record<string, Measure> = {};
  const settings = settingsFor();
  if (job.kind === 'read') {
    const c = await phase(phases, 'read', () => readCorpus(corpusOf(job.root)));
    return { spans: c.spans.length, phases };
  }
  if (job.kind === 'read-pool') {
    // Pool start included: an open pays for it.
    const c = await phase(phases, job.kind, async () => {
      const pool = OpenPool.start(openWorkerCount());
      const r = await pool.readCorpus(corpusOf(job.root));
      await pool.close();
      return r;
    });
    return { spans: c.spans.length, phases };
  }
  if (job.kind === 'encode' || job.kind === 'encode-1t' || job.kind === 'encode-pool') {
    const c = await readCorpus(corpusOf(job.root));
    const texts = c.spans.map((s) => s.text);
    const encoder = await loadEncoder({ model: settings.model, device: settings.device, threads: job.kind === 'encode-1t' ? 1 : 0 });
    if (job.kind === 'encode-pool') {
      // Pool start and each worker's encoder load included: an open pays for them. Calls of 16384
      // texts, as the open makes them.
      await phase(phases, job.kind, async () => {
        const pool = OpenPool.start(openWorkerCount());
        const e = await pool.encoderFor(encoder, { model: settings.model, device: 'cpu' }, logger);
        if (!e) throw new Error('the pool could not encode');
        for (let i = 0; i < texts.length; i += 16384) await e.encode(texts.slice(i, i + 16384));
        await pool.close();
      });
    } else {
      await phase(phases, job.kind, () => encoder.encode(texts));
    }
    await encoder.dispose();
    return { spans: c.spans.length, phases };
  }
  const params = { root: job.root, settings, cacheDir: job.cacheDir, decisions: [] };
  if (job.kind === 'open' || job.kind === 'open-nocache' || job.kind === 'open-serial') {
    // The open on this thread alone, as before the parallel open (openPool.ts): for comparison.
    if (job.kind === 'open-serial') process.env.LABELWISE_OPEN_WORKERS = '0';
    if (job.kind !== 'open-nocache') rmSync(job.cacheDir, { recursive: true, force: true });
    else writeFileSync(job.cacheDir, 'not a folder: the open runs without a cache\n');
    const { session, result } = await phase(phases, job.kind, () => LabelingSession.open(params, defaultDeps(), { logger }));
    await session.dispose();
    return { spans: result.spans, phases };
  }
  const { session, result } = await phase(phases, 're-open', () => LabelingSession.open(params, defaultDeps(), { logger }));
  const first = await phase(phases, 'query', () => session.query({ n: 10, exclude: [] }));
  if (first.length === 0) throw new Error('the first query returned nothing');
  // 50 labels on spans spread over the pool, each label from a hash of the text (a stand-in for a
  // person), chosen before the timed phase.
  // By row, and only those 50 spans' texts read (session.spans() would read every text).
  const step = Math.floor(session.spanCount / 50);
  const chosen = await session.views(Array.from({ length: 50 }, (_, k) => session.idAt(k * step)));
  const picks = chosen.map((s) => ({ id: s.id, label: LABELS[parseInt(hash128Hex(s.text).slice(0, 6), 16) % LABELS.length] }));
  await phase(phases, 'retrain', async () => {
    for (const p of picks) session.decide({ id: p.id, label: p.label, decided: true });
    return session.retrain();
  });
  await phase(phases, 'select', () => session.query({ n: 10, exclude: first.map((p) => p.id) }));
  // What the session holds once labeling goes on: the RSS now, after a full collection (the child
  // runs with --expose-gc), in the peak column.
  (globalThis as { gc?: () => void }).gc?.();
  phases.warm = { wall: 0, cpu: 0, main: 0, rss: process.memoryUsage().rss / 1048576 };
  await session.dispose();
  return { spans: result.spans, phases };
}

/**
 * The children run this file bundled as the extension ships its code (esbuild, the same options
 * as esbuild.mjs), with the open's worker script beside it: under tsx every worker thread would
 * compile the TypeScript again, which the product never does. `--source` runs them through tsx.
 */
function childCommand(): string[] {
  if (process.argv.includes('--source')) return ['--import', 'tsx', __filename];
  const outdir = resolve(__dirname, '..', 'dist', 'bench');
  buildSync({
    entryPoints: { scale: __filename, openWorker: resolve(__dirname, '..', 'src', 'core', 'session', 'openWorker.ts') },
    bundle: true,
    outdir,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'onnxruntime-node', 'esbuild'],
    banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl' },
    logLevel: 'warning',
  });
  return [join(outdir, 'scale.js')];
}

let command: string[] | undefined;

function runChild(job: Job): ChildResult {
  command ??= childCommand();
  const r = spawnSync(process.execPath, ['--expose-gc', ...command, '--child', JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const out = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !out.startsWith('{')) throw new Error(`child ${job.kind} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(out) as ChildResult;
}

// ---- the report ----

const ORDER = ['read', 'read-pool', 'encode', 'encode-1t', 'encode-pool', 'open', 'open-serial', 'open-nocache', 'cache write', 're-open', 'query', 'retrain', 'select', 'warm'] as const;
const LABEL: Record<string, string> = {
  read: 'list+read+segment',
  encode: 'encode (one call)',
  'read-pool': 'list+read+segment, workers',
  'encode-1t': 'encode, 1 intra-op thread',
  'encode-pool': 'encode, workers × 1 thread',
  open: 'first open (cold)',
  'open-nocache': 'first open, no cache',
  'open-serial': 'first open, one thread',
  'cache write': 'cache write (open − no cache)',
  're-open': 're-open',
  query: 'first query (10)',
  retrain: 'retrain on 50 labels',
  select: 'select 10',
  warm: 'warm session: RSS after GC',
};

async function main(): Promise<void> {
  const sizes = arg('sizes', '10k,100k').split(',').map(sizeOf);
  const runs = Number(arg('runs', '3'));
  // --compare: also the parallel pieces alone (workers' read, encode on 1 intra-op thread, workers' encode).
  const compare = process.argv.includes('--compare');
  const dir = resolve(arg('dir', join(tmpdir(), 'labelwise-bench-scale')));
  mkdirSync(dir, { recursive: true });
  const rows: { spans: number; m: Record<string, Measure> }[] = [];
  for (const size of sizes) {
    const root = ensureWorkspace(dir, size);
    const cacheDir = join(dir, `cache-${size}`);
    const runsOf: Record<string, Measure[]> = {};
    let spans = 0;
    const add = (r: ChildResult): void => {
      spans = r.spans;
      for (const [k, v] of Object.entries(r.phases)) (runsOf[k] ??= []).push(v);
    };
    for (let r = 0; r < runs; r++) {
      process.stderr.write(`  ${size}: run ${r + 1}/${runs}\n`);
      add(runChild({ kind: 'read', root, cacheDir }));
      add(runChild({ kind: 'encode', root, cacheDir }));
      if (compare) {
        add(runChild({ kind: 'open-serial', root, cacheDir: join(dir, `serial-${size}`) }));
        add(runChild({ kind: 'read-pool', root, cacheDir }));
        add(runChild({ kind: 'encode-1t', root, cacheDir }));
        add(runChild({ kind: 'encode-pool', root, cacheDir }));
      }
      add(runChild({ kind: 'open-nocache', root, cacheDir: join(dir, `nocache-${size}`) }));
      add(runChild({ kind: 'open', root, cacheDir }));
      add(runChild({ kind: 'session', root, cacheDir }));
      // Cache write of this run: its open minus its open without a cache.
      const o = runsOf.open[r];
      const n = runsOf['open-nocache'][r];
      (runsOf['cache write'] ??= []).push({ wall: o.wall - n.wall, cpu: o.cpu - n.cpu, main: o.main - n.main, rss: o.rss });
    }
    const m: Record<string, Measure> = {};
    for (const [k, xs] of Object.entries(runsOf)) m[k] = { wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)), main: median(xs.map((x) => x.main)), rss: median(xs.map((x) => x.rss)) };
    // Ratio of each run's open to that run's raw read + encode, then the median (same-run ratios).
    const ratio = (f: (x: Measure) => number): number => median(runsOf.open.map((o, i) => f(o) / (f(runsOf.read[i]) + f(runsOf.encode[i]))));
    rows.push({ spans, m });
    console.log(`\n${spans} spans in ${Math.ceil(size / SPANS_PER_FILE)} files (${root}), median of ${runs} runs, ${cpuModel()}, labelwise.lexicalFeatures ${lexicalFeatures()}:`);
    console.log(`  ${'phase'.padEnd(30)} ${'wall s'.padStart(8)} ${'CPU s'.padStart(8)} ${'main thr s'.padStart(10)} ${'peak RSS MB'.padStart(12)}`);
    for (const k of ORDER) {
      const x = m[k];
      if (x) console.log(`  ${LABEL[k].padEnd(30)} ${x.wall.toFixed(2).padStart(8)} ${x.cpu.toFixed(2).padStart(8)} ${x.main.toFixed(2).padStart(10)} ${x.rss.toFixed(0).padStart(12)}`);
    }
    console.log(`  first open / (read + encode), same run: wall ${ratio((x) => x.wall).toFixed(2)}×, CPU ${ratio((x) => x.cpu).toFixed(2)}×`);
  }
  if (rows.length > 1) {
    console.log('\ngrowth exponent between sizes (1 = linear): wall / CPU / peak RSS');
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1];
      const b = rows[i];
      const e = (x: number, y: number): string => (Math.log(y / x) / Math.log(b.spans / a.spans)).toFixed(2);
      console.log(`  ${a.spans} → ${b.spans} spans:`);
      for (const k of ORDER) {
        const x = a.m[k];
        const y = b.m[k];
        if (x && y && k !== 'cache write') console.log(`    ${LABEL[k].padEnd(30)} ${e(x.wall, y.wall).padStart(6)} ${e(x.cpu, y.cpu).padStart(6)} ${e(x.rss, y.rss).padStart(6)}`);
      }
    }
  }
}

function cpuModel(): string {
  try {
    const n = execFileSync('nproc', { encoding: 'utf8' }).trim();
    return `${n} cores`;
  } catch {
    return 'cores unknown';
  }
}

if (process.argv.includes('--child')) {
  child(JSON.parse(arg('child', '{}')) as Job)
    .then((r) => {
      process.stdout.write(`\n${JSON.stringify(r)}\n`);
      // ONNX Runtime's thread pool can keep the process alive for a moment; the result is out.
      process.exit(0);
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
