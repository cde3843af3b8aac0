// `node --expose-gc --import tsx bench/engineMemory.ts [--rows N] [--strategy S] [--dataset NAME]`:
// the engine alone on a large pool, as the editor's worker runs it (pick votes and the accuracy
// estimate on): real sentence vectors of a dev dataset (bench:al's cached .npy), replicated to N
// rows with a little noise so no two rows are equal, a label on 50 of them; then retrain, select
// 10, label them, retrain + select again. Prints the wall time of each step, peak RSS, and RSS /
// heap / array buffers once the float32 input has been dropped (what a warm session holds beyond
// its corpus). Only the engine's public API is used, so the same script measures any commit.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../src/core/engine/createEngine';
import { readNpy } from '../src/core/npy';
import { readGoldDataset } from '../src/core/text/dataset';
import type { Matrix } from '../src/core/types';
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
const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

function pool(): { X: Matrix; y: Int32Array; classes: [string, string, ...string[]] } {
  const dir = join(__dirname, '.cache', 'vectors');
  const file = readdirSync(dir).find((f) => f.startsWith(`${dataset}.`) && f.endsWith('.npy'));
  if (!file) throw new Error(`no cached vectors of ${dataset} in ${dir}: run bench:al on it once`);
  const base = readNpy(join(dir, file));
  const spec = DATASET_SPECS.find((s) => s.name === dataset)!;
  const gold = readGoldDataset(spec.file);
  const classes = [...gold.classes] as [string, string, ...string[]];
  const yBase = Int32Array.from(gold.records, (r) => classes.indexOf(r.label!));
  const d = base.cols;
  const data = new Float32Array(N * d);
  const y = new Int32Array(N);
  const rng = createRng(7);
  for (let r = 0; r < N; r++) {
    const s = r % base.rows;
    y[r] = yBase[s];
    for (let j = 0; j < d; j++) data[r * d + j] = base.data[s * d + j] * (1 + 0.05 * (rng() - 0.5)) + 0.01 * (rng() - 0.5);
  }
  return { X: { rows: N, cols: d, data }, y, classes };
}

async function main(): Promise<void> {
  gc();
  const rss0 = process.memoryUsage().rss;
  let input: ReturnType<typeof pool> | undefined = pool();
  const { y, classes } = input;
  const d = input.X.cols;
  let t = performance.now();
  const engine = createEngine(input.X, { classes, committeeSize: 5, strategy, diversity: true, seed: 1 }, { batch: 10 });
  const createMs = performance.now() - t;
  // The session drops its float32 vectors once the engine exists.
  input = undefined;
  const rng = createRng(3);
  for (let i = 0; i < 50; i++) {
    const r = Math.floor(rng() * N);
    engine.setLabel(r, y[r]);
  }
  t = performance.now();
  await engine.retrain();
  const retrain1 = performance.now() - t;
  t = performance.now();
  let picks = await engine.query(10);
  const select1 = performance.now() - t;
  const rounds: string[] = [];
  for (let round = 0; round < 3; round++) {
    for (const p of picks) engine.setLabel(p.row, y[p.row]);
    t = performance.now();
    await engine.retrain();
    const a = performance.now() - t;
    t = performance.now();
    picks = await engine.query(10);
    const b = performance.now() - t;
    rounds.push(`retrain ${a.toFixed(0)} ms + select ${b.toFixed(0)} ms`);
  }
  gc();
  const m = process.memoryUsage();
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(`engine on ${N} × ${d} (${dataset}, ${classes.length} classes), strategy ${strategy}, committee 5, pick votes on`);
  console.log(`create ${createMs.toFixed(0)} ms; first retrain (50 labels) ${retrain1.toFixed(0)} ms; first select 10 ${select1.toFixed(0)} ms`);
  console.log(`next rounds: ${rounds.join('; ')}`);
  console.log(`RSS before the pool ${mb(rss0)}; peak RSS ${mb(peak)}; warm (float32 input dropped, after GC): RSS ${mb(m.rss)}, heap ${mb(m.heapUsed)}, array buffers ${mb(m.arrayBuffers)}`);
}

void main();
