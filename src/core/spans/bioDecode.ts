/**
 * Constrained BIO decoding over a token tagger's posteriors. Tags: 0 = O, 2l+1 = B-label l,
 * 2l+2 = I-label l (src/core/simulation/spanTags.ts). A sequence is valid when every I-l follows
 * B-l or I-l. The per-token posteriors are taken as the unary potentials of a linear chain whose
 * transitions are 1 (allowed) or 0 (forbidden): Viterbi gives the best valid sequence, and
 * forward-backward gives the distribution over valid sequences (marginals, each entity's exact
 * probability, the best sequence's probability for MNLP). Argmax per token can give O then I-;
 * this never does.
 */

/** Whether tag b may follow tag a (a = -1: the sequence start). */
export function allowedAfter(a: number, b: number): boolean {
  if (b === 0 || (b - 1) % 2 === 0) return true; // O and B- may follow anything.
  const l = (b - 1) >> 1;
  return a === 2 * l + 1 || a === 2 * l + 2;
}

/** allowed[(a + 1) * T + b]: tag b may follow tag a (row 0: the start). Cached per tag count. */
const tables = new Map<number, Uint8Array>();
export function transitionTable(T: number): Uint8Array {
  let t = tables.get(T);
  if (!t) {
    t = new Uint8Array((T + 1) * T);
    for (let a = -1; a < T; a++) for (let b = 0; b < T; b++) t[(a + 1) * T + b] = allowedAfter(a, b) ? 1 : 0;
    tables.set(T, t);
  }
  return t;
}

/** A constrained lattice over one text's tokens: n tokens × T tags. */
export interface BioLattice {
  readonly n: number;
  readonly T: number;
  /** The best valid tag sequence. */
  readonly path: Int32Array;
  /** log P(path) under the constrained distribution (≤ 0; 0 for an empty text). */
  readonly pathLogProb: number;
  /** Marginal P(tag) per token under the constrained distribution: n × T. */
  readonly marginals: Float64Array;
  /** Scaled forward/backward variables and scales (see entityProbability). */
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  readonly scale: Float64Array;
  /** Potentials actually used (posteriors floored away from 0): n × T. */
  readonly emit: Float64Array;
}

/** Posteriors below this are floored, so that no valid sequence has probability 0. */
const FLOOR = 1e-9;

/**
 * Decodes one text: `probs` holds its tokens' posteriors, n × T row-major, starting at `offset`.
 */
export function decodeBio(probs: ArrayLike<number>, offset: number, n: number, T: number): BioLattice {
  const ok = transitionTable(T);
  const emit = new Float64Array(n * T);
  for (let i = 0; i < n * T; i++) emit[i] = Math.max(FLOOR, probs[offset + i]);
  const alpha = new Float64Array(n * T);
  const beta = new Float64Array(n * T);
  const scale = new Float64Array(n);
  // Forward, scaled so each step sums to 1.
  for (let t = 0; t < n; t++) {
    let c = 0;
    for (let j = 0; j < T; j++) {
      let s = 0;
      if (t === 0) s = ok[j];
      else for (let i = 0; i < T; i++) if (ok[(i + 1) * T + j]) s += alpha[(t - 1) * T + i];
      const v = s * emit[t * T + j];
      alpha[t * T + j] = v;
      c += v;
    }
    scale[t] = c;
    for (let j = 0; j < T; j++) alpha[t * T + j] /= c;
  }
  // Backward with the same scales: alpha[t]·beta[t] is then the marginal.
  for (let j = 0; j < T; j++) if (n > 0) beta[(n - 1) * T + j] = 1;
  for (let t = n - 2; t >= 0; t--) {
    for (let i = 0; i < T; i++) {
      let s = 0;
      for (let j = 0; j < T; j++) if (ok[(i + 1) * T + j]) s += emit[(t + 1) * T + j] * beta[(t + 1) * T + j];
      beta[t * T + i] = s / scale[t + 1];
    }
  }
  const marginals = new Float64Array(n * T);
  for (let i = 0; i < n * T; i++) marginals[i] = alpha[i] * beta[i];
  const { path, logProb: pathLog } = viterbi(emit, 0, n, T);
  let logZ = 0;
  for (let t = 0; t < n; t++) logZ += Math.log(scale[t]);
  return { n, T, path, pathLogProb: Math.min(0, pathLog - logZ), marginals, alpha, beta, scale, emit };
}

/**
 * The best valid tag sequence alone (no marginals): for committee members, whose entities are all
 * that is asked of them. `logProb` is the path's unnormalised log potential.
 */
export function viterbi(probs: ArrayLike<number>, offset: number, n: number, T: number): { path: Int32Array; logProb: number } {
  const ok = transitionTable(T);
  const delta = new Float64Array(n * T);
  const back = new Int32Array(n * T);
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < T; j++) {
      let best = -Infinity;
      let arg = -1;
      if (t === 0) best = ok[j] ? 0 : -Infinity;
      else {
        for (let i = 0; i < T; i++) {
          if (!ok[(i + 1) * T + j]) continue;
          const v = delta[(t - 1) * T + i];
          if (v > best) {
            best = v;
            arg = i;
          }
        }
      }
      delta[t * T + j] = best + Math.log(Math.max(FLOOR, probs[offset + t * T + j]));
      back[t * T + j] = arg;
    }
  }
  const path = new Int32Array(n);
  let logProb = 0;
  if (n > 0) {
    let arg = 0;
    for (let j = 1; j < T; j++) if (delta[(n - 1) * T + j] > delta[(n - 1) * T + arg]) arg = j;
    logProb = delta[(n - 1) * T + arg];
    for (let t = n - 1; t >= 0; t--) {
      path[t] = arg;
      arg = back[t * T + arg];
    }
  }
  return { path, logProb };
}

/**
 * The exact probability, under the lattice's distribution, that tokens a..b (inclusive) form one
 * entity of label l: B-l at a, I-l through b, and no I-l at b + 1.
 */
export function entityProbability(lat: BioLattice, a: number, b: number, l: number): number {
  const { T, n, alpha, beta, emit, scale } = lat;
  const B = 2 * l + 1;
  const I = 2 * l + 2;
  if (a < 0 || b >= n || a > b) return 0;
  let p = alpha[a * T + B];
  for (let k = a + 1; k <= b; k++) p *= emit[k * T + I] / scale[k];
  const last = b === a ? B : I;
  // beta[b][last] sums over every continuation; take away those that continue the entity.
  let end = beta[b * T + last];
  if (b + 1 < n) end -= (emit[(b + 1) * T + I] * beta[(b + 1) * T + I]) / scale[b + 1];
  return Math.min(1, Math.max(0, p * end));
}

/** Entities of a valid tag sequence as token ranges [a, b] inclusive with their label index. */
export function entitiesOfPath(path: ArrayLike<number>): { a: number; b: number; l: number }[] {
  const out: { a: number; b: number; l: number }[] = [];
  for (let t = 0; t < path.length; t++) {
    const tag = path[t];
    if (tag === 0) continue;
    const l = (tag - 1) >> 1;
    if ((tag - 1) % 2 === 0 || out.length === 0 || out[out.length - 1].b !== t - 1 || out[out.length - 1].l !== l) out.push({ a: t, b: t, l });
    else out[out.length - 1].b = t;
  }
  return out;
}

/** Mean over tokens of the entropy (nats) of the constrained marginals. */
export function meanTokenEntropy(lat: BioLattice): number {
  if (lat.n === 0) return 0;
  let h = 0;
  for (let i = 0; i < lat.n * lat.T; i++) {
    const q = lat.marginals[i];
    if (q > 0) h -= q * Math.log(q);
  }
  return h / lat.n;
}

/** P(no entity at all in the text) under the lattice's distribution. */
export function noEntityProbability(lat: BioLattice): number {
  let p = 1;
  for (let t = 0; t < lat.n; t++) p *= lat.emit[t * lat.T] / lat.scale[t];
  return Math.min(1, p);
}
