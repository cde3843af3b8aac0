import { userInfo } from 'node:os';
import { SettingError } from '../core/errors';
import { defaultSettings, pathSettingKeys, settingKeys, type LabelwiseSettings } from '../core/settings';
import { STRATEGY_NAMES } from '../core/strategies/strategy';
import { DEVICES, GRANULARITIES, type Device, type Granularity } from '../core/types';

/** Reads one setting by its full key (`labelwise.budget`); undefined when unset. */
export type SettingReader = (key: string) => unknown;

type Key = keyof LabelwiseSettings;

function fail(key: Key, why: string): never {
  const k = settingKeys[key];
  throw new SettingError(k, `${k}: ${why}`);
}

function str(v: unknown, key: Key): string {
  if (typeof v !== 'string') fail(key, `must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function strList(v: unknown, key: Key): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(key, `must be a list of strings, got ${JSON.stringify(v)}`);
  return v as string[];
}

function int(v: unknown, key: Key, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(key, `must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function oneOf<T extends string>(v: unknown, key: Key, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) fail(key, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
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
 * Reads and validates every `labelwise.*` setting. A bad value throws a SettingError whose message
 * starts with the setting's key and says what is allowed, so the user can fix it in one go.
 */
export function readSettings(get: SettingReader): LabelwiseSettings {
  const val = <K extends Key>(key: K): unknown => {
    const v = get(settingKeys[key]);
    return v === undefined || v === null ? defaultSettings[key] : v;
  };
  const labels = strList(val('labels'), 'labels').map((l) => l.trim());
  const seen = new Set<string>();
  for (const l of labels) {
    if (l === '') fail('labels', 'a label must not be empty');
    if (seen.has(l)) fail('labels', `the label "${l}" is listed twice`);
    seen.add(l);
  }
  const strategy = str(val('strategy'), 'strategy');
  if (strategy !== 'meta' && !(STRATEGY_NAMES as readonly string[]).includes(strategy)) {
    fail('strategy', `must be meta or one of ${STRATEGY_NAMES.join(', ')}, got "${strategy}"`);
  }
  const maxFileSizeMB = val('maxFileSizeMB');
  if (typeof maxFileSizeMB !== 'number' || !(maxFileSizeMB > 0) || !Number.isFinite(maxFileSizeMB)) {
    fail('maxFileSizeMB', `must be a positive number, got ${JSON.stringify(maxFileSizeMB)}`);
  }
  const model = str(val('model'), 'model').trim();
  if (model === '') fail('model', 'must be "default", the path of a model folder or a Hugging Face model id (owner/name)');
  const allowModelDownload = val('allowModelDownload');
  if (typeof allowModelDownload !== 'boolean') fail('allowModelDownload', `must be true or false, got ${JSON.stringify(allowModelDownload)}`);
  const diversity = val('diversity');
  if (typeof diversity !== 'boolean') fail('diversity', `must be true or false, got ${JSON.stringify(diversity)}`);
  const multiLabel = val('multiLabel');
  if (typeof multiLabel !== 'boolean') fail('multiLabel', `must be true or false, got ${JSON.stringify(multiLabel)}`);
  const annotator = str(val('annotator'), 'annotator').trim();
  const include = strList(val('include'), 'include');
  if (include.length === 0) fail('include', 'list at least one glob pattern (for example "**/*.txt")');
  return {
    labels,
    budget: int(val('budget'), 'budget', 1),
    granularity: oneOf<Granularity>(val('granularity'), 'granularity', GRANULARITIES),
    include,
    exclude: strList(val('exclude'), 'exclude'),
    maxFileSizeMB,
    batchSize: int(val('batchSize'), 'batchSize', 1, 1000),
    strategy,
    diversity,
    committeeSize: int(val('committeeSize'), 'committeeSize', 2, 50),
    model,
    allowModelDownload,
    device: oneOf<Device>(val('device'), 'device', DEVICES),
    annotator: annotator === '' ? defaultAnnotator() : annotator,
    autoRetrainEvery: int(val('autoRetrainEvery'), 'autoRetrainEvery', 0),
    seed: int(val('seed'), 'seed', 0),
    multiLabel,
  };
}

/**
 * The settings as a workspace of this trust may use them. In Restricted Mode a setting that names a
 * path to load (labelwise.model: a model folder, whose ONNX graph and tokenizer Labelwise would
 * run, or a hub model id) falls back to its default, labelwise.allowModelDownload is off, and `notice` says so; everything else (labeling with the embedded
 * model) works as in a trusted workspace. VS Code already ignores a workspace's own value of these
 * settings there (package.json restrictedConfigurations); this also covers a user-level relative
 * path, which would resolve into the untrusted folder.
 */
export function restrictToTrust(s: LabelwiseSettings, trusted: boolean): { settings: LabelwiseSettings; notice?: string } {
  if (trusted) return { settings: s };
  // Downloading a model (labelwise.allowModelDownload) is off in Restricted Mode whatever it says.
  if (s.model === defaultSettings.model) return { settings: { ...s, allowModelDownload: false } };
  return {
    settings: { ...s, model: defaultSettings.model, allowModelDownload: false },
    notice:
      `this workspace is in Restricted Mode, so ${pathSettingKeys.join(', ')} ("${s.model}") is not loaded and labeling uses the ` +
      `embedded default model; trust the workspace to use that model`,
  };
}

/** Checks that a session can start with these settings (a label set is needed). */
export function checkStartable(s: LabelwiseSettings): void {
  if (s.labels.length < 2) {
    fail('labels', 'set at least two labels (run "Labelwise: Edit Label Set", or add for example ["positive", "negative"] to your settings)');
  }
}
