// `npm run bench:ssl`: the base learner's semi-supervised step (src/core/learners/selfTraining.ts:
// self-training, or pseudo-labels where label propagation over a kNN graph of the span vectors
// agrees with the model) against none, through simulate() — the editor's engine — on the features
// the editor's learner sees by default (simulationVectors.ts: the encoder's vectors and the lexical
// block, fitted on each seed's pool, read from bench:al's cache when it has them), per dataset ×
// strategy × seed, and on the peers' fixed brown-genre splits. Writes bench/ssl.md (bench/ssl.bN.md
// for another --budget): AULC per mode, with-minus-without and meta-minus-random with paired
// Wilcoxon p. A benchmark: it prints figures and asserts nothing.
//
// Results are cached per run in bench/.cache/ssl/ (gitignored) under the features' and the run's
// code fingerprints (importClosure.ts), so an interrupted run resumes and a code change reruns.
// Flags: --seeds N (default 20), --datasets a,b, --strategies a,b (default margin,random,meta),
// --modes off,propagation (a mode may carry knobs: propagation:threshold:ratio:weight),
// --budget N (default 300), --lexical N (default: labelwise.lexicalFeatures' default), --no-peers,
// --worker i/n (run every n-th task from i, for a second process), --report (no runs, only the table).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { metaSelectorFactory } from '../src/core/meta/metaSelectorFactory';
import { defaultSettings } from '../src/core/settings';
import { simulate, type SimulationResult } from '../src/core/simulation/simulate';
import { readSplit } from '../src/core/simulation/split';
import { wilcoxonSignedRank } from '../src/core/simulation/wilcoxon';
import type { SemiSupervised } from '../src/core/learners/selfTraining';
import { parseStrategy } from '../src/core/settingsParser';
import { readGoldDataset, type GoldDataset } from '../src/core/text/dataset';
import { silentLogger, type Matrix } from '../src/core/types';
import { DATASET_SPECS, SHARED_DIR } from '../scripts/datasetSpecs';
import { datasetVectors, defaultPriorTrainedOn, encoderTag, seedFeatures, writeAtomic } from './datasetVectors';
import { simulationFingerprint } from './importClosure';

const ROOT = join(__dirname, '..');
const CACHE = join(ROOT, 'bench', '.cache');
const SETTINGS = { init: 20, batch: 10, testFraction: 0.3 } as const;
/** The peers' fixed brown-genre splits (../shared/splits), run at bench:al's peer budget. */
const PEER_SPLITS = [1, 2, 3, 4, 5];
const PEER_BUDGET = 300;

interface Args {
  seeds: number;
  datasets: string[];
  strategies: string[];
  modes: string[];
  budget: number;
  lexical: number;
  peers: boolean;
  report: boolean;
  worker: { index: number; of: number };
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    seeds: 20,
    datasets: DATASET_SPECS.map((d) => d.name),
    strategies: ['margin', 'random', 'meta'],
    modes: ['off', 'propagation'],
    budget: 300,
    lexical: defaultSettings.lexicalFeatures,
    peers: true,
    report: false,
    worker: { index: 0, of: 1 },
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1] ?? '';
    const flag = argv[i];
    const takes = (): string => (i++, v);
    if (flag === '--seeds') a.seeds = Number(takes());
    else if (flag === '--datasets') a.datasets = takes().split(',');
    else if (flag === '--strategies') a.strategies = takes().split(',');
    else if (flag === '--modes') a.modes = takes().split(',');
    else if (flag === '--budget') a.budget = Number(takes());
    else if (flag === '--lexical') a.lexical = Number(takes());
    else if (flag === '--no-peers') a.peers = false;
    else if (flag === '--report') a.report = true;
    else if (flag === '--worker') {
      const [index, of] = takes().split('/').map(Number);
      a.worker = { index, of };
    } else throw new Error(`bench/ssl.ts: unknown flag ${flag}`);
  }
  for (const d of a.datasets) if (!DATASET_SPECS.some((s) => s.name === d)) throw new Error(`bench/ssl.ts: unknown dataset ${d}`);
  if (!a.modes.includes('off')) throw new Error('bench/ssl.ts: --modes must include off (every other mode is compared with it)');
  for (const m of a.modes) modeOptions(m);
  if (!(Number.isInteger(a.seeds) && a.seeds > 0)) throw new Error(`bench/ssl.ts: --seeds must be a positive integer, got ${a.seeds}`);
  if (!(Number.isInteger(a.budget) && a.budget > SETTINGS.init)) throw new Error(`bench/ssl.ts: --budget must be an integer above ${SETTINGS.init}, got ${a.budget}`);
  if (!(Number.isInteger(a.lexical) && a.lexical >= 0)) throw new Error(`bench/ssl.ts: --lexical must be an integer ≥ 0, got ${a.lexical}`);
  a.peers &&= a.budget === PEER_BUDGET && a.datasets.includes('brown-genre');
  return a;
}

/** `off`, or `self-training|propagation[:threshold[:ratio[:weight]]]`. */
function modeOptions(mode: string): SemiSupervised | undefined {
  if (mode === 'off') return undefined;
  const [method, threshold, ratio, weight] = mode.split(':');
  if (method !== 'self-training' && method !== 'propagation') throw new Error(`bench/ssl.ts: unknown mode ${mode}`);
  const num = (s: string | undefined): number | undefined => (s === undefined || s === '' ? undefined : Number(s));
  return { method, threshold: num(threshold), ratio: num(ratio), weight: num(weight) };
}

interface Task {
  readonly dataset: string;
  readonly mode: string;
  readonly strategy: string;
  readonly seed: number;
  /** A peers' split number (its seed is the same number, as in bench:al). */
  readonly split?: number;
}

/** The fingerprint of the code a run (meta or fixed) or the features execute. */
const fingerprint = (what: 'meta' | 'fixed' | 'features'): string => simulationFingerprint(ROOT, what);

/** bench:al's folder for these features (the same tag scheme), so that a seed's block is fitted once for both benchmarks. */
function featuresFolder(args: Args): string {
  return join(CACHE, 'al', `${encoderTag('default')}.lexical${args.lexical}.lex-${fingerprint('features')}`);
}

function cacheFile(t: Task, args: Args): string {
  const code = fingerprint(t.strategy === 'meta' ? 'meta' : 'fixed');
  const features = args.lexical > 0 ? `lexical${args.lexical}.lex-${fingerprint('features')}` : 'embedding';
  const seed = `seed${t.seed}${t.split ? `.split${t.split}` : ''}`;
  return join(CACHE, 'ssl', features, t.dataset, t.mode.replace(/:/g, '_'), `${t.strategy}.b${budgetOf(t, args)}.${seed}.code-${code}.json`);
}

const budgetOf = (t: Task, args: Args): number => (t.split ? PEER_BUDGET : args.budget);


async function run(args: Args, tasks: Task[]): Promise<void> {
  const loaded = new Map<string, { data: GoldDataset; vectors: Matrix }>();
  const heldOut = defaultPriorTrainedOn();
  const todo = tasks.filter((t) => !existsSync(cacheFile(t, args)));
  const mine = todo.filter((_, i) => i % args.worker.of === args.worker.index);
  let done = 0;
  for (const t of mine) {
    const spec = DATASET_SPECS.find((d) => d.name === t.dataset)!;
    let ds = loaded.get(t.dataset);
    if (!ds) {
      const data = readGoldDataset(spec.file);
      ds = { data, vectors: await datasetVectors(spec, data) };
      loaded.set(t.dataset, ds);
    }
    const settings = {
      data: ds.data,
      seed: t.seed,
      ...SETTINGS,
      budget: budgetOf(t, args),
      split: t.split ? readSplit(join(SHARED_DIR, 'splits', `brown-genre.seed${t.split}.json`), ds.data.records.length) : undefined,
      name: t.dataset,
    };
    const features = seedFeatures(featuresFolder(args), settings, ds.vectors, args.lexical, t.split);
    const r = await simulate({
      ...settings,
      ...features,
      strategy: parseStrategy(t.strategy, '--strategies'),
      semiSupervised: modeOptions(t.mode),
      metaFactory: metaSelectorFactory(silentLogger, { requireHeldOut: heldOut.includes(t.dataset) }),
    });
    writeAtomic(cacheFile(t, args), JSON.stringify(r));
    done++;
    process.stderr.write(`[${done}/${mine.length}] ${t.dataset}${t.split ? ` split ${t.split}` : ''} ${t.mode} ${t.strategy} seed ${t.seed}: aulc ${r.aulc.toFixed(4)} in ${r.seconds.toFixed(1)} s\n`);
  }
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const sd = (xs: readonly number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)) * (xs.length / Math.max(1, xs.length - 1)));
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
const pOf = (a: readonly number[], b: readonly number[]): string => {
  if (a.length < 2) return '';
  const p = wilcoxonSignedRank(a, b).p;
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
};

function report(args: Args, tasks: Task[]): string {
  const results = new Map<string, SimulationResult>();
  for (const t of tasks) {
    const f = cacheFile(t, args);
    if (existsSync(f)) results.set(f, JSON.parse(readFileSync(f, 'utf8')) as SimulationResult);
  }
  const aulcs = (dataset: string, mode: string, strategy: string, seeds: readonly number[], split = false): (number | undefined)[] =>
    seeds.map((seed) => {
      const r = results.get(cacheFile({ dataset, mode, strategy, seed, split: split ? seed : undefined }, args));
      return r ? 100 * r.aulc : undefined;
    });
  /** Paired values of two series (seeds both have). */
  const paired = (a: (number | undefined)[], b: (number | undefined)[]): [number[], number[]] => {
    const x: number[] = [];
    const y: number[] = [];
    a.forEach((v, i) => v !== undefined && b[i] !== undefined && (x.push(v), y.push(b[i]!)));
    return [x, y];
  };
  const seeds = Array.from({ length: args.seeds }, (_, i) => i + 1);
  const others = args.modes.filter((m) => m !== 'off');
  const lines: string[] = [];
  const p = (s = ''): void => void lines.push(s);
  p(`# The semi-supervised step on the default features (${args.budget} labels)`);
  p();
  p(`Generated by \`npm run bench:ssl${args.budget === 300 ? '' : ` -- --budget ${args.budget}`}\` (bench/ssl.ts). Each run is \`simulate()\`, the editor's engine with gold answers: a`);
  p(`stratified 30 % test split and ${SETTINGS.init} random initial labels chosen by the seed, rounds of ${SETTINGS.batch} queries to ${args.budget} labels; features as the`);
  p(`editor's learner sees them by default (the encoder's vectors and the lexical block of ${args.lexical} columns, fitted on each seed's pool:`);
  p(`\`simulationVectors\`, code \`${fingerprint('features')}\`); code fingerprints: fixed strategies \`${fingerprint('fixed')}\`, meta \`${fingerprint('meta')}\`.`);
  p(`Modes: \`off\` (the supervised learner, today's default) and ${others.map((m) => `\`${m}\``).join(', ')} (\`semiSupervised\` of simulate() and the engine; defaults in`);
  p('src/core/learners/selfTraining.ts). AULC in points (mean accuracy from 20 labels to the budget, ×100); p: two-sided paired Wilcoxon');
  p(`signed-rank over seeds 1–${args.seeds}. Meta runs with a prior never trained on the dataset it is evaluated on.`);
  p();
  for (const mode of others) {
    p(`## ${mode} − off, per dataset and strategy (AULC points)`);
    p();
    p(`| dataset | ${args.strategies.map((s) => `${s}: off → ${mode} | Δ (p)`).join(' | ')} |`);
    p(`|---|${args.strategies.map(() => '---|---|').join('')}`);
    const deltas = new Map<string, number[]>(args.strategies.map((s) => [s, []]));
    for (const dataset of args.datasets) {
      const cells = args.strategies.map((s) => {
        const [on, off] = paired(aulcs(dataset, mode, s, seeds), aulcs(dataset, 'off', s, seeds));
        if (on.length === 0) return '— | —';
        const d = mean(on) - mean(off);
        deltas.get(s)!.push(d);
        return `${mean(off).toFixed(1)} ± ${sd(off).toFixed(1)} → ${mean(on).toFixed(1)} ± ${sd(on).toFixed(1)} | ${signed(d)} (${pOf(on, off)}, n = ${on.length})`;
      });
      p(`| ${dataset} | ${cells.join(' | ')} |`);
    }
    p(`| **mean over datasets** | ${args.strategies.flatMap((s) => ['', `**${signed(mean(deltas.get(s)!))}**`]).join(' | ')} |`);
    p();
    if (args.strategies.includes('meta') && args.strategies.includes('random')) {
      p(`### meta − random and meta − margin, off and ${mode}`);
      p();
      const vs = args.strategies.filter((s) => s !== 'meta');
      p(`| dataset | ${vs.map((s) => `meta − ${s}, off (p) | ${mode} (p)`).join(' | ')} |`);
      p(`|---|${vs.map(() => '---|---|').join('')}`);
      const sums = new Map<string, number[]>(vs.flatMap((s) => [[`${s} off`, []], [`${s} on`, []]]));
      for (const dataset of args.datasets) {
        const cells = vs.flatMap((s) => {
          // The seeds with all four runs, so that off and the mode are compared on the same seeds.
          const all = [aulcs(dataset, 'off', 'meta', seeds), aulcs(dataset, 'off', s, seeds), aulcs(dataset, mode, 'meta', seeds), aulcs(dataset, mode, s, seeds)];
          const both = seeds.filter((_, i) => all.every((xs) => xs[i] !== undefined));
          return (['off', mode] as const).map((m) => {
            const [a, b] = paired(aulcs(dataset, m, 'meta', both), aulcs(dataset, m, s, both));
            if (a.length === 0) return '—';
            sums.get(`${s} ${m === 'off' ? 'off' : 'on'}`)!.push(mean(a) - mean(b));
            return `${signed(mean(a) - mean(b))} (${pOf(a, b)}, n = ${a.length})`;
          });
        });
        p(`| ${dataset} | ${cells.join(' | ')} |`);
      }
      p(`| **mean** | ${vs.flatMap((s) => [`**${signed(mean(sums.get(`${s} off`)!))}**`, `**${signed(mean(sums.get(`${s} on`)!))}**`]).join(' | ')} |`);
      p();
    }
    if (args.peers) {
      p(`### The peers' brown-genre splits (../shared/splits, ${PEER_BUDGET} labels, split K with seed K): mean AULC, ×100`);
      p();
      p(`| strategy | off | ${mode} |`);
      p('|---|---|---|');
      for (const s of args.strategies) {
        const [on, off] = paired(aulcs('brown-genre', mode, s, PEER_SPLITS, true), aulcs('brown-genre', 'off', s, PEER_SPLITS, true));
        if (on.length > 0) p(`| ${s} | ${mean(off).toFixed(1)} | ${mean(on).toFixed(1)} (n = ${on.length}) |`);
      }
      p();
    }
  }
  const secs = (mode: string): number[] => tasks.filter((t) => t.mode === mode).flatMap((t) => results.get(cacheFile(t, args))?.seconds ?? []);
  p(`Seconds a run (mean, this machine, two runs at a time): ${args.modes.map((m) => `${m} ${mean(secs(m)).toFixed(1)} s`).join(', ')}.`);
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const tasks: Task[] = [];
  for (let seed = 1; seed <= args.seeds; seed++)
    for (const dataset of args.datasets) for (const strategy of args.strategies) for (const mode of args.modes) tasks.push({ dataset, mode, strategy, seed });
  if (args.peers) for (const split of PEER_SPLITS) for (const strategy of args.strategies) for (const mode of args.modes) tasks.push({ dataset: 'brown-genre', mode, strategy, seed: split, split });
  if (!args.report) await run(args, tasks);
  if (args.worker.of === 1 || args.report) {
    const out = join(ROOT, 'bench', args.budget === 300 ? 'ssl.md' : `ssl.b${args.budget}.md`);
    writeFileSync(out, report(args, tasks));
    process.stdout.write(`wrote ${out}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/ssl.ts: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
