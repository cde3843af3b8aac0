import { NotTrainedError, SettingError } from '../errors';
import { blockInto, isCompact, rowInto, vectorsKey } from '../features/compactVectors';
import type { Vectors } from '../types';
import type { ProbabilisticClassifier } from './learner';
import { addResidualProduct, logitsBlock, softmaxRowsInto } from './linearKernels';

export interface SoftmaxOptions {
  readonly classes: number;
  /**
   * Inverse L2 strength, as scikit-learn's C: the objective is Σ wᵢ·lossᵢ + ‖W‖²/(2C) over
   * standardised features, so the penalty weighs less as labels accumulate. The default was
   * chosen on simulated learning curves (see BENCHMARKS.md).
   */
  readonly C?: number;
  /** Reweight classes to equal total weight (n / (K·n_c)); off by default. */
  readonly classBalanced?: boolean;
  readonly maxIter?: number;
  /** Stop when the largest gradient entry falls below this (relative to the sample count). */
  readonly tol?: number;
}

export const DEFAULT_C = 0.1;

/**
 * Rows whose proposed label an annotator rejected ("not this class"), for negative evidence: each
 * adds −log(1 − p(rejected | x)), the log-likelihood that the true class is any of the others. It
 * pushes p(rejected) down and leaves how the rest is shared to the model (the "partial label"
 * likelihood: the target is the model's own distribution renormalised over the other classes).
 */
export interface RejectedRows {
  readonly rows: Int32Array;
  /** The rejected class of each row. */
  readonly classes: Int32Array;
  /** Weight of each rejected row's term, relative to a labeled row's (default 1). */
  readonly weight?: number;
}

/** Rejected rows gathered and standardised for the objective. */
export interface StandardisedRejects {
  readonly Xs: Float64Array;
  readonly classes: Int32Array;
  readonly weight: number;
}

export interface FitOptions {
  readonly warmStart?: boolean;
  readonly sampleWeight?: Float32Array;
  /** Negative evidence: rows with a rejected class (see RejectedRows). */
  readonly rejected?: RejectedRows;
}

/** The bias is penalised only a little, so that a class absent from the labels keeps a finite bias. */
const BIAS_PENALTY = 0.01;
const LBFGS_MEMORY = 8;

/**
 * Multinomial logistic regression with a bias, L2 regularised, fitted full-batch by L-BFGS in
 * float64. No randomness at all: the same rows and labels (and the same warm start) give the same
 * weights. Weights are laid out class-major: W[k·(d+1) + j], j = d being the bias.
 */
export class SoftmaxRegression implements ProbabilisticClassifier {
  readonly classes: number;
  readonly C: number;
  readonly classBalanced: boolean;
  readonly maxIter: number;
  readonly tol: number;
  /** Weights in standardised feature space (what L-BFGS optimises and warm-starts from). */
  private W: Float64Array | undefined;
  /** The same model in raw feature space, for prediction. */
  private Wraw: Float64Array | undefined;
  private dim = 0;
  /** L-BFGS iterations of the last fit (for benchmarks and tests). */
  lastIterations = 0;
  /** The objective (softmaxObjective) the last fit reached (for benchmarks and tests). */
  lastObjective = NaN;

  constructor(opts: SoftmaxOptions) {
    if (!Number.isInteger(opts.classes) || opts.classes < 2) throw new SettingError('classes', `a classifier needs at least 2 classes, got ${opts.classes}`);
    this.classes = opts.classes;
    this.C = opts.C ?? DEFAULT_C;
    if (!(this.C > 0)) throw new SettingError('C', `the inverse regularisation strength C must be > 0, got ${this.C}`);
    this.classBalanced = opts.classBalanced ?? false;
    this.maxIter = opts.maxIter ?? 200;
    this.tol = opts.tol ?? 1e-3;
  }

  get trained(): boolean {
    return this.W !== undefined;
  }

  /**
   * An independent copy, weights included: a fit of the copy warm-starts exactly as a fit of this
   * model would, and leaves this one untouched (the engine retrains into a copy and swaps it in
   * only when the whole round succeeded).
   */
  clone(): SoftmaxRegression {
    const c = new SoftmaxRegression({ classes: this.classes, C: this.C, classBalanced: this.classBalanced, maxIter: this.maxIter, tol: this.tol });
    c.W = this.W?.slice();
    c.Wraw = this.Wraw?.slice();
    c.dim = this.dim;
    c.lastIterations = this.lastIterations;
    c.lastObjective = this.lastObjective;
    return c;
  }

  /** A copy of the weights (class-major, bias last in each class block). */
  weights(): Float64Array {
    if (!this.Wraw) throw new NotTrainedError();
    return this.Wraw.slice();
  }

  fit(X: Vectors, rows: Int32Array, y: Int32Array, opts?: FitOptions): void {
    if (rows.length !== y.length) throw new RangeError(`fit: ${rows.length} rows but ${y.length} labels`);
    if (rows.length === 0) throw new RangeError('fit: no labeled rows');
    const rej = opts?.rejected;
    if (rej && rej.rows.length !== rej.classes.length) throw new RangeError(`fit: ${rej.rows.length} rejected rows but ${rej.classes.length} rejected classes`);
    const K = this.classes;
    const d = X.cols;
    const P = d + 1;
    const n = rows.length;
    const sw = new Float64Array(n);
    const counts = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      if (!(y[i] >= 0 && y[i] < K)) throw new RangeError(`fit: label ${y[i]} outside [0, ${K})`);
      counts[y[i]] += opts?.sampleWeight ? opts.sampleWeight[i] : 1;
    }
    const present = counts.reduce((a, c) => a + (c > 0 ? 1 : 0), 0);
    for (let i = 0; i < n; i++) {
      const base = opts?.sampleWeight ? opts.sampleWeight[i] : 1;
      sw[i] = this.classBalanced ? (base * n) / (present * counts[y[i]]) : base;
    }
    // Standardise with statistics of the whole matrix (unlabeled rows included: no labels are
    // used). Sentence vectors share a large common direction; centring it away makes the problem
    // well conditioned, so L-BFGS converges in tens rather than hundreds of iterations.
    const scaler = scalerOf(X);
    // Gather the rows once into a contiguous float64 block: the loss is evaluated many times.
    const Xs = new Float64Array(n * d);
    const row = new Float32Array(d);
    for (let i = 0; i < n; i++) {
      const x = rowInto(X, rows[i], row);
      for (let j = 0; j < d; j++) Xs[i * d + j] = (x[j] - scaler.mean[j]) * scaler.invStd[j];
    }
    let negatives: StandardisedRejects | undefined;
    if (rej && rej.rows.length > 0) {
      const m = rej.rows.length;
      const Xr = new Float64Array(m * d);
      for (let i = 0; i < m; i++) {
        if (!(rej.classes[i] >= 0 && rej.classes[i] < K)) throw new RangeError(`fit: rejected class ${rej.classes[i]} outside [0, ${K})`);
        const x = rowInto(X, rej.rows[i], row);
        for (let j = 0; j < d; j++) Xr[i * d + j] = (x[j] - scaler.mean[j]) * scaler.invStd[j];
      }
      negatives = { Xs: Xr, classes: rej.classes, weight: rej.weight ?? 1 };
    }
    const w0 = opts?.warmStart && this.W && this.dim === d ? this.W.slice() : new Float64Array(K * P);
    const lossGrad = softmaxObjective(Xs, d, y, sw, K, 1 / this.C, negatives);
    const { w, f, iterations } = lbfgs(lossGrad, w0, this.maxIter, this.tol * Math.max(1, n));
    this.W = w;
    this.dim = d;
    this.lastIterations = iterations;
    this.lastObjective = f;
    // Fold the standardisation into raw-space weights: w'_j = w_j/σ_j, b' = b − Σ w_j μ_j/σ_j.
    const raw = new Float64Array(K * P);
    for (let k = 0; k < K; k++) {
      const wo = k * P;
      let b = w[wo + d];
      for (let j = 0; j < d; j++) {
        raw[wo + j] = w[wo + j] * scaler.invStd[j];
        b -= raw[wo + j] * scaler.mean[j];
      }
      raw[wo + d] = b;
    }
    this.Wraw = raw;
  }

  predictProba(X: Vectors, rows?: Int32Array): Float32Array {
    return predictStacked([this], X, rows)[0];
  }

  /** Raw-space weights and their dimension, for predictStacked (throws NotTrainedError). */
  rawWeights(): { readonly W: Float64Array; readonly dim: number } {
    if (!this.Wraw) throw new NotTrainedError();
    return { W: this.Wraw, dim: this.dim };
  }
}

/** Rows per block of the prediction pass: the block's logits (rows × models·K) stay in cache. */
const PREDICT_BLOCK = 128;

/**
 * Class probabilities of several fitted models of the same shape on the same rows, in one pass
 * over the pool: their raw-space weights are stacked into one (models·K) × (d+1) matrix and each
 * row's logits for all of them come from one tiled kernel (linearKernels.ts). Returns one
 * rows × K array per model, in the order given. The committee and the main model predict through
 * here, so the pool is read once per retrain rather than once per model.
 */
export function predictStacked(models: readonly SoftmaxRegression[], X: Vectors, rows?: Int32Array): Float32Array[] {
  if (models.length === 0) return [];
  const K = models[0].classes;
  const first = models[0].rawWeights();
  const d = first.dim;
  const P = d + 1;
  for (const m of models) {
    const { dim } = m.rawWeights();
    if (m.classes !== K || dim !== d) throw new RangeError(`predictStacked: models of different shapes (${m.classes}×${dim} vs ${K}×${d})`);
  }
  if (X.cols !== d) throw new RangeError(`predictProba: the model was fitted on ${d}-d vectors, got ${X.cols}-d`);
  const M = models.length * K;
  let W = first.W;
  if (models.length > 1) {
    W = new Float64Array(M * P);
    models.forEach((m, i) => W.set(m.rawWeights().W, i * K * P));
  }
  const n = rows ? rows.length : X.rows;
  const outs = models.map(() => new Float32Array(n * K));
  const z = new Float64Array(Math.min(PREDICT_BLOCK, n) * M);
  // A compact pool is dequantised a block of rows at a time (128 × d floats), never whole.
  const block = isCompact(X) ? new Float32Array(Math.min(PREDICT_BLOCK, n) * d) : undefined;
  for (let s = 0; s < n; s += PREDICT_BLOCK) {
    const e = Math.min(n, s + PREDICT_BLOCK);
    if (block) logitsBlock(blockInto(X, s, e, block, rows), d, undefined, 0, e - s, W, M, P, W, d, P, z);
    else logitsBlock((X as { data: Float32Array }).data, d, rows, s, e, W, M, P, W, d, P, z);
    for (let m = 0; m < models.length; m++) softmaxRowsInto(z, e - s, K, M, m * K, outs[m], s * K);
  }
  return outs;
}

/**
 * The regularised objective L-BFGS minimises, and its gradient: Σᵢ swᵢ·(−log softmax(W·x̃ᵢ)_{yᵢ})
 * + (λ/2)‖W‖² with the bias penalised only lightly, plus the rejected rows' term (RejectedRows).
 * Rows of Xs are n × d (already standardised); w and g are class-major K × (d+1). Exported for
 * the gradient check in the tests.
 */
export function softmaxObjective(
  Xs: Float64Array,
  d: number,
  y: Int32Array,
  sw: Float64Array,
  K: number,
  lam: number,
  rejected?: StandardisedRejects,
): (w: Float64Array, g: Float64Array) => number {
  const n = y.length;
  const P = d + 1;
  // Logits, then residuals, of every row: n × K, reused by every evaluation.
  const Z = new Float64Array(n * K);
  const rej = rejected && rejected.classes.length > 0 ? { ...rejected, Z: new Float64Array(rejected.classes.length * K) } : undefined;
  return (w: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let f = rej ? rejectedTerm(rej.Xs, d, rej.classes, rej.weight, K, w, g, rej.Z) : 0;
    logitsBlock(Xs, d, undefined, 0, n, w, K, P, w, d, P, Z);
    for (let i = 0; i < n; i++) {
      const zo = i * K;
      let zmax = -Infinity;
      for (let k = 0; k < K; k++) if (Z[zo + k] > zmax) zmax = Z[zo + k];
      const yi = y[i];
      // log-sum-exp minus the true class's logit, computed before exp so it cannot underflow.
      const zy = Z[zo + yi] - zmax;
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(Z[zo + k] - zmax);
        Z[zo + k] = e;
        sum += e;
      }
      const wi = sw[i];
      f += wi * (Math.log(sum) - zy);
      // Z becomes the residual wᵢ·(pᵢ − onehot(yᵢ)), the gradient of the loss in the logits.
      for (let k = 0; k < K; k++) {
        const r = wi * (Z[zo + k] / sum - (k === yi ? 1 : 0));
        Z[zo + k] = r;
        g[k * P + d] += r;
      }
    }
    addResidualProduct(Xs, d, n, Z, K, g, P);
    for (let k = 0; k < K; k++) {
      const wo = k * P;
      for (let j = 0; j < d; j++) {
        f += 0.5 * lam * w[wo + j] * w[wo + j];
        g[wo + j] += lam * w[wo + j];
      }
      f += 0.5 * lam * BIAS_PENALTY * w[wo + d] * w[wo + d];
      g[wo + d] += lam * BIAS_PENALTY * w[wo + d];
    }
    return f;
  };
}

/**
 * Adds to g the gradient of Σᵢ wt·(−log(1 − p(rᵢ | xᵢ))) over rejected rows and returns the sum.
 * With p = softmax(z): −log(1 − p_r) = LSE(z) − LSE_{k≠r}(z), computed that way so that a
 * confident p_r ≈ 1 does not lose everything to cancellation; its gradient in z_k is p_k − q_k
 * with q the softmax over the classes other than r (q_r = 0). Z: m × K scratch.
 */
function rejectedTerm(Xs: Float64Array, d: number, classes: Int32Array, wt: number, K: number, w: Float64Array, g: Float64Array, Z: Float64Array): number {
  const P = d + 1;
  let f = 0;
  const m = classes.length;
  logitsBlock(Xs, d, undefined, 0, m, w, K, P, w, d, P, Z);
  for (let i = 0; i < m; i++) {
    const zo = i * K;
    const r = classes[i];
    let zmax = -Infinity;
    let omax = -Infinity;
    for (let k = 0; k < K; k++) {
      const s = Z[zo + k];
      if (s > zmax) zmax = s;
      if (k !== r && s > omax) omax = s;
    }
    let sum = 0;
    let other = 0;
    for (let k = 0; k < K; k++) {
      sum += Math.exp(Z[zo + k] - zmax);
      if (k !== r) other += Math.exp(Z[zo + k] - omax);
    }
    f += wt * (Math.log(sum) + zmax - (Math.log(other) + omax));
    for (let k = 0; k < K; k++) {
      const p = Math.exp(Z[zo + k] - zmax) / sum;
      const q = k === r ? 0 : Math.exp(Z[zo + k] - omax) / other;
      const c = wt * (p - q);
      Z[zo + k] = c;
      g[k * P + d] += c;
    }
  }
  addResidualProduct(Xs, d, m, Z, K, g, P);
  return f;
}

export interface Scaler {
  readonly mean: Float64Array;
  readonly invStd: Float64Array;
}

const scalers = new WeakMap<object, Scaler>();

/** Per-column mean and 1/std of a matrix, cached per matrix (the pool does not change); the learner's standardisation, shared by the kNN graph. */
export function scalerOf(X: Vectors): Scaler {
  const cached = scalers.get(vectorsKey(X));
  if (cached && cached.mean.length === X.cols) return cached;
  const d = X.cols;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  const row = new Float32Array(d);
  for (let i = 0; i < X.rows; i++) {
    const x = rowInto(X, i, row);
    for (let j = 0; j < d; j++) {
      const v = x[j];
      mean[j] += v;
      sq[j] += v * v;
    }
  }
  const invStd = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    mean[j] /= Math.max(1, X.rows);
    const variance = sq[j] / Math.max(1, X.rows) - mean[j] * mean[j];
    // Constant columns carry no information; leave them unscaled rather than divide by zero.
    invStd[j] = variance > 1e-12 ? 1 / Math.sqrt(variance) : 1;
  }
  const s = { mean, invStd };
  scalers.set(vectorsKey(X), s);
  return s;
}

/**
 * Limited-memory BFGS with a backtracking (Armijo) line search. Returns the minimiser estimate and
 * the number of iterations. Deterministic.
 */
export function lbfgs(
  fg: (w: Float64Array, g: Float64Array) => number,
  w0: Float64Array,
  maxIter: number,
  gtol: number,
): { w: Float64Array; f: number; iterations: number } {
  const N = w0.length;
  let w = w0.slice();
  let g = new Float64Array(N);
  let f = fg(w, g);
  const S: Float64Array[] = [];
  const Yv: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(LBFGS_MEMORY);
  const dir = new Float64Array(N);
  const wNew = new Float64Array(N);
  let gNew = new Float64Array(N);
  let it = 0;
  for (; it < maxIter; it++) {
    if (maxAbs(g) <= gtol) break;
    // Two-loop recursion: dir = -H·g.
    for (let i = 0; i < N; i++) dir[i] = -g[i];
    for (let m = S.length - 1; m >= 0; m--) {
      const a = rho[m] * dot(S[m], dir);
      alpha[m] = a;
      axpy(-a, Yv[m], dir);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Yv[last]) / dot(Yv[last], Yv[last]);
      for (let i = 0; i < N; i++) dir[i] *= gamma;
    } else {
      const gn = Math.sqrt(dot(g, g));
      for (let i = 0; i < N; i++) dir[i] /= Math.max(1, gn);
    }
    for (let m = 0; m < S.length; m++) {
      const b = rho[m] * dot(Yv[m], dir);
      axpy(alpha[m] - b, S[m], dir);
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Yv.length = 0;
      rho.length = 0;
      for (let i = 0; i < N; i++) dir[i] = -g[i];
      slope = dot(g, dir);
    }
    let step = 1;
    let fNew = 0;
    let accepted = false;
    for (let ls = 0; ls < 30; ls++) {
      for (let i = 0; i < N; i++) wNew[i] = w[i] + step * dir[i];
      fNew = fg(wNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(N);
    const yv = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      s[i] = wNew[i] - w[i];
      yv[i] = gNew[i] - g[i];
    }
    const sy = dot(s, yv);
    if (sy > 1e-12) {
      if (S.length === LBFGS_MEMORY) {
        S.shift();
        Yv.shift();
        rho.shift();
      }
      S.push(s);
      Yv.push(yv);
      rho.push(1 / sy);
    }
    const fOld = f;
    w = wNew.slice();
    const t = g;
    g = gNew;
    gNew = t;
    f = fNew;
    if (Math.abs(fOld - f) <= 1e-7 * Math.max(1, Math.abs(f))) {
      it++;
      break;
    }
  }
  return { w, f, iterations: it };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}
