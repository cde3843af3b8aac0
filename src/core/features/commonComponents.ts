import type { CompactMatrix, Matrix, Vectors } from '../types';
import { isCompact, quantiseRowInto, rowInto } from './compactVectors';

/**
 * SIF's second half (Arora et al. 2017): the sentence vectors of a corpus share a few directions
 * (frequent words, syntax) that say little about any one sentence; removing their projection on
 * the top principal components of the corpus's vectors leaves what tells sentences apart. The
 * components depend on the corpus, so they are fitted on the pool (the unlabeled vectors, never a
 * test split) and the same fitted transform is applied to every row the learner sees. The editor's
 * session and `labelwise simulate` both go through `fitCommonComponents` (poolFeatures.ts).
 */
export interface CommonComponents {
  /** Unit vectors, the strongest first (sign fixed: largest coordinate positive). */
  readonly directions: readonly Float32Array[];
  /** A new matrix: each row minus its projection on the directions, L2-normalised again (a zero row stays zero). */
  remove(X: Matrix): Matrix;
  /**
   * The same for a compact pool, row by row: each row dequantised, the directions removed, and
   * quantised again (no float32 copy of the pool is made); with `inPlace`, into X's own codes and
   * scales (each row is read whole before it is written), so not even a second copy of the codes.
   */
  removeCompact(X: CompactMatrix, inPlace?: boolean): CompactMatrix;
}

const MAX_ITERATIONS = 1000;
// On the squared change of the unit vector per step: ~1e-10 in each coordinate.
const TOLERANCE = 1e-20;

/**
 * The top `k` principal directions of `pool`, uncentred as in SIF (the singular vectors of the
 * matrix of sentence vectors): power iteration on the d × d second-moment matrix, deflated after
 * each component. Deterministic (fixed start vector). Fewer than k when the pool has fewer
 * non-zero directions.
 */
export function fitCommonComponents(pool: Vectors, k: number): CommonComponents {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`common components: k must be a non-negative integer, got ${k}`);
  const d = pool.cols;
  const directions: Float32Array[] = [];
  if (k > 0 && pool.rows > 0 && d > 0) {
    const M = secondMoment(pool);
    for (let c = 0; c < Math.min(k, d); c++) {
      const top = topEigen(M, d);
      if (!top) break;
      const { vector: v, value } = top;
      // Deflate: the next power iteration finds the next direction.
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) M[a * d + b] -= value * v[a] * v[b];
      directions.push(Float32Array.from(v));
    }
  }
  return {
    directions,
    remove: (X) => {
      const out = new Float32Array(X.rows * X.cols);
      removeDirections(X, directions, (i, row) => out.set(row, i * X.cols));
      return { rows: X.rows, cols: X.cols, data: out };
    },
    removeCompact: (X, inPlace = false) => {
      const codes = inPlace ? X.codes : new Int8Array(X.rows * X.cols);
      const scales = inPlace ? X.scales : new Float32Array(X.rows);
      removeDirections(X, directions, (i, row) => quantiseRowInto(row, 0, X.cols, codes, scales, i));
      return { rows: X.rows, cols: X.cols, codes, scales };
    },
  };
}

/** Xᵀ X in float64 (symmetric; the upper triangle is summed and mirrored). A compact X is read a row at a time. */
function secondMoment(X: Vectors): Float64Array {
  const d = X.cols;
  const M = new Float64Array(d * d);
  const buf = new Float32Array(d);
  const compact = isCompact(X);
  for (let i = 0; i < X.rows; i++) {
    const x = compact ? rowInto(X, i, buf) : X.data;
    const o = compact ? 0 : i * d;
    for (let a = 0; a < d; a++) {
      const xa = x[o + a];
      if (xa === 0) continue;
      const ra = a * d;
      for (let b = a; b < d; b++) M[ra + b] += xa * x[o + b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) M[a * d + b] = M[b * d + a];
  return M;
}

/** The largest eigenvalue of a symmetric positive semi-definite M and its unit eigenvector; undefined when M is (numerically) zero. */
function topEigen(M: Float64Array, d: number): { vector: Float64Array; value: number } | undefined {
  let trace = 0;
  for (let a = 0; a < d; a++) trace += M[a * d + a];
  if (!(trace > 0)) return undefined;
  // A start with no symmetry (1, 2, 3, …) so it is not orthogonal to the top direction by accident.
  const v = new Float64Array(d);
  for (let a = 0; a < d; a++) v[a] = 1 + a / d;
  normalise(v);
  const next = new Float64Array(d);
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b < d; b++) s += M[a * d + b] * v[b];
      next[a] = s;
    }
    if (normalise(next) <= trace * 1e-12) return undefined;
    let change = 0;
    for (let a = 0; a < d; a++) change += (next[a] - v[a]) ** 2;
    v.set(next);
    if (change < TOLERANCE) break;
  }
  let value = 0;
  for (let a = 0; a < d; a++) {
    let s = 0;
    for (let b = 0; b < d; b++) s += M[a * d + b] * v[b];
    value += v[a] * s;
  }
  if (!(value > trace * 1e-12)) return undefined;
  // Fix the sign so the same pool always gives the same vector.
  let arg = 0;
  for (let a = 1; a < d; a++) if (Math.abs(v[a]) > Math.abs(v[arg])) arg = a;
  if (v[arg] < 0) for (let a = 0; a < d; a++) v[a] = -v[a];
  return { vector: v, value };
}

/** Scales v to unit length in place; returns its former length. */
function normalise(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s);
  if (n > 0) for (let a = 0; a < v.length; a++) v[a] /= n;
  return n;
}

/** Each row of X minus its projection on the directions, L2-normalised again, handed to `emit` (a buffer reused between rows). */
function removeDirections(X: Vectors, directions: readonly Float32Array[], emit: (i: number, row: Float32Array) => void): void {
  const d = X.cols;
  for (const u of directions) {
    if (u.length !== d) throw new RangeError(`common components: fitted on ${u.length}-dimensional vectors, asked to remove them from ${d}-dimensional ones`);
  }
  const row = new Float64Array(d);
  const src = new Float32Array(d);
  const out = new Float32Array(d);
  for (let i = 0; i < X.rows; i++) {
    const x = rowInto(X, i, src);
    let before = 0;
    for (let a = 0; a < d; a++) {
      row[a] = x[a];
      before += row[a] * row[a];
    }
    // Directions are orthonormal, so removing them one after the other removes the projection on their span.
    for (const u of directions) {
      let p = 0;
      for (let a = 0; a < d; a++) p += row[a] * u[a];
      for (let a = 0; a < d; a++) row[a] -= p * u[a];
    }
    let s = 0;
    for (let a = 0; a < d; a++) s += row[a] * row[a];
    // A row (almost) inside the removed span has nothing left to tell: zero, not amplified noise.
    const n = Math.sqrt(s);
    const scale = n > 1e-6 * Math.sqrt(before) ? 1 / n : 0;
    for (let a = 0; a < d; a++) out[a] = row[a] * scale;
    emit(i, out);
  }
}
