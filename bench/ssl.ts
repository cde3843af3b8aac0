// `node --import tsx bench/ssl.ts`: the base learner with and without the semi-supervised step
// (src/core/learners/selfTraining.ts), through simulate(), per dataset × strategy × seed. Prints
// AULC and accuracy at 50/100/300 labels per mode, and with-minus-without with a paired Wilcoxon p.
//
// Results are cached per run in bench/.cache/ssl/ (gitignored; --fresh ignores them) so that an
// interrupted run resumes. Vectors are shared with bench:al (bench/.cache/vectors/, same key).
// Flags: --seeds N (default 5), --datasets a,b, --strategies a,b (default margin,random,meta),
// --modes off,self-training,propagation (a mode may carry knobs: propagation:threshold:ratio:weight),
// --worker i/n (run every n-th task from i, for a second process), --report (no runs, only the table).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { metaSelectorFactory } from '../src/core/meta/metaSelectorFactory';
import { simulate, type SimulationResult } from '../src/core/simulation/simulate';
import { wilcoxonSignedRank } from '../src/core/simulation/wilcoxon';
import type { SemiSupervised } from '../src/core/learners/selfTraining';
import { parseStrategy } from '../src/core/settingsParser';
import { readGoldDataset, type GoldDataset } from '../src/core/text/dataset';
import { silentLogger, type Matrix } from '../src/core/types';
import { DATASET_SPECS } from '../scripts/datasetSpecs';
import { datasetVectors, defaultPriorTrainedOn } from './datasetVectors';

const ROOT = join(__dirname, '..');
const CACHE = join(ROOT, 'bench', '.cache');
const SETTINGS = { init: 20, batch: 10, budget: 300, testFraction: 0.3 } as const;
const CHECKPOINTS = [50, 100, 300] as const;

interface Args {
  seeds: number;
  datasets: string[];
  strategies: string[];
  modes: string[];
  fresh: boolean;
  report: boolean;
  worker: { index: number; of: number };
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    seeds: 5,
    datasets: ['brown-genre', 'spam-assassin', 'sotu-era'],
    strategies: ['margin', 'random', 'meta'],
    modes: ['off', 'self-training'],
    fresh: false,
    report: false,
    worker: { index: 0, of: 1 },
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1] ?? '';
    switch (argv[i]) {
      case '--seeds':
        a.seeds = Number(v);
        i++;
        break;
      case '--datasets':
        a.datasets = v.split(',');
        i++;
        break;
      case '--strategies':
        a.strategies = v.split(',');
        i++;
        break;
      case '--modes':
        a.modes = v.split(',');
        i++;
        break;
      case '--worker': {
        const [index, of] = v.split('/').map(Number);
        a.worker = { index, of };
        i++;
        break;
      }
      case '--fresh':
        a.fresh = true;
        break;
      case '--report':
        a.report = true;
        break;
      default:
        throw new Error(`bench/ssl.ts: unknown flag ${argv[i]}`);
    }
  }
  for (const d of a.datasets) if (!DATASET_SPECS.some((s) => s.name === d)) throw new Error(`bench/ssl.ts: unknown dataset ${d}`);
  for (const m of a.modes) modeOptions(m);
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
}

const cacheFile = (t: Task): string => join(CACHE, 'ssl', t.dataset, t.mode.replace(/:/g, '_'), `${t.strategy}.seed${t.seed}.json`);

async function run(args: Args, tasks: Task[]): Promise<void> {
  const loaded = new Map<string, { data: GoldDataset; vectors: Matrix }>();
  const heldOut = defaultPriorTrainedOn();
  // Runs without a result are dealt out to the workers (each sees the same list when they start
  // together), mode by mode, so that every worker gets its share of the slow modes.
  const todo = tasks.filter((t) => args.fresh || !existsSync(cacheFile(t)));
  const byMode = args.modes.flatMap((m) => todo.filter((t) => t.mode === m));
  const mine = byMode.filter((_, i) => i % args.worker.of === args.worker.index);
  let done = 0;
  for (const t of mine) {
    const spec = DATASET_SPECS.find((d) => d.name === t.dataset)!;
    let ds = loaded.get(t.dataset);
    if (!ds) {
      const data = readGoldDataset(spec.file);
      ds = { data, vectors: await datasetVectors(spec, data) };
      loaded.set(t.dataset, ds);
    }
    const r = await simulate({
      data: ds.data,
      vectors: ds.vectors,
      strategy: parseStrategy(t.strategy, '--strategies'),
      seed: t.seed,
      ...SETTINGS,
      name: t.dataset,
      semiSupervised: modeOptions(t.mode),
      metaFactory: metaSelectorFactory(silentLogger, { requireHeldOut: heldOut.includes(t.dataset) }),
    });
    const f = cacheFile(t);
    mkdirSync(join(f, '..'), { recursive: true });
    writeFileSync(`${f}.${process.pid}.tmp`, JSON.stringify(r));
    renameSync(`${f}.${process.pid}.tmp`, f);
    done++;
    process.stderr.write(`[${done}/${mine.length}] ${t.dataset} ${t.mode} ${t.strategy} seed ${t.seed}: aulc ${r.aulc.toFixed(4)} in ${r.seconds.toFixed(1)} s\n`);
  }
}

const accAt = (r: SimulationResult, labels: number): number => {
  let best = r.curve[0];
  for (const c of r.curve) if (c.labels <= labels) best = c;
  return best.accuracy;
};

function report(args: Args, tasks: Task[]): string {
  const lines: string[] = [];
  const p = (s: string): void => void lines.push(s);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const sd = (xs: number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)) * (xs.length / Math.max(1, xs.length - 1)));
  const results = new Map<string, SimulationResult>();
  for (const t of tasks) if (existsSync(cacheFile(t))) results.set(cacheFile(t), JSON.parse(readFileSync(cacheFile(t), 'utf8')) as SimulationResult);
  const seeds = Array.from({ length: args.seeds }, (_, i) => i + 1);
  p(`init ${SETTINGS.init}, batch ${SETTINGS.batch}, budget ${SETTINGS.budget}; seeds 1..${args.seeds}; AULC and accuracy in points (×100)`);
  p('| dataset | strategy | mode | runs | AULC ± sd | acc@50 | acc@100 | acc@300 | Δ AULC vs off | Wilcoxon p | s/run |');
  p('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const dataset of args.datasets) {
    for (const strategy of args.strategies) {
      const base = seeds.map((seed) => results.get(cacheFile({ dataset, mode: 'off', strategy, seed })));
      for (const mode of args.modes) {
        const rs = seeds.map((seed) => results.get(cacheFile({ dataset, mode, strategy, seed })));
        const ok = rs.filter((r): r is SimulationResult => !!r);
        if (ok.length === 0) continue;
        const au = ok.map((r) => 100 * r.aulc);
        const at = (n: (typeof CHECKPOINTS)[number]): string => (100 * mean(ok.map((r) => accAt(r, n)))).toFixed(1);
        let delta = '';
        let pv = '';
        if (mode !== 'off') {
          const pairs = seeds.flatMap((_, i) => (rs[i] && base[i] ? [[rs[i]!.aulc, base[i]!.aulc]] : []));
          if (pairs.length > 0) {
            delta = (100 * mean(pairs.map(([a, b]) => a - b))).toFixed(2);
            pv = pairs.length >= 2 ? wilcoxonSignedRank(pairs.map((x) => x[0]), pairs.map((x) => x[1])).p.toFixed(3) : '';
          }
        }
        p(`| ${dataset} | ${strategy} | ${mode} | ${ok.length} | ${mean(au).toFixed(2)} ± ${sd(au).toFixed(2)} | ${CHECKPOINTS.map(at).join(' | ')} | ${delta} | ${pv} | ${mean(ok.map((r) => r.seconds)).toFixed(1)} |`);
      }
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const tasks: Task[] = [];
  // Seed-major, so that a cut-short run still has every cell at a few seeds.
  for (let seed = 1; seed <= args.seeds; seed++)
    for (const dataset of args.datasets) for (const strategy of args.strategies) for (const mode of args.modes) tasks.push({ dataset, mode, strategy, seed });
  if (!args.report) await run(args, tasks);
  if (args.worker.of === 1 || args.report) process.stdout.write(report(args, tasks) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/ssl.ts: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
