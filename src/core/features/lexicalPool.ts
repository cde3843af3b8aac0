import type { Vectors } from '../types';
import { isCompact, quantiseRowInto, rowInto } from './compactVectors';
import { concatColumns, fitLexical } from './lexical';

/**
 * The editor's pool with the lexical block appended: fitted on the texts of every span of the
 * corpus (row i is span i), as `labelwise simulate --lexical` fits it on its pool
 * (simulation/lexicalVectors.ts). A compact pool stays compact: each row is dequantised, joined with
 * its lexical row and quantised again (both halves have lengths of about one, so one scale serves
 * the row).
 */
export function appendLexical(pool: Vectors, texts: readonly string[], dims: number): { pool: Vectors; dims: number } {
  if (texts.length !== pool.rows) throw new RangeError(`appendLexical: ${texts.length} texts for ${pool.rows} rows`);
  const { features } = fitLexical(texts, { dims });
  const k = features.cols;
  if (!isCompact(pool)) return { pool: concatColumns(pool, features), dims: k };
  const d = pool.cols;
  const cols = d + k;
  const codes = new Int8Array(pool.rows * cols);
  const scales = new Float32Array(pool.rows);
  const row = new Float32Array(d);
  const joined = new Float32Array(cols);
  for (let r = 0; r < pool.rows; r++) {
    joined.set(rowInto(pool, r, row));
    joined.set(features.data.subarray(r * k, (r + 1) * k), d);
    quantiseRowInto(joined, 0, cols, codes, scales, r);
  }
  return { pool: { rows: pool.rows, cols, codes, scales }, dims: k };
}
