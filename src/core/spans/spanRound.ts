import type { TokenVectors } from '../encoders/encoder';
import type { SuggestedEntity } from '../session/spanPick';
import type { Matrix } from '../types';
import { decodeBio, entitiesOfPath, entityProbability, meanTokenEntropy, noEntityProbability, type BioLattice } from './bioDecode';
import type { SpanScores } from './spanStrategies';
import type { TagLayer } from './tagLayers';

/** The tagger's posteriors over the pool's token rows: per layer, rows × layer.T. */
export interface LayerProbs {
  readonly main: readonly Float32Array[];
  /** Per layer, each committee member's posteriors (fitted and computed on first call). */
  readonly members: () => readonly (readonly Float32Array[])[];
}

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
  const lattice = (r: number, li: number, p: ArrayLike<number> = probs.main[li]): BioLattice =>
    decodeBio(p, offsets[r] * layers[li].T, offsets[r + 1] - offsets[r], layers[li].T);
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
  return {
    mnlp(r: number): number {
      if (Number.isNaN(mnlp[r])) summarise(r);
      return mnlp[r];
    },
    tokenEntropy(r: number): number {
      if (Number.isNaN(entropy[r])) summarise(r);
      return entropy[r];
    },
    anyEntity(r: number): number {
      if (Number.isNaN(any[r])) summarise(r);
      return any[r];
    },
    expectedChange(r: number): number {
      if (!Number.isNaN(change[r])) return change[r];
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
      return (change[r] = n > 0 ? total / n : 0);
    },
    entityDisagreement(r: number): number {
      if (!Number.isNaN(disagree[r])) return disagree[r];
      // Vote entropy over entities: each member decodes its best valid sequence; every entity
      // proposed by a member is a binary vote (proposed or not) whose entropy counts.
      const members = probs.members();
      let h = 0;
      let count = 0;
      layers.forEach((_, li) => {
        const M = members[li].length;
        if (M === 0) return;
        const votes = new Map<string, number>();
        for (const m of members[li]) {
          for (const e of entitiesOfPath(lattice(r, li, m).path)) {
            const k = `${e.a}:${e.b}:${e.l}`;
            votes.set(k, (votes.get(k) ?? 0) + 1);
          }
        }
        for (const v of votes.values()) {
          const q = v / M;
          h -= q * Math.log(q) + (q < 1 ? (1 - q) * Math.log(1 - q) : 0);
          count++;
        }
      });
      // Per token, like MNLP: a long record does not win for its length alone.
      const n = offsets[r + 1] - offsets[r];
      return (disagree[r] = count > 0 && n > 0 ? h / n : 0);
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
