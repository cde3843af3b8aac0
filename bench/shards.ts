// Reading precomputed vectors: Arrow IPC shards and Parquet shards (loadVectorShards +
// gatherShardVectors: read, check every row, put the rows in corpus order by span id) against one
// .npy (readNpy: read, check, rows already in order), on the same random vectors. Sizes from the command line:
//   node --import tsx bench/shards.ts [rows=100000] [dims=384] [shards=8] [runs=3]
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy, readNpy } from '../src/core/npy';
import { gatherShardVectors, loadVectorShards, writeArrowShard, writeParquetShard } from '../src/core/vectorShards';
import { median } from './stats';

const [rows, dims, shards, runs] = [100_000, 384, 8, 3].map((d, i) => Number(process.argv[2 + i] ?? d));
async function main(): Promise<void> {
const dir = mkdtempSync(join(tmpdir(), 'lw-bench-shards-'));
try {
  const data = new Float32Array(rows * dims);
  let seed = 1;
  for (let i = 0; i < data.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    data[i] = seed / 2 ** 32 - 0.5;
  }
  const ids = Array.from({ length: rows }, (_, i) => `span-${i.toString(16).padStart(24, '0')}`);
  writeNpy(join(dir, 'v.npy'), { rows, cols: dims, data });
  const shardDir = join(dir, 'shards');
  const pqDir = join(dir, 'parquet');
  mkdirSync(pqDir);
  let pqBytes = 0;
  const per = Math.ceil(rows / shards);
  // Written in reverse row order, so gathering into corpus order really moves every row.
  mkdirSync(shardDir);
  let shardBytes = 0;
  for (let s = 0; s < shards; s++) {
    const lo = rows - Math.min(rows, (s + 1) * per);
    const hi = rows - s * per;
    const part = new Float32Array((hi - lo) * dims);
    const partIds: string[] = [];
    for (let r = hi - 1, j = 0; r >= lo; r--, j++) {
      part.set(data.subarray(r * dims, (r + 1) * dims), j * dims);
      partIds.push(ids[r]);
    }
    const f = join(shardDir, `part-${String(s).padStart(3, '0')}.arrow`);
    writeArrowShard(f, partIds, { rows: hi - lo, cols: dims, data: part });
    shardBytes += statSync(f).size;
    const q = join(pqDir, `part-${String(s).padStart(3, '0')}.parquet`);
    writeParquetShard(q, partIds, { rows: hi - lo, cols: dims, data: part });
    pqBytes += statSync(q).size;
  }
  const npyTimes: number[] = [];
  const arrowTimes: number[] = [];
  const pqTimes: number[] = [];
  for (let k = 0; k < runs; k++) {
    let t = performance.now();
    const a = readNpy(join(dir, 'v.npy'));
    npyTimes.push(performance.now() - t);
    t = performance.now();
    const b = gatherShardVectors(await loadVectorShards(shardDir), ids, String, shardDir);
    arrowTimes.push(performance.now() - t);
    t = performance.now();
    const c = gatherShardVectors(await loadVectorShards(pqDir), ids, String, pqDir);
    pqTimes.push(performance.now() - t);
    if (c.data[dims * 7 + 3] !== a.data[dims * 7 + 3]) throw new Error('the Parquet read differs');
    if (a.data.length !== b.data.length || a.data[dims * 7 + 3] !== b.data[dims * 7 + 3] || b.data[data.length - 1] !== data[data.length - 1]) throw new Error('the two reads differ');
  }
  const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
  console.log(`${rows} × ${dims} float32, median of ${runs}:`);
  console.log(`  .npy (1 file, ${mb(statSync(join(dir, 'v.npy')).size)} MB):          ${median(npyTimes).toFixed(0)} ms`);
  console.log(`  Arrow IPC (${shards} shards, ${mb(shardBytes)} MB, by span id): ${median(arrowTimes).toFixed(0)} ms`);
  console.log(`  Parquet (${shards} shards, ${mb(pqBytes)} MB, by span id):   ${median(pqTimes).toFixed(0)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
}

void main();
