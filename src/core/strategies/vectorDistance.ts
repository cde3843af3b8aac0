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
