import { resolve } from 'node:path';
import { DefaultEncoder } from './defaultEncoder';
import type { Encoder, EncoderOptions } from './encoder';
import { HfEncoder } from './hfEncoder';
import { downloadNotAllowedMessage, isHubModelId } from './hubDownload';
import { ModelError } from '../errors';

/**
 * Opens the encoder a `labelwise.model` value names: `default` (or empty) is the embedded GloVe
 * model built into models/, anything else a local folder in the transformers.js layout (relative
 * to `opts.baseDir`). A Hugging Face hub id (`owner/name`, no such folder) must have been
 * downloaded first (hubDownload.ts; the extension passes the downloaded folder).
 * Errors: ModelError (missing or corrupt model, CUDA unavailable).
 */
export async function loadEncoder(opts: EncoderOptions): Promise<Encoder> {
  const model = opts.model.trim();
  if (model === '' || model === 'default') return DefaultEncoder.load(opts);
  const baseDir = opts.baseDir ?? process.cwd();
  if (isHubModelId(model, baseDir)) {
    // owner/name: a hub id the host did not download, or a mistyped relative folder; say both.
    throw new ModelError(`${downloadNotAllowedMessage(model)} (no model folder ${resolve(baseDir, model)} exists either)`);
  }
  return HfEncoder.load(resolve(baseDir, model), opts);
}
