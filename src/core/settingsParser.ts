import { userInfo } from 'node:os';
import { isAbsolute } from 'node:path';
import { SettingError } from './errors';
import { defaultSettings, settingKeys, SEMI_SUPERVISED_CHOICES, TASKS, type LabelSet, type LabelwiseSettings, type SessionSettings, type SpanLabels, type SpanSessionSettings, type StartableSettings } from './settings';
import { STRATEGY_CHOICES, STRATEGY_NAMES, type StrategyChoice } from './strategies/strategy';
import { DEVICES, GRANULARITIES, type Device, type Granularity } from './types';

/**
 * The one parser of Labelwise's settings. It runs at the boundaries only — VS Code's settings
 * (src/extension/config.ts), the engine worker's `start` message — and returns precise types
 * (StrategyChoice, Granularity, Device, a checked label set) that the inner layers trust without
 * checking again. Every error is a SettingError whose message starts with the setting's key. The
 * CLI checks its enumerations with commander's `.choices()` over the same lists.
 */

/** Reads one setting by its full key (`labelwise.budget`); undefined when unset. */
export type SettingReader = (key: string) => unknown;

type Key = keyof LabelwiseSettings;

function fail(setting: string, why: string): never {
  throw new SettingError(setting, `${setting}: ${why}`);
}

function oneOf<T extends string>(v: unknown, setting: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) fail(setting, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/**
 * Strategies Labelwise no longer has, read as the one that replaces them, so a settings file
 * written for an older version still starts a session. kl (committee KL to the consensus) was
 * dropped for losing to random sampling in bench:al; vote-entropy is the committee strategy left.
 */
const RETIRED_STRATEGIES: Readonly<Record<string, StrategyChoice>> = { kl: 'vote-entropy' };

/** `meta` or a fixed strategy name (a retired name reads as its replacement). */
export function parseStrategy(v: unknown, setting: string = settingKeys.strategy): StrategyChoice {
  if (typeof v === 'string' && Object.prototype.hasOwnProperty.call(RETIRED_STRATEGIES, v)) return RETIRED_STRATEGIES[v];
  if (typeof v !== 'string' || !(STRATEGY_CHOICES as readonly string[]).includes(v)) fail(setting, `must be meta or one of ${STRATEGY_NAMES.join(', ')}, got ${JSON.stringify(v)}`);
  return v as StrategyChoice;
}

export function parseDevice(v: unknown, setting: string = settingKeys.device): Device {
  return oneOf(v, setting, DEVICES);
}

export function parseGranularity(v: unknown, setting: string = settingKeys.granularity): Granularity {
  return oneOf(v, setting, GRANULARITIES);
}

/** Glob patterns relative to the workspace folder: no empty pattern, no absolute path, no "..". */
export function parsePatterns(v: unknown, setting: string): string[] {
  if (!Array.isArray(v) || v.some((p) => typeof p !== 'string')) fail(setting, `must be a list of strings (glob patterns), got ${JSON.stringify(v)}`);
  for (const p of v as string[]) {
    if (p.trim() === '') fail(setting, 'empty pattern');
    if (isAbsolute(p) || /^[a-zA-Z]:/.test(p) || p.split(/[\\/]/).includes('..')) {
      fail(setting, `"${p}" must be relative to the workspace folder (no absolute paths, no "..")`);
    }
  }
  return v as string[];
}

/** A label list: trimmed, none empty, none twice (it may still be empty: no label set yet). */
export function parseLabels(v: unknown, setting: string = settingKeys.labels): string[] {
  const labels = strList(v, setting).map((l) => l.trim());
  const seen = new Set<string>();
  for (const l of labels) {
    if (l === '') fail(setting, 'a label must not be empty');
    if (seen.has(l)) fail(setting, `the label "${l}" is listed twice`);
    seen.add(l);
  }
  return labels;
}

/** A label set a session can label with: at least two labels. */
export function isLabelSet(labels: readonly string[]): labels is LabelSet {
  return labels.length >= 2;
}

/** An entity label set a spans session can label with: at least one label. */
export function isSpanLabels(labels: readonly string[]): labels is SpanLabels {
  return labels.length >= 1;
}

function str(v: unknown, setting: string): string {
  if (typeof v !== 'string') fail(setting, `must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function strList(v: unknown, setting: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(setting, `must be a list of strings, got ${JSON.stringify(v)}`);
  return v as string[];
}

function bool(v: unknown, setting: string): boolean {
  if (typeof v !== 'boolean') fail(setting, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** Most columns labelwise.lexicalFeatures may ask for (package.json's maximum). */
export const MAX_LEXICAL_FEATURES = 1000;

function int(v: unknown, setting: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(setting, `must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** The annotator name when `labelwise.annotator` is empty: the OS user name. */
export function defaultAnnotator(): string {
  try {
    return userInfo().username || 'annotator';
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'annotator';
  }
}

/**
 * Reads and validates every `labelwise.*` setting (an unset one takes its default). A bad value
 * throws a SettingError whose message starts with the setting's key and says what is allowed, so
 * the user can fix it in one go.
 */
export function parseSettings(get: SettingReader): LabelwiseSettings {
  const val = (key: Key): unknown => {
    const v = get(settingKeys[key]);
    return v === undefined || v === null ? defaultSettings[key] : v;
  };
  const k = settingKeys;
  const maxFileSizeMB = val('maxFileSizeMB');
  if (typeof maxFileSizeMB !== 'number' || !(maxFileSizeMB > 0) || !Number.isFinite(maxFileSizeMB)) {
    fail(k.maxFileSizeMB, `must be a positive number, got ${JSON.stringify(maxFileSizeMB)}`);
  }
  const model = str(val('model'), k.model).trim();
  if (model === '') fail(k.model, 'must be "default", the path of a model folder or a Hugging Face model id (owner/name)');
  const annotator = str(val('annotator'), k.annotator).trim();
  const include = parsePatterns(val('include'), k.include);
  if (include.length === 0) fail(k.include, 'list at least one glob pattern (for example "**/*.txt")');
  return {
    labels: parseLabels(val('labels'), k.labels),
    budget: int(val('budget'), k.budget, 1),
    granularity: parseGranularity(val('granularity'), k.granularity),
    include,
    exclude: parsePatterns(val('exclude'), k.exclude),
    maxFileSizeMB,
    batchSize: int(val('batchSize'), k.batchSize, 1, 1000),
    strategy: parseStrategy(val('strategy'), k.strategy),
    diversity: bool(val('diversity'), k.diversity),
    committeeSize: int(val('committeeSize'), k.committeeSize, 2, 50),
    model,
    allowModelDownload: bool(val('allowModelDownload'), k.allowModelDownload),
    device: parseDevice(val('device'), k.device),
    annotator: annotator === '' ? defaultAnnotator() : annotator,
    autoRetrainEvery: int(val('autoRetrainEvery'), k.autoRetrainEvery, 0),
    seed: int(val('seed'), k.seed, 0),
    multiLabel: bool(val('multiLabel'), k.multiLabel),
    vectors: str(val('vectors'), k.vectors).trim(),
    task: oneOf(val('task'), k.task, TASKS),
    spanLabels: parseLabels(val('spanLabels'), k.spanLabels),
    allowOverlap: bool(val('allowOverlap'), k.allowOverlap),
    lexicalFeatures: int(val('lexicalFeatures'), k.lexicalFeatures, 0, MAX_LEXICAL_FEATURES),
    semiSupervised: oneOf(val('semiSupervised'), k.semiSupervised, SEMI_SUPERVISED_CHOICES),
  };
}

/** Checks that a session can start with these settings: a label set of at least two labels. */
export function checkStartable(s: LabelwiseSettings): StartableSettings {
  const { labels } = s;
  if (!isLabelSet(labels)) {
    fail(settingKeys.labels, 'set at least two labels (run "Labelwise: Edit Label Set", or add for example ["positive", "negative"] to your settings)');
  }
  return { ...s, labels };
}

/**
 * Checks that a spans session can start with these settings: labelwise.task is spans, at least one
 * entity label, and candidate units that are sentences or lines (an entity lives in a sentence; a
 * paragraph is too long a unit to tag token by token in the panel).
 */
export function checkSpanStartable(s: LabelwiseSettings): SpanSessionSettings {
  if (s.task !== 'spans') fail(settingKeys.task, `must be "spans" for an entity-span session, got ${JSON.stringify(s.task)}`);
  const labels = s.spanLabels;
  if (!isSpanLabels(labels)) fail(settingKeys.spanLabels, 'set at least one entity label for labelwise.task "spans" (for example ["PERSON", "ORG", "PLACE"])');
  if (s.granularity === 'paragraph') fail(settingKeys.granularity, 'must be "sentence" or "line" when labelwise.task is "spans" (entities are labeled one sentence or line at a time)');
  return { ...s, task: 'spans', spanLabels: labels };
}

/** The settings a session starts with, by labelwise.task: checkStartable or checkSpanStartable. */
export function checkSessionStartable(s: LabelwiseSettings): SessionSettings {
  return s.task === 'spans' ? checkSpanStartable(s) : checkStartable(s);
}

/** Reads settings from an object holding them by their short names (`{ strategy: 'meta' }`). */
function readerOf(received: unknown): SettingReader {
  const obj = typeof received === 'object' && received !== null ? (received as Record<string, unknown>) : {};
  const byKey = new Map<string, unknown>(Object.entries(settingKeys).map(([name, key]) => [key, obj[name]]));
  return (key) => byKey.get(key);
}

/**
 * The worker's boundary: settings that arrived in a `start` message, parsed by the same parser
 * (they were built by it on the host, but the message is data from another thread).
 */
export function parseStartSettings(received: unknown): StartableSettings {
  return checkStartable(parseSettings(readerOf(received)));
}

/** The worker's boundary for either task: a `start` message's settings, checked for the task they name. */
export function parseSessionSettings(received: unknown): SessionSettings {
  return checkSessionStartable(parseSettings(readerOf(received)));
}

/** The corpus settings of a worker message (`anchors`), parsed by the same parser; the rest are ignored. */
export function parseCorpusSettings(received: unknown): Pick<LabelwiseSettings, 'granularity' | 'include' | 'exclude' | 'maxFileSizeMB'> {
  const { granularity, include, exclude, maxFileSizeMB } = parseSettings(readerOf(received));
  return { granularity, include, exclude, maxFileSizeMB };
}
