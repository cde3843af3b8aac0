import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { metaSelectorFactory } from '../core/meta/metaSelectorFactory';
import { simulationVectors } from '../core/simulation/simulationVectors';
import { readSplit } from '../core/simulation/split';
import { simulate, type SimulateOptions as LoopOptions, type SimulationResult } from '../core/simulation/simulate';
import { simulateSpans, type SpanSimulationResult } from '../core/simulation/simulateSpans';
import { commonComponentsOf, loadEncoder } from '../core/encoders/loadEncoder';
import { InputError, SettingError } from '../core/errors';
import { readNpy } from '../core/npy';
import { defaultSettings, type SemiSupervisedChoice } from '../core/settings';
import { parseStrategy } from '../core/settingsParser';
import { spanStrategyFor } from '../core/spans/spanStrategies';
import { STRATEGY_CHOICES, type StrategyChoice } from '../core/strategies/strategy';
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
  /**
   * Several strategies on one encoding: a comma-separated list, or "all" (meta and every fixed
   * strategy). Replaces --strategy; the output is then one result per line (JSON Lines), in order.
   */
  strategies?: string;
  /**
   * Columns of the lexical block appended to the vectors (features/lexical.ts); absent: the
   * editor's default (labelwise.lexicalFeatures), for text classification; 0: none.
   */
  lexical?: number;
  /** The learner's semi-supervised step (labelwise.semiSupervised); absent: the editor's default for text classification, none for entity spans. */
  semiSupervised?: SemiSupervisedChoice;
  out?: string;
}

/** The strategies a run compares: --strategies when given (checked, duplicates refused), else --strategy. */
export function strategiesOf(opts: Pick<SimulateOptions, 'strategy' | 'strategies'>): StrategyChoice[] {
  if (opts.strategies === undefined) return [opts.strategy];
  if (opts.strategies.trim() === 'all') return [...STRATEGY_CHOICES];
  const names = opts.strategies.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new SettingError('--strategies', `must be "all" or a comma-separated list of strategies, got ${JSON.stringify(opts.strategies)}`);
  const out = names.map((n) => parseStrategy(n, '--strategies'));
  const twice = out.find((s, i) => out.indexOf(s) !== i);
  if (twice) throw new SettingError('--strategies', `names ${twice} twice`);
  return out;
}

const stderrLogger: Logger = {
  info: (m) => process.stderr.write(`${m}\n`),
  warn: (m) => process.stderr.write(`labelwise: warning: ${m}\n`),
  error: (m) => process.stderr.write(`labelwise: ${m}\n`),
};

/** `labelwise simulate`: DESIGN.md's contract. Progress on stderr, the JSON on stdout or --out. */
export async function runSimulate(opts: SimulateOptions): Promise<void> {
  const strategies = strategiesOf(opts);
  // Checked before anything is read or encoded. By default as many columns as the editor's
  // labelwise.lexicalFeatures default.
  const lexical = opts.lexical ?? defaultSettings.lexicalFeatures;
  if (!(Number.isInteger(lexical) && lexical >= 0)) throw new SettingError('--lexical', `--lexical must be an integer ≥ 0 (columns of the lexical block; 0: none), got ${lexical}`);
  const data = readGoldDataset(opts.data);
  if (data.task === 'spans') {
    if (opts.lexical !== undefined && opts.lexical !== 0) throw new SettingError('--lexical', `${opts.data} holds entity spans; --lexical (a block of lexical features, one row per record) only serves text classification`);
    if (opts.semiSupervised !== undefined && opts.semiSupervised !== 'off') throw new SettingError('--semi-supervised', `${opts.data} holds entity spans; --semi-supervised only serves text classification`);
    const results = await simulateEntitySpans(data, opts, strategies);
    if (opts.strategies !== undefined) stderrLogger.info(spanSummary(results));
    emit(results, opts.strategies !== undefined, opts.out);
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
  // The lexical block is fitted on the pool of this seed's split, once for every strategy.
  const features = simulationVectors({ data, ...loopOptions(opts, split) }, vectors, { commonComponents, lexical });
  if (lexical > 0) stderrLogger.info(`lexical block: ${features.vectors.cols - vectors.cols} columns next to the ${vectors.cols} of the vectors (--lexical 0: none)`);
  const results: SimulationResult[] = [];
  for (const strategy of strategies) results.push(await simulate({ data, ...features, ...loopOptions({ ...opts, strategy }, split) }));
  if (opts.strategies !== undefined) stderrLogger.info(classifySummary(results));
  emit(results, opts.strategies !== undefined, opts.out);
}

const pct = (x: number): string => (100 * x).toFixed(1).padStart(6);

/** The per-strategy table printed on stderr after a --strategies run on span data. */
export function spanSummary(results: readonly SpanSimulationResult[]): string {
  const rows = results.map((r) => {
    const last = r.curve[r.curve.length - 1];
    const ran = spanStrategyFor(r.strategy as StrategyChoice);
    const name = ran === r.strategy ? r.strategy : `${r.strategy} (${ran})`;
    return `${name.padEnd(34)} ${pct(r.aulc)} ${pct(last.f1)} ${String(last.labels).padStart(7)} ${String(last.tokens).padStart(7)}`;
  });
  const full = results[0] ? ` (full pool: span F1 ${(100 * results[0].fullData.f1).toFixed(1)} %)` : '';
  return [`${'strategy (span strategy run)'.padEnd(34)} AULC %   F1 %  labels  tokens${full}`, ...rows].join('\n');
}

/** The per-strategy table printed on stderr after a --strategies run on classification data. */
export function classifySummary(results: readonly SimulationResult[]): string {
  const rows = results.map((r) => {
    const last = r.curve[r.curve.length - 1];
    return `${r.strategy.padEnd(18)} ${pct(r.aulc)} ${pct(last.accuracy)} ${String(last.labels).padStart(7)}`;
  });
  const full = results[0] ? ` (full pool: accuracy ${(100 * results[0].fullData.accuracy).toFixed(1)} %)` : '';
  return [`strategy           AULC %  acc %  labels${full}`, ...rows].join('\n');
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
    ...semiSupervisedOf(opts),
    metaFactory: metaSelectorFactory(stderrLogger, opts.prior === undefined || opts.prior === 'auto' ? {} : { prior: opts.prior }),
    logger: stderrLogger,
  };
}

/** The classification learner's semi-supervised step: --semi-supervised, else the editor's default (labelwise.semiSupervised). */
function semiSupervisedOf(opts: SimulateOptions): Pick<LoopOptions, 'semiSupervised'> {
  const mode = opts.semiSupervised ?? defaultSettings.semiSupervised;
  return mode === 'off' ? {} : { semiSupervised: { method: mode } };
}

/** DESIGN.md's one JSON object; with --strategies one per line (JSON Lines), in the order asked. */
function emit(results: readonly object[], lines: boolean, out: string | undefined): void {
  const text = (lines ? results : results.slice(0, 1)).map((r) => `${JSON.stringify(r)}\n`).join('');
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

/** Entity spans: per-token vectors from the encoder (once for every strategy), a token tagger, span-level F1. */
async function simulateEntitySpans(data: GoldDataset, opts: SimulateOptions, strategies: readonly StrategyChoice[]): Promise<SpanSimulationResult[]> {
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
  const results: SpanSimulationResult[] = [];
  for (const strategy of strategies) results.push(await simulateSpans({ data, tokens, ...loopOptions({ ...opts, strategy, semiSupervised: 'off' }, split) }));
  return results;
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
