import type { Matrix } from '../types';

/**
 * Squared Euclidean distance between rows a and b of X, summed in float64 in one fixed order, so
 * the same pair always gives the same number (the coverage cache relies on it being exact).
 */
export function rowDistanceSq(X: Matrix, a: number, b: number): number {
  const d = X.cols;
  const data = X.data;
  const oa = a * d;
  const ob = b * d;
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = data[oa + j] - data[ob + j];
    s += t * t;
  }
  return s;
}

/** Squared Euclidean distance between row a of X and a point p (cols entries). */
export function pointDistanceSq(X: Matrix, a: number, p: Float64Array): number {
  const d = X.cols;
  const data = X.data;
  const oa = a * d;
  let s = 0;
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
export function rowDistanceSqBelow(X: Matrix, a: number, b: number, bound: number): number {
  const d = X.cols;
  const data = X.data;
  const oa = a * d;
  const ob = b * d;
  let s = 0;
  let j = 0;
  // Eight terms between checks (one accumulator, so the sum is the same as rowDistanceSq's).
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
