/**
 * EXP4.P (Beygelzimer et al. 2011), the bandit with expert advice that Active Learning By Learning
 * (Hsu & Lin 2015) runs over query strategies: each strategy is an expert whose advice is a
 * distribution over the unlabeled pool (the arms), a uniform-random expert is always present, and
 * the arm distribution mixes the advice by the experts' weights with a floor `pmin` on every arm.
 *
 * The batch version here draws `m` arms per round from the same distribution and spreads the
 * round's single reward over them: the estimated reward of expert i is the mean over the drawn
 * arms a of r·ξᵢ(a)/p(a), which is unbiased for the reward of following expert i when each draw
 * earns r. With a pool of thousands of arms the original step size pmin/2 barely moves the weights
 * within a labeling budget, so the step size `eta` is a separate option (default: the original).
 */

/** An expert's advice over the K arms: uniform, or a sparse distribution (arms with probabilities summing to 1). */
export type Advice = { readonly kind: 'uniform' } | { readonly kind: 'sparse'; readonly arms: Int32Array; readonly probs: Float64Array };

export interface Exp4POptions {
  /** Number of experts N (the uniform expert included, if the caller adds one). */
  readonly experts: number;
  /** Number of rounds T the bandit is tuned for. */
  readonly horizon: number;
  /** Confidence parameter δ of the variance bonus. */
  readonly delta?: number;
  /**
   * Total probability kept uniform over the arms, K·pmin, in [0, 1). Default: the original
   * K·√(ln N / (K·T)) capped at 0.5.
   */
  readonly explore?: number;
  /** Multiplicative-weights step size; default pmin/2 as in the paper. */
  readonly eta?: number;
  /**
   * Multiplier of the variance bonus v̂ᵢ·√(ln(N/δ)/(K·T)); default 1 (the paper). v̂ of the uniform
   * expert grows like K, so with a separate, larger `eta` on a pool of thousands the bonus swamps
   * the reward and hands every weight to the uniform arm within a round (measured on brown-genre):
   * the meta-learner turns it off and explores through the explicit floor and the uniform expert.
   */
  readonly bonusScale?: number;
  /** Starting weights (e.g. from a learned prior); default all ones. */
  readonly initialWeights?: ArrayLike<number>;
}

/** The arm distribution of one round and what it was made from, for the update. */
export interface Exp4PRound {
  /** Probability of each arm on one draw (sums to 1). */
  readonly p: Float64Array;
  /** Expert mixing probabilities used (sum to 1). */
  readonly mix: Float64Array;
  readonly pmin: number;
}

export class Exp4P {
  readonly experts: number;
  readonly horizon: number;
  readonly delta: number;
  private readonly exploreOpt: number | undefined;
  private readonly etaOpt: number | undefined;
  private readonly bonusScale: number;
  /** Log-weights, kept in log space so that long runs cannot overflow. */
  private logW: Float64Array;

  constructor(opts: Exp4POptions) {
    if (!(Number.isInteger(opts.experts) && opts.experts >= 1)) throw new RangeError(`Exp4P: experts must be a positive integer, got ${opts.experts}`);
    if (!(opts.horizon >= 1)) throw new RangeError(`Exp4P: horizon must be ≥ 1, got ${opts.horizon}`);
    if (opts.explore !== undefined && !(opts.explore >= 0 && opts.explore < 1)) throw new RangeError(`Exp4P: explore must be in [0, 1), got ${opts.explore}`);
    this.experts = opts.experts;
    this.horizon = opts.horizon;
    this.delta = opts.delta ?? 0.1;
    this.exploreOpt = opts.explore;
    this.etaOpt = opts.eta;
    this.bonusScale = opts.bonusScale ?? 1;
    this.logW = new Float64Array(opts.experts);
    if (opts.initialWeights) {
      if (opts.initialWeights.length !== opts.experts) throw new RangeError(`Exp4P: ${opts.initialWeights.length} initial weights for ${opts.experts} experts`);
      for (let i = 0; i < opts.experts; i++) {
        const w = opts.initialWeights[i];
        if (!(w > 0)) throw new RangeError(`Exp4P: initial weights must be > 0, got ${w}`);
        this.logW[i] = Math.log(w);
      }
    }
  }

  /** pmin for K arms. */
  pmin(K: number): number {
    const explore = this.exploreOpt ?? Math.min(0.5, K * Math.sqrt(Math.log(this.experts) / (K * this.horizon)));
    return explore / K;
  }

  /** Normalised expert weights. */
  weights(): Float64Array {
    let max = -Infinity;
    for (const v of this.logW) max = Math.max(max, v);
    const w = this.logW.map((v) => Math.exp(v - max));
    const s = w.reduce((a, b) => a + b, 0);
    return w.map((v) => v / s);
  }

  /**
   * The arm distribution p = (1 − K·pmin)·Σᵢ mixᵢ·ξᵢ + pmin. `mix` defaults to the normalised
   * weights; a caller may pass its own (e.g. weights combined with a prior), summing to 1.
   */
  distribution(advice: readonly Advice[], K: number, mix: Float64Array = this.weights()): Exp4PRound {
    if (advice.length !== this.experts) throw new RangeError(`Exp4P: ${advice.length} advice vectors for ${this.experts} experts`);
    const pmin = this.pmin(K);
    const scale = 1 - K * pmin;
    const p = new Float64Array(K).fill(pmin);
    advice.forEach((a, i) => {
      const w = scale * mix[i];
      if (w === 0) return;
      if (a.kind === 'uniform') {
        const v = w / K;
        for (let j = 0; j < K; j++) p[j] += v;
      } else {
        for (let t = 0; t < a.arms.length; t++) p[a.arms[t]] += w * a.probs[t];
      }
    });
    return { p, mix, pmin };
  }

  /**
   * Updates the weights from the reward r earned by the arms drawn this round (in [0, 1] in the
   * paper; a centred reward works the same way):
   * wᵢ ← wᵢ·exp(η·(ŷᵢ + v̂ᵢ·√(ln(N/δ)/(K·T)))), ŷᵢ = mean over drawn a of r·ξᵢ(a)/p(a),
   * v̂ᵢ = Σₐ ξᵢ(a)/p(a).
   */
  update(advice: readonly Advice[], round: Exp4PRound, drawn: ArrayLike<number>, reward: number): void {
    const K = round.p.length;
    const m = drawn.length;
    if (m === 0) return;
    const eta = this.etaOpt ?? round.pmin / 2;
    const bonus = this.bonusScale * Math.sqrt(Math.log(this.experts / this.delta) / (K * this.horizon));
    advice.forEach((a, i) => {
      let yhat = 0;
      let vhat = 0;
      if (a.kind === 'uniform') {
        for (let t = 0; t < m; t++) yhat += reward / K / round.p[drawn[t]];
        for (let j = 0; j < K; j++) vhat += 1 / K / round.p[j];
      } else {
        const at = new Map<number, number>();
        for (let t = 0; t < a.arms.length; t++) {
          at.set(a.arms[t], a.probs[t]);
          vhat += a.probs[t] / round.p[a.arms[t]];
        }
        for (let t = 0; t < m; t++) yhat += (reward * (at.get(drawn[t]) ?? 0)) / round.p[drawn[t]];
      }
      this.logW[i] += eta * (yhat / m + vhat * bonus);
    });
  }
}
