import type { Matrix } from '../types';

/** ‖x̃‖ for x̃ = [x; 1], row `row` of X: the input's share of a linear model's gradient norm (EGL). */
export function augmentedNorm(X: Matrix, row: number): number {
  const d = X.cols;
  const xo = row * d;
  let xx = 1;
  for (let j = 0; j < d; j++) xx += X.data[xo + j] * X.data[xo + j];
  return Math.sqrt(xx);
}
