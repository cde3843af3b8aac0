// `npm run bench:spans` (issue 11 item 6, issue 10 item 3): a span-labeling simulation through
// the span engine on a span dataset, timed. Token vectors come from the embedded encoder and are
// cached under --cache (a dev convenience: re-runs skip encoding; encoding is timed apart).
// Prints one JSON line: wall time, the loop's time apart from the full-pool fit, final and
// full-pool span F1. Flags: --data FILE (/work/shared/datasets/brown-names.jsonl), --records N
// (6000: the file's first N records),
// --budget B (300), --batch (10), --strategy S (meta), --seed (1),
// --cache DIR (os.tmpdir()), --project K (the tagger's token-vector projection; default DEFAULT_CONTEXT's).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadEncoder } from '../src/core/encoders/loadEncoder';
import type { TokenVectors } from '../src/core/encoders/encoder';
import { simulateSpans } from '../src/core/simulation/simulateSpans';
import type { SpanRecord } from '../src/core/engine/spanEngine';
import { contextFeaturizer, DEFAULT_CONTEXT } from '../src/core/spans/tokenFeatures';
import type { StrategyChoice } from '../src/core/strategies/strategy';
import { readGoldDataset, type GoldDataset } from '../src/core/text/dataset';

interface Args {
  data: string;
  records: number;
  budget: number;
  batch: number;
  strategy: StrategyChoice;
  seed: number;
  cache: string;
  project?: number;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { data: '/work/shared/datasets/brown-names.jsonl', records: 6000, budget: 300, batch: 10, strategy: 'meta', seed: 1, cache: tmpdir() };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${f} needs a value`);
      return x;
    };
    if (f === '--data') a.data = v();
    else if (f === '--records') a.records = Number(v());
    else if (f === '--budget') a.budget = Number(v());
    else if (f === '--batch') a.batch = Number(v());
    else if (f === '--strategy') a.strategy = v() as StrategyChoice;
    else if (f === '--seed') a.seed = Number(v());
    else if (f === '--cache') a.cache = v();
    else if (f === '--project') a.project = Number(v());
    else throw new Error(`unknown flag ${f}`);
  }
  return a;
}

/** Token vectors of the texts, cached in one binary file keyed by dataset and count. */
async function tokenVectors(texts: readonly string[], cacheFile: string): Promise<TokenVectors[]> {
  if (existsSync(cacheFile)) {
    const buf = readFileSync(cacheFile);
    const head = buf.readUInt32LE(0);
    const meta = JSON.parse(buf.subarray(4, 4 + head).toString('utf8')) as { dim: number; tokens: [number, number][][] };
    const body = new Float32Array(buf.buffer.slice(buf.byteOffset + 4 + head + ((4 - ((4 + head) % 4)) % 4)));
    let at = 0;
    return meta.tokens.map((ts) => {
      const data = body.slice(at, at + ts.length * meta.dim);
      at += ts.length * meta.dim;
      return { tokens: ts.map(([start, end]) => ({ start, end })), vectors: { rows: ts.length, cols: meta.dim, data } };
    });
  }
  const t0 = performance.now();
  const enc = await loadEncoder({ model: 'default', device: 'cpu' });
  try {
    const out = await enc.encodeTokens!(texts);
    process.stderr.write(`encoded the tokens of ${texts.length} records in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const dim = out.find((t) => t.vectors.rows > 0)?.vectors.cols ?? 0;
    const head = Buffer.from(JSON.stringify({ dim, tokens: out.map((t) => t.tokens.map((k) => [k.start, k.end])) }), 'utf8');
    const pad = (4 - ((4 + head.length) % 4)) % 4;
    const len = Buffer.alloc(4);
    len.writeUInt32LE(head.length, 0);
    const parts = [len, head, Buffer.alloc(pad), ...out.map((t) => Buffer.from(t.vectors.data.buffer, t.vectors.data.byteOffset, t.vectors.data.byteLength))];
    writeFileSync(cacheFile, Buffer.concat(parts));
    return out;
  } finally {
    await enc.dispose();
  }
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const all = readGoldDataset(a.data);
  if (a.records > all.records.length) throw new Error(`${a.data} has ${all.records.length} records, fewer than --records ${a.records}`);
  const data: GoldDataset = { ...all, records: all.records.slice(0, a.records) };
  const tokens = await tokenVectors(data.records.map((r) => r.text), join(a.cache, `labelwise-spans-${basename(a.data, '.jsonl')}-${a.records}.bin`));
  const nTokens = tokens.reduce((s, t) => s + t.tokens.length, 0);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const res = await simulateSpans({
    data,
    tokens,
    strategy: a.strategy,
    seed: a.seed,
    init: 10,
    batch: a.batch,
    budget: a.budget,
    testFraction: 0.2,
    committeeSize: 5,
    diversity: true,
    ...(a.project !== undefined ? { engineDeps: { featurizer: (pool: readonly SpanRecord[]) => contextFeaturizer(pool, { ...DEFAULT_CONTEXT, project: a.project! }) } } : {}),
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const last = res.curve[res.curve.length - 1];
  const out = {
    data: basename(a.data),
    records: a.records,
    tokens: nTokens,
    strategy: a.strategy,
    seed: a.seed,
    budget: a.budget,
    wallSeconds: Number(wall.toFixed(2)),
    // CPU time of the process over the run (user + system): on a shared machine, what the run costs.
    cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    loopSeconds: Number((res.seconds - res.fullDataSeconds).toFixed(2)),
    fullDataSeconds: Number(res.fullDataSeconds.toFixed(2)),
    finalF1: Number(last.f1.toFixed(4)),
    tokensLabeled: last.tokens,
    aulc: Number(res.aulc.toFixed(4)),
    fullPoolF1: Number(res.fullData.f1.toFixed(4)),
    fullPoolP: Number(res.fullData.precision.toFixed(4)),
    fullPoolR: Number(res.fullData.recall.toFixed(4)),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
