import { resolve } from 'node:path';
import { DEFAULT_POOLING, DefaultEncoder, poolingCommonComponents, type DefaultPooling } from './defaultEncoder';
import type { Encoder, EncoderOptions } from './encoder';
import { HfEncoder } from './hfEncoder';
import { downloadNotAllowedMessage, isHubModelId } from './hubDownload';
import { ModelError } from '../errors';

/**
 * The embedded model's pooling a `labelwise.model` value names: `default` (or empty) its default
 * pooling, `default-mean` / `default-sif` one explicitly; undefined for any other model.
 */
export function defaultPoolingOf(model: string): DefaultPooling | undefined {
  const m = model.trim();
  if (m === '' || m === 'default') return DEFAULT_POOLING;
  if (m === 'default-mean') return 'mean';
  if (m === 'default-sif') return 'sif';
  return undefined;
}

/** Encoder.commonComponents of the model a `labelwise.model` value names, without loading it (vectors encoded earlier). */
export function commonComponentsOf(model: string): number {
  const pooling = defaultPoolingOf(model);
  return pooling ? poolingCommonComponents(pooling) : 0;
}

/**
 * Opens the encoder a `labelwise.model` value names: `default` (or empty) is the embedded GloVe
 * model built into models/ (`default-mean` / `default-sif` choose its pooling), anything else a
 * local folder in the transformers.js layout (relative to `opts.baseDir`). A Hugging Face hub id
 * (`owner/name`, no such folder) must have been downloaded first (hubDownload.ts; the extension
 * passes the downloaded folder).
 * Errors: ModelError (missing or corrupt model, CUDA unavailable).
 */
export async function loadEncoder(opts: EncoderOptions): Promise<Encoder> {
  const model = opts.model.trim();
  const pooling = defaultPoolingOf(model);
  if (pooling) return DefaultEncoder.load(opts, undefined, pooling);
  const baseDir = opts.baseDir ?? process.cwd();
  if (isHubModelId(model, baseDir)) {
    // owner/name: a hub id the host did not download, or a mistyped relative folder; say both.
    throw new ModelError(`${downloadNotAllowedMessage(model)} (no model folder ${resolve(baseDir, model)} exists either)`);
  }
  return HfEncoder.load(resolve(baseDir, model), opts);
}
