import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { metaSelectorFactory } from '../core/meta/metaSelectorFactory';
import { readSplit } from '../core/simulation/split';
import { simulate, type SimulateOptions as LoopOptions } from '../core/simulation/simulate';
import { simulateSpans, type SpanSimulationResult } from '../core/simulation/simulateSpans';
import { commonComponentsOf, loadEncoder } from '../core/encoders/loadEncoder';
import { InputError, SettingError } from '../core/errors';
import { readNpy } from '../core/npy';
import type { StrategyChoice } from '../core/strategies/strategy';
import { readGoldDataset, type GoldDataset } from '../core/text/dataset';
import type { TokenVectors } from '../core/encoders/encoder';
import type { Device, Logger, Matrix } from '../core/types';
import { jsonlSpans } from '../core/text/corpus';
import { gatherShardVectors, isShardPath, loadVectorShards } from '../core/vectorShards';

export interface SimulateOptions {
  data: string;
  /** Checked by commander's choices (main.ts). */
  strategy: StrategyChoice;
  seed: number;
  init: number;
  batch: number;
  budget: number;
  testFraction: number;
  model: string;
  device: Device;
  vectors?: string;
  split?: string;
  committee: number;
  diversity: boolean;
  /**
   * The meta-learner's prior: "auto" (default) picks the leave-one-out prior of the dataset named
   * like the --data file, so a benchmark never runs with a prior trained on its own data, and
   * refuses a default prior trained on a dataset of that name; "default", "none" or a prior JSON
   * file choose explicitly, whatever the file is called.
   */
  prior?: string;
  out?: string;
}

const stderrLogger: Logger = {
  info: (m) => process.stderr.write(`${m}\n`),
  warn: (m) => process.stderr.write(`labelwise: warning: ${m}\n`),
  error: (m) => process.stderr.write(`labelwise: ${m}\n`),
};

/** `labelwise simulate`: DESIGN.md's contract. Progress on stderr, the JSON on stdout or --out. */
export async function runSimulate(opts: SimulateOptions): Promise<void> {
  const data = readGoldDataset(opts.data);
  if (data.task === 'spans') {
    const result = await simulateEntitySpans(data, opts);
    emit(result, opts.out);
    return;
  }
  // --vectors are taken as the --model encoder's own vectors (what `labelwise encode --model` writes),
  // so they get the same pool transform as vectors encoded here.
  const { vectors, commonComponents } = opts.vectors
    ? { vectors: await readVectors(opts.vectors, data), commonComponents: commonComponentsOf(opts.model) }
    : await encodeRecords(data.records.map((r) => r.text), opts.model, opts.device);
  if (opts.vectors && vectors.rows !== data.records.length) {
    throw new InputError(`${opts.vectors} has ${vectors.rows} rows but ${opts.data} has ${data.records.length} records; they must match one to one`, opts.vectors);
  }
  const split = opts.split ? readSplit(opts.split, data.records.length) : undefined;
  const result = await simulate({ data, vectors, commonComponents, ...loopOptions(opts, split) });
  emit(result, opts.out);
}

/**
 * `--vectors`: a .npy (row i is record i) or Arrow IPC / Parquet shards, matched to the records by span id —
 * the id the corpus reader gives the record in a workspace rooted at the current folder, which is
 * what `labelwise encode --format arrow` writes.
 */
async function readVectors(path: string, data: GoldDataset): Promise<Matrix> {
  if (!isShardPath(path)) return readNpy(path);
  const shards = await loadVectorShards(path);
  const rel = relative(process.cwd(), resolve(data.file)).split(sep).join('/');
  const { spans } = jsonlSpans(rel, readFileSync(data.file, 'utf8').replace(/^\uFEFF/, ''));
  const idByLine = new Map<number, string>();
  for (const s of spans) idByLine.set(s.line, s.id);
  const ids = data.records.map((r) => {
    const id = idByLine.get(r.index);
    if (id === undefined) throw new InputError(`${data.file}:${r.index + 1}: the record's text is blank, so it has no span id to find in ${path}`, data.file, r.index + 1);
    return id;
  });
  return gatherShardVectors(shards, ids, (i) => `${data.file}:${data.records[i].index + 1}`, path);
}

/** The options of the simulation loop that classification and entity spans share. */
function loopOptions(opts: SimulateOptions, split: ReturnType<typeof readSplit> | undefined): Omit<LoopOptions, 'data' | 'vectors'> {
  return {
    strategy: opts.strategy,
    seed: opts.seed,
    init: opts.init,
    batch: opts.batch,
    budget: opts.budget,
    testFraction: opts.testFraction,
    split,
    committeeSize: opts.committee,
    diversity: opts.diversity,
    metaFactory: metaSelectorFactory(stderrLogger, opts.prior === undefined || opts.prior === 'auto' ? {} : { prior: opts.prior }),
    logger: stderrLogger,
  };
}

function emit(result: object, out: string | undefined): void {
  const json = JSON.stringify(result);
  if (out) writeFileSync(out, `${json}\n`);
  else process.stdout.write(`${json}\n`);
}

/** Entity spans: per-token vectors from the encoder, a token tagger, span-level F1. */
async function simulateEntitySpans(data: GoldDataset, opts: SimulateOptions): Promise<SpanSimulationResult> {
  if (opts.vectors) {
    throw new SettingError('--vectors', `${opts.data} holds entity spans, which need per-token vectors from the encoder; --vectors (one row per record) only serves text classification`);
  }
  const split = opts.split ? readSplit(opts.split, data.records.length) : undefined;
  const t0 = performance.now();
  const encoder = await loadEncoder({ model: opts.model, device: opts.device, logger: stderrLogger, baseDir: process.cwd() });
  let tokens: TokenVectors[];
  try {
    if (!encoder.encodeTokens) throw new SettingError('--model', `the encoder ${encoder.id} gives no per-token vectors, which entity spans need`);
    tokens = await encoder.encodeTokens(data.records.map((r) => r.text));
    stderrLogger.info(`encoded the tokens of ${tokens.length} records with ${encoder.id} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await encoder.dispose();
  }
  return simulateSpans({ data, tokens, ...loopOptions(opts, split) });
}

/** Encodes the records with the `--model` encoder (what the extension uses) when no --vectors are given. */
async function encodeRecords(texts: string[], model: string, device: Device): Promise<{ vectors: Matrix; commonComponents: number }> {
  const t0 = performance.now();
  const encoder = await loadEncoder({ model, device, logger: stderrLogger, baseDir: process.cwd() });
  try {
    const m = await encoder.encode(texts);
    stderrLogger.info(`encoded ${m.rows} records with ${encoder.id} on ${encoder.provider.toUpperCase()} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { vectors: m, commonComponents: encoder.commonComponents ?? 0 };
  } finally {
    await encoder.dispose();
  }
}
