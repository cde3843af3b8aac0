import { resolve } from 'node:path';
import { checkDevice } from '../runtime/session';
import { DefaultEncoder } from './defaultEncoder';
import type { Encoder, EncoderOptions } from './encoder';
import { HfEncoder } from './hfEncoder';

/**
 * Opens the encoder a `labelwise.model` value names: `default` (or empty) is the embedded GloVe
 * model built into models/, anything else a local folder in the transformers.js layout (relative
 * to `opts.baseDir`). The
 * device is checked first, so a bad `labelwise.device` is reported before any model is read.
 * Errors: SettingError (device), ModelError (missing or corrupt model, CUDA unavailable).
 */
export async function loadEncoder(opts: EncoderOptions): Promise<Encoder> {
  const device = checkDevice(opts.device);
  const model = opts.model.trim();
  if (model === '' || model === 'default') return DefaultEncoder.load({ ...opts, device });
  return HfEncoder.load(resolve(opts.baseDir ?? process.cwd(), model), { ...opts, device });
}
