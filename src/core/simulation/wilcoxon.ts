/** Result of a paired Wilcoxon signed-rank test. */
export interface WilcoxonResult {
  /** Pairs with a non-zero difference (zeros are dropped, Wilcoxon's convention). */
  readonly n: number;
  /** Sum of the ranks of the positive differences (a − b > 0). */
  readonly wPlus: number;
  readonly wMinus: number;
  /** Two-sided p-value. */
  readonly p: number;
  readonly method: 'exact' | 'normal';
}

/** Largest n for which the exact null distribution is enumerated (by dynamic programming). */
const EXACT_MAX_N = 50;

/**
 * Paired Wilcoxon signed-rank test of a against b, two-sided. Differences of zero are dropped;
 * tied |differences| get their average rank. For n ≤ 50 the p-value is exact: the null
 * distribution of W+ given these (possibly tied) ranks is counted over all 2ⁿ sign patterns by
 * dynamic programming on doubled ranks. Beyond that, the normal approximation with the tie
 * correction of the variance and a continuity correction.
 */
export function wilcoxonSignedRank(a: readonly number[], b: readonly number[]): WilcoxonResult {
  if (a.length !== b.length) throw new RangeError(`wilcoxon: ${a.length} vs ${b.length} values; the test is paired`);
  const d = a.map((x, i) => x - b[i]).filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return { n: 0, wPlus: 0, wMinus: 0, p: 1, method: 'exact' };
  const order = d.map((_, i) => i).sort((i, j) => Math.abs(d[i]) - Math.abs(d[j]));
  const ranks = new Array<number>(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && Math.abs(d[order[j + 1]]) === Math.abs(d[order[i]])) j++;
    const avg = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]] = avg;
    i = j + 1;
  }
  let wPlus = 0;
  for (let i = 0; i < n; i++) if (d[i] > 0) wPlus += ranks[i];
  const total = (n * (n + 1)) / 2;
  const wMinus = total - wPlus;
  if (n <= EXACT_MAX_N) {
    // Doubled ranks are integers even with ties (average ranks are multiples of 1/2).
    const r2 = ranks.map((r) => Math.round(2 * r));
    const max = r2.reduce((s, r) => s + r, 0);
    let counts = new Float64Array(max + 1);
    counts[0] = 1;
    for (const r of r2) {
      const next = counts.slice();
      for (let s = max - r; s >= 0; s--) if (counts[s] > 0) next[s + r] += counts[s];
      counts = next;
    }
    const all = 2 ** n;
    const w2 = Math.round(2 * wPlus);
    let le = 0;
    let ge = 0;
    for (let s = 0; s <= max; s++) {
      if (s <= w2) le += counts[s];
      if (s >= w2) ge += counts[s];
    }
    return { n, wPlus, wMinus, p: Math.min(1, (2 * Math.min(le, ge)) / all), method: 'exact' };
  }
  const mean = total / 2;
  let tieTerm = 0;
  const seen = new Map<number, number>();
  for (const r of ranks) seen.set(r, (seen.get(r) ?? 0) + 1);
  for (const t of seen.values()) tieTerm += t * t * t - t;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  const z = variance > 0 ? (Math.abs(wPlus - mean) - 0.5) / Math.sqrt(variance) : 0;
  return { n, wPlus, wMinus, p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))), method: 'normal' };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
