import type { Device, Logger, Matrix } from '../types';

/** Per-token vectors of one text, for entity spans. */
export interface TokenVectors {
  /** UTF-16 offsets of each token into the text. */
  readonly tokens: readonly { readonly start: number; readonly end: number }[];
  /** tokens.length × dim. */
  readonly vectors: Matrix;
}

/** A sentence encoder: texts in, one L2-normalised row per text out. */
export interface Encoder {
  /** Stable id of model + weights: the embedding cache's key. */
  readonly id: string;
  readonly dim: number;
  /** Execution provider actually in use. */
  readonly provider: 'cuda' | 'cpu';
  /**
   * Principal components of the pool's vectors to remove before learning (SIF's common-component
   * removal); 0 or absent: none. Never applied by encode() (it depends on the whole pool): the
   * session and `labelwise simulate` apply it through src/core/features/poolFeatures.ts.
   */
  readonly commonComponents?: number;
  /** texts.length × dim, row i for texts[i]. Batches internally. */
  encode(texts: readonly string[]): Promise<Matrix>;
  /** Per-token vectors (for entity spans), where the encoder supports it. */
  encodeTokens?(texts: readonly string[]): Promise<TokenVectors[]>;
  dispose(): Promise<void>;
}

export interface EncoderOptions {
  /** `default` (the embedded GloVe encoder) or a folder in the transformers.js layout. */
  readonly model: string;
  readonly device: Device;
  readonly logger?: Logger;
  /**
   * Folder a relative `model` path is resolved against: the workspace folder in the extension (a
   * committed `labelwise.model` of "models/bert" means the workspace's models/bert whatever the
   * editor's working directory is), the working directory in the CLI. Default: process.cwd().
   */
  readonly baseDir?: string;
  /**
   * ONNX Runtime's intra-op threads for this encoder's session; 0 or absent lets it decide (all
   * cores). The first open's encoder workers use 1 each (src/core/session/openPool.ts).
   */
  readonly threads?: number;
}
