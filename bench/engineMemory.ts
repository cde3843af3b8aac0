// `node --expose-gc --import tsx bench/engineMemory.ts [--rows N] [--strategy S] [--dataset NAME]`:
// the engine alone on a large pool, as the editor's worker runs it (pick votes and the accuracy
// estimate on): real sentence vectors of a dev dataset (bench:al's cached .npy), replicated to N
// rows with a little noise so no two rows are equal, a label on 50 of them; then retrain, select
// 10, label them, retrain + select again. Prints the wall time of each step, peak RSS, and RSS /
// heap / array buffers once the float32 input has been dropped (what a warm session holds beyond
// its corpus). Only the engine's public API is used, so the same script measures any commit.
// --compact-input builds the pool as int8 codes row by row (never a float32 pool at all), as a
// corpus read straight into compact vectors would: then peak RSS is the engine's own.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../src/core/engine/createEngine';
import { readNpy } from '../src/core/npy';
import { readGoldDataset } from '../src/core/text/dataset';
import type { Vectors } from '../src/core/types';
import { createRng } from '../src/core/learners/rng';
import { DATASET_SPECS } from '../scripts/datasetSpecs';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const N = Number(flag('--rows', '100000'));
const strategy = flag('--strategy', 'meta') as 'meta';
const dataset = flag('--dataset', 'brown-genre');
const compactInput = args.includes('--compact-input');
const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
/** Wall and CPU (user + system, all threads) milliseconds of a step: on a shared machine the CPU time is the figure to compare. */
async function timed<T>(run: () => Promise<T> | T): Promise<{ value: T; text: string }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await run();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, text: `${wall.toFixed(0)} ms (${((c.user + c.system) / 1000).toFixed(0)} ms CPU)` };
}

async function pool(): Promise<{ X: Vectors; y: Int32Array; classes: [string, string, ...string[]] }> {
  // Loaded only when asked for: the script also runs on commits from before compact vectors.
  const quantiseRowInto = compactInput ? (await import('../src/core/features/compactVectors')).quantiseRowInto : undefined;
  const dir = join(__dirname, '.cache', 'vectors');
  const file = readdirSync(dir).find((f) => f.startsWith(`${dataset}.`) && f.endsWith('.npy'));
  if (!file) throw new Error(`no cached vectors of ${dataset} in ${dir}: run bench:al on it once`);
  const base = readNpy(join(dir, file));
  const spec = DATASET_SPECS.find((s) => s.name === dataset)!;
  const gold = readGoldDataset(spec.file);
  const classes = [...gold.classes] as [string, string, ...string[]];
  const yBase = Int32Array.from(gold.records, (r) => classes.indexOf(r.label!));
  const d = base.cols;
  const data = compactInput ? undefined : new Float32Array(N * d);
  const codes = compactInput ? new Int8Array(N * d) : undefined;
  const scales = compactInput ? new Float32Array(N) : undefined;
  const row = new Float32Array(d);
  const y = new Int32Array(N);
  const rng = createRng(7);
  for (let r = 0; r < N; r++) {
    const s = r % base.rows;
    y[r] = yBase[s];
    for (let j = 0; j < d; j++) row[j] = base.data[s * d + j] * (1 + 0.05 * (rng() - 0.5)) + 0.01 * (rng() - 0.5);
    if (data) data.set(row, r * d);
    else quantiseRowInto!(row, 0, d, codes!, scales!, r);
  }
  return { X: data ? { rows: N, cols: d, data } : { rows: N, cols: d, codes: codes!, scales: scales! }, y, classes };
}

async function main(): Promise<void> {
  gc();
  const rss0 = process.memoryUsage().rss;
  let input: Awaited<ReturnType<typeof pool>> | undefined = await pool();
  const { y, classes } = input;
  const d = input.X.cols;
  const created = await timed(() => createEngine(input!.X, { classes, committeeSize: 5, strategy, diversity: true, seed: 1 }, { batch: 10 }));
  const engine = created.value;
  // The session drops its float32 vectors once the engine exists.
  input = undefined;
  const rng = createRng(3);
  for (let i = 0; i < 50; i++) {
    const r = Math.floor(rng() * N);
    engine.setLabel(r, y[r]);
  }
  const retrain1 = await timed(() => engine.retrain());
  const select1 = await timed(() => engine.query(10));
  let picks = select1.value;
  const rounds: string[] = [];
  for (let round = 0; round < 3; round++) {
    for (const p of picks) engine.setLabel(p.row, y[p.row]);
    const a = await timed(() => engine.retrain());
    const b = await timed(() => engine.query(10));
    picks = b.value;
    rounds.push(`retrain ${a.text} + select ${b.text}`);
  }
  gc();
  const m = process.memoryUsage();
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(`engine on ${N} × ${d} (${dataset}, ${classes.length} classes), strategy ${strategy}, committee 5, pick votes on`);
  console.log(`create ${created.text}; first retrain (50 labels) ${retrain1.text}; first select 10 ${select1.text}`);
  console.log(`next rounds: ${rounds.join('; ')}`);
  console.log(`RSS before the pool ${mb(rss0)}; peak RSS ${mb(peak)}; warm (float32 input dropped, after GC): RSS ${mb(m.rss)}, heap ${mb(m.heapUsed)}, array buffers ${mb(m.arrayBuffers)}`);
}

void main();
