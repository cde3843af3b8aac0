import { createRng } from '../learners/rng';
import type { Matrix } from '../types';

/**
 * Lexical features fitted on a corpus (latent semantic analysis): each text's words and the
 * character trigrams of its words, weighted by TF-IDF (sublinear term frequency, smoothed inverse
 * document frequency of the pool, terms in fewer than `minDf` pool texts dropped), each row
 * L2-normalised, then projected on the top `dims` right singular vectors of the pool's TF-IDF
 * matrix (a randomized SVD, Halko et al. 2011, seeded). The result is a dense `dims`-column block
 * the learner can take next to the encoder's vectors: it carries what the embedded GloVe mean
 * cannot — words outside its vocabulary (other languages, identifiers, a domain's jargon) and the
 * corpus's own vocabulary weights.
 *
 * Fitted on the pool only; `transform` projects other texts (a simulation's test split) with the
 * pool's vocabulary, weights and singular vectors, so they never take part in the fit.
 */
export interface LexicalOptions {
  /** Columns of the block (default 100; fewer when the pool has fewer terms or texts). */
  readonly dims?: number;
  /** Terms in fewer pool texts than this are dropped (default 2). */
  readonly minDf?: number;
  /** Power iterations of the randomized SVD (default 3). */
  readonly powerIterations?: number;
  /** Extra random directions of the randomized SVD (default 10). */
  readonly oversample?: number;
  /** Seed of the random test matrix (default 1): the same texts and seed give the same features. */
  readonly seed?: number;
  /**
   * Most texts the vocabulary, weights and singular vectors are fitted on (default 10,000): a
   * larger pool is fitted on every (n / fitRows)-th text and all of it projected, so the fit's
   * cost stops growing with the corpus.
   */
  readonly fitRows?: number;
  /** Most terms kept, the most frequent (by document frequency) first (default 20,000). */
  readonly maxTerms?: number;
}

export interface LexicalModel {
  readonly dims: number;
  /** Fitted terms (word, or "#" + character trigram) → column of the TF-IDF matrix. */
  readonly vocabulary: ReadonlyMap<string, number>;
  readonly idf: Float64Array;
  /** The right singular vectors, terms × dims, row-major: a row's features are its TF-IDF row times this. */
  readonly projection: Float64Array;
  /** The singular values, largest first. */
  readonly singularValues: Float64Array;
  /** Features of other texts, projected with the pool's fit. */
  transform(texts: readonly string[]): Matrix;
}

const WORD = /[\p{L}\p{N}_]+/gu;
const DEFAULT_FIT_ROWS = 10_000;
const DEFAULT_MAX_TERMS = 20_000;
/** Texts projected at a time by `transform`. */
const TRANSFORM_BLOCK = 4096;

/** A text's terms and their counts: lower-cased words and "#"-prefixed trigrams of " word ". */
export function lexicalTerms(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (t: string): void => void counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const m of text.toLowerCase().matchAll(WORD)) {
    const w = m[0];
    add(w);
    const s = ` ${w} `;
    const chars = Array.from(s);
    for (let i = 0; i + 3 <= chars.length; i++) add(`#${chars[i]}${chars[i + 1]}${chars[i + 2]}`);
  }
  return counts;
}

/** A sparse matrix in compressed rows. */
interface Csr {
  readonly rows: number;
  readonly cols: number;
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly value: Float64Array;
}

/**
 * TF-IDF rows (sublinear tf × idf, L2-normalised) of texts over a fitted vocabulary. Each text's
 * terms are counted and dropped in turn: only the sparse rows are kept.
 */
function tfidf(texts: readonly string[], vocabulary: ReadonlyMap<string, number>, idf: Float64Array): Csr {
  const start = new Int32Array(texts.length + 1);
  const index: number[] = [];
  const value: number[] = [];
  texts.forEach((text, r) => {
    const from = index.length;
    let norm = 0;
    for (const [term, c] of lexicalTerms(text)) {
      const j = vocabulary.get(term);
      if (j === undefined) continue;
      const v = (1 + Math.log(c)) * idf[j];
      index.push(j);
      value.push(v);
      norm += v * v;
    }
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let k = from; k < index.length; k++) value[k] *= inv;
    }
    start[r + 1] = index.length;
  });
  return { rows: texts.length, cols: vocabulary.size, start, index: Int32Array.from(index), value: Float64Array.from(value) };
}

/** A·B for sparse A (n × m) and dense B (m × l, row-major). */
function times(A: Csr, B: Float64Array, l: number): Float64Array {
  const out = new Float64Array(A.rows * l);
  for (let r = 0; r < A.rows; r++) {
    const o = r * l;
    for (let k = A.start[r]; k < A.start[r + 1]; k++) {
      const v = A.value[k];
      const b = A.index[k] * l;
      for (let c = 0; c < l; c++) out[o + c] += v * B[b + c];
    }
  }
  return out;
}

/** Aᵀ·B for sparse A (n × m) and dense B (n × l). */
function transposeTimes(A: Csr, B: Float64Array, l: number): Float64Array {
  const out = new Float64Array(A.cols * l);
  for (let r = 0; r < A.rows; r++) {
    const b = r * l;
    for (let k = A.start[r]; k < A.start[r + 1]; k++) {
      const v = A.value[k];
      const o = A.index[k] * l;
      for (let c = 0; c < l; c++) out[o + c] += v * B[b + c];
    }
  }
  return out;
}

/**
 * Orthonormalises the columns of Y (n × l, row-major) in place by modified Gram–Schmidt, twice
 * (once is not enough in floating point when columns are nearly dependent); a column that
 * vanishes becomes zero.
 */
export function orthonormalise(Y: Float64Array, n: number, l: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < l; c++) {
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += Y[i * l + c] * Y[i * l + p];
        for (let i = 0; i < n; i++) Y[i * l + c] -= dot * Y[i * l + p];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += Y[i * l + c] * Y[i * l + c];
      norm = Math.sqrt(norm);
      const inv = norm > 1e-12 ? 1 / norm : 0;
      for (let i = 0; i < n; i++) Y[i * l + c] *= inv;
    }
  }
}

/**
 * Eigenvalues and eigenvectors of a symmetric l × l matrix (row-major, destroyed) by cyclic Jacobi
 * rotations; values in decreasing order, vectors as the columns of the returned l × l matrix.
 */
export function symmetricEigen(S: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const V = new Float64Array(l * l);
  for (let i = 0; i < l; i++) V[i * l + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < l; p++) {
      diag += S[p * l + p] * S[p * l + p];
      for (let q = p + 1; q < l; q++) off += S[p * l + q] * S[p * l + q];
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < l; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = S[p * l + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (S[q * l + q] - S[p * l + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < l; k++) {
          const skp = S[k * l + p];
          const skq = S[k * l + q];
          S[k * l + p] = c * skp - s * skq;
          S[k * l + q] = s * skp + c * skq;
        }
        for (let k = 0; k < l; k++) {
          const spk = S[p * l + k];
          const sqk = S[q * l + k];
          S[p * l + k] = c * spk - s * sqk;
          S[q * l + k] = s * spk + c * sqk;
        }
        for (let k = 0; k < l; k++) {
          const vkp = V[k * l + p];
          const vkq = V[k * l + q];
          V[k * l + p] = c * vkp - s * vkq;
          V[k * l + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: l }, (_, i) => i).sort((a, b) => S[b * l + b] - S[a * l + a]);
  const values = Float64Array.from(order, (i) => S[i * l + i]);
  const vectors = new Float64Array(l * l);
  order.forEach((src, dst) => {
    for (let k = 0; k < l; k++) vectors[k * l + dst] = V[k * l + src];
  });
  return { values, vectors };
}

/** Fits the lexical model on the pool's texts; returns it and the pool's features (texts × dims). */
export function fitLexical(texts: readonly string[], opts: LexicalOptions = {}): { model: LexicalModel; features: Matrix } {
  const want = opts.dims ?? 100;
  if (!Number.isInteger(want) || want < 1) throw new RangeError(`lexical features: dims must be a positive integer, got ${want}`);
  const minDf = opts.minDf ?? 2;
  const fitRows = opts.fitRows ?? DEFAULT_FIT_ROWS;
  if (!Number.isInteger(fitRows) || fitRows < 1) throw new RangeError(`lexical features: fitRows must be a positive integer, got ${fitRows}`);
  if (texts.length > fitRows) {
    // Evenly spaced texts (deterministic), fitted; then every text projected with that fit.
    const sample = Array.from({ length: fitRows }, (_, i) => texts[Math.floor((i * texts.length) / fitRows)]);
    const { model } = fitLexical(sample, { ...opts, fitRows });
    return { model, features: model.transform(texts) };
  }
  const n = texts.length;
  // Document frequencies, in first-seen order (a text's terms are counted and dropped in turn).
  const df = new Map<string, number>();
  for (const text of texts) for (const term of lexicalTerms(text).keys()) df.set(term, (df.get(term) ?? 0) + 1);
  // The maxTerms most frequent terms (by document frequency; among equals, the first seen), as
  // columns in first-seen order: deterministic for the same texts.
  const kept = new Set<string>();
  const byDf = [...df].filter(([, c]) => c >= minDf);
  const maxTerms = opts.maxTerms ?? DEFAULT_MAX_TERMS;
  if (byDf.length > maxTerms) byDf.sort((a, b) => b[1] - a[1]);
  for (const [term] of byDf.slice(0, maxTerms)) kept.add(term);
  const vocabulary = new Map<string, number>();
  for (const term of df.keys()) if (kept.has(term)) vocabulary.set(term, vocabulary.size);
  const m = vocabulary.size;
  const idf = new Float64Array(m);
  for (const [term, j] of vocabulary) idf[j] = Math.log((1 + n) / (1 + df.get(term)!)) + 1;
  const M = tfidf(texts, vocabulary, idf);
  const dims = Math.max(0, Math.min(want, n, m));
  const l = Math.min(dims + (opts.oversample ?? 10), n, m);
  let projection = new Float64Array(0);
  let singularValues = new Float64Array(0);
  if (dims > 0) {
    const rng = createRng(opts.seed ?? 1);
    const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const omega = Float64Array.from({ length: m * l }, gauss);
    let Y = times(M, omega, l);
    orthonormalise(Y, n, l);
    // Subspace iteration: Y ← orth(M·Mᵀ·Y). Only the n-side is orthonormalised: Mᵀ·Y's columns are
    // nearly orthogonal already (its condition is σ₁/σ_l, a few tens for text), and orthonormalising
    // the terms side (tens of thousands of rows) was a third of the fit's time.
    for (let q = 0; q < (opts.powerIterations ?? 3); q++) {
      Y = times(M, transposeTimes(M, Y, l), l);
      orthonormalise(Y, n, l);
    }
    // B = Qᵀ·M (l × m) through W = Mᵀ·Q (m × l): B·Bᵀ = WᵀW, whose eigenvectors rotate W into the
    // right singular vectors: V = W·U·Σ⁻¹.
    const W = transposeTimes(M, Y, l);
    const G = new Float64Array(l * l);
    for (let j = 0; j < m; j++) {
      const o = j * l;
      for (let a = 0; a < l; a++) {
        const wa = W[o + a];
        if (wa === 0) continue;
        for (let b = 0; b < l; b++) G[a * l + b] += wa * W[o + b];
      }
    }
    const { values, vectors } = symmetricEigen(G, l);
    const rank = Math.min(dims, values.filter((v) => v > 1e-12).length);
    singularValues = Float64Array.from(values.subarray(0, rank), Math.sqrt);
    projection = new Float64Array(m * rank);
    for (let j = 0; j < m; j++) {
      for (let c = 0; c < rank; c++) {
        let s = 0;
        for (let a = 0; a < l; a++) s += W[j * l + a] * vectors[a * l + c];
        projection[j * rank + c] = s / singularValues[c];
      }
    }
  }
  const k = singularValues.length;
  // Projected a block of texts at a time: only one block's sparse rows exist at once.
  const transform = (others: readonly string[]): Matrix => {
    const data = new Float32Array(others.length * k);
    for (let s0 = 0; s0 < others.length; s0 += TRANSFORM_BLOCK) {
      const part = times(tfidf(others.slice(s0, s0 + TRANSFORM_BLOCK), vocabulary, idf), projection, k);
      for (let i = 0; i < part.length; i++) data[s0 * k + i] = part[i];
    }
    return { rows: others.length, cols: k, data };
  };
  const model: LexicalModel = { dims: k, vocabulary, idf, projection, singularValues, transform };
  return { model, features: { rows: n, cols: k, data: Float32Array.from(times(M, projection, k)) } };
}

/** Rows of `a` and `b` side by side (a.rows must equal b.rows): the encoder's vectors, then the lexical block. */
export function concatColumns(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) throw new RangeError(`concatColumns: ${a.rows} rows next to ${b.rows}`);
  const cols = a.cols + b.cols;
  const data = new Float32Array(a.rows * cols);
  for (let r = 0; r < a.rows; r++) {
    data.set(a.data.subarray(r * a.cols, (r + 1) * a.cols), r * cols);
    data.set(b.data.subarray(r * b.cols, (r + 1) * b.cols), r * cols + a.cols);
  }
  return { rows: a.rows, cols, data };
}
