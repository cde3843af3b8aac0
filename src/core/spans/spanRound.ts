import type { TokenVectors } from '../encoders/encoder';
import type { SuggestedEntity } from '../session/spanPick';
import type { Matrix } from '../types';
import { decodeBio, entitiesOfPath, entityProbability, meanTokenEntropy, noEntityProbability, viterbi, type BioLattice } from './bioDecode';
import type { SpanScores } from './spanStrategies';
import type { TagLayer } from './tagLayers';

/** The tagger's posteriors over the pool's token rows: per layer, rows × layer.T. */
export interface LayerProbs {
  readonly main: readonly Float32Array[];
  /**
   * Per layer, each committee member's posteriors on the given token rows (rows.length × T, in
   * that order); the committee is fitted on first call.
   */
  readonly members: (rows: Int32Array) => readonly (readonly Float32Array[])[];
}

/**
 * Committee disagreement is worked out only where the main tagger sees a possible entity (some
 * token with at least this probability of not being O): elsewhere the members, fitted on
 * resamples of the same labels, all but surely agree on "no entity", and their prediction pass
 * over every token of the pool was most of a round's time.
 */
const POSSIBLE_ENTITY = 0.05;
/** At most this many records (the likeliest to hold entities) get the committee's pass per call. */
const DISAGREEMENT_SHORTLIST = 1500;

/** One retrain's view of the pool: the span scores, suggestions and unsure entities of every record. */
export interface SpanRound extends SpanScores {
  /** P(the record has at least one entity). */
  anyEntity(record: number): number;
  /** The best valid entities of a record with their exact probabilities. */
  suggest(record: number): SuggestedEntity[];
  /** Entities (suggested or nearly) whose probability is furthest from sure, most uncertain first. */
  uncertainEntities(record: number, max?: number): SuggestedEntity[];
}

/** An entity as token range [a, b] of label index l within its layer. */
interface TokenEntity {
  readonly a: number;
  readonly b: number;
  readonly l: number;
}

/** Marginal of B- at a token above which it starts an "almost suggested" entity. */
const NEAR_START = 0.1;
/** Probabilities within [UNSURE, 1 − UNSURE] are unsure. */
const UNSURE = 0.1;

/** Entities of the best valid sequences of each layer, as text offsets with their probability. */
export function suggestFromProbs(layers: readonly TagLayer[], probs: readonly ArrayLike<number>[], rowStart: number, rec: TokenVectors): SuggestedEntity[] {
  const n = rec.tokens.length;
  const out: SuggestedEntity[] = [];
  layers.forEach((layer, li) => {
    const lat = decodeBio(probs[li], rowStart * layer.T, n, layer.T);
    for (const e of entitiesOfPath(lat.path)) out.push(toEntity(e, layer, rec, entityProbability(lat, e.a, e.b, e.l)));
  });
  return out.sort((x, y) => x.start - y.start || x.end - y.end);
}

function toEntity(e: TokenEntity, layer: TagLayer, rec: TokenVectors, confidence: number): SuggestedEntity {
  return { start: rec.tokens[e.a].start, end: rec.tokens[e.b].end, label: layer.labels[e.l], confidence };
}

/**
 * A round's scores. Lattices are decoded when first asked for and their summaries kept; the
 * lattices themselves are not kept (a few per record would be the pool's size many times over).
 */
export function createSpanRound(layers: readonly TagLayer[], records: readonly TokenVectors[], offsets: Int32Array, X: Matrix, probs: LayerProbs): SpanRound {
  const R = records.length;
  const mnlp = new Float64Array(R).fill(NaN);
  const entropy = new Float64Array(R).fill(NaN);
  const any = new Float64Array(R).fill(NaN);
  const change = new Float64Array(R).fill(NaN);
  const disagree = new Float64Array(R).fill(NaN);
  const lattice = (r: number, li: number): BioLattice => decodeBio(probs.main[li], offsets[r] * layers[li].T, offsets[r + 1] - offsets[r], layers[li].T);
  const summarise = (r: number): void => {
    const n = offsets[r + 1] - offsets[r];
    let logp = 0;
    let h = 0;
    let none = 1;
    layers.forEach((_, li) => {
      const lat = lattice(r, li);
      logp += lat.pathLogProb;
      h += meanTokenEntropy(lat);
      none *= noEntityProbability(lat);
    });
    mnlp[r] = n > 0 ? -logp / n : 0;
    entropy[r] = h / layers.length;
    any[r] = 1 - none;
  };
  const summary = (cache: Float64Array) => (records: Int32Array): Float32Array =>
    Float32Array.from(records, (r) => {
      if (Number.isNaN(cache[r])) summarise(r);
      return cache[r];
    });
  /** The largest probability of "not O" over a record's tokens, over layers. */
  const entityMass = (r: number): number => {
    let m = 0;
    layers.forEach((layer, li) => {
      const p = probs.main[li];
      for (let t = offsets[r]; t < offsets[r + 1]; t++) m = Math.max(m, 1 - p[t * layer.T]);
    });
    return m;
  };
  const expectedChange = (r: number): number => {
    // Softmax EGL per token (as src/core/strategies/egl.ts): ‖x̃‖·Σ_y p_y·‖p − e_y‖ with the
    // tagger's own posteriors, summed over layers, averaged over the record's tokens.
    const d = X.cols;
    let total = 0;
    for (let row = offsets[r]; row < offsets[r + 1]; row++) {
      let xx = 1;
      for (let j = 0; j < d; j++) xx += X.data[row * d + j] * X.data[row * d + j];
      layers.forEach((layer, li) => {
        const T = layer.T;
        const p = probs.main[li];
        let pp = 0;
        for (let k = 0; k < T; k++) pp += p[row * T + k] * p[row * T + k];
        let e = 0;
        for (let k = 0; k < T; k++) e += p[row * T + k] * Math.sqrt(Math.max(0, 1 - 2 * p[row * T + k] + pp));
        total += Math.sqrt(xx) * e;
      });
    }
    const n = offsets[r + 1] - offsets[r];
    return n > 0 ? total / n : 0;
  };
  /** Vote entropy over entities for a batch of records, from one pass of the committee over their tokens. */
  const disagreeOn = (batch: readonly number[]): void => {
    const rowStart = new Int32Array(batch.length + 1);
    batch.forEach((r, i) => (rowStart[i + 1] = rowStart[i] + offsets[r + 1] - offsets[r]));
    const rows = new Int32Array(rowStart[batch.length]);
    batch.forEach((r, i) => {
      for (let t = 0; t < offsets[r + 1] - offsets[r]; t++) rows[rowStart[i] + t] = offsets[r] + t;
    });
    const members = probs.members(rows);
    batch.forEach((r, i) => {
      const n = offsets[r + 1] - offsets[r];
      let h = 0;
      layers.forEach((layer, li) => {
        const M = members[li].length;
        if (M === 0) return;
        // Each member decodes its best valid sequence; every entity some member proposes is a
        // binary vote (proposed or not) whose entropy counts.
        const votes = new Map<number, number>();
        for (const m of members[li]) {
          for (const e of entitiesOfPath(viterbi(m, rowStart[i] * layer.T, n, layer.T).path)) {
            const k = (e.a * (n + 1) + e.b) * layer.labels.length + e.l;
            votes.set(k, (votes.get(k) ?? 0) + 1);
          }
        }
        for (const v of votes.values()) {
          const q = v / M;
          h -= q * Math.log(q) + (q < 1 ? (1 - q) * Math.log(1 - q) : 0);
        }
      });
      // Per token, like MNLP: a long record does not win for its length alone.
      disagree[r] = n > 0 ? h / n : 0;
    });
  };
  return {
    mnlp: summary(mnlp),
    tokenEntropy: summary(entropy),
    expectedChange(records: Int32Array): Float32Array {
      return Float32Array.from(records, (r) => (Number.isNaN(change[r]) ? (change[r] = expectedChange(r)) : change[r]));
    },
    entityDisagreement(records: Int32Array): Float32Array {
      const todo: { r: number; m: number }[] = [];
      for (const r of records) {
        if (!Number.isNaN(disagree[r])) continue;
        const m = entityMass(r);
        if (m >= POSSIBLE_ENTITY) todo.push({ r, m });
        else disagree[r] = 0;
      }
      todo.sort((a, b) => b.m - a.m || a.r - b.r);
      // Past the shortlist: not worked out this round (scored 0, and asked again next call).
      if (todo.length > 0) disagreeOn(todo.slice(0, DISAGREEMENT_SHORTLIST).map((x) => x.r));
      return Float32Array.from(records, (r) => (Number.isNaN(disagree[r]) ? 0 : disagree[r]));
    },
    anyEntity(r: number): number {
      if (Number.isNaN(any[r])) summarise(r);
      return any[r];
    },
    suggest(r: number): SuggestedEntity[] {
      return suggestFromProbs(layers, probs.main, offsets[r], records[r]);
    },
    uncertainEntities(r: number, max = 5): SuggestedEntity[] {
      const rec = records[r];
      const n = rec.tokens.length;
      const found: SuggestedEntity[] = [];
      layers.forEach((layer, li) => {
        const lat = lattice(r, li);
        const T = layer.T;
        const cands = new Map<string, TokenEntity>();
        for (const e of entitiesOfPath(lat.path)) cands.set(`${e.a}:${e.b}:${e.l}`, e);
        // Nearly suggested: every token likely enough to begin an entity, extended while the
        // entity's continuation is likelier than not.
        for (let a = 0; a < n; a++) {
          for (let l = 0; l < layer.labels.length; l++) {
            if (lat.marginals[a * T + 2 * l + 1] < NEAR_START) continue;
            let b = a;
            while (b + 1 < n && lat.marginals[(b + 1) * T + 2 * l + 2] >= 0.5) b++;
            cands.set(`${a}:${b}:${l}`, { a, b, l });
          }
        }
        for (const e of cands.values()) {
          const p = entityProbability(lat, e.a, e.b, e.l);
          if (p >= UNSURE && p <= 1 - UNSURE) found.push(toEntity(e, layer, rec, p));
        }
      });
      return found.sort((x, y) => Math.abs(x.confidence - 0.5) - Math.abs(y.confidence - 0.5) || x.start - y.start).slice(0, max);
    },
  };
}
