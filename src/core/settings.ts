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
  task: 'labelwise.task',
  spanLabels: 'labelwise.spanLabels',
  allowOverlap: 'labelwise.allowOverlap',
  lexicalFeatures: 'labelwise.lexicalFeatures',
  semiSupervised: 'labelwise.semiSupervised',
} as const;

/**
 * What a session labels: `classify` puts one label (or a set, labelwise.multiLabel) on each
 * candidate span; `spans` marks entities inside each sentence (or line) with labelwise.spanLabels.
 */
export type Task = 'classify' | 'spans';
export const TASKS: readonly Task[] = ['classify', 'spans'];

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
  /** What a session labels (see Task). */
  task: Task;
  /** Entity labels of the spans task, in order (their colours follow this order). */
  spanLabels: string[];
  /** Spans task: entities of different labels may overlap. */
  allowOverlap: boolean;
  /**
   * Columns of lexical features (features/lexical.ts: TF-IDF of words and character trigrams,
   * projected on the corpus's top singular vectors) the classification learner gets next to the
   * encoder's vectors; 0 = none. On by default (100): it raised every strategy's learning curve on
   * all nine benchmark datasets (bench/lexical.md). Fitted and appended a run of spans at a time
   * for a corpus of any size (features/lexicalPool.ts streamLexicalBlock).
   */
  lexicalFeatures: number;
  /**
   * The classification learner's semi-supervised step (learners/selfTraining.ts): `off`, or after
   * each fit pseudo-labels for confident unlabeled spans — `propagation` where labels spread over a
   * k-nearest-neighbour graph of the span vectors agree with the model, `self-training` from the
   * model alone — and one more fit on labels and pseudo-labels. `propagation` by default: in
   * bench:al it raised every strategy's learning curve (BENCHMARKS.md, "The semi-supervised step").
   */
  semiSupervised: SemiSupervisedChoice;
}

export type SemiSupervisedChoice = 'off' | 'propagation' | 'self-training';
export const SEMI_SUPERVISED_CHOICES: readonly SemiSupervisedChoice[] = ['off', 'propagation', 'self-training'];

/** A label set a session labels with: at least two labels (settingsParser.ts checkStartable). */
export type LabelSet = readonly [string, string, ...string[]];

/** Settings a session can start with: parsed, and with a label set. */
export type StartableSettings = Omit<LabelwiseSettings, 'labels'> & { readonly labels: LabelSet };

/** Entity labels a spans session labels with: at least one (settingsParser.ts checkSpanStartable). */
export type SpanLabels = readonly [string, ...string[]];

/**
 * Settings a spans session starts with: parsed, task `spans`, at least one entity label, and a
 * granularity of sentence or line. labelwise.labels (the classification set) plays no part.
 */
export type SpanSessionSettings = Omit<LabelwiseSettings, 'task' | 'spanLabels'> & { readonly task: 'spans'; readonly spanLabels: SpanLabels };

/** Settings the engine worker's `start` message carries: a classification or a spans session. */
export type SessionSettings = StartableSettings | SpanSessionSettings;

/** Whether a session's settings are a spans session's. */
export function isSpanSession(s: SessionSettings): s is SpanSessionSettings {
  return s.task === 'spans';
}

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
  task: 'classify',
  spanLabels: [],
  allowOverlap: false,
  lexicalFeatures: 100,
  semiSupervised: 'propagation',
};
