// `npm run bench:al`: every query strategy (STRATEGY_NAMES) and the meta-learner on every dataset
// of scripts/datasetSpecs.ts, 20 seeds each at budgets of 300 and 1,200 labels, plus the
// peers' fixed brown-genre splits. Writes BENCHMARKS.md (with a section that checks every issue-8
// target: MET / MISSED and the measured number) and one SVG learning-curve plot per dataset and
// budget in bench/plots/.
//
// Cost is dominated by the largest budget (a round refits the learner and its committee on every
// label so far), so the smallest budget runs every strategy and each larger one runs meta, random
// and only the fixed strategies within --margin AULC points of the best fixed one at the smallest
// budget (at most --max-fixed of them). Each (dataset, budget, strategy, seed) result is cached in
// bench/.cache/al/ (gitignored) under a fingerprint of the code it ran (importClosure.ts
// runFingerprint: a change to the meta-learner reruns meta, one to the engine reruns everything),
// so an interrupted run resumes where it stopped; --fresh ignores
// the cache, --rerun a,b only the cached runs of those strategies (e.g. --rerun meta after
// retraining the prior). --jobs N runs N worker processes fed from one queue; every finished run
// prints an ETA. --plan prints what would run and the ETA from cached timings, and runs nothing.
// --seeds-larger N runs only seeds 1..N at the budgets above the smallest (default: --seeds): the
// largest budget costs most, and a report with fewer seeds there beats none.
// --first-seed F runs seeds F..F+N-1 instead (a replication on fresh seeds: its report is
// BENCHMARKS.seedsF-L.md, plots *.seedsF-L.svg, no peer splits).
// The learner sees what the editor's learner sees by default: the encoder's vectors and the lexical
// block of labelwise.lexicalFeatures' default size (simulationVectors.ts, fitted on each seed's pool;
// kept in bench/.cache/al/ per dataset and seed, so the strategies of a seed share one fit);
// --lexical N changes its columns, --lexical 0 runs the vectors alone.
// The learner runs labelwise.semiSupervised's default step (propagation); --semi-supervised MODE
// runs another (off, self-training): results under their own folder, report BENCHMARKS.ssl-MODE.md and
// plots *.ssl-MODE.svg beside the main ones.
// Other flags: --seeds N, --budget N | --budgets a,b, --datasets a,b, --strategies a,b,
// --margin POINTS, --max-fixed N, --max-records N, --no-peers. A run that narrows or changes the
// main plan with any of these (or --seeds-larger, --model, --common-components, --lexical) writes
// BENCHMARKS.partial.md and plots *.partial.svg (gitignored), never the main report from a cache that
// covers only part of it.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, relative } from 'node:path';
import { metaSelectorFactory } from '../src/core/meta/metaSelectorFactory';
import { simulate, type SimulationResult } from '../src/core/simulation/simulate';
import { readSplit, stratifiedTestIds } from '../src/core/simulation/split';
import type { RunSettings } from '../src/core/simulation/runPlan';
import { simulationVectors } from '../src/core/simulation/simulationVectors';
import { readNpy, toNpy } from '../src/core/npy';
import { defaultSettings, SEMI_SUPERVISED_CHOICES, type SemiSupervisedChoice } from '../src/core/settings';
import { commonComponentsOf, defaultPoolingOf } from '../src/core/encoders/loadEncoder';
import { deriveSeed } from '../src/core/learners/rng';
import { parseStrategy } from '../src/core/settingsParser';
import { STRATEGY_NAMES } from '../src/core/strategies/strategy';
import { readGoldDataset, type GoldDataset } from '../src/core/text/dataset';
import { silentLogger, type Matrix } from '../src/core/types';
import { buildDatasets } from '../scripts/buildDatasets';
import { DATASET_SPECS as DATASETS, SHARED_DIR, type DatasetSpec } from '../scripts/datasetSpecs';
import { plotSvg } from './alPlot';
import { datasetVectors, defaultPriorTrainedOn, encoderTag } from './datasetVectors';
import { simulationFingerprint } from './importClosure';
import { TARGET_MIN_SEEDS, checkTargets, fmtP, formatRatio, mean, narrowedBy, pText, medianLabelsToReach, pairedDifference, sd, seedsAtBudget, strategiesForLargerBudget, verdictOf, type DatasetVerdict } from './alTargets';
import { median } from './stats';

const ROOT = join(__dirname, '..');
const CACHE = join(ROOT, 'bench', '.cache');
const PLOTS = join(ROOT, 'bench', 'plots');
/** Meta and every fixed strategy, as the strategies module lists them. */
const ALL_STRATEGIES: readonly string[] = ['meta', ...STRATEGY_NAMES];
const SETTINGS = { init: 20, batch: 10, testFraction: 0.3 } as const;
/** The peers' splits were run at this budget (issue 4); it does not follow --budgets. */
const PEER_BUDGET = 300;
/** Until a larger-budget run of a strategy has been timed, assume it costs this many times its smaller-budget run (measured: 2.5× margin … 9× meta, 300 → 1,200). */
const COST_GROWTH_GUESS = 8;

/** What the peers reached on brown-genre's fixed splits (issue 4). */
const PEERS = [
  { name: 'libact Active-Learning-By-Learning', aulc: 0.564 },
  { name: 'modAL query-by-committee vote entropy', aulc: 0.54 },
  { name: 'random sampling (peers)', aulc: 0.456 },
] as const;
const PEERS_FULL = 0.694;
const PEER_SPLITS = [1, 2, 3, 4, 5] as const;

/** A bad flag: reported as one line, without a stack. */
class UsageError extends Error {}

interface Task {
  readonly dataset: string;
  readonly strategy: string;
  readonly seed: number;
  readonly budget: number;
  /** Peers' fixed split number, when the task runs on one. */
  readonly split?: number;
}

interface Args {
  seeds: number;
  /** First seed (--first-seed): seeds firstSeed … firstSeed + seeds − 1, e.g. a replication on fresh seeds. */
  firstSeed: number;
  /** Seeds at the budgets above the smallest (undefined: --seeds). */
  seedsLarger?: number;
  jobs: number;
  budgets: number[];
  datasets: string[];
  strategies: string[];
  /** AULC (fraction) within which of the best fixed strategy at the smallest budget a fixed strategy also runs at the larger ones. */
  margin: number;
  maxFixed: number;
  /** Datasets with more records are cut to a stratified sample of this many (fixed seed). */
  maxRecords: number;
  fresh: boolean;
  /** Strategies whose cached results are ignored (e.g. meta after retraining the prior). */
  rerun: string[];
  peers: boolean;
  plan: boolean;
  worker: boolean;
  /** A `labelwise.model` value naming the embedded encoder (default, default-mean, default-sif). */
  model: string;
  /** Overrides the encoder's common components (0: SIF weights alone; 1 with mean: removal alone). */
  commonComponents?: number;
  /** Columns of the lexical block (labelwise.lexicalFeatures; 0: none). */
  lexical: number;
  /** The learner's semi-supervised step (--semi-supervised; labelwise.semiSupervised): off, propagation or self-training. */
  semiSupervised: SemiSupervisedChoice;
}

/** The main report's plan: what BENCHMARKS.md and bench/plots/*.svg describe. */
function defaultArgs(): Args {
  return {
    // 20 at every budget: with the semi-supervised step a 300-label run costs a median ~2 s of CPU (meta ~5 s),
    // a 1,200-label one ~8 s (meta ~46 s) — BENCHMARKS.md, "Cost".
    seeds: 20,
    seedsLarger: 20,
    firstSeed: 1,
    jobs: Math.max(1, Math.min(8, availableParallelism() - 1)),
    budgets: [300, 1200],
    datasets: DATASETS.map((d) => d.name),
    strategies: [...ALL_STRATEGIES],
    margin: 0.005,
    maxFixed: 2,
    maxRecords: 8000,
    fresh: false,
    rerun: [],
    peers: true,
    plan: false,
    worker: false,
    model: 'default',
    lexical: defaultSettings.lexicalFeatures,
    semiSupervised: defaultSettings.semiSupervised,
  };
}

/**
 * The flags that narrow or change the main plan (a subset of datasets, strategies or budgets, fewer
 * seeds, other features): such a run writes BENCHMARKS.partial.md and *.partial.svg, never the main
 * report from a cache that covers only part of it. --first-seed and --semi-supervised have tags of their own.
 */
const PLAN_FLAGS = ['seeds', 'seedsLarger', 'budgets', 'datasets', 'strategies', 'margin', 'maxFixed', 'maxRecords', 'peers', 'model', 'commonComponents', 'lexical'] as const;
const planNarrowedBy = (args: Args): string[] => (args.firstSeed === 1 ? narrowedBy(args, defaultArgs(), PLAN_FLAGS) : []).map(String);

function parseArgs(argv: string[]): Args {
  const a = defaultArgs();
  const list = (v: string | undefined, flag: string): string[] => {
    if (!v || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v.split(',').filter(Boolean);
  };
  const num = (v: string | undefined, flag: string): number => {
    const n = Number(list(v, flag)[0]);
    if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const v = argv[i + 1];
    switch (flag) {
      case '--seeds':
        a.seeds = num(v, flag);
        i++;
        break;
      case '--seeds-larger':
        a.seedsLarger = num(v, flag);
        i++;
        break;
      case '--first-seed':
        a.firstSeed = num(v, flag);
        i++;
        break;
      case '--jobs':
        a.jobs = num(v, flag);
        i++;
        break;
      case '--budget':
      case '--budgets':
        a.budgets = list(v, flag).map(Number);
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
      case '--margin':
        a.margin = num(v, flag) / 100;
        i++;
        break;
      case '--max-fixed':
        a.maxFixed = num(v, flag);
        i++;
        break;
      case '--max-records':
        a.maxRecords = num(v, flag);
        i++;
        break;
      case '--fresh':
        a.fresh = true;
        break;
      case '--rerun':
        a.rerun = list(v, flag);
        i++;
        break;
      case '--no-peers':
        a.peers = false;
        break;
      case '--plan':
        a.plan = true;
        break;
      case '--worker':
        a.worker = true;
        break;
      case '--model':
        a.model = list(v, flag)[0];
        i++;
        break;
      case '--common-components':
        a.commonComponents = num(v, flag);
        i++;
        break;
      case '--lexical':
        a.lexical = num(v, flag);
        i++;
        break;
      case '--semi-supervised':
        if (!(SEMI_SUPERVISED_CHOICES as readonly string[]).includes(v)) throw new UsageError(`--semi-supervised must be one of ${SEMI_SUPERVISED_CHOICES.join(', ')}, got ${JSON.stringify(v)}`);
        a.semiSupervised = v as SemiSupervisedChoice;
        i++;
        break;
      default:
        throw new UsageError(`unknown flag ${flag}`);
    }
  }
  const posInt = (n: number, flag: string, min = 1): void => {
    if (!(Number.isInteger(n) && n >= min)) throw new UsageError(`${flag} must be an integer ≥ ${min}, got ${n}`);
  };
  if (!defaultPoolingOf(a.model)) throw new UsageError(`--model must be default, default-mean or default-sif, got ${a.model}`);
  if (a.commonComponents !== undefined) posInt(a.commonComponents, '--common-components', 0);
  posInt(a.lexical, '--lexical', 0);
  posInt(a.seeds, '--seeds');
  if (a.seedsLarger !== undefined) posInt(a.seedsLarger, '--seeds-larger');
  posInt(a.firstSeed, '--first-seed');
  // The peers' splits are fixed (seed = split number): they belong to the main report only.
  if (a.firstSeed !== 1) a.peers = false;
  posInt(a.jobs, '--jobs');
  posInt(a.maxFixed, '--max-fixed', 0);
  posInt(a.maxRecords, '--max-records', 100);
  if (!(a.margin >= 0)) throw new UsageError('--margin must be ≥ 0 (AULC points)');
  for (const b of a.budgets) posInt(b, '--budgets', SETTINGS.init);
  a.budgets = [...new Set(a.budgets)].sort((x, y) => x - y);
  if (!a.budgets.length) throw new UsageError('--budgets names no budget');
  for (const d of a.datasets) if (!DATASETS.some((s) => s.name === d)) throw new UsageError(`unknown dataset ${d} (known: ${DATASETS.map((s) => s.name).join(', ')})`);
  for (const s of a.strategies) if (!ALL_STRATEGIES.includes(s)) throw new UsageError(`unknown strategy ${s} (known: ${ALL_STRATEGIES.join(', ')})`);
  return a;
}

// ---- datasets and the cache ---------------------------------------------------------------------

interface LoadedDataset {
  readonly data: GoldDataset;
  readonly vectors: Matrix;
  /** Records in the file, before any cap. */
  readonly fileRecords: number;
}

const specOf = (name: string): DatasetSpec => DATASETS.find((d) => d.name === name)!;

/** Whether the dataset is cut to --max-records (never for the peers' splits: their ids index the whole file). */
function capped(name: string, args: Args, split?: number): boolean {
  return split === undefined && recordCount(name) > args.maxRecords;
}

const recordCounts = new Map<string, number>();
function recordCount(name: string): number {
  let n = recordCounts.get(name);
  if (n === undefined) recordCounts.set(name, (n = readGoldDataset(specOf(name).file).records.length));
  return n;
}

/** The cache folder of a dataset: a capped dataset is a different pool, so it gets its own. */
function datasetKey(name: string, args: Args, split?: number): string {
  return capped(name, args, split) ? `${name}.max${args.maxRecords}` : name;
}

/**
 * The results' folder: the encoder's tag, plus the common components when they are overridden, plus
 * the lexical block's columns and the fingerprint of the code that builds the features.
 */
function featuresDir(args: Args): string {
  const encoder = args.commonComponents === undefined ? encoderTag(args.model) : `${encoderTag(args.model)}.cc${args.commonComponents}`;
  return args.lexical > 0 ? `${encoder}.lexical${args.lexical}.lex-${featuresTag()}` : encoder;
}

/** The results' folder: the features' (featuresDir), plus the semi-supervised step when one runs. */
const resultsTag = (args: Args): string => `${featuresDir(args)}${args.semiSupervised === 'off' ? '' : `.ssl-${args.semiSupervised}`}`;
/** '' for the editor's default semi-supervised step (the main report); '.ssl-MODE' for another (its report and plots beside the main ones). */
const sslTag = (args: Args): string => (args.semiSupervised === defaultSettings.semiSupervised ? '' : `.ssl-${args.semiSupervised}`);

/** The fingerprint of the code that builds a run's features (simulationVectors.ts and what it runs). */
const featuresTag = (): string => simulationFingerprint(ROOT, 'features');

/** The fingerprint of the code a run of this strategy executes (importClosure.ts). */
const codeTag = (strategy: string): string => simulationFingerprint(ROOT, strategy === 'meta' ? 'meta' : 'fixed');

/** A run's cache file: one per task and version of the code it runs, so an engine change is never answered from the cache. */
function cacheFile(t: Task, args: Args): string {
  return join(CACHE, 'al', resultsTag(args), datasetKey(t.dataset, args, t.split), `${t.strategy}.b${t.budget}.seed${t.seed}${t.split ? `.split${t.split}` : ''}.code-${codeTag(t.strategy)}.json`);
}

function writeAtomic(file: string, body: string | Buffer): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, body);
  renameSync(tmp, file);
}

/** A cached result, when there is one for exactly this task (settings included); otherwise undefined. */
function readCached(t: Task, args: Args): CachedRun | undefined {
  const f = cacheFile(t, args);
  if (!existsSync(f)) return undefined;
  try {
    const r = JSON.parse(readFileSync(f, 'utf8')) as CachedRun;
    const ok = r.strategy === t.strategy && r.seed === t.seed && r.budget === t.budget && r.init === SETTINGS.init && r.batch === SETTINGS.batch && Array.isArray(r.curve);
    return ok ? r : undefined;
  } catch {
    return undefined;
  }
}

function needsRun(t: Task, args: Args): boolean {
  return args.fresh || args.rerun.includes(t.strategy) || !readCached(t, args);
}

/** The dataset a task runs on: the whole file, or a stratified sample of --max-records of it (the same for every seed and strategy). */
async function loadDataset(name: string, args: Args, split?: number): Promise<LoadedDataset> {
  const spec = specOf(name);
  const data = readGoldDataset(spec.file);
  const vectors = await datasetVectors(spec, data, args.model);
  if (!capped(name, args, split)) return { data, vectors, fileRecords: data.records.length };
  const classIndex = new Map(data.classes.map((c, i) => [c, i]));
  const keep = stratifiedTestIds(
    data.records.map((r) => classIndex.get(r.label!)!),
    args.maxRecords / data.records.length,
    deriveSeed(0x6d6178, 0),
  ).sort((x, y) => x - y);
  const d = vectors.cols;
  const sub = new Float32Array(keep.length * d);
  keep.forEach((id, i) => sub.set(vectors.data.subarray(id * d, (id + 1) * d), i * d));
  const records = keep.map((id) => data.records[id]);
  const classes = [...new Set(records.map((r) => r.label!))].sort();
  return { data: { ...data, records, classes }, vectors: { rows: keep.length, cols: d, data: sub }, fileRecords: data.records.length };
}

// ---- the worker: runs one task per message -------------------------------------------------------

/**
 * A run's features (simulationVectors.ts): the vectors and the common components left to
 * simulate(). With a lexical block they depend on the seed's split, not on the strategy or budget,
 * so they are kept on disk once per dataset, seed (or split) and code, and every strategy of that
 * seed reads them back.
 */
function runFeatures(t: Task, args: Args, settings: RunSettings, vectors: Matrix): { vectors: Matrix; commonComponents: number } {
  const commonComponents = args.commonComponents ?? commonComponentsOf(args.model);
  if (args.lexical === 0) return { vectors, commonComponents };
  const file = join(CACHE, 'al', featuresDir(args), datasetKey(t.dataset, args, t.split), 'features', `seed${t.seed}${t.split ? `.split${t.split}` : ''}.npy`);
  if (existsSync(file)) {
    const m = readNpy(file);
    if (m.rows === vectors.rows && m.cols > vectors.cols) return { vectors: m, commonComponents: 0 };
  }
  const f = simulationVectors(settings, vectors, { commonComponents, lexical: args.lexical });
  writeAtomic(file, toNpy(f.vectors));
  return f;
}

interface WorkerRequest {
  readonly task: Task;
  readonly args: Args;
}
type WorkerReply = { readonly ok: true; readonly aulc: number; readonly seconds: number; readonly cpuSeconds: number } | { readonly ok: false; readonly message: string };

/** A cached run: DESIGN.md's simulation JSON plus the CPU seconds it took (load-independent, for the ETA on idle cores). */
type CachedRun = SimulationResult & { readonly cpuSeconds?: number };

function workerMain(): void {
  const loaded = new Map<string, Promise<LoadedDataset>>();
  const trainedOn = defaultPriorTrainedOn();
  process.on('message', (msg: WorkerRequest) => {
    void (async (): Promise<WorkerReply> => {
      const { task: t, args } = msg;
      try {
        const key = datasetKey(t.dataset, args, t.split);
        let ds = loaded.get(key);
        if (!ds) loaded.set(key, (ds = loadDataset(t.dataset, args, t.split)));
        const { data, vectors } = await ds;
        const cpu0 = process.cpuUsage();
        const settings = {
          data,
          seed: t.seed,
          ...SETTINGS,
          budget: t.budget,
          split: t.split ? readSplit(join(SHARED_DIR, 'splits', `brown-genre.seed${t.split}.json`), data.records.length) : undefined,
          name: t.dataset,
        };
        const r = await simulate({
          ...settings,
          strategy: parseStrategy(t.strategy, '--strategies'),
          // The encoder's pool transform (SIF's common component) and the lexical block, fitted on
          // the pool as in the editor.
          ...runFeatures(t, args, settings, vectors),
          // Never a prior trained on the dataset under test: require the held-out one when the
          // default prior saw this dataset.
          metaFactory: metaSelectorFactory(silentLogger, { requireHeldOut: trainedOn.includes(t.dataset) }),
          // The learner's semi-supervised step: --semi-supervised, else the editor's default.
          ...(args.semiSupervised === 'off' ? {} : { semiSupervised: { method: args.semiSupervised } }),
        });
        const cpu = process.cpuUsage(cpu0);
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        writeAtomic(cacheFile(t, args), JSON.stringify({ ...r, cpuSeconds } satisfies CachedRun));
        return { ok: true, aulc: r.aulc, seconds: r.seconds, cpuSeconds };
      } catch (e) {
        return { ok: false, message: (e as Error).message };
      }
    })().then((reply) => process.send!(reply));
  });
}

// ---- the scheduler: one queue, larger budgets queued as soon as a dataset's smallest one is done --

interface Failure {
  readonly task: Task;
  readonly message: string;
}

const timingKey = (strategy: string, budget: number): string => `${strategy}@${budget}`;

/** Seconds per run by strategy and budget: this run's timings, else the cached results'. */
class Timings {
  private readonly sums = new Map<string, { s: number; n: number }>();

  add(strategy: string, budget: number, seconds: number): void {
    const k = timingKey(strategy, budget);
    const e = this.sums.get(k) ?? { s: 0, n: 0 };
    e.s += seconds;
    e.n++;
    this.sums.set(k, e);
  }

  private of(strategy: string, budget: number): number | undefined {
    const e = this.sums.get(timingKey(strategy, budget));
    return e ? e.s / e.n : undefined;
  }

  /** Expected seconds of one run. */
  estimate(strategy: string, budget: number, smallest: number): number {
    const own = this.of(strategy, budget);
    if (own !== undefined) return own;
    const small = this.of(strategy, smallest);
    if (small !== undefined) return small * (budget > smallest ? COST_GROWTH_GUESS : 1);
    const any = [...this.sums].filter(([k]) => k.endsWith(`@${budget}`)).map(([, e]) => e.s / e.n);
    if (any.length) return mean(any);
    return 1.5 * (budget / 300) ** 1.5;
  }
}

/** '' for the main report (seeds from 1); '.seedsF-L' for a run on other seeds (its report and plots beside the main ones). */
const replicaTag = (args: Args): string =>
  `${args.firstSeed === 1 ? '' : `.seeds${args.firstSeed}-${args.firstSeed + args.seeds - 1}`}${sslTag(args)}${planNarrowedBy(args).length ? '.partial' : ''}`;

/** Seeds run at a budget: --seeds at the smallest, --seeds-larger (when given) at the others. */

const seedsAt = (budget: number, args: Args): number => seedsAtBudget(budget, args.budgets, args.seeds, args.seedsLarger);

function smallestBudgetTasks(args: Args): Task[] {
  const b = args.budgets[0];
  const tasks: Task[] = [];
  for (const dataset of args.datasets) for (const strategy of args.strategies) for (let seed = args.firstSeed; seed < args.firstSeed + args.seeds; seed++) tasks.push({ dataset, strategy, seed, budget: b });
  return tasks;
}

function peerTasks(args: Args): Task[] {
  if (!args.peers || !args.datasets.includes('brown-genre')) return [];
  return args.strategies.flatMap((strategy) => PEER_SPLITS.map((split) => ({ dataset: 'brown-genre', strategy, seed: split, budget: PEER_BUDGET, split })));
}

/** Fixed strategies of a dataset that run at the larger budgets, from its smallest-budget results (undefined until they are all in). */
function largerBudgetStrategies(dataset: string, args: Args): string[] | undefined {
  const b = args.budgets[0];
  const means = new Map<string, number>();
  for (const strategy of args.strategies) {
    const runs: SimulationResult[] = [];
    for (let seed = args.firstSeed; seed < args.firstSeed + args.seeds; seed++) {
      const r = readCached({ dataset, strategy, seed, budget: b }, args);
      if (!r) return undefined;
      runs.push(r);
    }
    means.set(strategy, mean(runs.map((r) => r.aulc)));
  }
  const fixed = strategiesForLargerBudget(means, args.margin, args.maxFixed);
  return args.strategies.filter((s) => s === 'meta' || s === 'random' || fixed.includes(s));
}

function largerBudgetTasks(dataset: string, strategies: readonly string[], args: Args): Task[] {
  const tasks: Task[] = [];
  for (const budget of args.budgets.slice(1)) for (const strategy of strategies) for (let seed = args.firstSeed; seed < args.firstSeed + seedsAt(budget, args); seed++) tasks.push({ dataset, strategy, seed, budget });
  return tasks;
}

const fmtMin = (s: number): string => (s < 90 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`);

/** Seconds until the queue is done: queued runs, what is left of the running ones, and the larger-budget runs not queued yet. */
function etaSeconds(queue: readonly Task[], pendingDatasets: number, timings: Timings, args: Args, running: readonly { task: Task; elapsed: number }[] = []): number {
  const small = args.budgets[0];
  let s = queue.reduce((a, t) => a + timings.estimate(t.strategy, t.budget, small), 0);
  for (const r of running) s += Math.max(0, timings.estimate(r.task.strategy, r.task.budget, small) - r.elapsed);
  // Larger-budget runs not known yet: assume meta, random and --max-fixed fixed strategies.
  const assumed = ['meta', 'random', ...args.strategies.filter((x) => x !== 'meta' && x !== 'random').slice(0, args.maxFixed)].filter((x) => args.strategies.includes(x));
  for (const b of args.budgets.slice(1)) s += pendingDatasets * seedsAt(b, args) * assumed.reduce((a, st) => a + timings.estimate(st, b, small), 0);
  return s / args.jobs;
}

async function runAll(args: Args): Promise<{ failures: Failure[]; fixedAtLarger: Map<string, string[]> }> {
  const failures: Failure[] = [];
  const timings = new Timings();
  /** CPU seconds: what the runs would take on idle cores, whatever the load now. */
  const cpuTimings = new Timings();
  const seed = (t: Task, r: CachedRun): void => {
    timings.add(t.strategy, t.budget, r.seconds);
    if (r.cpuSeconds !== undefined) cpuTimings.add(t.strategy, t.budget, r.cpuSeconds);
  };
  const fixedAtLarger = new Map<string, string[]>();
  const all = [...smallestBudgetTasks(args), ...peerTasks(args)];
  // Timings of cached runs seed the ETA.
  for (const t of all) {
    const r = readCached(t, args);
    if (r) seed(t, r);
  }
  const queue: Task[] = all.filter((t) => needsRun(t, args));
  /** Smallest-budget runs still to do per dataset: its larger budgets wait for them (fresh results choose the strategies). */
  const pendingSmall = new Map<string, number>();
  for (const t of queue) if (t.split === undefined) pendingSmall.set(t.dataset, (pendingSmall.get(t.dataset) ?? 0) + 1);
  const unresolved = new Set(args.budgets.length > 1 ? args.datasets : []);
  const failedDatasets = new Set<string>();
  let done = 0;
  let total = queue.length;
  /** Queues a dataset's larger-budget runs once its smallest-budget results are all in (front of the queue: they are the long ones). */
  const resolve = (): void => {
    for (const d of [...unresolved]) {
      if (pendingSmall.get(d)) continue;
      const strategies = largerBudgetStrategies(d, args);
      if (!strategies) continue;
      unresolved.delete(d);
      fixedAtLarger.set(d, strategies);
      const more = largerBudgetTasks(d, strategies, args);
      for (const t of more) {
        const r = readCached(t, args);
        if (r) seed(t, r);
      }
      const todo = more.filter((t) => needsRun(t, args));
      queue.unshift(...todo);
      total += todo.length;
    }
  };
  resolve();
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  log(`bench:al: ${total} runs to do now${unresolved.size ? ` (+ the larger-budget runs of ${unresolved.size} datasets once their ${args.budgets[0]}-label runs are in)` : ''} on ${args.jobs} worker(s); ETA ${fmtMin(etaSeconds(queue, unresolved.size, timings, args))} (${fmtMin(etaSeconds(queue, unresolved.size, cpuTimings, args))} on idle cores, from CPU timings)`);
  if (args.plan) return { failures, fixedAtLarger };
  const t0 = performance.now();
  await new Promise<void>((resolveAll, rejectAll) => {
    let busy = 0;
    const running = new Map<ChildProcess, { task: Task; start: number }>();
    // A worker that finds the queue empty waits while others are busy: their results may queue
    // a dataset's larger-budget runs, which should not all fall to one worker.
    const idle: ChildProcess[] = [];
    const finish = (): void => {
      for (const w of idle.splice(0)) w.disconnect();
      resolveAll();
    };
    const feed = (w: ChildProcess): void => {
      const t = queue.shift();
      if (!t) {
        idle.push(w);
        if (busy === 0) finish();
        return;
      }
      busy++;
      const t1 = performance.now();
      running.set(w, { task: t, start: t1 });
      w.once('message', (reply: WorkerReply) => {
        busy--;
        running.delete(w);
        if (t.split === undefined && t.budget === args.budgets[0]) pendingSmall.set(t.dataset, (pendingSmall.get(t.dataset) ?? 1) - 1);
        done++;
        const tag = `[${done}/${total}] ${t.dataset} ${t.strategy} b${t.budget} seed ${t.seed}${t.split ? ` (split ${t.split})` : ''}`;
        const wall = (performance.now() - t1) / 1000;
        if (reply.ok) {
          timings.add(t.strategy, t.budget, wall);
          cpuTimings.add(t.strategy, t.budget, reply.cpuSeconds);
          resolve();
          const now = performance.now();
          const inFlight = [...running.values()].map((r) => ({ task: r.task, elapsed: (now - r.start) / 1000 }));
          const eta = etaSeconds(queue, [...unresolved].filter((d) => !failedDatasets.has(d)).length, timings, args, inFlight);
          log(`${tag}: aulc ${reply.aulc.toFixed(3)} in ${wall.toFixed(1)} s (${reply.cpuSeconds.toFixed(1)} s CPU) · ${fmtMin((performance.now() - t0) / 1000)} elapsed, ETA ${fmtMin(eta)}`);
        } else {
          failures.push({ task: t, message: reply.message });
          failedDatasets.add(t.dataset);
          log(`${tag}: FAILED ${reply.message}`);
        }
        feed(w);
        while (idle.length && queue.length) feed(idle.shift()!);
      });
      w.send({ task: t, args } satisfies WorkerRequest);
    };
    for (let i = 0; i < args.jobs; i++) {
      const w = fork(__filename, ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      w.on('exit', (code) => {
        if (code !== 0 && code !== null) rejectAll(new Error(`worker ${i} exited with ${code}`));
      });
      feed(w);
    }
  });
  for (const d of unresolved) failures.push({ task: { dataset: d, strategy: '*', seed: 0, budget: args.budgets[1] }, message: `no runs at ${args.budgets.slice(1).join(', ')} labels: some ${args.budgets[0]}-label runs failed` });
  return { failures, fixedAtLarger };
}

// ---- report ------------------------------------------------------------------------------------

const pct = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '—' : (100 * x).toFixed(1));
/** Signed percentage points, with "0.0" rather than "-0.0" for a difference that rounds to zero. */
const signedPct = (x: number): string => {
  const v = pct(x);
  return v === '-0.0' ? '0.0' : x >= 0 ? `+${v}` : v;
};
const fmtLabels = (l: number, budget: number): string => (Number.isFinite(l) ? String(l) : `>${budget}`);

function accAt(r: SimulationResult, labels: number): number | undefined {
  return r.curve.find((c) => c.labels === labels)?.accuracy;
}

function checkpointsOf(budget: number): number[] {
  const c = budget <= 300 ? [50, 100, budget] : [100, 300, Math.round(budget / 2), budget];
  return [...new Set(c.filter((x) => x > SETTINGS.init && x <= budget))];
}

function report(args: Args, failures: Failure[], fixedAtLarger: Map<string, string[]>, seconds: number): string {
  const lines: string[] = [];
  const p = (s = ''): void => void lines.push(s);
  const small = args.budgets[0];
  const larger = args.budgets.slice(1);
  /** Cached runs of every strategy that ran on a dataset at a budget. */
  const runsOf = (dataset: string, budget: number): Map<string, CachedRun[]> => {
    const out = new Map<string, CachedRun[]>();
    for (const strategy of args.strategies) {
      const runs: CachedRun[] = [];
      for (let seed = args.firstSeed; seed < args.firstSeed + seedsAt(budget, args); seed++) {
        const r = readCached({ dataset, strategy, seed, budget }, args);
        if (r) runs.push(r);
      }
      if (runs.length) out.set(strategy, runs);
    }
    return out;
  };
  const allRuns: CachedRun[] = [];
  for (const d of args.datasets) for (const b of args.budgets) for (const rs of runsOf(d, b).values()) allRuns.push(...rs);
  const peerRuns = peerTasks(args).map((t) => readCached(t, args)).filter((r): r is CachedRun => !!r);

  p('# Benchmarks: label efficiency of the query strategies and the meta-learner');
  p();
  p('Generated by `npm run bench:al` (bench/al.ts). Each run is `labelwise simulate` as a library call (`simulate()`, the');
  p(`editor's engine with gold answers): a stratified ${SETTINGS.testFraction * 100} % test split and ${SETTINGS.init} random initial labels chosen by the seed, then`);
  p(`rounds of ${SETTINGS.batch} queries until the budget (${args.budgets.join(' and ')} labels), test accuracy after every round. Vectors: the embedded`);
  p(`encoder \`${args.model}\` (${encoderTag(args.model)}), with ${args.commonComponents ?? commonComponentsOf(args.model)} principal component(s) of the pool removed${args.lexical > 0 ? ',' : '.'}`);
  if (args.lexical > 0) {
    p(`and the lexical block of \`labelwise.lexicalFeatures\` = ${args.lexical} (the editor's default${args.lexical === defaultSettings.lexicalFeatures ? '' : ` is ${defaultSettings.lexicalFeatures}`}) next to them,`);
    p(`fitted on each seed's pool (never the test split): what the editor's learner sees (\`simulationVectors\`, code \`${featuresTag()}\`).`);
  }
  p(
    args.semiSupervised === 'off'
      ? `The learner runs without a semi-supervised step (\`labelwise.semiSupervised\` = off, \`npm run bench:al -- --semi-supervised off\`; the editor's default is \`${defaultSettings.semiSupervised}\`).`
      : `The learner runs with the semi-supervised step \`${args.semiSupervised}\` (\`labelwise.semiSupervised\`${args.semiSupervised === defaultSettings.semiSupervised ? ", the editor's default" : `, \`npm run bench:al -- --semi-supervised ${args.semiSupervised}\`; the editor's default is \`${defaultSettings.semiSupervised}\``}): after each fit, confident unlabeled spans become pseudo-labels under every strategy alike.`,
  );
  p('`meta` runs with a learned prior that was never trained on the dataset it is');
  p('evaluated on (the held-out prior `prior-without-DATASET` where the default prior saw it).');
  p(`Every run is of today's code: results are cached under a fingerprint of the source each run executes (fixed strategies \`${codeTag('random')}\`,`);
  p(`meta \`${codeTag('meta')}\`, its priors included), so a run of other code is never reused.`);
  p();
  p('How to read it:');
  p(`- **AULC** is the area under the accuracy curve from ${SETTINGS.init} labels to the budget, divided by the label range (a mean accuracy), in %.`);
  p('- **Labels to 90 % / 95 %**: the median over seeds of the first label count at which a run reaches 90 % (95 %) of the');
  p('  accuracy of the same learner trained on the whole pool; ">N": at least half the runs never did within the budget N.');
  p("  Meta's ratio to random's is a bound (\"< r\") when random's median is beyond the budget, and \"—\" when meta's is.");
  p('- **Best fixed strategy in hindsight**: the fixed strategy (random included) with the highest mean AULC on that dataset');
  p('  and budget, chosen after the fact — a bar no real user could pick in advance.');
  p('- **p**: two-sided paired Wilcoxon signed-rank test over seeds (exact, ties averaged); "significant" means p < 0.05.');
  if (larger.length) {
    p(`- **Larger budgets (${larger.join(', ')} labels)** run meta, random and only the fixed strategies whose mean AULC at ${small} labels`);
    p(`  was within ${(args.margin * 100).toFixed(1)} AULC points of the best fixed strategy there (at most ${args.maxFixed}): a run's cost grows with the square`);
    p('  of its budget (every round refits the learner and its committee on all labels so far), and the full grid would not fit');
    p(`  the time box. At ${larger.join(', ')} labels, "best fixed in hindsight" is therefore the best of the strategies that ran there.`);
  }
  const cappedSets = args.datasets.filter((d) => capped(d, args));
  p(
    `- **Pool size**: ${cappedSets.length ? `${cappedSets.join(', ')} ${cappedSets.length > 1 ? 'are' : 'is'} cut to a stratified sample of ${args.maxRecords} records (one fixed sample for every seed and strategy)` : `datasets larger than ${args.maxRecords} records would be cut to a stratified sample of that size; none is`}.`,
  );
  p();
  const compute = [...allRuns, ...peerRuns].reduce((a, r) => a + r.seconds, 0);
  const seedsText = larger.length && args.seedsLarger !== undefined && args.seedsLarger !== args.seeds ? `${args.seeds} seeds per dataset and strategy at ${small} labels, ${args.seedsLarger} at ${larger.join(', ')}` : `${args.seeds} seeds per dataset, strategy and budget`;
  const seedRange = args.firstSeed === 1 ? '' : ` (seeds ${args.firstSeed}–${args.firstSeed + args.seeds - 1}: a replication of BENCHMARKS${sslTag(args)}.md on fresh seeds)`;
  p(`${seedsText}${seedRange}; ${allRuns.length + peerRuns.length} runs in all: ${(compute / 60).toFixed(1)} min of simulation (this invocation: ${(seconds / 60).toFixed(1)} min with ${args.jobs} worker(s), cached runs reused).`);
  p();
  p('| dataset | records | classes | source |');
  p('|---|---|---|---|');
  for (const name of args.datasets) {
    const spec = specOf(name);
    const ds = readGoldDataset(spec.file);
    const n = capped(name, args) ? `${args.maxRecords} of ${ds.records.length}` : String(ds.records.length);
    p(`| ${name} | ${n} | ${ds.classes.length} | ${spec.source} |`);
  }
  p();

  const verdicts: DatasetVerdict[] = [];
  mkdirSync(PLOTS, { recursive: true });
  for (const name of args.datasets) {
    // At the larger budgets only the strategies the rule chose this time count (the cache may hold others from an earlier rule).
    const chosen = fixedAtLarger.get(name);
    const perBudget = args.budgets
      .map((b) => ({ budget: b, runs: new Map([...runsOf(name, b)].filter(([s]) => b === small || !chosen || chosen.includes(s))) }))
      .filter((x) => x.runs.size);
    if (!perBudget.length) continue;
    p(`## ${name}`);
    p();
    for (const { budget, runs } of perBudget) {
      const any = [...runs.values()][0];
      const full = mean(any.map((r) => r.fullData.accuracy));
      const v = verdictOf(name, budget, runs);
      if (v) verdicts.push(v);
      const fixed = [...runs].filter(([s]) => s !== 'meta').sort((a, b) => mean(b[1].map((r) => r.aulc)) - mean(a[1].map((r) => r.aulc)));
      const ordered = [...(runs.has('meta') ? [['meta', runs.get('meta')!] as const] : []), ...fixed];
      p(`### ${name}, ${budget} labels`);
      p();
      p(`Full-pool accuracy (same learner, all ${any[0].pool} pool records): ${pct(full)} %. ${budget > small && fixedAtLarger.has(name) ? `Fixed strategies run here (within the margin at ${small} labels): ${fixed.map(([s]) => s).join(', ')}.` : ''}`.trimEnd());
      p();
      const file = `${name}.b${budget}${replicaTag(args)}.svg`;
      p(`![learning curves on ${name}, ${budget} labels](bench/plots/${file})`);
      p();
      const cps = checkpointsOf(budget);
      p(`| strategy | AULC, % (mean ± sd) | ${cps.map((c, i) => (i ? `@${c}` : `accuracy @${c}, %`)).join(' | ')} | labels to 90 % | to 95 % |`);
      p(`|---|---|${cps.map(() => '---|').join('')}---|---|`);
      for (const [strategy, rs] of ordered) {
        const aulcs = rs.map((r) => r.aulc);
        const tag = v && strategy === v.best.strategy ? ' (best fixed)' : '';
        const n = rs.length < seedsAt(budget, args) ? ` (${rs.length} seeds)` : '';
        p(
          `| ${strategy}${tag}${n} | ${pct(mean(aulcs))} ± ${pct(sd(aulcs))} | ${cps.map((c) => pct(mean(rs.map((x) => accAt(x, c) ?? NaN)))).join(' | ')} | ${fmtLabels(medianLabelsToReach(rs, 0.9), budget)} | ${fmtLabels(medianLabelsToReach(rs, 0.95), budget)} |`,
        );
      }
      p();
      if (v) {
        p(`Meta vs random: ${signedPct(v.vsRandom.diff)} AULC points, W+ = ${v.vsRandom.wPlus}, W− = ${v.vsRandom.wMinus}, ${pText(v.vsRandom.p)} (n = ${v.vsRandom.n}).`);
        p(`Meta vs the best fixed strategy in hindsight (${v.best.strategy}): ${signedPct(v.vsBest.diff)} points, W+ = ${v.vsBest.wPlus}, W− = ${v.vsBest.wMinus}, ${pText(v.vsBest.p)} (n = ${v.vsBest.n}).`);
        p(`Labels to 90 % of full-pool accuracy: meta ${fmtLabels(v.labels90.meta, budget)}, random ${fmtLabels(v.labels90.random, budget)} (ratio ${formatRatio(v.labels90.ratio)}); to 95 %: meta ${fmtLabels(v.labels95.meta, budget)}, random ${fmtLabels(v.labels95.random, budget)} (ratio ${formatRatio(v.labels95.ratio)}).`);
        p();
      }
      const series = ordered.map(([strategy, rs]) => {
        const labels = rs[0].curve.map((c) => c.labels);
        return { name: strategy, points: labels.map((l, i) => [l, mean(rs.map((r) => r.curve[i]?.accuracy ?? NaN))] as const) };
      });
      writeFileSync(join(PLOTS, file), plotSvg(`${name}, ${budget} labels: mean test accuracy over ${seedsAt(budget, args)} seeds`, series, full));
    }
  }

  if (verdicts.length) {
    p('## Summary');
    p();
    p('| dataset | budget | meta AULC, % | random | best fixed in hindsight | meta − best (p) | meta − random (p) | labels to 90 %: meta / random (ratio) | to 95 % (ratio) |');
    p('|---|---|---|---|---|---|---|---|---|');
    for (const b of args.budgets) {
      for (const v of verdicts.filter((x) => x.budget === b)) {
        p(
          `| ${v.dataset} | ${b} | ${pct(v.meta)} | ${pct(v.random)} | ${v.best.strategy} ${pct(v.best.aulc)} | ${signedPct(v.vsBest.diff)} (${fmtP(v.vsBest.p)}) | ${signedPct(v.vsRandom.diff)} (${fmtP(v.vsRandom.p)}) | ${fmtLabels(v.labels90.meta, b)} / ${fmtLabels(v.labels90.random, b)} (${formatRatio(v.labels90.ratio)}) | ${formatRatio(v.labels95.ratio)} |`,
        );
      }
      const vb = verdicts.filter((x) => x.budget === b);
      if (vb.length) p(`| **mean** | ${b} | ${pct(mean(vb.map((x) => x.meta)))} | ${pct(mean(vb.map((x) => x.random)))} | ${pct(mean(vb.map((x) => x.best.aulc)))} | ${signedPct(mean(vb.map((x) => x.vsBest.diff)))} | ${signedPct(mean(vb.map((x) => x.vsRandom.diff)))} | | |`);
    }
    p();
  }

  let peersMeta: number | undefined;
  if (peerRuns.length) {
    p('## Against established libraries on identical splits (brown-genre)');
    p();
    p(`\`--split ../shared/splits/brown-genre.seed{1..5}.json\`, init ${SETTINGS.init}, batch ${SETTINGS.batch}, budget ${PEER_BUDGET}. The peers used scikit-learn`);
    p('logistic regression (C = 1) on mean GloVe vectors; their numbers are quoted from issue 4, ours are measured here.');
    p();
    p('| system | mean AULC (5 splits) | per split | full-pool accuracy |');
    p('|---|---|---|---|');
    const ours: { name: string; a: number[]; full: number }[] = [];
    for (const strategy of args.strategies) {
      const runs = peerRuns.filter((r) => r.strategy === strategy);
      if (runs.length) ours.push({ name: strategy, a: runs.map((r) => r.aulc), full: mean(runs.map((r) => r.fullData.accuracy)) });
    }
    ours.sort((x, y) => (x.name === 'meta' ? -1 : y.name === 'meta' ? 1 : mean(y.a) - mean(x.a)));
    for (const o of ours) p(`| Labelwise ${o.name} | ${o.name === 'meta' ? `**${mean(o.a).toFixed(3)}**` : mean(o.a).toFixed(3)} | ${o.a.map((v) => v.toFixed(3)).join(' ')} | ${o.full.toFixed(3)} |`);
    for (const peer of PEERS) p(`| ${peer.name} | ${peer.aulc.toFixed(3)} | — | ${PEERS_FULL.toFixed(3)} |`);
    p();
    const meta = ours.find((o) => o.name === 'meta');
    if (meta && meta.a.length === PEER_SPLITS.length) peersMeta = mean(meta.a);
  }

  p('## Issue-8 targets');
  p();
  p(`Checked automatically from the runs above (significance: p < 0.05; at ${larger.length ? `${larger.join(', ')} labels the best fixed strategy is the best of those run there` : 'each budget'}; a budget run on fewer than ${TARGET_MIN_SEEDS} seeds meets no target).`);
  p('A target with no runs to judge it is MISSED. "Selection ≤ 150 ms for 10 of 100,000 spans" is measured by `npm run bench:select`, not here.');
  p();
  p('| target | verdict | measured |');
  p('|---|---|---|');
  for (const c of checkTargets(verdicts, args.budgets, peersMeta)) p(`| ${c.target} | ${c.met ? 'MET' : '**MISSED**'} | ${c.measured} |`);
  p();

  if (args.semiSupervised !== 'off') sslSection(args, p, runsOf, fixedAtLarger);

  const timed = (strategy: string | null, budget: number): CachedRun[] =>
    allRuns.filter((r) => r.budget === budget && (strategy === null ? r.strategy !== 'meta' && r.strategy !== 'random' : r.strategy === strategy));
  const cell = (rs: CachedRun[]): string => {
    if (!rs.length) return '—';
    const cpu = rs.map((r) => r.cpuSeconds).filter((x): x is number => x !== undefined);
    return `${median(rs.map((r) => r.seconds)).toFixed(1)}${cpu.length ? ` / ${median(cpu).toFixed(1)}` : ''} (${rs.length} runs)`;
  };
  p('## Cost');
  p();
  p('Median seconds of one run: wall clock of `simulate()` in a worker process (whatever else the machine was doing) / CPU');
  p('seconds of that worker. Fitting the learner (and, for meta and the committee strategies, its 5-member committee) on every');
  p('label so far each round is most of it; evaluating on the test split every round is a small part, so every round is evaluated.');
  p();
  p('| budget | meta | random | fixed strategies (all of them) |');
  p('|---|---|---|---|');
  for (const b of args.budgets) p(`| ${b} | ${cell(timed('meta', b))} | ${cell(timed('random', b))} | ${cell(timed(null, b))} |`);
  p();

  if (failures.length) {
    p('## Runs that failed');
    p();
    for (const f of failures.slice(0, 20)) p(`- ${f.task.dataset} ${f.task.strategy} budget ${f.task.budget} seed ${f.task.seed}: ${f.message}`);
    if (failures.length > 20) p(`- … and ${failures.length - 20} more`);
    p();
  }
  return lines.join('\n');
}

/**
 * The semi-supervised step judged: for every dataset, budget and strategy that ran, this report's
 * AULC minus that of the same seeds without the step (`--semi-supervised off`, read from its cache;
 * cells whose runs without the step are not cached show "—"), with the paired Wilcoxon p.
 */
function sslSection(args: Args, p: (s?: string) => void, runsOf: (dataset: string, budget: number) => Map<string, CachedRun[]>, fixedAtLarger: Map<string, string[]>): void {
  const off: Args = { ...args, semiSupervised: 'off' };
  const offRuns = (dataset: string, strategy: string, budget: number, seeds: readonly number[]): CachedRun[] =>
    seeds.map((seed) => readCached({ dataset, strategy, seed, budget }, off)).filter((r): r is CachedRun => !!r);
  p(`## The semi-supervised step: \`${args.semiSupervised}\` − off`);
  p();
  p(`AULC points with the step minus without it (\`npm run bench:al -- --semi-supervised off\`), same datasets, seeds and strategies; paired`);
  p('two-sided Wilcoxon p over the seeds both ran. **Bold**: significant (p < 0.05). Blank: the strategy did not run there; "—": it');
  p('ran only with the step (at the larger budgets each report runs the fixed strategies its own smallest budget chose).');
  p();
  for (const budget of args.budgets) {
    const strategies = args.strategies.filter((s) => args.datasets.some((d) => runsOf(d, budget).has(s)));
    const rows: string[] = [];
    const perStrategy = new Map<string, number[]>();
    let pos = 0;
    let neg = 0;
    let cells = 0;
    for (const name of args.datasets) {
      const chosen = fixedAtLarger.get(name);
      const runs = runsOf(name, budget);
      const row = strategies.map((s) => {
        const rs = runs.get(s);
        if (!rs || (budget !== args.budgets[0] && chosen && s !== 'meta' && !chosen.includes(s))) return '';
        const base = offRuns(name, s, budget, rs.map((r) => r.seed));
        if (base.length < 2) return '—';
        const d = pairedDifference(rs, base);
        cells++;
        if (d.p < 0.05) d.diff > 0 ? pos++ : neg++;
        perStrategy.set(s, [...(perStrategy.get(s) ?? []), d.diff]);
        const cell = `${signedPct(d.diff)} (${fmtP(d.p)})`;
        return d.p < 0.05 ? `**${cell}**` : cell;
      });
      if (row.some((c) => c)) rows.push(`| ${name} | ${row.join(' | ')} |`);
    }
    if (!rows.length) continue;
    p(`### ${budget} labels`);
    p();
    p(`| dataset | ${strategies.join(' | ')} |`);
    p(`|---|${strategies.map(() => '---|').join('')}`);
    for (const r of rows) p(r);
    p(`| **mean** | ${strategies.map((s) => (perStrategy.has(s) ? signedPct(mean(perStrategy.get(s)!)) : '')).join(' | ')} |`);
    p();
    p(`${cells} cells: ${pos} significantly positive, ${neg} significantly negative.`);
    p();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.worker) {
    workerMain();
    return;
  }
  const t0 = performance.now();
  buildDatasets();
  // Encode every dataset once, before the workers start (they would all encode it otherwise).
  for (const name of args.datasets) {
    const spec = specOf(name);
    await datasetVectors(spec, readGoldDataset(spec.file), args.model);
  }
  const { failures, fixedAtLarger } = await runAll(args);
  if (args.plan) return;
  const md = report(args, failures, fixedAtLarger, (performance.now() - t0) / 1000);
  const reportFile = join(ROOT, `BENCHMARKS${replicaTag(args)}.md`);
  writeFileSync(reportFile, md + '\n');
  const narrowed = planNarrowedBy(args);
  const why = narrowed.length ? `; not the main report: the plan was narrowed by ${narrowed.map((k) => (k === 'peers' ? '--no-peers' : `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`)).join(', ')}` : '';
  process.stderr.write(`wrote ${relative(process.cwd(), reportFile)} and ${relative(process.cwd(), PLOTS)}/*${replicaTag(args)}.svg (${basename(CACHE)} holds the per-run results)${why}\n`);
  process.stdout.write(md + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:al: ${e instanceof UsageError ? e.message : ((e as Error).stack ?? String(e))}\n`);
  process.exit(1);
});
