import { isCompact } from '../features/compactVectors';
import type { Vectors } from '../types';

/*
 * Distances between rows of a pool, dense or compact (int8 codes × a per-row scale, read in place:
 * each term is codeₐ·scaleₐ − code_b·scale_b in float64). Either way the same pair always gives the
 * same number, summed in one fixed order (the coverage cache relies on it being exact).
 */

/** Squared Euclidean distance between rows a and b of X. */
export function rowDistanceSq(X: Vectors, a: number, b: number): number {
  return rowDistanceSqBelow(X, a, b, Infinity);
}

/** Squared Euclidean distance between row a of X and a point p (cols entries). */
export function pointDistanceSq(X: Vectors, a: number, p: Float64Array): number {
  const d = X.cols;
  const oa = a * d;
  let s = 0;
  if (isCompact(X)) {
    const c = X.codes;
    const sa = X.scales[a];
    for (let j = 0; j < d; j++) {
      const t = c[oa + j] * sa - p[j];
      s += t * t;
    }
    return s;
  }
  const data = X.data;
  for (let j = 0; j < d; j++) {
    const t = data[oa + j] - p[j];
    s += t * t;
  }
  return s;
}

/**
 * rowDistanceSq(X, a, b) when it is below `bound` (the same number, summed in the same order);
 * otherwise some value ≥ bound, found without finishing the sum (partial-distance pruning: the
 * running sum only grows). For keeping a minimum distance, where most rows are already closer.
 */
export function rowDistanceSqBelow(X: Vectors, a: number, b: number, bound: number): number {
  if (isCompact(X)) return compactDistanceSqBelow(X.codes, X.scales[a], X.scales[b], a * X.cols, b * X.cols, X.cols, bound);
  const d = X.cols;
  const data = X.data;
  const oa = a * d;
  const ob = b * d;
  let s = 0;
  let j = 0;
  // Eight terms between checks (one accumulator, so the sum is the same as without the checks).
  for (; j + 8 <= d; j += 8) {
    let t = data[oa + j] - data[ob + j];
    s += t * t;
    t = data[oa + j + 1] - data[ob + j + 1];
    s += t * t;
    t = data[oa + j + 2] - data[ob + j + 2];
    s += t * t;
    t = data[oa + j + 3] - data[ob + j + 3];
    s += t * t;
    t = data[oa + j + 4] - data[ob + j + 4];
    s += t * t;
    t = data[oa + j + 5] - data[ob + j + 5];
    s += t * t;
    t = data[oa + j + 6] - data[ob + j + 6];
    s += t * t;
    t = data[oa + j + 7] - data[ob + j + 7];
    s += t * t;
    if (s >= bound) return s;
  }
  for (; j < d; j++) {
    const t = data[oa + j] - data[ob + j];
    s += t * t;
  }
  return s;
}

function compactDistanceSqBelow(c: Int8Array, sa: number, sb: number, oa: number, ob: number, d: number, bound: number): number {
  let s = 0;
  let j = 0;
  for (; j + 8 <= d; j += 8) {
    let t = c[oa + j] * sa - c[ob + j] * sb;
    s += t * t;
    t = c[oa + j + 1] * sa - c[ob + j + 1] * sb;
    s += t * t;
    t = c[oa + j + 2] * sa - c[ob + j + 2] * sb;
    s += t * t;
    t = c[oa + j + 3] * sa - c[ob + j + 3] * sb;
    s += t * t;
    t = c[oa + j + 4] * sa - c[ob + j + 4] * sb;
    s += t * t;
    t = c[oa + j + 5] * sa - c[ob + j + 5] * sb;
    s += t * t;
    t = c[oa + j + 6] * sa - c[ob + j + 6] * sb;
    s += t * t;
    t = c[oa + j + 7] * sa - c[ob + j + 7] * sb;
    s += t * t;
    if (s >= bound) return s;
  }
  for (; j < d; j++) {
    const t = c[oa + j] * sa - c[ob + j] * sb;
    s += t * t;
  }
  return s;
}
