import type { Rng } from '../learners/rng';

/**
 * Thompson sampling over arms with Beta posteriors and decayed statistics (as TAILOR, Zhang et al.
 * 2023, and non-stationary bandits): each arm keeps a reward sum and a count of pulls, both
 * multiplied by `decay` every round, so what an arm earned long ago fades and the choice can move
 * as the task changes. Rewards are in [0, 1]: a reward r adds r to the successes and 1 − r to the
 * failures. The posterior of arm a is Beta(s·μ_a + successes_a, s·(1 − μ_a) + failures_a), where
 * μ_a is the prior mean this round (from the learned prior, or ½) and s its strength in pulls.
 */
export class DecayedBeta {
  readonly successes: Float64Array;
  readonly failures: Float64Array;

  constructor(readonly arms: number) {
    this.successes = new Float64Array(arms);
    this.failures = new Float64Array(arms);
  }

  update(arm: number, reward: number): void {
    const r = Math.min(1, Math.max(0, reward));
    this.successes[arm] += r;
    this.failures[arm] += 1 - r;
  }

  /** Multiplies every statistic by `factor` (0 < factor ≤ 1): one round's forgetting. */
  decay(factor: number): void {
    for (let a = 0; a < this.arms; a++) {
      this.successes[a] *= factor;
      this.failures[a] *= factor;
    }
  }

  /** Decayed pulls of an arm. */
  pulls(arm: number): number {
    return this.successes[arm] + this.failures[arm];
  }

  /** Posterior mean of an arm's reward under prior mean `mu` with strength `strength`. */
  mean(arm: number, mu: number, strength: number): number {
    return (strength * mu + this.successes[arm]) / (strength + this.pulls(arm));
  }

  /** One posterior draw for an arm. */
  sample(arm: number, mu: number, strength: number, rng: Rng): number {
    const m = Math.min(1 - 1e-6, Math.max(1e-6, mu));
    return sampleBeta(strength * m + this.successes[arm], strength * (1 - m) + this.failures[arm], rng);
  }
}

/** A standard normal draw (Box–Muller). */
export function sampleNormal(rng: Rng): number {
  const u = Math.max(1e-12, rng());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A Gamma(shape, 1) draw (Marsaglia–Tsang; shape < 1 boosted by U^(1/shape)). */
export function sampleGamma(shape: number, rng: Rng): number {
  if (shape < 1) return sampleGamma(shape + 1, rng) * Math.pow(Math.max(1e-12, rng()), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(Math.max(1e-300, u)) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, b) draw from two Gamma draws. */
export function sampleBeta(a: number, b: number, rng: Rng): number {
  const x = sampleGamma(Math.max(1e-6, a), rng);
  const y = sampleGamma(Math.max(1e-6, b), rng);
  return x + y > 0 ? x / (x + y) : 0.5;
}
