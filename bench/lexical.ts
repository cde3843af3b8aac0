// `npm run bench:lexical`: the learner's features with and without a lexical block
// (src/core/features/lexical.ts: TF-IDF of words and character trigrams, projected on the pool's
// top singular vectors) next to the embedded encoder's vectors, through simulate() — the editor's
// engine — per dataset × strategy × seed at 300 labels. For each seed the split is the one
// simulate() draws (planRun), the lexical block is fitted on the pool's texts only and the test
// split is projected with that fit. Prints, per dataset and strategy, AULC with and without, the
// paired difference and Wilcoxon p, full-pool accuracy, labels to 90 % of it, meta − random, and a
// summary over datasets.
//
// Results are cached per run in bench/.cache/lexical/ (gitignored; --fresh ignores them) under the
// simulation's code fingerprint (as bench:al's), so an interrupted run resumes and a code change
// reruns. Vectors come from bench:al's cache (bench/.cache/vectors/; run bench:al once first, or
// this encodes them). Flags: --seeds N (default 20), --first-seed F, --datasets a,b,
// --strategies a,b (default margin,random,meta), --dims N (default 100), --budget N (default 300;
// another budget's report goes to bench/lexical.bN.md), --worker i/n (every n-th
// task from i, for a second process), --report (no runs, only the table).
// `--timing 10000,100000`: instead, the cost of labelwise.lexicalFeatures at a session's open —
// appendLexical on a compact pool of that many span texts (the nine datasets' records, repeated
// with a counter to make them distinct), and at a re-open of the same spans from the session's
// cache — wall time and peak RSS, median of --runs (default 3).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metaSelectorFactory } from '../src/core/meta/metaSelectorFactory';
import { parseStrategy } from '../src/core/settingsParser';
import { quantise } from '../src/core/features/compactVectors';
import { fitLexical } from '../src/core/features/lexical';
import { appendLexical } from '../src/core/features/lexicalPool';
import { appendCachedBlock, createLexicalBlockWriter, lexicalCacheFile, openLexicalBlock } from '../src/core/session/lexicalCache';
import { withLexicalBlock } from '../src/core/simulation/lexicalVectors';
import { simulate, type SimulationResult } from '../src/core/simulation/simulate';
import { wilcoxonSignedRank } from '../src/core/simulation/wilcoxon';
import { readGoldDataset, type GoldDataset } from '../src/core/text/dataset';
import { silentLogger, type Matrix } from '../src/core/types';
import { DATASET_SPECS } from '../scripts/datasetSpecs';
import { datasetVectors, defaultPriorTrainedOn } from './datasetVectors';
import { simulationFingerprint } from './importClosure';
import { labelsToReach, mean, pText, sd } from './alTargets';
import { median } from './stats';

const ROOT = join(__dirname, '..');
const CACHE = join(ROOT, 'bench', '.cache');
const SETTINGS = { init: 20, batch: 10, budget: 300, testFraction: 0.3 } as const;
const MODES = ['embedding', 'lexical'] as const;
type Mode = (typeof MODES)[number];

interface Args {
  seeds: number;
  firstSeed: number;
  datasets: string[];
  strategies: string[];
  dims: number;
  fresh: boolean;
  report: boolean;
  worker: { index: number; of: number };
  timing?: number[];
  runs: number;
  budget: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    seeds: 20,
    firstSeed: 1,
    datasets: DATASET_SPECS.map((s) => s.name),
    strategies: ['margin', 'random', 'meta'],
    dims: 100,
    fresh: false,
    report: false,
    worker: { index: 0, of: 1 },
    runs: 3,
    budget: SETTINGS.budget,
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1] ?? '';
    const num = (): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`bench/lexical.ts: ${argv[i]} needs a positive integer, got "${v}"`);
      i++;
      return n;
    };
    switch (argv[i]) {
      case '--seeds':
        a.seeds = num();
        break;
      case '--first-seed':
        a.firstSeed = num();
        break;
      case '--dims':
        a.dims = num();
        break;
      case '--budget':
        a.budget = num();
        break;
      case '--datasets':
        a.datasets = v.split(',');
        i++;
        break;
      case '--strategies':
        a.strategies = v.split(',');
        i++;
        break;
      case '--worker': {
        const [index, of] = v.split('/').map(Number);
        if (!(Number.isInteger(index) && Number.isInteger(of) && index >= 0 && index < of)) throw new Error(`bench/lexical.ts: --worker wants i/n with 0 ≤ i < n, got "${v}"`);
        a.worker = { index, of };
        i++;
        break;
      }
      case '--timing':
        a.timing = v.split(',').map((x) => Number(x.replace(/k$/i, '000')));
        if (a.timing.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`bench/lexical.ts: --timing wants sizes like 10000,100k, got "${v}"`);
        i++;
        break;
      case '--runs':
        a.runs = num();
        break;
      case '--fresh':
        a.fresh = true;
        break;
      case '--report':
        a.report = true;
        break;
      default:
        throw new Error(`bench/lexical.ts: unknown flag ${argv[i]}`);
    }
  }
  for (const d of a.datasets) if (!DATASET_SPECS.some((s) => s.name === d)) throw new Error(`bench/lexical.ts: unknown dataset ${d}`);
  for (const s of a.strategies) parseStrategy(s, '--strategies');
  return a;
}

interface Task {
  readonly dataset: string;
  readonly seed: number;
  readonly strategy: string;
  readonly mode: Mode;
}

/** Fingerprint of the code a run executes (importClosure.ts): the simulation's for meta or a fixed strategy, the lexical block's for its columns. */
const fingerprintOf = (what: 'meta' | 'fixed' | 'lexical'): string => simulationFingerprint(ROOT, what);

/** A run's cache file: keyed by the code it runs, the lexical block's code and size included. */
const cacheFile = (t: Task, args: Args): string => {
  const features = t.mode === 'lexical' ? `lexical${args.dims}.lex-${fingerprintOf('lexical')}` : 'embedding';
  const budget = args.budget === SETTINGS.budget ? '' : `.b${args.budget}`;
  return join(CACHE, 'lexical', t.dataset, `${features}.${t.strategy}${budget}.seed${t.seed}.code-${fingerprintOf(t.strategy === 'meta' ? 'meta' : 'fixed')}.json`);
};

async function run(args: Args, tasks: Task[]): Promise<void> {
  const heldOut = defaultPriorTrainedOn();
  const todo = tasks.filter((t) => args.fresh || !existsSync(cacheFile(t, args)));
  // Dealt out by (dataset, seed), so that one process fits each seed's lexical block once.
  const groups = [...new Set(todo.map((t) => `${t.dataset}\u0000${t.seed}`))].filter((_, i) => i % args.worker.of === args.worker.index);
  let loaded: { name: string; data: GoldDataset; vectors: Matrix } | undefined;
  let done = 0;
  for (const g of groups) {
    const [dataset, seedText] = g.split('\u0000');
    const seed = Number(seedText);
    const spec = DATASET_SPECS.find((d) => d.name === dataset)!;
    if (loaded?.name !== dataset) {
      const data = readGoldDataset(spec.file);
      loaded = { name: dataset, data, vectors: await datasetVectors(spec, data) };
    }
    const { data, vectors } = loaded;
    let lexical: Matrix | undefined;
    let fitSeconds = 0;
    for (const t of todo.filter((x) => x.dataset === dataset && x.seed === seed)) {
      if (t.mode === 'lexical' && !lexical) {
        const t0 = performance.now();
        lexical = withLexicalBlock({ data, seed, ...SETTINGS, budget: args.budget, name: dataset }, vectors, args.dims);
        fitSeconds = (performance.now() - t0) / 1000;
      }
      const r = await simulate({
        data,
        vectors: t.mode === 'lexical' ? lexical! : vectors,
        strategy: parseStrategy(t.strategy, '--strategies'),
        seed,
        ...SETTINGS,
        budget: args.budget,
        name: dataset,
        metaFactory: metaSelectorFactory(silentLogger, { requireHeldOut: heldOut.includes(dataset) }),
      });
      const f = cacheFile(t, args);
      mkdirSync(join(f, '..'), { recursive: true });
      writeFileSync(`${f}.${process.pid}.tmp`, JSON.stringify({ ...r, lexicalFitSeconds: t.mode === 'lexical' ? fitSeconds : 0 }));
      renameSync(`${f}.${process.pid}.tmp`, f);
      done++;
      process.stderr.write(`[${done}] ${dataset} seed ${seed} ${t.mode} ${t.strategy}: AULC ${(100 * r.aulc).toFixed(2)}, full ${(100 * r.fullData.accuracy).toFixed(1)} (${r.seconds.toFixed(1)} s)\n`);
    }
  }
}

type Cached = SimulationResult & { lexicalFitSeconds: number };

function report(args: Args, tasks: Task[]): string {
  const lines: string[] = [];
  const p = (s = ''): void => void lines.push(s);
  const results = new Map<string, Cached>();
  for (const t of tasks) if (existsSync(cacheFile(t, args))) results.set(cacheFile(t, args), JSON.parse(readFileSync(cacheFile(t, args), 'utf8')) as Cached);
  const seeds = Array.from({ length: args.seeds }, (_, i) => args.firstSeed + i);
  const get = (dataset: string, mode: Mode, strategy: string, seed: number): Cached | undefined => results.get(cacheFile({ dataset, mode, strategy, seed }, args));
  const pts = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
  const labels90 = (runs: Cached[]): string => {
    const m = median(runs.map((r) => labelsToReach(r, 0.9)));
    return Number.isFinite(m) ? String(m) : `>${args.budget}`;
  };
  p(`Seeds ${seeds[0]}–${seeds[seeds.length - 1]}, init ${SETTINGS.init}, batch ${SETTINGS.batch}, budget ${args.budget}; lexical block: ${args.dims} dims. AULC and accuracy in points.`);
  p('');
  p('| dataset | strategy | AULC embedding | AULC + lexical | Δ (p) | full-pool acc. embedding → + lexical | labels to 90 % | lexical fit, s |');
  p('|---|---|---|---|---|---|---|---|');
  const summary: Record<string, { delta: number[]; gapE: number[]; gapL: number[] }> = {};
  const vsMargin: string[] = [];
  for (const dataset of args.datasets) {
    for (const strategy of args.strategies) {
      const pairs = seeds.flatMap((s) => {
        const e = get(dataset, 'embedding', strategy, s);
        const l = get(dataset, 'lexical', strategy, s);
        return e && l ? [[e, l] as const] : [];
      });
      if (pairs.length === 0) continue;
      const e = pairs.map(([x]) => 100 * x.aulc);
      const l = pairs.map(([, x]) => 100 * x.aulc);
      const d = l.map((x, i) => x - e[i]);
      const w = pairs.length >= 2 ? pText(wilcoxonSignedRank(l, e).p) : '';
      (summary[strategy] ??= { delta: [], gapE: [], gapL: [] }).delta.push(mean(d));
      const fullE = mean(pairs.map(([x]) => 100 * x.fullData.accuracy));
      const fullL = mean(pairs.map(([, x]) => 100 * x.fullData.accuracy));
      p(
        `| ${dataset} | ${strategy} | ${mean(e).toFixed(1)} ± ${sd(e).toFixed(1)} | ${mean(l).toFixed(1)} ± ${sd(l).toFixed(1)} | ${pts(mean(d))} (${w}) | ${fullE.toFixed(1)} → ${fullL.toFixed(1)} | ${labels90(pairs.map(([x]) => x))} → ${labels90(pairs.map(([, x]) => x))} | ${mean(pairs.map(([, x]) => x.lexicalFitSeconds)).toFixed(1)} |`,
      );
    }
    // Meta − random and meta − margin, paired by seed, with each feature set.
    for (const mode of MODES) {
      const diffs = seeds.flatMap((s) => {
        const m = get(dataset, mode, 'meta', s);
        const r = get(dataset, mode, 'random', s);
        return m && r ? [100 * (m.aulc - r.aulc)] : [];
      });
      if (diffs.length) (summary.meta ??= { delta: [], gapE: [], gapL: [] })[mode === 'embedding' ? 'gapE' : 'gapL'].push(mean(diffs));
      const pairs = seeds.flatMap((s) => {
        const m = get(dataset, mode, 'meta', s);
        const g = get(dataset, mode, 'margin', s);
        return m && g ? [[100 * m.aulc, 100 * g.aulc] as const] : [];
      });
      if (pairs.length >= 2) {
        const d = mean(pairs.map(([a, b]) => a - b));
        vsMargin.push(`| ${dataset} | ${mode} | ${pts(d)} | ${pText(wilcoxonSignedRank(pairs.map((x) => x[0]), pairs.map((x) => x[1])).p)} |`);
      }
    }
  }
  if (vsMargin.length) {
    p('');
    p('Meta against margin (the best fixed strategy in hindsight on every set at 300 labels in BENCHMARKS.md), paired by seed:');
    p('');
    p('| dataset | features | meta − margin, AULC points | p |');
    p('|---|---|---|---|');
    for (const line of vsMargin) p(line);
  }
  p('');
  p(`Over ${args.datasets.length} datasets: ${Object.entries(summary)
    .filter(([, s]) => s.delta.length)
    .map(([k, s]) => `${k} ${pts(mean(s.delta))} AULC points with the lexical block`)
    .join('; ')}.`);
  if (summary.meta?.gapE.length) p(`Meta − random, mean over datasets: ${pts(mean(summary.meta.gapE))} with the embedding alone, ${pts(mean(summary.meta.gapL))} with the lexical block.`);
  return lines.join('\n');
}

/** The cost of labelwise.lexicalFeatures at a session's open, at each size: appendLexical on a compact pool. */
async function timing(args: Args): Promise<void> {
  const base: string[] = [];
  for (const spec of DATASET_SPECS) base.push(...readGoldDataset(spec.file).records.map((r) => r.text));
  process.stdout.write(`labelwise.lexicalFeatures ${args.dims} at a session's open (appendLexical on a compact pool; texts from the nine datasets, ${base.length} distinct, repeated with a counter), median of ${args.runs}:\n`);
  for (const n of args.timing!) {
    const texts = Array.from({ length: n }, (_, i) => (i < base.length ? base[i] : `${base[i % base.length]} ${Math.floor(i / base.length)}`));
    const pool = quantise({ rows: n, cols: 100, data: Float32Array.from({ length: n * 100 }, (_, i) => Math.sin(i)) });
    const times: number[] = [];
    for (let r = 0; r < args.runs; r++) {
      const t0 = performance.now();
      appendLexical(pool, texts, args.dims);
      times.push((performance.now() - t0) / 1000);
    }
    // A re-open of the same spans: the block from the session's cache (lexicalCache.ts) — the key
    // hashed from the span ids, the file read, the columns appended.
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-lexical-timing-'));
    const ids = texts.map((_, i) => `span-${i.toString(16).padStart(16, '0')}`);
    const block = fitLexical(texts, { dims: args.dims }).features;
    const writer = createLexicalBlockWriter(lexicalCacheFile(dir, args.dims, ids), n, block.cols, silentLogger);
    writer.add(block);
    writer.finish();
    const cached: number[] = [];
    for (let r = 0; r < args.runs; r++) {
      const t0 = performance.now();
      const reader = openLexicalBlock(lexicalCacheFile(dir, args.dims, ids), n, args.dims, silentLogger)!;
      appendCachedBlock(pool, reader);
      reader.close();
      cached.push((performance.now() - t0) / 1000);
    }
    rmSync(dir, { recursive: true, force: true });
    process.stdout.write(
      `  ${n} spans: fit ${median(times).toFixed(2)} s (runs ${times.map((t) => t.toFixed(2)).join(', ')}); re-open from the cache ${median(cached).toFixed(3)} s; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
    );
  }
}

const REPORT_HEADER = `# Lexical features: the learner with and without \`labelwise.lexicalFeatures\`

Generated by \`npm run bench:lexical\` (bench/lexical.ts). Each run is \`simulate()\` — the editor's engine with gold
answers — on one of the nine benchmark datasets of BENCHMARKS.md: a stratified 30 % test split and 20 random initial
labels chosen by the seed, rounds of 10 queries to the budget. "embedding" runs on the embedded encoder's vectors alone
(what the learner saw before the block became the default, and bench:al's runs with \`--lexical 0\`); "+ lexical" appends
the lexical block of \`labelwise.lexicalFeatures\` = 100, the default, fitted on the pool's texts of that seed's split
(the test split projected with the fit, never fitted on): bit for bit bench:al's runs of the same seeds. Δ is the paired difference
over seeds with the two-sided Wilcoxon signed-rank p. Full-pool accuracy is the same learner on the whole pool, with
each feature set; labels to 90 % is the median label count at which a run reaches 90 % of its own full-pool accuracy
(">300": at least half the runs did not). Meta runs with the held-out prior of each dataset, as in bench:al.
`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.timing) return timing(args);
  const tasks: Task[] = [];
  for (let seed = args.firstSeed; seed < args.firstSeed + args.seeds; seed++)
    for (const dataset of args.datasets) for (const mode of MODES) for (const strategy of args.strategies) tasks.push({ dataset, seed, strategy, mode });
  if (!args.report) await run(args, tasks);
  if (args.worker.of === 1 || args.report) {
    const md = report(args, tasks);
    process.stdout.write(md + '\n');
    // The report of the default grid is kept in the repository (a partial one only on stdout).
    if (args.firstSeed === 1 && args.dims === 100 && args.datasets.length === DATASET_SPECS.length && args.strategies.join() === 'margin,random,meta') {
      const file = args.budget === SETTINGS.budget ? 'lexical.md' : `lexical.b${args.budget}.md`;
      writeFileSync(join(ROOT, 'bench', file), `${REPORT_HEADER}\n${md}\n`);
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/lexical.ts: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
