import type { CompactMatrix, Matrix, Vectors } from '../types';

/** The largest code: a row's largest magnitude maps to ±127. */
const LEVELS = 127;

export function isCompact(X: Vectors): X is CompactMatrix {
  return (X as Partial<CompactMatrix>).codes !== undefined;
}

/**
 * The rows of `m` as int8 codes with a per-row scale (CompactMatrix): each entry is off by at most
 * scale / 2 = (the row's largest magnitude) / 254. The encoder's model is int8 already, so this
 * keeps what its vectors resolve, at a quarter of float32's memory. A compact matrix is returned as it is.
 */
export function quantise(m: Vectors): CompactMatrix {
  if (isCompact(m)) return m;
  const { rows, cols, data } = m;
  const codes = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) quantiseRowInto(data, r * cols, cols, codes, scales, r);
  return { rows, cols, codes, scales };
}

/** Quantises src[from .. from + cols) as row r of codes / scales (for building a compact matrix row by row). */
export function quantiseRowInto(src: ArrayLike<number>, from: number, cols: number, codes: Int8Array, scales: Float32Array, r: number): void {
  let max = 0;
  for (let j = 0; j < cols; j++) {
    const a = Math.abs(src[from + j]);
    if (a > max) max = a;
  }
  const o = r * cols;
  if (!(max > 0) || !Number.isFinite(max)) {
    scales[r] = 0;
    codes.fill(0, o, o + cols);
    return;
  }
  const scale = Math.fround(max / LEVELS);
  scales[r] = scale;
  // |src| ≤ max, so |src / scale| ≤ 127 up to rounding: the nearest code never leaves ±127.
  const inv = 1 / scale;
  for (let j = 0; j < cols; j++) {
    const q = roundHalfUp(src[from + j] * inv);
    codes[o + j] = q > LEVELS ? LEVELS : q < -LEVELS ? -LEVELS : q;
  }
}

/** The largest double below 0.5: the one value where floor(v + 0.5) is not Math.round(v). */
const BELOW_HALF = 0.49999999999999994;

/**
 * Math.round(v) (ties toward +∞) for |v| < 2⁵² and NaN, as floor(v + 0.5); quantising only
 * rounds |v| ≤ 127.0…. V8 compiles Math.round to a branch on the fraction, which random vector
 * entries mispredict half the time (quantising cost ~9 ns an entry, 1.5 s of CPU at a 1 M-span
 * open); floor(v + 0.5) has no branch (~3 ns). The two agree wherever v + 0.5 cannot round across
 * an integer: for |v| ≥ 0.5 and for v < 0.25 either the sum is exact or its rounding stays between
 * the same integers; in [0.25, 0.5) it rounds up to 1 only for v = BELOW_HALF (1 − 2⁻⁵⁴ is a tie
 * that goes to even, 1), so that one value is set apart. Zero may come out +0 where Math.round
 * gives −0: both are code 0. The test checks ties, their neighbours and random values against
 * Math.round.
 */
export function roundHalfUp(v: number): number {
  const q = Math.floor(v + 0.5);
  return v === BELOW_HALF ? 0 : q;
}

/**
 * Row r as float32: a view for a dense matrix, else dequantised into `out` (cols entries, reused
 * by the caller between rows).
 */
export function rowInto(X: Vectors, r: number, out: Float32Array): Float32Array {
  const d = X.cols;
  if (!isCompact(X)) return X.data.subarray(r * d, (r + 1) * d);
  const s = X.scales[r];
  const o = r * d;
  const c = X.codes;
  for (let j = 0; j < d; j++) out[j] = c[o + j] * s;
  return out;
}

/**
 * Rows start .. end − 1 (of `rows` when given, else of X) as one float32 block, (end − start) × cols:
 * a view when X is dense and the rows are contiguous, else copied (dequantised) into `out`, which
 * must hold at least that many entries (allocated when absent).
 */
export function blockInto(X: Vectors, start: number, end: number, out?: Float32Array, rows?: Int32Array): Float32Array {
  const d = X.cols;
  if (!rows && !isCompact(X)) return X.data.subarray(start * d, end * d);
  const buf = out ?? new Float32Array((end - start) * d);
  if (isCompact(X)) {
    const c = X.codes;
    for (let i = start; i < end; i++) {
      const r = rows ? rows[i] : i;
      const s = X.scales[r];
      const o = r * d;
      const b = (i - start) * d;
      for (let j = 0; j < d; j++) buf[b + j] = c[o + j] * s;
    }
  } else {
    for (let i = start; i < end; i++) {
      const r = rows![i];
      buf.set(X.data.subarray(r * d, (r + 1) * d), (i - start) * d);
    }
  }
  return buf.subarray(0, (end - start) * d);
}

/** The given rows as a dense matrix (rows.length × cols): for the few rows a fit or a test needs. */
export function gatherRows(X: Vectors, rows: Int32Array): Matrix {
  return { rows: rows.length, cols: X.cols, data: blockInto(X, 0, rows.length, new Float32Array(rows.length * X.cols), rows) };
}

/** Every row as a dense matrix: for small pools and tests (a compact pool of a million rows must not be expanded whole). */
export function denseOf(X: Vectors): Matrix {
  if (!isCompact(X)) return X;
  return { rows: X.rows, cols: X.cols, data: blockInto(X, 0, X.rows) };
}

/** The object that identifies a pool's vectors, for caches keyed by the pool (WeakMaps). */
export function vectorsKey(X: Vectors): object {
  return isCompact(X) ? X.codes : X.data;
}

/** Bytes the vectors occupy. */
export function vectorBytes(X: Vectors): number {
  return isCompact(X) ? X.codes.byteLength + X.scales.byteLength : X.data.byteLength;
}
