// `npm run bench:al`: every query strategy and the meta-learner on brown-genre and the datasets
// built by scripts/buildDatasets.ts, 10 seeds each, plus the peers' fixed brown-genre splits.
// Writes BENCHMARKS.md and one SVG learning-curve plot per dataset in bench/plots/.
//
// Each (dataset, strategy, seed) result is cached in bench/.cache/al/ (gitignored), so an
// interrupted run resumes where it stopped; --fresh ignores the cache, --rerun a,b only the
// cached runs of those strategies (e.g. --rerun meta after retraining the prior). --jobs N runs N worker
// processes (each writes its own cache files atomically). Other flags: --seeds N, --datasets a,b,
// --strategies a,b, --no-peers.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, relative } from 'node:path';
import { metaSelectorFactory } from '../src/core/al/metaFactory';
import { simulate, type SimulationResult } from '../src/core/al/simulate';
import { readSplit } from '../src/core/al/split';
import { wilcoxonSignedRank } from '../src/core/al/wilcoxon';
import { loadEncoder } from '../src/core/encoders/loadEncoder';
import { priorDir } from '../src/core/meta/prior';
import { readNpy, writeNpy } from '../src/core/npy';
import { parseStrategy } from '../src/core/settingsParser';
import { STRATEGY_NAMES } from '../src/core/strategies/strategy';
import { readGoldDataset, type GoldDataset } from '../src/core/text/dataset';
import { silentLogger, type Matrix } from '../src/core/types';
import { buildDatasets } from '../scripts/buildDatasets';
import { DATASET_SPECS as DATASETS, type DatasetSpec } from '../scripts/datasetSpecs';
import { median } from './stats';

const ROOT = join(__dirname, '..');
const SHARED = join(ROOT, '..', 'shared');
const CACHE = join(ROOT, 'bench', '.cache');
const PLOTS = join(ROOT, 'bench', 'plots');
const SETTINGS = { init: 20, batch: 10, budget: 300, testFraction: 0.3 } as const;
const CHECKPOINTS = [50, 100, 300] as const;

/** What the peers reached on brown-genre's fixed splits (issue 4). */
const PEERS = [
  { name: 'libact Active-Learning-By-Learning', aulc: 0.564 },
  { name: 'modAL query-by-committee vote entropy', aulc: 0.54 },
  { name: 'random sampling (peers)', aulc: 0.456 },
] as const;
const PEERS_FULL = 0.694;
const PEER_SPLITS = [1, 2, 3, 4, 5] as const;

interface Task {
  readonly dataset: string;
  readonly strategy: string;
  readonly seed: number;
  /** Peers' fixed split number, when the task runs on one. */
  readonly split?: number;
}

interface Args {
  seeds: number;
  jobs: number;
  datasets: string[];
  strategies: string[];
  fresh: boolean;
  /** Strategies whose cached results are ignored (e.g. meta after retraining the prior). */
  rerun: string[];
  peers: boolean;
  worker?: { index: number; of: number };
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    seeds: 10,
    jobs: Math.max(1, Math.min(8, availableParallelism() - 1)),
    datasets: DATASETS.map((d) => d.name),
    strategies: ['meta', ...STRATEGY_NAMES],
    fresh: false,
    rerun: [],
    peers: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--seeds':
        a.seeds = Number(v);
        i++;
        break;
      case '--jobs':
        a.jobs = Number(v);
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
      case '--fresh':
        a.fresh = true;
        break;
      case '--rerun':
        a.rerun = v.split(',');
        i++;
        break;
      case '--no-peers':
        a.peers = false;
        break;
      case '--worker': {
        const [index, of] = v.split('/').map(Number);
        a.worker = { index, of };
        i++;
        break;
      }
      default:
        throw new Error(`bench:al: unknown flag ${argv[i]}`);
    }
  }
  if (!(Number.isInteger(a.seeds) && a.seeds >= 1)) throw new Error('--seeds must be a positive integer');
  if (!(Number.isInteger(a.jobs) && a.jobs >= 1)) throw new Error('--jobs must be a positive integer');
  for (const d of a.datasets) if (!DATASETS.some((s) => s.name === d)) throw new Error(`unknown dataset ${d}`);
  return a;
}

function tasksOf(args: Args): Task[] {
  const tasks: Task[] = [];
  for (const dataset of args.datasets) {
    for (const strategy of args.strategies) for (let seed = 1; seed <= args.seeds; seed++) tasks.push({ dataset, strategy, seed });
    if (dataset === 'brown-genre' && args.peers) {
      for (const strategy of args.strategies) for (const split of PEER_SPLITS) tasks.push({ dataset, strategy, seed: split, split });
    }
  }
  return tasks;
}

function cacheFile(t: Task): string {
  return join(CACHE, 'al', t.dataset, `${t.strategy}.seed${t.seed}${t.split ? `.split${t.split}` : ''}.json`);
}

function writeAtomic(file: string, body: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, body);
  renameSync(tmp, file);
}

/** Vectors of a dataset from the default encoder, cached beside the results (keyed by file size and mtime). */
async function vectorsOf(spec: DatasetSpec, data: GoldDataset): Promise<Matrix> {
  const st = statSync(spec.file);
  const key = `${st.size}-${Math.round(st.mtimeMs)}`;
  const npy = join(CACHE, 'vectors', `${spec.name}.${key}.npy`);
  if (existsSync(npy)) {
    const m = readNpy(npy);
    if (m.rows === data.records.length) return m;
  }
  const encoder = await loadEncoder({ model: 'default', device: 'cpu', logger: silentLogger });
  try {
    const t0 = performance.now();
    const m = await encoder.encode(data.records.map((r) => r.text));
    process.stderr.write(`encoded ${spec.name}: ${m.rows}×${m.cols} with ${encoder.id} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    mkdirSync(join(CACHE, 'vectors'), { recursive: true });
    writeNpy(`${npy}.${process.pid}.tmp`, m);
    renameSync(`${npy}.${process.pid}.tmp`, npy);
    return m;
  } finally {
    await encoder.dispose();
  }
}

/** Datasets the shipped default prior was trained on: meta must use a prior held out from them. */
function defaultPriorTrainedOn(): string[] {
  try {
    const j = JSON.parse(readFileSync(join(priorDir(), 'prior.json'), 'utf8')) as { trainedOn?: string[] };
    return j.trainedOn ?? [];
  } catch {
    return [];
  }
}

interface Failure {
  readonly task: Task;
  readonly message: string;
}

async function runTasks(tasks: Task[], args: Args, label: string): Promise<Failure[]> {
  const loaded = new Map<string, { data: GoldDataset; vectors: Matrix }>();
  const trainedOn = defaultPriorTrainedOn();
  const failures: Failure[] = [];
  const todo = tasks.filter((t) => args.fresh || args.rerun.includes(t.strategy) || !existsSync(cacheFile(t)));
  let done = 0;
  for (const t of todo) {
    const spec = DATASETS.find((d) => d.name === t.dataset)!;
    let ds = loaded.get(t.dataset);
    if (!ds) {
      const data = readGoldDataset(spec.file);
      ds = { data, vectors: await vectorsOf(spec, data) };
      loaded.set(t.dataset, ds);
    }
    const t0 = performance.now();
    try {
      const r = await simulate({
        data: ds.data,
        vectors: ds.vectors,
        strategy: parseStrategy(t.strategy, '--strategies'),
        seed: t.seed,
        ...SETTINGS,
        split: t.split ? readSplit(join(SHARED, 'splits', `brown-genre.seed${t.split}.json`), ds.data.records.length) : undefined,
        name: t.dataset,
        // Never a prior trained on the dataset under test: require the held-out one when the
        // default prior saw this dataset.
        metaFactory: metaSelectorFactory(silentLogger, { requireHeldOut: trainedOn.includes(t.dataset) }),
      });
      writeAtomic(cacheFile(t), JSON.stringify(r));
      done++;
      process.stderr.write(`${label}[${done}/${todo.length}] ${t.dataset} ${t.strategy} seed ${t.seed}${t.split ? ` (split ${t.split})` : ''}: aulc ${r.aulc.toFixed(3)} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    } catch (e) {
      done++;
      const message = (e as Error).message;
      failures.push({ task: t, message });
      process.stderr.write(`${label}[${done}/${todo.length}] ${t.dataset} ${t.strategy} seed ${t.seed}: FAILED ${message}\n`);
    }
  }
  return failures;
}

async function runParallel(tasks: Task[], args: Args): Promise<void> {
  const passOn = ['--seeds', String(args.seeds), '--datasets', args.datasets.join(','), '--strategies', args.strategies.join(',')];
  if (args.fresh) passOn.push('--fresh');
  if (args.rerun.length) passOn.push('--rerun', args.rerun.join(','));
  if (!args.peers) passOn.push('--no-peers');
  const children = Array.from({ length: args.jobs }, (_, i) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', __filename, ...passOn, '--worker', `${i}/${args.jobs}`], { stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${i} exited with ${code}`))));
    }),
  );
  void tasks;
  await Promise.all(children);
}

// ---- statistics and report -------------------------------------------------------------------

function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
}

function sd(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

function accAt(r: SimulationResult, labels: number): number | undefined {
  return r.curve.find((c) => c.labels === labels)?.accuracy;
}

/** First label count at which accuracy reaches 95 % of this run's full-data accuracy (Infinity if never). */
function labelsTo95(r: SimulationResult): number {
  const target = 0.95 * r.fullData.accuracy;
  return r.curve.find((c) => c.accuracy >= target)?.labels ?? Infinity;
}

const pct = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '—' : (100 * x).toFixed(1));
/** Signed percentage points, with "+0.0" rather than "-0.0" for a difference that rounds to zero. */
const signedPct = (x: number): string => {
  const v = pct(x);
  return v === '-0.0' ? '0.0' : x >= 0 ? `+${v}` : v;
};
const fmtP = (p: number): string => (p < 0.001 ? '< 0.001' : p.toFixed(3));

interface StrategyRows {
  readonly strategy: string;
  readonly runs: SimulationResult[];
  readonly aulc: number[];
}

function load(tasks: Task[]): Map<string, SimulationResult> {
  const out = new Map<string, SimulationResult>();
  for (const t of tasks) {
    const f = cacheFile(t);
    if (existsSync(f)) out.set(f, JSON.parse(readFileSync(f, 'utf8')) as SimulationResult);
  }
  return out;
}

const COLORS: Record<string, string> = {
  meta: '#d62728',
  random: '#7f7f7f',
  'least-confidence': '#1f77b4',
  margin: '#2ca02c',
  entropy: '#9467bd',
  'vote-entropy': '#ff7f0e',
  kl: '#8c564b',
  egl: '#17becf',
  typicality: '#bcbd22',
  coverage: '#393b79',
  'class-balance': '#e377c2',
};

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A hand-written SVG of the mean learning curve of each strategy, with the full-data accuracy. */
function plotSvg(title: string, rows: StrategyRows[], full: number): string {
  const W = 720;
  const H = 420;
  const m = { l: 56, r: 170, t: 36, b: 46 };
  const series = rows.map((r) => {
    const labels = r.runs[0].curve.map((c) => c.labels);
    return { name: r.strategy, pts: labels.map((l, i) => [l, mean(r.runs.map((run) => run.curve[i]?.accuracy ?? NaN))] as [number, number]) };
  });
  const xs = series.flatMap((s) => s.pts.map((p) => p[0]));
  const ys = [...series.flatMap((s) => s.pts.map((p) => p[1])), full].filter(Number.isFinite);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.floor(Math.min(...ys) * 20) / 20;
  const y1 = Math.ceil(Math.max(...ys) * 20) / 20;
  const X = (x: number): number => m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const Y = (y: number): number => H - m.b - ((y - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${m.l}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`);
  for (let y = y0; y <= y1 + 1e-9; y += 0.05) {
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y(y).toFixed(1)}" y2="${Y(y).toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.l - 6}" y="${(Y(y) + 4).toFixed(1)}" text-anchor="end">${y.toFixed(2)}</text>`);
  }
  for (let x = Math.ceil(x0 / 50) * 50; x <= x1; x += 50) {
    out.push(`<line x1="${X(x).toFixed(1)}" x2="${X(x).toFixed(1)}" y1="${m.t}" y2="${H - m.b}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${X(x).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${x}</text>`);
  }
  out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#333"/>`);
  out.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#333"/>`);
  out.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">labels</text>`);
  out.push(`<text transform="translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">test accuracy (mean over seeds)</text>`);
  out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y(full).toFixed(1)}" y2="${Y(full).toFixed(1)}" stroke="#000" stroke-dasharray="2 4"/>`);
  out.push(`<text x="${W - m.r - 4}" y="${(Y(full) - 5).toFixed(1)}" text-anchor="end" fill="#333">full pool ${full.toFixed(3)}</text>`);
  series.forEach((s, i) => {
    const color = COLORS[s.name] ?? '#000';
    const width = s.name === 'meta' ? 3 : 1.6;
    const dash = s.name === 'random' ? ' stroke-dasharray="6 4"' : '';
    const d = s.pts.filter((p) => Number.isFinite(p[1])).map((p, k) => `${k ? 'L' : 'M'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${width}"${dash}/>`);
    const ly = m.t + 10 + i * 20;
    out.push(`<line x1="${W - m.r + 14}" x2="${W - m.r + 40}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="${width}"${dash}/>`);
    out.push(`<text x="${W - m.r + 46}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function report(args: Args, tasks: Task[], failures: Failure[], seconds: number): string {
  const results = load(tasks);
  const lines: string[] = [];
  const p = (s = ''): void => {
    lines.push(s);
  };
  p('# Benchmarks: label efficiency of the query strategies and the meta-learner');
  p();
  p('Generated by `npm run bench:al` (bench/al.ts). Each run is `labelwise simulate` as a library call: a stratified');
  p(`${SETTINGS.testFraction * 100} % test split and ${SETTINGS.init} random initial labels chosen by the seed, then rounds of ${SETTINGS.batch} queries until ${SETTINGS.budget} labels,`);
  p('test accuracy after every round. Vectors: the default embedded encoder (`labelwise encode`, mean GloVe, L2-normalised).');
  p('Base learner: multinomial logistic regression on standardised vectors (C = 0.1), bootstrap committee of 5; diverse batches');
  p('(k-means++ seeding over the top 3·batch candidates) for every strategy. `meta` runs with a learned prior that was never');
  p('trained on the dataset it is evaluated on (the held-out prior `prior-without-DATASET` where the default prior saw it).');
  p(`AULC is the area under the accuracy curve over labels ${SETTINGS.init}–${SETTINGS.budget}, divided by the label range. "95 %" is the median number`);
  p('of labels at which a run first reaches 95 % of the accuracy of the same learner trained on the whole pool (">300": most runs');
  p('never did within the budget). p-values: two-sided paired Wilcoxon signed-rank test over seeds (exact, ties averaged).');
  p();
  const compute = [...results.values()].reduce((a, r) => a + r.seconds, 0);
  p(`${args.seeds} seeds per dataset and strategy, ${results.size} runs in all: ${(compute / 60).toFixed(1)} min of simulation (this report: ${(seconds / 60).toFixed(1)} min, cached runs reused).`);
  p();
  p('| dataset | records | classes | source |');
  p('|---|---|---|---|');
  for (const name of args.datasets) {
    const spec = DATASETS.find((d) => d.name === name)!;
    const ds = readGoldDataset(spec.file);
    p(`| ${name} | ${ds.records.length} | ${ds.classes.length} | ${spec.source} |`);
  }
  p();
  const summary: string[] = [];
  for (const name of args.datasets) {
    const rows: StrategyRows[] = [];
    for (const strategy of args.strategies) {
      const runs: SimulationResult[] = [];
      for (let seed = 1; seed <= args.seeds; seed++) {
        const r = results.get(cacheFile({ dataset: name, strategy, seed }));
        if (r) runs.push(r);
      }
      if (runs.length) rows.push({ strategy, runs, aulc: runs.map((r) => r.aulc) });
    }
    if (!rows.length) continue;
    const full = mean(rows[0].runs.map((r) => r.fullData.accuracy));
    const fixed = rows.filter((r) => r.strategy !== 'meta');
    const best = [...fixed].sort((a, b) => mean(b.aulc) - mean(a.aulc))[0];
    const meta = rows.find((r) => r.strategy === 'meta');
    const random = rows.find((r) => r.strategy === 'random');
    p(`## ${name}`);
    p();
    p(`Full-pool accuracy (same learner, all ${rows[0].runs[0].pool} pool records): ${pct(full)} %.`);
    p();
    p(`![learning curves on ${name}](bench/plots/${name}.svg)`);
    p();
    p('| strategy | AULC, % (mean ± sd) | accuracy @50, % | @100 | @300 | labels to 95 % of full |');
    p('|---|---|---|---|---|---|');
    const ordered = [...(meta ? [meta] : []), ...[...fixed].sort((a, b) => mean(b.aulc) - mean(a.aulc))];
    for (const r of ordered) {
      const l95 = r.runs.map(labelsTo95);
      const med = median(l95);
      const tag = r === best ? ' (best fixed)' : '';
      p(
        `| ${r.strategy}${tag} | ${pct(mean(r.aulc))} ± ${pct(sd(r.aulc))} | ${CHECKPOINTS.map((c) => pct(mean(r.runs.map((x) => accAt(x, c) ?? NaN)))).join(' | ')} | ${Number.isFinite(med) ? med : `>${SETTINGS.budget}`} |`,
      );
    }
    p();
    if (meta && random && best) {
      const vsRandom = wilcoxonSignedRank(meta.aulc, random.aulc);
      const vsBest = wilcoxonSignedRank(meta.aulc, best.aulc);
      const dR = mean(meta.aulc) - mean(random.aulc);
      const dB = mean(meta.aulc) - mean(best.aulc);
      p(`Meta vs random: ${signedPct(dR)} AULC points, W+ = ${vsRandom.wPlus}, W− = ${vsRandom.wMinus}, p = ${fmtP(vsRandom.p)} (n = ${vsRandom.n}).`);
      p(`Meta vs the best fixed strategy in hindsight (${best.strategy}): ${signedPct(dB)} points, W+ = ${vsBest.wPlus}, W− = ${vsBest.wMinus}, p = ${fmtP(vsBest.p)} (n = ${vsBest.n}).`);
      p();
      const belowRandom = dR < 0 && vsRandom.p < 0.05;
      summary.push(
        `| ${name} | ${pct(mean(meta.aulc))} | ${pct(mean(random.aulc))} | ${best.strategy} ${pct(mean(best.aulc))} | ${signedPct(dB)} | ${fmtP(vsRandom.p)} | ${fmtP(vsBest.p)} | ${belowRandom ? 'no' : 'yes'} | ${dB >= -0.005 ? 'yes' : 'no'} | ${dB > 0 ? 'yes' : 'no'} |`,
      );
    }
    mkdirSync(PLOTS, { recursive: true });
    writeFileSync(join(PLOTS, `${name}.svg`), plotSvg(`${name}: mean test accuracy over ${args.seeds} seeds`, ordered, full));
  }
  if (summary.length) {
    p('## Targets');
    p();
    p('| dataset | meta AULC, % | random | best fixed | meta − best (points) | p vs random | p vs best | not significantly below random | within 0.5 points of best | above best |');
    p('|---|---|---|---|---|---|---|---|---|---|');
    for (const s of summary) p(s);
    p();
  }
  if (args.peers && args.datasets.includes('brown-genre')) {
    p('## Against established libraries on identical splits (brown-genre)');
    p();
    p('`--split ../shared/splits/brown-genre.seed{1..5}.json`, init 20, batch 10, budget 300. The peers used scikit-learn');
    p('logistic regression (C = 1) on mean GloVe vectors; their numbers are quoted from issue 4, ours are measured here.');
    p();
    p('| system | mean AULC (5 splits) | per split | full-pool accuracy |');
    p('|---|---|---|---|');
    const ours: { name: string; a: number[]; full: number }[] = [];
    for (const strategy of args.strategies) {
      const runs = PEER_SPLITS.map((k) => results.get(cacheFile({ dataset: 'brown-genre', strategy, seed: k, split: k }))).filter((r): r is SimulationResult => !!r);
      if (runs.length) ours.push({ name: strategy, a: runs.map((r) => r.aulc), full: mean(runs.map((r) => r.fullData.accuracy)) });
    }
    ours.sort((x, y) => (x.name === 'meta' ? -1 : y.name === 'meta' ? 1 : mean(y.a) - mean(x.a)));
    for (const o of ours) p(`| Labelwise ${o.name} | ${o.name === 'meta' ? `**${mean(o.a).toFixed(3)}**` : mean(o.a).toFixed(3)} | ${o.a.map((v) => v.toFixed(3)).join(' ')} | ${o.full.toFixed(3)} |`);
    for (const peer of PEERS) p(`| ${peer.name} | ${peer.aulc.toFixed(3)} | — | ${PEERS_FULL.toFixed(3)} |`);
    p();
  }
  if (failures.length) {
    p('## Runs that failed');
    p();
    for (const f of failures.slice(0, 20)) p(`- ${f.task.dataset} ${f.task.strategy} seed ${f.task.seed}: ${f.message}`);
    p();
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  buildDatasets();
  const tasks = tasksOf(args);
  if (args.worker) {
    const { index, of } = args.worker;
    await runTasks(tasks.filter((_, i) => i % of === index), args, `w${index} `);
    return;
  }
  // Encode every dataset once, before workers start (they would all encode it otherwise).
  for (const name of args.datasets) {
    const spec = DATASETS.find((d) => d.name === name)!;
    await vectorsOf(spec, readGoldDataset(spec.file));
  }
  let failures: Failure[] = [];
  if (args.jobs > 1) await runParallel(tasks, args);
  else failures = await runTasks(tasks, args, '');
  // Workers report failures on stderr; re-list runs without a result here.
  if (args.jobs > 1) failures = tasks.filter((t) => !existsSync(cacheFile(t))).map((task) => ({ task, message: 'no result (see the worker log above)' }));
  const md = report(args, tasks, failures, (performance.now() - t0) / 1000);
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), md + '\n');
  process.stderr.write(`wrote ${relative(process.cwd(), join(ROOT, 'BENCHMARKS.md'))} and ${relative(process.cwd(), PLOTS)}/*.svg (${basename(CACHE)} holds the per-run results)\n`);
  process.stdout.write(md + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:al: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
