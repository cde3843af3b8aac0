import type { SpanRecord } from '../engine/spanEngine';
import { tokenFeatureMatrix } from '../learners/tokenFeatures';
import type { Matrix } from '../types';

/** The tagger's input: one row per token of every record; record i's rows are offsets[i]..offsets[i+1]. */
export interface TokenFeatures {
  readonly X: Matrix;
  readonly offsets: Int32Array;
}

/** Token rows of records: each token's vector and its word-shape features. */
export function spanTokenFeatures(records: readonly SpanRecord[]): TokenFeatures {
  return tokenFeatureMatrix(
    records.map((r) => r.text),
    records.map((r) => r.tokens),
  );
}
