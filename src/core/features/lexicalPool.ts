import type { CompactMatrix, Matrix, Vectors } from '../types';
import { isCompact, quantiseRowInto, rowInto } from './compactVectors';
import { concatColumns, fitLexical } from './lexical';

/**
 * Most texts the block is fitted on; a larger corpus is fitted on this many evenly spaced ones and
 * every span projected with that fit. It must equal fitLexical's own default (features/lexical.ts),
 * so that the editor's block is the one `labelwise simulate` fits (a test checks it).
 */
export const LEXICAL_FIT_ROWS = 10_000;

/**
 * Most spans whose texts the block's fit keeps from its first pass over them to project them: a
 * larger corpus is read a second time instead, a run at a time (its texts would take hundreds of
 * megabytes). Up to here, reading the files twice cost more time than holding their texts
 * (`npm run bench:scale`: 100,000 sentences, first open 10.0 s reading twice).
 */
export const LEXICAL_KEEP_TEXTS = 200_000;
/** Texts projected at a time from kept texts. */
const KEPT_RUN = 4096;

function* runsOf(texts: readonly string[], n: number): Generator<readonly string[]> {
  for (let s = 0; s < texts.length; s += n) yield texts.slice(s, s + n);
}

/** Rows the block of `rows` spans is fitted on: all up to fitRows, else fitRows evenly spaced ones (fitLexical's sample). */
export function lexicalFitRows(rows: number, fitRows = LEXICAL_FIT_ROWS): Int32Array {
  if (rows <= fitRows) return Int32Array.from({ length: rows }, (_, i) => i);
  return Int32Array.from({ length: fitRows }, (_, i) => Math.floor((i * rows) / fitRows));
}

/**
 * The lexical block of `rows` spans whose texts come a run at a time (`chunks()`: every span's
 * text in row order, in runs of any length), handed to `onRows` a run at a time. The same block as
 * fitLexical(all texts).features, for any number of spans: up to fitRows, that fit on all of them;
 * beyond, its fit on the evenly spaced sample, then every span projected. Up to `keepTexts` spans
 * (default LEXICAL_KEEP_TEXTS) the texts of the first pass are kept for the projection; beyond,
 * `chunks()` is called a second time, so no more than fitRows texts and one run's rows are held at
 * once. `between` runs after each run (a cancel check, progress).
 */
export async function streamLexicalBlock(
  rows: number,
  chunks: () => AsyncIterable<readonly string[]>,
  dims: number,
  onRows: (start: number, block: Matrix) => void,
  opts: { readonly fitRows?: number; readonly keepTexts?: number; readonly between?: (done: number, pass: 'fit' | 'project') => void } = {},
): Promise<void> {
  const fitRows = opts.fitRows ?? LEXICAL_FIT_ROWS;
  const want = lexicalFitRows(rows, fitRows);
  const sample: string[] = [];
  const kept: string[] | undefined = rows <= (opts.keepTexts ?? LEXICAL_KEEP_TEXTS) ? [] : undefined;
  let at = 0;
  for await (const run of chunks()) {
    for (const text of run) {
      if (sample.length < want.length && want[sample.length] === at) sample.push(text);
      kept?.push(text);
      at++;
    }
    opts.between?.(at, 'fit');
  }
  if (at !== rows) throw new RangeError(`streamLexicalBlock: ${at} texts for ${rows} rows`);
  const { model, features } = fitLexical(sample, { dims, fitRows });
  if (rows <= fitRows) {
    onRows(0, features);
    return;
  }
  at = 0;
  for await (const run of kept ? runsOf(kept, KEPT_RUN) : chunks()) {
    if (run.length === 0) continue;
    onRows(at, model.transform(run));
    at += run.length;
    opts.between?.(at, 'project');
  }
  if (at !== rows) throw new RangeError(`streamLexicalBlock: ${at} texts for ${rows} rows on the second pass`);
}

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
  const joined = new ColumnAppender(pool, block.cols);
  joined.add(block);
  return joined.result();
}

/**
 * appendColumns a run of the block's rows at a time (in row order), so that the whole block never
 * exists at once: the result is the same pool.
 */
export class ColumnAppender {
  private readonly out: Matrix | CompactMatrix;
  private next = 0;
  private readonly row: Float32Array;
  private readonly joined: Float32Array;

  constructor(
    private readonly pool: Vectors,
    readonly k: number,
  ) {
    const cols = pool.cols + k;
    this.out = isCompact(pool)
      ? { rows: pool.rows, cols, codes: new Int8Array(pool.rows * cols), scales: new Float32Array(pool.rows) }
      : { rows: pool.rows, cols, data: new Float32Array(pool.rows * cols) };
    this.row = new Float32Array(pool.cols);
    this.joined = new Float32Array(cols);
  }

  /** The next block.rows rows' block columns. */
  add(block: Matrix): void {
    if (block.cols !== this.k) throw new RangeError(`ColumnAppender: a block of ${block.cols} columns, not ${this.k}`);
    if (this.next + block.rows > this.pool.rows) throw new RangeError(`ColumnAppender: ${this.next + block.rows} block rows for ${this.pool.rows} rows`);
    const { k, joined, row, out } = this;
    const d = this.pool.cols;
    for (let i = 0; i < block.rows; i++) {
      const r = this.next + i;
      joined.set(rowInto(this.pool, r, row));
      joined.set(block.data.subarray(i * k, (i + 1) * k), d);
      if (isCompact(out)) quantiseRowInto(joined, 0, out.cols, out.codes, out.scales, r);
      else out.data.set(joined, r * out.cols);
    }
    this.next += block.rows;
  }

  /** The joined pool, once every row was added. */
  result(): Vectors {
    if (this.next !== this.pool.rows) throw new RangeError(`ColumnAppender: ${this.next} of ${this.pool.rows} rows added`);
    return this.out;
  }
}
