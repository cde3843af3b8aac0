// `npm run bench:meta`: the meta-learner's knobs (MetaSelectorOptions) against its defaults, through
// simulate() — the editor's engine, with its default semi-supervised step and features (the
// encoder's vectors and the lexical block, fitted on each seed's pool) — per dataset and seed.
// Each variant is compared, paired by seed, with the default meta-learner, margin and random
// (two-sided Wilcoxon), and its picks are counted per arm, so that a knob's effect on what the
// meta-learner does is visible next to its effect on AULC; at 300 labels with brown-genre, also on
// the peers' five brown-genre splits (../shared/splits), as bench:al. Writes bench/meta.md (bench/meta.bN.md
// for another --budget). A benchmark: it prints figures and asserts nothing.
//
//   npm run bench:meta -- --variant NAME='{"regimeHeadStart":0.6}' [--variant …] [--seeds 20]
//                         [--budget 300] [--datasets a,b] [--references meta,margin,random] [--jobs 2]
//                         [--out bench/meta.NAME.md] [--report]
//
// --references runs only some of the references (e.g. margin,random at 1,200 labels, where a meta
// run costs ~2 min on the large sets and the question is the variant against margin); the others'
// columns read "—".
// The default meta-learner, margin and random are read from (and written to) bench:al's cache, under
// the same code fingerprints, so neither benchmark runs them twice; variants are cached in
// bench/.cache/meta/ under their options and the meta-learner's code fingerprint. Meta always runs
// with a prior never trained on the dataset under test (the held-out prior), as in bench:al.
import { fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { poolSilhouette } from '../src/core/meta/clusterability';
import { META_DEFAULTS, createMetaSelector } from '../src/core/meta/metaSelector';
import { metaSelectorFactory } from '../src/core/meta/metaSelectorFactory';
import { defaultSettings } from '../src/core/settings';
import { parseStrategy } from '../src/core/settingsParser';
import { simulate, type SimulationResult } from '../src/core/simulation/simulate';
import { readSplit } from '../src/core/simulation/split';
import { wilcoxonSignedRank } from '../src/core/simulation/wilcoxon';
import { readGoldDataset, type GoldDataset } from '../src/core/text/dataset';
import { silentLogger, type Matrix } from '../src/core/types';
import { DATASET_SPECS, SHARED_DIR } from '../scripts/datasetSpecs';
import { datasetVectors, defaultPriorTrainedOn, encoderTag, seedFeatures, writeAtomic } from './datasetVectors';
import { mean } from './alTargets';
import { simulationFingerprint } from './importClosure';
import { KNOBS, VariantError, parseVariant, type Variant } from './metaVariants';

const ROOT = join(__dirname, '..');
const CACHE = join(ROOT, 'bench', '.cache');
const SETTINGS = { init: 20, batch: 10, testFraction: 0.3 } as const;
/** The references every variant is compared with: the default meta-learner, and two fixed strategies. */
const REFERENCES = ['meta', 'margin', 'random'] as const;
type Reference = (typeof REFERENCES)[number];
/** The peers' fixed brown-genre splits (../shared/splits), split K run with seed K as in bench:al, at its peer budget. */
const PEER_SPLITS = [1, 2, 3, 4, 5] as const;
const PEER_BUDGET = 300;

interface Args {
  seeds: number;
  datasets: string[];
  variants: Variant[];
  /** The report's file (--out; default bench/meta.md, or bench/meta.bN.md at another budget). */
  out?: string;
  /** The references run and compared with (--references; default all three). */
  references: Reference[];
  budget: number;
  jobs: number;
  report: boolean;
  worker?: { index: number; of: number };
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const a: Args = { seeds: 20, datasets: DATASET_SPECS.map((d) => d.name), variants: [], references: [...REFERENCES], budget: 300, jobs: 1, report: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const takes = (): string => {
      if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--seeds') a.seeds = Number(takes());
    else if (flag === '--datasets') a.datasets = takes().split(',');
    else if (flag === '--variant') a.variants.push(parseVariant(takes(), REFERENCES));
    else if (flag === '--references') {
      const refs = takes().split(',');
      for (const r of refs) if (!(REFERENCES as readonly string[]).includes(r)) throw new UsageError(`--references: unknown reference ${r} (any of ${REFERENCES.join(', ')})`);
      a.references = refs as Reference[];
    } else if (flag === '--out') a.out = takes();
    else if (flag === '--budget') a.budget = Number(takes());
    else if (flag === '--jobs') a.jobs = Number(takes());
    else if (flag === '--report') a.report = true;
    else if (flag === '--worker') {
      const [index, of] = takes().split('/').map(Number);
      a.worker = { index, of };
    } else throw new UsageError(`unknown flag ${flag}`);
  }
  for (const d of a.datasets) if (!DATASET_SPECS.some((s) => s.name === d)) throw new UsageError(`--datasets: unknown dataset ${d} (one of ${DATASET_SPECS.map((s) => s.name).join(', ')})`);
  if (!(Number.isInteger(a.seeds) && a.seeds > 0)) throw new UsageError(`--seeds must be a positive integer, got ${a.seeds}`);
  if (!(Number.isInteger(a.budget) && a.budget > SETTINGS.init)) throw new UsageError(`--budget must be an integer above ${SETTINGS.init}, got ${a.budget}`);
  if (!(Number.isInteger(a.jobs) && a.jobs >= 1)) throw new UsageError(`--jobs must be a positive integer, got ${a.jobs}`);
  if (a.variants.length === 0 && !a.report) throw new UsageError(`name at least one --variant NAME='{"knob": value}' (knobs: ${KNOBS.join(', ')})`);
  return a;
}

interface Task {
  readonly dataset: string;
  readonly seed: number;
  /** A reference strategy (REFERENCES), or a variant of the meta-learner. */
  readonly run: (typeof REFERENCES)[number] | Variant;
  /** A peers' split (its seed is the same number). */
  readonly split?: number;
}

const fingerprint = (what: 'meta' | 'fixed' | 'features'): string => simulationFingerprint(ROOT, what);
const lexical = defaultSettings.lexicalFeatures;
const features = (): string => `${encoderTag('default')}.lexical${lexical}.lex-${fingerprint('features')}`;
const isMeta = (t: Task): boolean => typeof t.run !== 'string' || t.run === 'meta';

/** bench:al's file for a reference run (its default semi-supervised step); the variant's own folder otherwise. */
function cacheFile(t: Task, budget: number): string {
  const name = `b${t.split ? PEER_BUDGET : budget}.seed${t.seed}${t.split ? `.split${t.split}` : ''}.code-${fingerprint(isMeta(t) ? 'meta' : 'fixed')}.json`;
  if (typeof t.run === 'string') return join(CACHE, 'al', `${features()}.ssl-${defaultSettings.semiSupervised}`, t.dataset, `${t.run}.${name}`);
  return join(CACHE, 'meta', `${features()}.ssl-${defaultSettings.semiSupervised}`, t.dataset, `variant-${t.run.key}`, `meta.${name}`);
}


async function runTasks(args: Args, todo: readonly Task[]): Promise<void> {
  const loaded = new Map<string, { data: GoldDataset; vectors: Matrix }>();
  const heldOut = defaultPriorTrainedOn();
  let done = 0;
  for (const t of todo) {
    let ds = loaded.get(t.dataset);
    if (!ds) {
      const spec = DATASET_SPECS.find((d) => d.name === t.dataset)!;
      const data = readGoldDataset(spec.file);
      ds = { data, vectors: await datasetVectors(spec, data) };
      loaded.set(t.dataset, ds);
    }
    const split = t.split ? readSplit(join(SHARED_DIR, 'splits', `brown-genre.seed${t.split}.json`), ds.data.records.length) : undefined;
    const settings = { data: ds.data, seed: t.seed, ...SETTINGS, budget: t.split ? PEER_BUDGET : args.budget, split, name: t.dataset };
    const requireHeldOut = heldOut.includes(t.dataset);
    const variant = typeof t.run === 'string' ? undefined : t.run;
    const r = await simulate({
      ...settings,
      ...seedFeatures(join(CACHE, 'al', features()), settings, ds.vectors, lexical, t.split),
      strategy: parseStrategy(variant ? 'meta' : (t.run as string), '--variant'),
      ...(defaultSettings.semiSupervised === 'off' ? {} : { semiSupervised: { method: defaultSettings.semiSupervised } }),
      metaFactory: variant
        ? (ctx) => createMetaSelector({ ...variant.options, batch: ctx.batch, budget: ctx.budget, init: ctx.init, seed: ctx.seed, diversity: ctx.diversity, dataset: ctx.holdOut, requireHeldOut, logger: silentLogger })
        : metaSelectorFactory(silentLogger, { requireHeldOut }),
    });
    writeAtomic(cacheFile(t, args.budget), JSON.stringify(r));
    done++;
    process.stderr.write(`[${done}/${todo.length}] ${t.dataset}${t.split ? ` split ${t.split}` : ''} ${variant ? variant.name : t.run} seed ${t.seed}: aulc ${r.aulc.toFixed(4)} in ${r.seconds.toFixed(1)} s\n`);
  }
}

const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;

/** "Δ (p)" of paired series, bold when p < 0.05; "—" without pairs. */
function pairedCell(a: readonly number[], b: readonly number[]): { text: string; d: number; sign: -1 | 0 | 1 } | undefined {
  if (a.length === 0) return undefined;
  const d = mean(a) - mean(b);
  const p = a.length >= 2 ? wilcoxonSignedRank(a, b).p : 1;
  const text = `${signed(d)} (${p < 0.001 ? '< 0.001' : p.toFixed(3)})`;
  const sign = p < 0.05 ? (d > 0 ? 1 : -1) : 0;
  return { text: sign ? `**${text}**` : text, d, sign };
}

function report(args: Args, tasks: readonly Task[], silhouettes: ReadonlyMap<string, number>): string {
  const results = new Map<string, SimulationResult>();
  for (const t of tasks) {
    const f = cacheFile(t, args.budget);
    if (existsSync(f)) results.set(f, JSON.parse(readFileSync(f, 'utf8')) as SimulationResult);
  }
  const seeds = Array.from({ length: args.seeds }, (_, i) => i + 1);
  const result = (dataset: string, run: Task['run'], seed: number, split?: number): SimulationResult | undefined => results.get(cacheFile({ dataset, seed, run, split }, args.budget));
  /** AULC points of two runs over the seeds both have. */
  const paired = (dataset: string, a: Task['run'], b: Task['run']): [number[], number[]] => {
    const x: number[] = [];
    const y: number[] = [];
    for (const s of seeds) {
      const ra = result(dataset, a, s);
      const rb = result(dataset, b, s);
      if (ra && rb) (x.push(100 * ra.aulc), y.push(100 * rb.aulc));
    }
    return [x, y];
  };
  const picksOf = (dataset: string, run: Task['run']): string => {
    const tot = new Map<string, number>();
    let n = 0;
    for (const s of seeds) {
      const r = result(dataset, run, s);
      if (!r) continue;
      n++;
      for (const pt of r.curve) for (const [k, v] of Object.entries(pt.chosen ?? {})) tot.set(k, (tot.get(k) ?? 0) + v);
    }
    const top = [...tot].sort((x, y) => y[1] - x[1]).filter(([, v]) => v / n >= 1);
    return n ? top.map(([k, v]) => `${k} ${(v / n).toFixed(0)}`).join(', ') : '—';
  };
  const lines: string[] = [];
  const p = (s = ''): void => void lines.push(s);
  const all = args.datasets.length === DATASET_SPECS.length;
  const cmd = `npm run bench:meta -- ${args.variants.map((v) => `--variant ${v.name}='${JSON.stringify(v.options)}'`).join(' ')}${args.budget === 300 ? '' : ` --budget ${args.budget}`}${args.seeds === 20 ? '' : ` --seeds ${args.seeds}`}${all ? '' : ` --datasets ${args.datasets.join(',')}`}${args.references.length === REFERENCES.length ? '' : ` --references ${args.references.join(',')}`}${args.out ? ` --out ${relative(ROOT, resolve(args.out))}` : ''}`;
  p(`# The meta-learner's knobs (${args.budget} labels)`);
  p();
  p(`Generated by \`${cmd}\` (bench/meta.ts). Each run is \`simulate()\`, the editor's engine with gold answers, as in bench:al: a`);
  p(`stratified 30 % test split, ${SETTINGS.init} random initial labels chosen by the seed, rounds of ${SETTINGS.batch} queries to ${args.budget} labels, the`);
  p(`editor's default features (encoder vectors and the lexical block of ${lexical} columns fitted on each seed's pool, code \`${fingerprint('features')}\`)`);
  p(`and semi-supervised step (\`${defaultSettings.semiSupervised}\`); meta code \`${fingerprint('meta')}\`, fixed strategies \`${fingerprint('fixed')}\`; meta with the prior held out`);
  p(`from the dataset under test. AULC in points; Δ paired by seed (1–${args.seeds}), p two-sided Wilcoxon, **bold** when p < 0.05.`);
  p(`Defaults: ${Object.entries(META_DEFAULTS).map(([k, v]) => `${k} ${v}`).join(', ')}, prior "default".`);
  p(`Pool silhouettes (src/core/meta/clusterability.ts, what \`unclusteredSilhouette\` compares; computed here on seed 1's features of every record, the engine computes it on each seed's pool):`);
  p(`${[...silhouettes].map(([d, s]) => `${d} ${s.toFixed(3)}`).join(', ')}.`);
  p();
  for (const v of args.variants) {
    p(`## ${v.name}: \`${JSON.stringify(v.options)}\``);
    p();
    p('| dataset | n | meta | margin | random | variant | − meta (p) | − margin (p) | − random (p) | picks per run: default meta | variant |');
    p('|---|---|---|---|---|---|---|---|---|---|---|');
    const sums = { meta: [] as number[], margin: [] as number[], random: [] as number[] };
    const signs = { meta: [0, 0], margin: [0, 0], random: [0, 0] };
    for (const dataset of args.datasets) {
      const aulcOf = (run: Task['run']): string => {
        const xs = seeds.flatMap((s) => result(dataset, run, s)?.aulc ?? []);
        return xs.length ? (100 * mean(xs)).toFixed(1) : '—';
      };
      const cells = REFERENCES.map((ref) => {
        const [a, b] = paired(dataset, v, ref);
        const c = pairedCell(a, b);
        if (c) {
          sums[ref].push(c.d);
          if (c.sign > 0) signs[ref][0]++;
          if (c.sign < 0) signs[ref][1]++;
        }
        return c?.text ?? '—';
      });
      const n = seeds.filter((s) => result(dataset, v, s)).length;
      p(`| ${dataset} | ${n} | ${aulcOf('meta')} | ${aulcOf('margin')} | ${aulcOf('random')} | ${aulcOf(v)} | ${cells.join(' | ')} | ${picksOf(dataset, 'meta')} | ${picksOf(dataset, v)} |`);
    }
    p(`| **mean** | | | | | | ${REFERENCES.map((r) => (sums[r].length ? `${signed(mean(sums[r]))} (${signs[r][0]} +, ${signs[r][1]} −)` : '—')).join(' | ')} | | |`);
    p();
  }
  if (peers(args)) {
    p(`## The peers' brown-genre splits (../shared/splits, split K with seed K, ${PEER_BUDGET} labels): mean AULC, ×100`);
    p();
    p(`| run | ${PEER_SPLITS.map((k) => `split ${k}`).join(' | ')} | mean |`);
    p(`|---|${PEER_SPLITS.map(() => '---|').join('')}---|`);
    for (const run of [...args.references, ...args.variants]) {
      const xs = PEER_SPLITS.map((k) => result('brown-genre', run, k, k)?.aulc);
      const have = xs.filter((x): x is number => x !== undefined);
      p(`| ${typeof run === 'string' ? run : run.name} | ${xs.map((x) => (x === undefined ? '—' : (100 * x).toFixed(1))).join(' | ')} | ${have.length === PEER_SPLITS.length ? (100 * mean(have)).toFixed(2) : '—'} |`);
    }
    p();
  }
  return lines.join('\n') + '\n';
}

/** The peers' splits run with every report at their budget that includes brown-genre. */
const peers = (args: Args): boolean => args.budget === PEER_BUDGET && args.datasets.includes('brown-genre');

/** Each dataset's pool silhouette (clusterability.ts) on seed 1's default features of all its records. */
async function silhouettes(args: Args): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const name of args.datasets) {
    const spec = DATASET_SPECS.find((d) => d.name === name)!;
    const data = readGoldDataset(spec.file);
    const settings = { data, seed: 1, ...SETTINGS, budget: args.budget, name };
    out.set(name, poolSilhouette(seedFeatures(join(CACHE, 'al', features()), settings, await datasetVectors(spec, data), lexical).vectors));
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const tasks: Task[] = [];
  for (const dataset of args.datasets)
    for (let seed = 1; seed <= args.seeds; seed++) for (const run of [...args.references, ...args.variants]) tasks.push({ dataset, seed, run });
  if (peers(args)) for (const split of PEER_SPLITS) for (const run of [...args.references, ...args.variants]) tasks.push({ dataset: 'brown-genre', seed: split, run, split });
  if (!args.report) {
    const todo = tasks.filter((t) => !existsSync(cacheFile(t, args.budget)));
    if (args.worker) await runTasks(args, todo.filter((_, i) => i % args.worker!.of === args.worker!.index));
    else if (args.jobs === 1) await runTasks(args, todo);
    else {
      process.stderr.write(`bench:meta: ${todo.length} runs on ${args.jobs} worker processes\n`);
      const argv = process.argv.slice(2).filter((x, i, all) => x !== '--jobs' && all[i - 1] !== '--jobs');
      await Promise.all(
        Array.from({ length: args.jobs }, (_, i) =>
          new Promise<void>((resolve, reject) =>
            fork(__filename, [...argv, '--worker', `${i}/${args.jobs}`], { stdio: 'inherit' }).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${i} exited with ${code}`)))),
          ),
        ),
      );
    }
  }
  if (!args.worker) {
    const out = args.out ? resolve(args.out) : join(ROOT, 'bench', args.budget === 300 ? 'meta.md' : `meta.b${args.budget}.md`);
    writeFileSync(out, report(args, tasks, await silhouettes(args)));
    process.stdout.write(`wrote ${out}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/meta.ts: ${e instanceof UsageError || e instanceof VariantError ? e.message : ((e as Error).stack ?? String(e))}\n`);
  process.exit(e instanceof UsageError || e instanceof VariantError ? 2 : 1);
});
