import type { Matrix, Vectors } from '../types';
import { isCompact, quantiseRowInto, rowInto } from './compactVectors';
import { concatColumns, fitLexical } from './lexical';

/**
 * Most spans a session fits the lexical block for. The fit reads every span's text at once
 * (TableCorpus.texts) and projects each of them (~0.1 ms a span on top of ~10 s for the fit
 * itself: 10.7 s at 10,000 spans, 19.7 s at 100,000, `npm run bench:lexical -- --timing`), and its
 * cache holds 400 bytes a span; a larger corpus, whose open otherwise streams and keeps 100 bytes
 * a span (README, "Large corpora"), opens without the block, and the log says so.
 */
export const LEXICAL_MAX_SPANS = 200_000;

/**
 * The editor's pool with the lexical block appended: fitted on the texts of every span of the
 * corpus (row i is span i), as `labelwise simulate --lexical` fits it on its pool
 * (simulation/lexicalVectors.ts).
 */
export function appendLexical(pool: Vectors, texts: readonly string[], dims: number): { pool: Vectors; dims: number } {
  if (texts.length !== pool.rows) throw new RangeError(`appendLexical: ${texts.length} texts for ${pool.rows} rows`);
  const { features } = fitLexical(texts, { dims });
  return { pool: appendColumns(pool, features), dims: features.cols };
}

/**
 * The pool's rows with a block's rows after them. A compact pool stays compact: each row is
 * dequantised, joined with the block's row and quantised again (the encoder's vectors and the
 * lexical rows both have lengths of about one, so one scale serves the row).
 */
export function appendColumns(pool: Vectors, block: Matrix): Vectors {
  if (block.rows !== pool.rows) throw new RangeError(`appendColumns: ${block.rows} block rows for ${pool.rows} rows`);
  if (!isCompact(pool)) return concatColumns(pool, block);
  const d = pool.cols;
  const k = block.cols;
  const cols = d + k;
  const codes = new Int8Array(pool.rows * cols);
  const scales = new Float32Array(pool.rows);
  const row = new Float32Array(d);
  const joined = new Float32Array(cols);
  for (let r = 0; r < pool.rows; r++) {
    joined.set(rowInto(pool, r, row));
    joined.set(block.data.subarray(r * k, (r + 1) * k), d);
    quantiseRowInto(joined, 0, cols, codes, scales, r);
  }
  return { rows: pool.rows, cols, codes, scales };
}
