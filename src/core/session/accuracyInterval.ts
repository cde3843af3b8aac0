/**
 * How sure the estimated accuracy is. The engine's estimate is k-fold cross-validation over the
 * labels so far: every label is predicted once, by a model that did not see it, so the estimate is
 * `correct / n` over `n` held-out predictions. Its uncertainty is the Wilson score interval of that
 * binomial proportion (Wilson 1927; Agresti & Coull 1998), which, unlike the normal approximation,
 * stays inside 0..1 and is usable at the few dozen labels an annotator has early on. The folds'
 * predictions are not quite independent (their models share most training labels), so the interval
 * is a little narrower than the truth; it is a guide for "label more", not a test.
 */
export interface AccuracyInterval {
  readonly low: number;
  readonly high: number;
  /** Held-out predictions the interval is computed from. */
  readonly n: number;
  /** Confidence level, e.g. 0.95. */
  readonly level: number;
}

/** z of the two-sided 95 % normal quantile. */
const Z95 = 1.959963984540054;

/** Wilson score interval (95 %) for `correct` successes out of `n`; undefined when n is 0. */
export function wilsonInterval(correct: number, n: number): AccuracyInterval | undefined {
  if (!Number.isFinite(correct) || !Number.isFinite(n) || n <= 0 || correct < 0 || correct > n) return undefined;
  const z2 = Z95 * Z95;
  const p = correct / n;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half), n, level: 0.95 };
}
