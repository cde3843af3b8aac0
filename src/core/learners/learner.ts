import type { Vectors } from '../types';
import type { FitOptions } from './softmax';

/**
 * The contract of a probabilistic base learner over span vectors. Implementations:
 * softmax.ts (multinomial logistic regression) and committee.ts (bootstrap committee).
 */
export interface ProbabilisticClassifier {
  readonly classes: number;
  readonly trained: boolean;
  /**
   * Fits on the given rows of X with integer labels in [0, classes). Warm-starts from the current
   * weights when `warmStart` is true; `rejected` rows are negative evidence ("not this class").
   * Deterministic for a given seed.
   */
  fit(X: Vectors, rows: Int32Array, y: Int32Array, opts?: FitOptions): void;
  /** Class probabilities for the given rows (all rows when omitted): rows × classes, row-major. Throws NotTrainedError. */
  predictProba(X: Vectors, rows?: Int32Array): Float32Array;
}
