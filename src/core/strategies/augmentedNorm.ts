import { isCompact } from '../features/compactVectors';
import type { Vectors } from '../types';

/** ‖x̃‖ for x̃ = [x; 1], row `row` of X: the input's share of a linear model's gradient norm (EGL). */
export function augmentedNorm(X: Vectors, row: number): number {
  const d = X.cols;
  const xo = row * d;
  if (isCompact(X)) {
    // ‖x‖² = scale² · Σ code²
    let cc = 0;
    for (let j = 0; j < d; j++) cc += X.codes[xo + j] * X.codes[xo + j];
    const s = X.scales[row];
    return Math.sqrt(1 + s * s * cc);
  }
  let xx = 1;
  for (let j = 0; j < d; j++) xx += X.data[xo + j] * X.data[xo + j];
  return Math.sqrt(xx);
}
