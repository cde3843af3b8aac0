import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError, ModelError } from '../errors';
import { openSession, type RuntimeSession } from '../runtime/session';
import type { Device, Logger } from '../types';

/**
 * The learned prior: a small MLP, trained offline by scripts/trainPrior.ts on simulated tasks,
 * mapping task-state features to the expected one-round accuracy gain of each strategy. Its
 * weights are committed as JSON (models/prior/NAME.json); models/buildPrior.mjs turns each into
 * NAME.onnx at build time, and that graph is what runs here, through ONNX Runtime.
 *
 * One prior per held-out dataset (prior-without-DATASET.json) keeps benchmarks honest: a prior is
 * never evaluated on a dataset it was trained on. prior.json is the shipped default (all tasks).
 */
export interface PriorLayer {
  /** out × in. */
  readonly weight: number[][];
  readonly bias: number[];
  readonly activation: 'relu' | 'linear';
}

export interface PriorJson {
  readonly format: 'labelwise-prior/1';
  /** Dataset left out of training, or null for the shipped default. */
  readonly heldOut: string | null;
  readonly trainedOn: string[];
  readonly features: string[];
  readonly strategies: string[];
  readonly mean: number[];
  readonly std: number[];
  readonly layers: PriorLayer[];
  /** Free-form training record (states, tasks, fit error); not used at run time. */
  readonly training?: Record<string, unknown>;
}

export const DEFAULT_PRIOR = 'prior';

/** models/prior of this install: found upward from this file (src/core/meta in tests, dist/ when bundled). */
export function priorDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const cand = join(dir, 'models', 'prior');
    if (existsSync(cand)) return cand;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return join(__dirname, '..', 'models', 'prior');
}

/** The prior JSON file trained without `dataset` (a file name without .jsonl, e.g. "brown-genre"). */
export function heldOutPriorPath(dataset: string, dir = priorDir()): string {
  return join(dir, `prior-without-${dataset}.json`);
}

/**
 * Resolves the prior option: "default" → the shipped prior.json; "none" → no prior; any other
 * value is a path to a prior JSON. `holdOut` (a dataset key) picks prior-without-KEY.json instead
 * of the default and fails if there is none, so a benchmark cannot silently use a prior trained on
 * its own data.
 */
export function resolvePriorPath(prior: string, holdOut?: string, dir = priorDir()): string | undefined {
  if (prior === 'none') return undefined;
  if (holdOut !== undefined) {
    const p = heldOutPriorPath(holdOut, dir);
    if (!existsSync(p)) {
      throw new ModelError(`no prior trained without "${holdOut}": expected ${p} (run npm run train:prior -- --hold-out ${holdOut})`);
    }
    return p;
  }
  return prior === 'default' ? join(dir, `${DEFAULT_PRIOR}.json`) : prior;
}

function isNumArray(a: unknown, n?: number): a is number[] {
  return Array.isArray(a) && (n === undefined || a.length === n) && a.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** Reads and checks a prior JSON; errors name the file and the field. */
export function loadPriorJson(file: string): PriorJson {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${file}: cannot read the prior (${(e as Error).message})`, file);
  }
  const fail = (m: string): never => {
    throw new InputError(`${file}: ${m}`, file);
  };
  const p = raw as Partial<PriorJson>;
  if (typeof raw !== 'object' || raw === null) fail('not a JSON object');
  if (p.format !== 'labelwise-prior/1') fail(`"format" must be "labelwise-prior/1", got ${JSON.stringify(p.format)}`);
  if (!Array.isArray(p.features) || p.features.length === 0) fail('"features" must be a non-empty array');
  if (!Array.isArray(p.strategies) || p.strategies.length === 0) fail('"strategies" must be a non-empty array');
  const F = (p.features as string[]).length;
  if (!isNumArray(p.mean, F) || !isNumArray(p.std, F)) fail(`"mean" and "std" must be ${F} finite numbers`);
  if (!Array.isArray(p.layers) || p.layers.length === 0) fail('"layers" must be a non-empty array');
  let width = F;
  (p.layers as PriorLayer[]).forEach((l, i) => {
    if (!Array.isArray(l.weight) || l.weight.length === 0 || !l.weight.every((r) => isNumArray(r, width))) fail(`layers[${i}].weight must be out × ${width} finite numbers`);
    if (!isNumArray(l.bias, l.weight.length)) fail(`layers[${i}].bias must have ${l.weight.length} entries`);
    if (l.activation !== 'relu' && l.activation !== 'linear') fail(`layers[${i}].activation must be "relu" or "linear"`);
    width = l.weight.length;
  });
  if (width !== (p.strategies as string[]).length) fail(`the last layer has ${width} outputs for ${(p.strategies as string[]).length} strategies`);
  return p as PriorJson;
}

/** The prior's MLP evaluated in plain JS (float64): the reference the ONNX graph is tested against. */
export function priorForward(p: PriorJson, x: ArrayLike<number>): Float64Array {
  let h = Float64Array.from(p.features, (_, j) => (x[j] - p.mean[j]) * (p.std[j] > 0 ? 1 / p.std[j] : 1));
  for (const l of p.layers) {
    const out = new Float64Array(l.weight.length);
    for (let o = 0; o < out.length; o++) {
      let s = l.bias[o];
      const w = l.weight[o];
      for (let j = 0; j < h.length; j++) s += w[j] * h[j];
      out[o] = l.activation === 'relu' ? Math.max(0, s) : s;
    }
    h = out;
  }
  return h;
}

/** An opened prior: predicts the expected gain of each of `strategies` for a feature vector. */
export interface Prior {
  readonly file: string;
  readonly json: PriorJson;
  readonly strategies: readonly string[];
  readonly provider: 'cuda' | 'cpu';
  predict(features: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
}

export interface OpenPriorOptions {
  /** Prior JSON path; its ONNX graph is the same path with .onnx (built by models/buildPrior.mjs). */
  readonly file: string;
  /** The prior is tiny: CPU is the sensible default even when the encoder runs on CUDA. */
  readonly device?: Device;
  readonly logger?: Logger;
}

/** Opens a prior's ONNX graph in ONNX Runtime. */
export async function openPrior(opts: OpenPriorOptions): Promise<Prior> {
  const json = loadPriorJson(opts.file);
  const onnxFile = opts.file.replace(/\.json$/i, '') + '.onnx';
  if (!existsSync(onnxFile)) {
    throw new ModelError(`${onnxFile} is missing: build the prior graphs with "npm run build:models" (node models/buildPrior.mjs)`);
  }
  const session: RuntimeSession = await openSession(onnxFile, { device: opts.device ?? 'cpu', logger: opts.logger, threads: 1 });
  const F = json.features.length;
  return {
    file: opts.file,
    json,
    strategies: json.strategies,
    provider: session.provider,
    async predict(features: Float32Array): Promise<Float32Array> {
      if (features.length !== F) throw new RangeError(`prior ${opts.file} expects ${F} features, got ${features.length}`);
      const out = await session.run({ features: { data: features, dims: [1, F] } });
      const gain = out.gain;
      if (!gain || !(gain.data instanceof Float32Array)) throw new ModelError(`${onnxFile}: no float "gain" output`);
      return gain.data;
    },
    release: () => session.release(),
  };
}
