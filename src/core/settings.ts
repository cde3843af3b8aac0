import type { StrategyChoice } from './strategies/strategy';
import type { Device, Granularity } from './types';

/**
 * The `labelwise.*` settings: keys as typed constants matching package.json's
 * `contributes.configuration`, and their defaults. Core code receives these values as plain
 * options; only src/extension reads them from VS Code, and settingsParser.ts parses them.
 */
export const settingKeys = {
  labels: 'labelwise.labels',
  budget: 'labelwise.budget',
  granularity: 'labelwise.granularity',
  include: 'labelwise.include',
  exclude: 'labelwise.exclude',
  maxFileSizeMB: 'labelwise.maxFileSizeMB',
  batchSize: 'labelwise.batchSize',
  strategy: 'labelwise.strategy',
  diversity: 'labelwise.diversity',
  committeeSize: 'labelwise.committeeSize',
  model: 'labelwise.model',
  allowModelDownload: 'labelwise.allowModelDownload',
  device: 'labelwise.device',
  annotator: 'labelwise.annotator',
  autoRetrainEvery: 'labelwise.autoRetrainEvery',
  seed: 'labelwise.seed',
  multiLabel: 'labelwise.multiLabel',
  vectors: 'labelwise.vectors',
} as const;

/**
 * Settings that name a path Labelwise loads (a model folder it runs, a folder of vectors it labels
 * with). They are honoured only in a
 * trusted workspace: package.json lists them under capabilities.untrustedWorkspaces
 * .restrictedConfigurations, and in Restricted Mode the extension uses the defaults instead.
 */
export const pathSettingKeys: readonly string[] = [settingKeys.model, settingKeys.vectors];

/**
 * Every setting Restricted Mode sets aside (package.json restrictedConfigurations): the path
 * settings, and labelwise.allowModelDownload (an untrusted folder must not make Labelwise fetch
 * and run a model).
 */
export const restrictedSettingKeys: readonly string[] = [...pathSettingKeys, settingKeys.allowModelDownload];

export interface LabelwiseSettings {
  labels: string[];
  budget: number;
  granularity: Granularity;
  include: string[];
  exclude: string[];
  maxFileSizeMB: number;
  batchSize: number;
  strategy: StrategyChoice;
  diversity: boolean;
  committeeSize: number;
  model: string;
  /** Fetch a hub model id named by `model` once into the extension's storage (trusted workspaces only). */
  allowModelDownload: boolean;
  device: Device;
  annotator: string;
  autoRetrainEvery: number;
  seed: number;
  /** Several labels per span (one-vs-rest learner, `labels` in the store). */
  multiLabel: boolean;
  /** Arrow IPC shards of precomputed vectors (a file or folder; relative to the workspace), or '' to encode. */
  vectors: string;
}

/** A label set a session labels with: at least two labels (settingsParser.ts checkStartable). */
export type LabelSet = readonly [string, string, ...string[]];

/** Settings a session can start with: parsed, and with a label set. */
export type StartableSettings = Omit<LabelwiseSettings, 'labels'> & { readonly labels: LabelSet };

export const defaultSettings: LabelwiseSettings = {
  labels: [],
  budget: 200,
  granularity: 'sentence',
  include: ['**/*.{txt,md}', '**/*.jsonl'],
  exclude: ['**/node_modules/**', '**/.git/**', '**/.labelwise/**', '**/.vscode/**'],
  maxFileSizeMB: 10,
  batchSize: 10,
  strategy: 'meta',
  diversity: true,
  committeeSize: 5,
  model: 'default',
  allowModelDownload: false,
  device: 'auto',
  annotator: '',
  autoRetrainEvery: 10,
  seed: 1,
  multiLabel: false,
  vectors: '',
};
