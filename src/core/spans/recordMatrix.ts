import type { Matrix } from '../types';

/**
 * One row per record: the mean of its token rows. What the record-level machinery (diverse
 * batches, typicality, coverage, the meta-learner's context) sees of a record. A record without
 * tokens gets a zero row.
 */
export function recordMatrix(X: Matrix, offsets: Int32Array): Matrix {
  const R = offsets.length - 1;
  const d = X.cols;
  const data = new Float32Array(R * d);
  for (let r = 0; r < R; r++) {
    const a = offsets[r];
    const b = offsets[r + 1];
    if (b === a) continue;
    const o = r * d;
    for (let t = a; t < b; t++) for (let j = 0; j < d; j++) data[o + j] += X.data[t * d + j];
    for (let j = 0; j < d; j++) data[o + j] /= b - a;
  }
  return { rows: R, cols: d, data };
}
