import { readRegularFileSync } from '../text/readRegularFile';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CurvePoint, StrategyWeightsPoint } from './learningCurve';
import type { AccuracyInterval } from './accuracyInterval';
import type { SpanScore } from './spanPrequential';
import { emptyRecord, toRecord } from '../record';
import { silentLogger, type Logger } from '../types';
import type { RoundInfo, RoundSummary } from './workerProtocol';

/**
 * The learning curve and the strategy weights of every retrain round, kept beside the label store
 * (`.labelwise/curve.jsonl`) so the curve view survives a restart. Append-only, one round a line:
 * `{"round": 3, "labels": 30, "accuracy": 0.71, "interval": {"low": 0.53, "high": 0.84, "n": 30},
 * "weights": {"margin": 0.6}, "ts": "..."}` (`interval`: the estimate's 95 % Wilson interval; lines
 * written before it existed have none). Spans task rounds carry `"span": {"f1": 0.5, "precision":
 * 0.6, "recall": 0.43, "sentences": 10}` instead of `accuracy` (span F1 before the tagger saw the
 * answers, spanPrequential.ts): the status bar's "accuracy" never shows it.
 * It is a log of what happened, not a source of truth: a damaged line is skipped with a warning,
 * an unreadable file is ignored, and a failed write only costs the curve that round.
 */
export interface CurveHistory {
  readonly curve: CurvePoint[];
  readonly weights: StrategyWeightsPoint[];
  /** Highest round number in the file (0 when none): new rounds continue from it. */
  readonly lastRound: number;
  /** False when the file ends in a partial line: the next append starts a new line first. */
  readonly endsClean: boolean;
  /** The round with the highest number, as the status bar shows it after a reload. */
  readonly last?: RoundSummary;
}

interface CurveLine {
  readonly round: number;
  readonly labels: number;
  readonly accuracy?: number;
  readonly interval?: AccuracyInterval;
  readonly weights: Record<string, number>;
  readonly picks?: Record<string, number>;
  readonly span?: SpanScore;
}

const unit = (x: unknown): x is number => typeof x === 'number' && x >= 0 && x <= 1;

/** A stored span score (spans task), or undefined when absent or not a sane one (older lines have none). */
function parseSpanScore(v: unknown): SpanScore | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { f1, precision, recall, sentences } = v as Record<string, unknown>;
  if (!unit(f1) || !unit(precision) || !unit(recall) || typeof sentences !== 'number' || !Number.isInteger(sentences) || sentences < 1) return undefined;
  return { f1, precision, recall, sentences };
}

/** A stored interval, or undefined when it is absent or not a sane one (it is only a display aid). */
function parseInterval(v: unknown, accuracy: number | undefined): AccuracyInterval | undefined {
  if (typeof v !== 'object' || v === null || accuracy === undefined) return undefined;
  const o = v as Record<string, unknown>;
  const { low, high, n } = o;
  if (typeof low !== 'number' || typeof high !== 'number' || typeof n !== 'number') return undefined;
  if (!(low >= 0 && low <= accuracy && accuracy <= high && high <= 1) || !(Number.isInteger(n) && n > 0)) return undefined;
  return { low, high, n, level: typeof o.level === 'number' && o.level > 0 && o.level < 1 ? o.level : 0.95 };
}

function parseLine(text: string): CurveLine | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  if (typeof o.round !== 'number' || !Number.isInteger(o.round) || o.round < 1) return '"round" must be a positive integer';
  if (typeof o.labels !== 'number' || !Number.isInteger(o.labels) || o.labels < 0) return '"labels" must be a non-negative integer';
  if (o.accuracy !== undefined && (typeof o.accuracy !== 'number' || !(o.accuracy >= 0 && o.accuracy <= 1))) return '"accuracy" must be a number in 0..1';
  if (typeof o.weights !== 'object' || o.weights === null || Array.isArray(o.weights)) return '"weights" must be an object';
  const weights: Record<string, number> = {};
  for (const [k, w] of Object.entries(o.weights as Record<string, unknown>)) {
    if (typeof w !== 'number' || !Number.isFinite(w)) return `weight "${k}" is not a number`;
    weights[k] = w;
  }
  // Optional (written since the panel shows where each round's labels came from); older lines lack it.
  let picks: Record<string, number> | undefined;
  if (o.picks !== undefined) {
    if (typeof o.picks !== 'object' || o.picks === null || Array.isArray(o.picks)) return '"picks" must be an object';
    const counts = emptyRecord<number>();
    for (const [k, c] of Object.entries(o.picks as Record<string, unknown>)) {
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) return `pick count "${k}" is not a non-negative integer`;
      counts[k] = c;
    }
    picks = toRecord(counts);
  }
  const accuracy = typeof o.accuracy === 'number' ? o.accuracy : undefined;
  const interval = parseInterval(o.interval, accuracy);
  const span = parseSpanScore(o.span);
  return { round: o.round, labels: o.labels, ...(accuracy !== undefined ? { accuracy } : {}), ...(interval ? { interval } : {}), weights, ...(picks ? { picks } : {}), ...(span ? { span } : {}) };
}

/** Reads the rounds stored so far; a missing file is an empty history, damage is warned about and skipped. */
export async function readCurveLog(file: string, logger: Logger): Promise<CurveHistory> {
  const empty: CurveHistory = { curve: [], weights: [], lastRound: 0, endsClean: true };
  let text: string | undefined;
  try {
    text = readCurveText(file);
  } catch (e) {
    logger.warn(`${file}: cannot read the learning curve (${(e as Error).message}); it starts empty`);
    return empty;
  }
  return text === undefined ? empty : parseCurveLog(text, file, logger);
}

/** The curve file is committed with the store: only a regular file of sane size is read. */
const MAX_CURVE_BYTES = 64 * 1024 * 1024;

function readCurveText(file: string): string | undefined {
  return readRegularFileSync(file, MAX_CURVE_BYTES)?.toString('utf8');
}

/**
 * The newest round recorded in the file, read synchronously (the status bar before any session
 * runs: a reloaded window shows the last figures at once). Undefined when there is none or the
 * file cannot be read; damage is not reported here (the session's read reports it).
 */
export function lastRecordedRound(file: string): RoundSummary | undefined {
  let text: string | undefined;
  try {
    text = readCurveText(file);
  } catch {
    return undefined;
  }
  return text === undefined ? undefined : parseCurveLog(text, file, silentLogger).last;
}

/** The rounds of a curve file's text; damaged lines are warned about (file:line) and skipped. */
export function parseCurveLog(text: string, file: string, logger: Logger): CurveHistory {
  const curve: CurvePoint[] = [];
  const weights: StrategyWeightsPoint[] = [];
  let lastRound = 0;
  let last: RoundSummary | undefined;
  let skipped = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const r = parseLine(line);
    if (typeof r === 'string') {
      if (skipped++ < 5) logger.warn(`${file}:${i + 1}: skipped a damaged learning-curve line: ${r}`);
      return;
    }
    if (r.round >= lastRound) {
      last = {
        round: r.round,
        labels: r.labels,
        ...(r.accuracy !== undefined ? { estimatedAccuracy: r.accuracy } : {}),
        ...(r.interval ? { accuracyInterval: r.interval } : {}),
      };
    }
    lastRound = Math.max(lastRound, r.round);
    if (r.accuracy !== undefined) curve.push({ labels: r.labels, accuracy: r.accuracy });
    else if (r.span) curve.push({ labels: r.labels, accuracy: r.span.f1, precision: r.span.precision, recall: r.span.recall, sentences: r.span.sentences });
    weights.push({ round: r.round, labels: r.labels, weights: r.weights, ...(r.picks ? { picks: r.picks } : {}) });
  });
  if (skipped > 5) logger.warn(`${file}: ${skipped} damaged learning-curve lines skipped in all`);
  return { curve, weights, lastRound, endsClean: text === '' || text.endsWith('\n'), ...(last ? { last } : {}) };
}

/** The line a round is stored as. */
export function curveLine(info: RoundInfo, ts: string): string {
  const o = {
    round: info.round,
    labels: info.labels,
    ...(info.estimatedAccuracy !== undefined ? { accuracy: info.estimatedAccuracy } : {}),
    ...(info.estimatedAccuracy !== undefined && info.accuracyInterval ? { interval: info.accuracyInterval } : {}),
    weights: info.weights,
    ...(info.picks ? { picks: info.picks } : {}),
    ...(info.spanScore ? { span: info.spanScore } : {}),
    ts,
  };
  return `${JSON.stringify(o)}\n`;
}

/** Appends one round; never throws (a failed write is warned about). */
export async function appendCurveLog(file: string, info: RoundInfo, logger: Logger, opts: { readonly newLineFirst?: boolean; readonly now?: () => string } = {}): Promise<void> {
  const now = opts.now ?? ((): string => new Date().toISOString());
  try {
    await mkdir(dirname(file), { recursive: true });
    await appendFile(file, (opts.newLineFirst ? '\n' : '') + curveLine(info, now()), 'utf8');
  } catch (e) {
    logger.warn(`${file}: could not record the learning curve (${(e as Error).message})`);
  }
}
