import type { SpanRecord } from '../engine/spanEngine';
import { fitCommonComponents } from '../features/commonComponents';
import { tokenFeatureMatrix } from '../learners/tokenFeatures';
import type { Matrix } from '../types';

/** The tagger's input: one row per token of every record; record i's rows are offsets[i]..offsets[i+1]. */
export interface TokenFeatures {
  readonly X: Matrix;
  readonly offsets: Int32Array;
}

/** The first tagger's rows: each token's vector and eight word-shape features. */
export function plainTokenFeatures(records: readonly SpanRecord[]): TokenFeatures {
  return tokenFeatureMatrix(
    records.map((r) => r.text),
    records.map((r) => r.tokens),
  );
}

/** Word-shape features of one token (the embedded encoder lowercases: case must come from here). */
const SHAPES: readonly ((w: string, k: number, words: readonly string[]) => boolean)[] = [
  (w) => /^\p{Lu}/u.test(w), // Title or capitalised
  (w) => w.length > 1 && /\p{L}/u.test(w) && w === w.toUpperCase(), // ALL CAPS
  (w) => /^\p{Ll}/u.test(w),
  (w) => /\d/.test(w),
  (w) => !/[\p{L}\p{N}]/u.test(w), // punctuation
  (_, k) => k === 0, // first token
  (_, k, ws) => k > 0 && /^["'`(\[\u201c\u2018-]+$/.test(ws[k - 1]) && (k === 1 || /^[.!?:;]$/.test(ws[k - 2])), // after an opening quote at sentence start
  (w) => /^\p{Lu}\.?$/u.test(w), // an initial ("E", "E.")
  (w) => /^\p{Lu}\p{Ll}{0,3}\.$/u.test(w), // an abbreviation ("Aug.", "Gov.")
  (w) => /^\p{Lu}\p{Ll}+\p{Lu}/u.test(w), // inner capital ("McDonald")
  (w) => /['\u2019]/.test(w),
  (w) => w.includes('-'),
  (w) => w.length <= 3,
  (w) => w.length >= 8,
];
export const SHAPE_COUNT = SHAPES.length;

export interface ContextOptions {
  /** Neighbouring tokens' vectors on each side (0, 1, 2). */
  readonly window: number;
  /** Shape features of the neighbours in the window too. */
  readonly neighbourShapes: boolean;
  /** The token's vector again, only where the token is capitalised (case × meaning: a linear tagger cannot multiply them itself). */
  readonly capitalisedVector: boolean;
  /** A flag for tokens whose vector is zero (unknown to the encoder). */
  readonly unknownFlag: boolean;
  /**
   * Token vectors projected on their top principal directions (uncentred, fitted on the pool's
   * tokens) to this many dimensions before use; 0: as they are. Every block of the row carries a
   * vector, so this sets most of the row's width and with it the cost of every fit and prediction.
   */
  readonly project: number;
  /**
   * Dimensions of the neighbours' vectors and of the capitalised copy: the first this many of the
   * (projected) vector, whose leading directions carry the most variance; 0: all of them. The own
   * token's vector keeps every dimension: it says most about the token's tag.
   */
  readonly contextDims: number;
  /**
   * Case evidence from the pool: how often the token's word appears lower-cased elsewhere in the
   * pool (not first in its record). A capitalised word that is mostly seen in lower case ("The",
   * "Committee") is rarely a name; one never seen lower-cased ("Daniel") often is. Fitted on
   * the pool's texts, no labels.
   */
  readonly caseEvidence: boolean;
}

export const DEFAULT_CONTEXT: ContextOptions = { window: 1, neighbourShapes: true, capitalisedVector: true, unknownFlag: true, project: 64, contextDims: 24, caseEvidence: true };

/** Tokens the projection is fitted on (a seeded-free, evenly spaced sample of the pool's tokens). */
const PROJECTION_SAMPLE = 20_000;

/** Turns records into the tagger's rows; fitted once on the pool, then applied to any record. */
export type TokenFeaturizer = (records: readonly SpanRecord[]) => TokenFeatures;

/** The pool's featurizer: fits what depends on the pool (the projection), and returns the function every record set goes through. */
export function contextFeaturizer(pool: readonly SpanRecord[], o: ContextOptions = DEFAULT_CONTEXT): TokenFeaturizer {
  const dim = pool.find((r) => r.tokens.vectors.rows > 0)?.tokens.vectors.cols ?? 0;
  const cases = o.caseEvidence ? caseEvidenceOf(pool) : undefined;
  const members = new Set(pool);
  const inPool = (r: SpanRecord): boolean => members.has(r);
  if (o.project <= 0 || o.project >= dim) return (records) => contextTokenFeatures(records, o, cases, inPool);
  const total = pool.reduce((n, r) => n + r.tokens.vectors.rows, 0);
  const step = Math.max(1, Math.floor(total / PROJECTION_SAMPLE));
  const rows = Math.ceil(total / step);
  const sample = new Float32Array(rows * dim);
  let seen = 0;
  let kept = 0;
  for (const r of pool) {
    const v = r.tokens.vectors;
    for (let t = 0; t < v.rows; t++, seen++) if (seen % step === 0 && kept < rows) sample.set(v.data.subarray(t * dim, (t + 1) * dim), kept++ * dim);
  }
  const dirs = fitCommonComponents({ rows: kept, cols: dim, data: sample.subarray(0, kept * dim) }, o.project).directions;
  const k = dirs.length;
  const project = (v: Float32Array, n: number): Float32Array => {
    const out = new Float32Array(n * k);
    for (let t = 0; t < n; t++) {
      for (let c = 0; c < k; c++) {
        const u = dirs[c];
        let s = 0;
        for (let j = 0; j < dim; j++) s += v[t * dim + j] * u[j];
        out[t * k + c] = s;
      }
    }
    return out;
  };
  // Projected copies, mapped back to the records they came from (for the pool test).
  return (records) => {
    const projected = records.map((r) => ({ text: r.text, tokens: { tokens: r.tokens.tokens, vectors: { rows: r.tokens.vectors.rows, cols: k, data: project(r.tokens.vectors.data, r.tokens.vectors.rows) } } }));
    const origin = new Map<SpanRecord, SpanRecord>(projected.map((p, i) => [p, records[i]]));
    return contextTokenFeatures(projected, o, cases, (p) => inPool(origin.get(p) ?? p));
  };
}

/**
 * Per word: [share of its pool occurrences (not first in a record) in lower case, whether it
 * occurs there at all]. `own`: the word is itself one of those occurrences (a pool record's token
 * past the first), which is left out, so that the pool's rows see what a new record's would.
 */
export type CaseEvidence = (word: string, own: boolean) => readonly [number, number];

function caseEvidenceOf(pool: readonly SpanRecord[]): CaseEvidence {
  const counts = new Map<string, { lower: number; total: number }>();
  for (const r of pool) {
    const toks = r.tokens.tokens;
    for (let k = 1; k < toks.length; k++) {
      const w = r.text.slice(toks[k].start, toks[k].end);
      if (!/\p{L}/u.test(w)) continue;
      const key = w.toLowerCase();
      let c = counts.get(key);
      if (!c) counts.set(key, (c = { lower: 0, total: 0 }));
      c.total++;
      if (w === key) c.lower++;
    }
  }
  return (word, own) => {
    const key = word.toLowerCase();
    const c = counts.get(key);
    if (!c) return [0, 0];
    const total = c.total - (own ? 1 : 0);
    const lower = c.lower - (own && word === key ? 1 : 0);
    return total > 0 ? [lower / total, 1] : [0, 0];
  };
}

/**
 * Token rows with context: the token's vector, its neighbours' vectors (zero past the record's
 * edges), word-shape features of the token and its neighbours, the vector again for capitalised
 * tokens, and an unknown-word flag. Stateless per record, so the pool and any new record (a test
 * split, a predict call) get the same columns.
 */
export function contextTokenFeatures(records: readonly SpanRecord[], o: ContextOptions = DEFAULT_CONTEXT, cases?: CaseEvidence, inPool?: (r: SpanRecord) => boolean): TokenFeatures {
  const dim = records.find((r) => r.tokens.vectors.rows > 0)?.tokens.vectors.cols ?? 0;
  const W = o.window;
  const span = 2 * W + 1;
  const shapeBlocks = o.neighbourShapes ? span : 1;
  const caseCols = cases ? 2 * shapeBlocks : 0;
  const cd = o.contextDims > 0 ? Math.min(o.contextDims, dim) : dim;
  const cols = dim + cd * (span - 1) + (o.capitalisedVector ? cd : 0) + SHAPE_COUNT * shapeBlocks + (o.unknownFlag ? 1 : 0) + caseCols;
  const offsets = new Int32Array(records.length + 1);
  records.forEach((r, i) => (offsets[i + 1] = offsets[i] + r.tokens.tokens.length));
  const data = new Float32Array(offsets[records.length] * cols);
  records.forEach((rec, i) => {
    const toks = rec.tokens.tokens;
    const n = toks.length;
    const v = rec.tokens.vectors.data;
    const words = toks.map((t) => rec.text.slice(t.start, t.end));
    const shapes = new Uint8Array(n * SHAPE_COUNT);
    for (let k = 0; k < n; k++) for (let s = 0; s < SHAPE_COUNT; s++) shapes[k * SHAPE_COUNT + s] = SHAPES[s](words[k], k, words) ? 1 : 0;
    const own = inPool?.(rec) === true;
    const caseOf = cases ? words.map((w, k) => cases(w, own && k > 0 && /\p{L}/u.test(w))) : undefined;
    for (let k = 0; k < n; k++) {
      let o2 = (offsets[i] + k) * cols;
      for (let dk = -W; dk <= W; dk++) {
        const j = k + dk;
        const width = dk === 0 ? dim : cd;
        if (j >= 0 && j < n) data.set(v.subarray(j * dim, j * dim + width), o2);
        o2 += width;
      }
      if (o.capitalisedVector) {
        if (shapes[k * SHAPE_COUNT]) data.set(v.subarray(k * dim, k * dim + cd), o2);
        o2 += cd;
      }
      for (let dk = o.neighbourShapes ? -W : 0; dk <= (o.neighbourShapes ? W : 0); dk++, o2 += SHAPE_COUNT) {
        const j = k + dk;
        if (j >= 0 && j < n) for (let s = 0; s < SHAPE_COUNT; s++) data[o2 + s] = shapes[j * SHAPE_COUNT + s];
      }
      if (o.unknownFlag) {
        let zero = true;
        for (let d = 0; d < dim && zero; d++) if (v[k * dim + d] !== 0) zero = false;
        data[o2++] = zero ? 1 : 0;
      }
      if (caseOf) {
        for (let dk = o.neighbourShapes ? -W : 0; dk <= (o.neighbourShapes ? W : 0); dk++, o2 += 2) {
          const j = k + dk;
          if (j >= 0 && j < n) {
            data[o2] = caseOf[j][0];
            data[o2 + 1] = caseOf[j][1];
          }
        }
      }
    }
  });
  return { X: { rows: offsets[records.length], cols, data }, offsets };
}

/** The default tagger features (see contextFeaturizer), fitted on the pool. */
export function spanFeaturizer(pool: readonly SpanRecord[]): TokenFeaturizer {
  return contextFeaturizer(pool);
}
