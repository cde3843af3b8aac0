// `npm run bench:al:spans`: issue 10's span benchmark. Every span query strategy and the meta-learner
// on every entity-span dataset of scripts/datasetSpecs.ts (SPAN_DATASET_SPECS: brown-names and the
// sets built from npm packages), 10 seeds each, through simulateSpans (`labelwise simulate` on a
// span dataset as a library call). Reports per strategy the span-F1 AULC ± sd, meta − the best
// fixed span strategy and meta − random with the paired Wilcoxon p, the tokens labeled to reach 90 %
// and 95 % of full-pool F1 (meta's ratio to random's), one SVG plot per dataset (span F1 against
// tokens labeled) in bench/plots/, and MET / MISSED against issue 10's targets (alSpanTargets.ts).
// Writes the report to --out (default bench/alSpans.md) and stdout.
//
// Each (dataset, strategy, seed) result is cached in bench/.cache/alSpans/ (gitignored) under a
// fingerprint of the span engine's source, so an interrupted run resumes where it stopped and a
// changed engine never reuses stale results; --fresh ignores the cache, --rerun a,b the cached runs
// of those strategies. --jobs N runs N worker processes fed from one queue; --plan prints what would
// run; --report-only writes the report from the cached runs alone (--engine HASH: of an older engine). Other flags: --seeds N,
// --budget N, --datasets a,b, --strategies a,b (span names or labelwise.strategy values), --max-records N, --out FILE.
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { DefaultEncoder } from '../src/core/encoders/defaultEncoder';
import type { TokenVectors } from '../src/core/encoders/encoder';
import { defaultPoolingOf, loadEncoder } from '../src/core/encoders/loadEncoder';
import { createRng, shuffleInPlace } from '../src/core/learners/rng';
import { metaSelectorFactory } from '../src/core/meta/metaSelectorFactory';
import { simulateSpans, type SpanSimulationResult } from '../src/core/simulation/simulateSpans';
import { SPAN_ARMS, spanStrategyFor } from '../src/core/spans/spanStrategies';
import { STRATEGY_CHOICES, type StrategyChoice } from '../src/core/strategies/strategy';
import { readGoldDataset, type GoldDataset } from '../src/core/text/dataset';
import { silentLogger } from '../src/core/types';
import { buildSpanDatasets } from '../scripts/buildDatasets';
import { SPAN_DATASET_SPECS, type DatasetSpec } from '../scripts/datasetSpecs';
import { plotSvg } from './alPlot';
import { checkSpanTargets, medianTokensLowerBound, medianTokensToReach, spanVerdictOf, type SpanRunLike, type SpanVerdict } from './alSpanTargets';
import { fmtP, formatRatio, mean, pText, sd } from './alTargets';
import { importClosure } from './importClosure';
import { median } from './stats';

const ROOT = join(__dirname, '..');
const CACHE = join(ROOT, 'bench', '.cache', 'alSpans');
const PLOTS = join(ROOT, 'bench', 'plots');
const SETTINGS = { init: 20, batch: 10, testFraction: 0.3, committeeSize: 5 } as const;
/**
 * The span strategies the bench runs by default: meta and its arms (SPAN_ARMS: random, MNLP, mean
 * token entropy, committee disagreement on entities, expected change). --strategies also takes the
 * classification names (labelwise.strategy's values), as the span engine maps them (spanStrategyFor).
 */
const DEFAULT_STRATEGIES: readonly string[] = ['meta', ...SPAN_ARMS];

/** The labelwise.strategy value that selects a span strategy (spanStrategyFor backwards), or undefined. */
function choiceFor(name: string): StrategyChoice | undefined {
  return STRATEGY_CHOICES.find((c) => c === name) ?? STRATEGY_CHOICES.find((c) => spanStrategyFor(c) === name);
}
/** Source whose change invalidates cached results: the span simulation and the span engine, when there is one. */
const ENGINE_SOURCES = [join(ROOT, 'src', 'core', 'simulation', 'simulateSpans.ts'), join(ROOT, 'src', 'core', 'meta', 'metaSelectorFactory.ts'), join(ROOT, 'src', 'core', 'spans'), join(ROOT, 'src', 'core', 'simulation', 'spanTags.ts')];

class UsageError extends Error {}

interface Task {
  readonly dataset: string;
  readonly strategy: string;
  readonly seed: number;
}

interface Args {
  seeds: number;
  jobs: number;
  budget: number;
  datasets: string[];
  strategies: string[];
  maxRecords: number;
  fresh: boolean;
  rerun: string[];
  plan: boolean;
  /** Write the report from the cached runs only (e.g. while a long run is still going). */
  reportOnly: boolean;
  /** With --report-only: the engine fingerprint whose cached runs to report (an older engine's), instead of the current source's. */
  engine?: string;
  worker: boolean;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    seeds: 10,
    jobs: 2,
    budget: 300,
    datasets: SPAN_DATASET_SPECS.map((d) => d.name),
    strategies: [...DEFAULT_STRATEGIES],
    maxRecords: 4500,
    fresh: false,
    rerun: [],
    plan: false,
    reportOnly: false,
    worker: false,
    out: join(ROOT, 'bench', 'alSpans.md'),
  };
  const value = (v: string | undefined, flag: string): string => {
    if (!v || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const list = (v: string | undefined, flag: string): string[] => value(v, flag).split(',').filter(Boolean);
  const int = (v: string | undefined, flag: string, min: number): number => {
    const n = Number(value(v, flag));
    if (!(Number.isInteger(n) && n >= min)) throw new UsageError(`${flag} must be an integer ≥ ${min}, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const v = argv[i + 1];
    switch (flag) {
      case '--seeds':
        a.seeds = int(v, flag, 1);
        i++;
        break;
      case '--jobs':
        a.jobs = int(v, flag, 1);
        i++;
        break;
      case '--budget':
        a.budget = int(v, flag, SETTINGS.init + SETTINGS.batch);
        i++;
        break;
      case '--datasets':
        a.datasets = list(v, flag);
        i++;
        break;
      case '--strategies':
        a.strategies = list(v, flag);
        i++;
        break;
      case '--max-records':
        a.maxRecords = int(v, flag, 100);
        i++;
        break;
      case '--rerun':
        a.rerun = list(v, flag);
        i++;
        break;
      case '--out':
        a.out = value(v, flag);
        i++;
        break;
      case '--fresh':
        a.fresh = true;
        break;
      case '--plan':
        a.plan = true;
        break;
      case '--report-only':
        a.reportOnly = true;
        break;
      case '--engine':
        a.engine = value(v, flag);
        i++;
        break;
      case '--worker':
        a.worker = true;
        break;
      default:
        throw new UsageError(`unknown flag ${flag}`);
    }
  }
  for (const d of a.datasets) if (!SPAN_DATASET_SPECS.some((s) => s.name === d)) throw new UsageError(`unknown span dataset ${d} (known: ${SPAN_DATASET_SPECS.map((s) => s.name).join(', ')})`);
  for (const s of a.strategies) if (!choiceFor(s)) throw new UsageError(`unknown strategy ${s} (known: ${[...new Set([...DEFAULT_STRATEGIES, ...STRATEGY_CHOICES])].join(', ')})`);
  // A classification name runs as its span counterpart: name results by what ran.
  a.strategies = [...new Set(a.strategies.map((s) => spanStrategyFor(choiceFor(s)!)))];
  if (!a.strategies.includes('meta') || !a.strategies.includes('random')) throw new UsageError('--strategies must include meta and random (the verdicts compare them)');
  return a;
}

// ---- datasets, the engine's fingerprint and the cache ---------------------------------------------

const specOf = (name: string): DatasetSpec => SPAN_DATASET_SPECS.find((d) => d.name === name)!;

function sourceFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((n) => sourceFiles(join(path, n)));
}

/**
 * A hash of the span engine's source — every file the simulation imports, followed through relative
 * imports (the meta-learner, learners and strategies included: a change there changes what the span
 * engine does) — so results of another engine version are never reused.
 */
function engineTag(): string {
  const h = createHash('sha256');
  for (const f of importClosure(ENGINE_SOURCES.flatMap(sourceFiles))) h.update(relative(ROOT, f)).update(readFileSync(f));
  return h.digest('hex').slice(0, 12);
}

/** Encoder and engine: a result's folder. */
function resultsTag(): string {
  return `${DefaultEncoder.idOf(defaultPoolingOf('default')!).replace(/[^A-Za-z0-9._-]+/g, '_')}.engine-${engineTag()}`;
}

function datasetKey(name: string, args: Args): string {
  return `${name}.max${args.maxRecords}.b${args.budget}`;
}

function cacheFile(t: Task, args: Args, tag: string): string {
  return join(CACHE, tag, datasetKey(t.dataset, args), `${t.strategy}.seed${t.seed}.json`);
}

type CachedRun = SpanSimulationResult & { readonly cpuSeconds?: number };

function readCached(t: Task, args: Args, tag: string): CachedRun | undefined {
  const f = cacheFile(t, args, tag);
  if (!existsSync(f)) return undefined;
  try {
    const r = JSON.parse(readFileSync(f, 'utf8')) as CachedRun;
    const ok = spanStrategyFor(choiceFor(r.strategy)!) === t.strategy && r.seed === t.seed && r.budget === args.budget && Array.isArray(r.curve) && r.curve.every((c) => typeof c.tokens === 'number');
    return ok ? r : undefined;
  } catch {
    return undefined;
  }
}

function writeAtomic(file: string, body: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, body);
  renameSync(tmp, file);
}

/**
 * The records a dataset's runs use: all of them, or a fixed random sample of --max-records (the
 * same for every seed and strategy), in file order.
 */
function loadDataset(name: string, args: Args): GoldDataset {
  const data = readGoldDataset(specOf(name).file);
  if (data.records.length <= args.maxRecords) return data;
  const keep = [...shuffleInPlace(Int32Array.from(data.records.keys()), createRng(0x7370616e)).subarray(0, args.maxRecords)].sort((x, y) => x - y);
  const records = keep.map((i) => data.records[i]);
  const classes = [...new Set(records.flatMap((r) => (r.spans ?? []).map((s) => s.label)))].sort();
  return { ...data, records, classes };
}

// ---- the worker --------------------------------------------------------------------------------

interface WorkerRequest {
  readonly task: Task;
  readonly args: Args;
  readonly tag: string;
}
type WorkerReply = { readonly ok: true; readonly aulc: number; readonly cpuSeconds: number } | { readonly ok: false; readonly message: string };

function workerMain(): void {
  const loaded = new Map<string, Promise<{ data: GoldDataset; tokens: TokenVectors[] }>>();
  const load = async (name: string, args: Args): Promise<{ data: GoldDataset; tokens: TokenVectors[] }> => {
    const data = loadDataset(name, args);
    const encoder = await loadEncoder({ model: 'default', device: 'cpu', logger: silentLogger });
    try {
      return { data, tokens: await encoder.encodeTokens!(data.records.map((r) => r.text)) };
    } finally {
      await encoder.dispose();
    }
  };
  process.on('message', (msg: WorkerRequest) => {
    void (async (): Promise<WorkerReply> => {
      const { task: t, args, tag } = msg;
      try {
        let ds = loaded.get(t.dataset);
        if (!ds) loaded.set(t.dataset, (ds = load(t.dataset, args)));
        const { data, tokens } = await ds;
        const cpu0 = process.cpuUsage();
        const r = await simulateSpans({
          data,
          tokens,
          strategy: choiceFor(t.strategy)!,
          seed: t.seed,
          init: SETTINGS.init,
          batch: SETTINGS.batch,
          testFraction: SETTINGS.testFraction,
          committeeSize: SETTINGS.committeeSize,
          budget: args.budget,
          name: t.dataset,
          // The default prior was trained on classification sets only; a span set's name never matches one.
          metaFactory: metaSelectorFactory(silentLogger),
        });
        const cpu = process.cpuUsage(cpu0);
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        writeAtomic(cacheFile(t, args, tag), JSON.stringify({ ...r, cpuSeconds } satisfies CachedRun));
        return { ok: true, aulc: r.aulc, cpuSeconds };
      } catch (e) {
        return { ok: false, message: (e as Error).stack ?? (e as Error).message };
      }
    })().then((reply) => process.send!(reply));
  });
}

// ---- the scheduler -----------------------------------------------------------------------------

interface Failure {
  readonly task: Task;
  readonly message: string;
}

const fmtMin = (s: number): string => (s < 90 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`);

async function runAll(args: Args, tag: string): Promise<Failure[]> {
  const tasks: Task[] = [];
  // Seed-major: an interrupted run leaves every strategy with about as many seeds.
  for (let seed = 1; seed <= args.seeds; seed++) for (const dataset of args.datasets) for (const strategy of args.strategies) tasks.push({ dataset, strategy, seed });
  const cachedCpu = tasks.map((t) => readCached(t, args, tag)?.cpuSeconds).filter((x): x is number => x !== undefined);
  const queue = tasks.filter((t) => args.fresh || args.rerun.includes(t.strategy) || !readCached(t, args, tag));
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  const perRun = cachedCpu.length ? median(cachedCpu) : 30;
  log(`bench:al:spans: ${queue.length} of ${tasks.length} runs to do (engine ${tag}) on ${args.jobs} worker(s); about ${fmtMin((queue.length * perRun) / args.jobs)} on idle cores`);
  const failures: Failure[] = [];
  if (args.plan || !queue.length) return failures;
  const total = queue.length;
  let done = 0;
  const t0 = performance.now();
  await new Promise<void>((resolveAll, rejectAll) => {
    let busy = 0;
    const feed = (w: ChildProcess): void => {
      // Another invocation on the same cache may have finished a queued run meanwhile: skip it.
      while (queue.length && !args.fresh && !args.rerun.includes(queue[0].strategy) && readCached(queue[0], args, tag)) {
        queue.shift();
        done++;
      }
      const t = queue.shift();
      if (!t) {
        w.disconnect();
        if (busy === 0) resolveAll();
        return;
      }
      busy++;
      const t1 = performance.now();
      w.once('message', (reply: WorkerReply) => {
        busy--;
        done++;
        const wall = (performance.now() - t1) / 1000;
        const tagLine = `[${done}/${total}] ${t.dataset} ${t.strategy} seed ${t.seed}`;
        if (reply.ok) {
          const elapsed = (performance.now() - t0) / 1000;
          log(`${tagLine}: span-F1 AULC ${reply.aulc.toFixed(3)} in ${wall.toFixed(1)} s (${reply.cpuSeconds.toFixed(1)} s CPU) · ETA ${fmtMin((elapsed / done) * (total - done))}`);
        } else {
          failures.push({ task: t, message: reply.message });
          log(`${tagLine}: FAILED ${reply.message}`);
        }
        feed(w);
      });
      w.send({ task: t, args, tag } satisfies WorkerRequest);
    };
    for (let i = 0; i < Math.min(args.jobs, queue.length); i++) {
      const w = fork(__filename, ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      w.on('exit', (code) => {
        if (code !== 0 && code !== null) rejectAll(new Error(`worker ${i} exited with ${code}`));
      });
      feed(w);
    }
  });
  return failures;
}

// ---- report ------------------------------------------------------------------------------------

const pct = (x: number): string => (Number.isNaN(x) ? '—' : (100 * x).toFixed(1));
const signedPct = (x: number): string => {
  const v = pct(x);
  return v === '-0.0' ? '0.0' : x >= 0 ? `+${v}` : v;
};
const fmtTokens = (t: number, atLeast?: number): string => (Number.isFinite(t) ? String(Math.round(t)) : atLeast !== undefined ? `>${Math.round(atLeast)}` : '—');

function asRunLike(r: CachedRun): SpanRunLike {
  return { seed: r.seed, aulc: r.aulc, curve: r.curve, fullData: r.fullData };
}

function report(args: Args, tag: string, failures: readonly Failure[], seconds: number): string {
  const lines: string[] = [];
  const p = (s = ''): void => void lines.push(s);
  const runsOf = (dataset: string): Map<string, CachedRun[]> => {
    const out = new Map<string, CachedRun[]>();
    for (const strategy of args.strategies) {
      const rs: CachedRun[] = [];
      for (let seed = 1; seed <= args.seeds; seed++) {
        const r = readCached({ dataset, strategy, seed }, args, tag);
        if (r) rs.push(r);
      }
      if (rs.length) out.set(strategy, rs);
    }
    return out;
  };
  const all = args.datasets.flatMap((d) => [...runsOf(d).values()].flat());
  p('# Span benchmark: label efficiency of the span query strategies and the meta-learner');
  p();
  p('Generated by `npm run bench:al:spans` (bench/alSpans.ts). Each run is `labelwise simulate` on a span dataset as a');
  p(`library call (\`simulateSpans()\`): a ${SETTINGS.testFraction * 100} % test split and ${SETTINGS.init} random initial records chosen by the seed, then rounds of`);
  p(`${SETTINGS.batch} queried records (the annotator labels every entity in a record) until ${args.budget} records; exact-match span F1 on the test`);
  p(`split after every round. Token vectors: the embedded encoder (\`default\`); engine fingerprint \`${tag}\`.`);
  p();
  p('How to read it:');
  p(`- **AULC**: the area under the span-F1 curve from ${SETTINGS.init} records to the budget, divided by the record range (a mean F1), in %.`);
  p('- **Tokens to 90 % / 95 %**: the median over seeds of the tokens labeled (the encoder\'s tokens of the labeled records) when');
  p('  a run first reaches 90 % (95 %) of the span F1 of the same tagger trained on the whole pool; ">N": at least half the runs');
  p('  never did (N: the median tokens those runs labeled in all). Meta\'s ratio to random\'s is a bound ("< r") when random\'s');
  p('  median is beyond its budget, and "—" when meta\'s is.');
  p('- **Best fixed strategy**: the fixed strategy (random included) with the highest mean AULC, chosen in hindsight.');
  p('- **p**: two-sided paired Wilcoxon signed-rank test over seeds; "significant" means p < 0.05.');
  p();
  const compute = all.reduce((a, r) => a + r.seconds, 0);
  p(`${args.seeds} seeds per dataset and strategy; ${all.length} runs: ${(compute / 60).toFixed(1)} min of simulation (this invocation ${(seconds / 60).toFixed(1)} min, ${args.jobs} worker(s), cached runs reused).`);
  p();
  p('| dataset | records | entity labels | records with entities | source |');
  p('|---|---|---|---|---|');
  for (const name of args.datasets) {
    const ds = loadDataset(name, args);
    const total = readGoldDataset(specOf(name).file).records.length;
    const withSpans = ds.records.filter((r) => (r.spans?.length ?? 0) > 0).length;
    p(`| ${name} | ${ds.records.length < total ? `${ds.records.length} of ${total}` : total} | ${ds.classes.join(', ')} | ${pct(withSpans / ds.records.length)} % | ${specOf(name).source} |`);
  }
  p();
  const verdicts: SpanVerdict[] = [];
  const fullF1 = new Map<string, number>();
  mkdirSync(PLOTS, { recursive: true });
  for (const name of args.datasets) {
    const runs = runsOf(name);
    if (!runs.size) continue;
    const like = new Map([...runs].map(([s, rs]) => [s, rs.map(asRunLike)]));
    const v = spanVerdictOf(name, args.budget, like);
    if (v) verdicts.push(v);
    const full = mean([...runs.values()].flat().map((r) => r.fullData.f1));
    fullF1.set(name, full);
    const fixed = [...runs].filter(([s]) => s !== 'meta').sort((a, b) => mean(b[1].map((r) => r.aulc)) - mean(a[1].map((r) => r.aulc)));
    const ordered = [...(runs.has('meta') ? [['meta', runs.get('meta')!] as const] : []), ...fixed];
    const pool = [...runs.values()][0][0].pool;
    p(`## ${name}, ${args.budget} records`);
    p();
    p(`Full-pool span F1 (the same tagger on all ${pool} pool records): ${pct(full)} %.`);
    p();
    const file = `${name}.spans.b${args.budget}.svg`;
    p(`![span-F1 learning curves on ${name}](bench/plots/${file})`);
    p();
    const cps = [50, 100, args.budget].filter((c, i, a) => c > SETTINGS.init && c <= args.budget && a.indexOf(c) === i);
    p(`| strategy | span-F1 AULC, % (mean ± sd) | ${cps.map((c, i) => (i ? `@${c}` : `F1 @${c} records, %`)).join(' | ')} | tokens @${args.budget} | tokens to 90 % | to 95 % |`);
    p(`|---|---|${cps.map(() => '---|').join('')}---|---|---|`);
    for (const [strategy, rs] of ordered) {
      const aulcs = rs.map((r) => r.aulc);
      const at = (c: number): string => pct(mean(rs.map((r) => r.curve.find((x) => x.labels === c)?.f1 ?? NaN)));
      const like1 = rs.map(asRunLike);
      const best = v && strategy === v.best.strategy ? ' (best fixed)' : '';
      const n = rs.length < args.seeds ? ` (${rs.length} seeds)` : '';
      p(
        `| ${strategy}${best}${n} | ${pct(mean(aulcs))} ± ${pct(sd(aulcs))} | ${cps.map(at).join(' | ')} | ${Math.round(median(rs.map((r) => r.curve[r.curve.length - 1].tokens)))} | ${fmtTokens(medianTokensToReach(like1, 0.9), medianTokensLowerBound(like1, 0.9))} | ${fmtTokens(medianTokensToReach(like1, 0.95), medianTokensLowerBound(like1, 0.95))} |`,
      );
    }
    p();
    if (v) {
      p(`Meta − random: ${signedPct(v.vsRandom.diff)} AULC points, W+ = ${v.vsRandom.wPlus}, W− = ${v.vsRandom.wMinus}, ${pText(v.vsRandom.p)} (n = ${v.vsRandom.n}).`);
      p(`Meta − the best fixed span strategy (${v.best.strategy}): ${signedPct(v.vsBest.diff)} points, W+ = ${v.vsBest.wPlus}, W− = ${v.vsBest.wMinus}, ${pText(v.vsBest.p)} (n = ${v.vsBest.n}).`);
      for (const [f, t] of [[90, v.tokens90], [95, v.tokens95]] as const) {
        p(`Tokens to ${f} % of full-pool F1: meta ${fmtTokens(t.meta, t.metaAtLeast)}, random ${fmtTokens(t.random, t.randomAtLeast)} (meta / random ${formatRatio(t.ratio)}).`);
      }
      p();
    }
    // x: the mean tokens labeled at each round (records differ in length, so strategies' x differ).
    const series = ordered.map(([strategy, rs]) => ({
      name: strategy,
      points: rs[0].curve.map((_, i) => [mean(rs.map((r) => r.curve[i]?.tokens ?? NaN)), mean(rs.map((r) => r.curve[i]?.f1 ?? NaN))] as const),
    }));
    writeFileSync(join(PLOTS, file), plotSvg(`${name}: mean span F1 over ${args.seeds} seeds`, series, full, { x: 'tokens labeled (mean over seeds)', y: 'test span F1 (mean over seeds)' }));
  }
  if (verdicts.length) {
    p('## Summary');
    p();
    p('| dataset | meta AULC, % | random | best fixed | meta − best (p) | meta − random (p) | tokens to 90 %: meta / random (ratio) | to 95 % (ratio) |');
    p('|---|---|---|---|---|---|---|---|');
    for (const v of verdicts) {
      p(
        `| ${v.dataset} | ${pct(v.meta)} | ${pct(v.random)} | ${v.best.strategy} ${pct(v.best.aulc)} | ${signedPct(v.vsBest.diff)} (${fmtP(v.vsBest.p)}) | ${signedPct(v.vsRandom.diff)} (${fmtP(v.vsRandom.p)}) | ${fmtTokens(v.tokens90.meta, v.tokens90.metaAtLeast)} / ${fmtTokens(v.tokens90.random, v.tokens90.randomAtLeast)} (${formatRatio(v.tokens90.ratio)}) | ${fmtTokens(v.tokens95.meta, v.tokens95.metaAtLeast)} / ${fmtTokens(v.tokens95.random, v.tokens95.randomAtLeast)} (${formatRatio(v.tokens95.ratio)}) |`,
      );
    }
    p();
  }
  p('## Issue-10 targets');
  p();
  p('Checked from the runs above (means over seeds; p quoted). A target with no runs to judge it is MISSED.');
  p();
  p('| target | verdict | measured |');
  p('|---|---|---|');
  for (const c of checkSpanTargets(verdicts, fullF1)) p(`| ${c.target} | ${c.met ? 'MET' : '**MISSED**'} | ${c.measured} |`);
  p();
  p('## Cost');
  p();
  p('| strategy | median seconds of one run (wall / CPU) |');
  p('|---|---|');
  for (const s of args.strategies) {
    const rs = all.filter((r) => spanStrategyFor(choiceFor(r.strategy)!) === s);
    const cpu = rs.map((r) => r.cpuSeconds).filter((x): x is number => x !== undefined);
    if (rs.length) p(`| ${s} | ${median(rs.map((r) => r.seconds)).toFixed(1)}${cpu.length ? ` / ${median(cpu).toFixed(1)}` : ''} (${rs.length} runs) |`);
  }
  p();
  if (failures.length) {
    p('## Runs that failed');
    p();
    for (const f of failures.slice(0, 20)) p(`- ${f.task.dataset} ${f.task.strategy} seed ${f.task.seed}: ${f.message.split('\n')[0]}`);
    p();
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.worker) {
    workerMain();
    return;
  }
  const t0 = performance.now();
  buildSpanDatasets();
  if (args.engine !== undefined && !args.reportOnly) throw new UsageError('--engine only goes with --report-only (runs always use the current engine)');
  const tag = args.engine === undefined ? resultsTag() : `${resultsTag().replace(/\.engine-[0-9a-f]+$/, '')}.engine-${args.engine}`;
  const failures = args.reportOnly ? [] : await runAll(args, tag);
  if (args.plan) return;
  const md = report(args, tag, failures, (performance.now() - t0) / 1000);
  writeFileSync(args.out, md + '\n');
  process.stderr.write(`wrote ${relative(process.cwd(), args.out)} and ${relative(process.cwd(), PLOTS)}/*.spans.*.svg (${basename(CACHE)} holds the per-run results)\n`);
  process.stdout.write(md + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:al:spans: ${e instanceof UsageError ? e.message : ((e as Error).stack ?? String(e))}\n`);
  process.exit(1);
});
