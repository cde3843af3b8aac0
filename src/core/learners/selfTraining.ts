import { SettingError } from '../errors';
import { createRng, deriveSeed } from './rng';

/**
 * Self-training (the semi-supervised step of the base learner, issue 8 item 4): after the
 * supervised fit, the unlabeled rows the model is most sure of get its guess as a pseudo-label,
 * and the model is fitted again on the labels plus those pseudo-labels at a lower weight. Shaped
 * after HAST (Schröder & Heyer 2024): a confidence threshold, a class-balanced quota (each class
 * gets pseudo-labels in proportion to its real labels, so a class the annotator has not labeled
 * gets none and a dominant class cannot swamp the rest), and a reduced weight for pseudo-labels.
 * It lives in the learner, so every strategy sees the same model.
 */
export interface SelfTrainingOptions {
  readonly method: 'self-training';
  /** A pseudo-label needs the model's top probability ≥ this (default DEFAULT_SELF_TRAINING.threshold). */
  readonly threshold?: number;
  /** Pseudo-labels per real label of the same class, at most (default DEFAULT_SELF_TRAINING.ratio). */
  readonly ratio?: number;
  /** Weight of a pseudo-labeled row in the fit, a real label weighing 1 (default DEFAULT_SELF_TRAINING.weight). */
  readonly weight?: number;
  /**
   * Unlabeled rows considered, at most: above this a seeded sample (fixed per model seed) is
   * scored, so the step costs the same on a 100,000-span pool as on a 20,000-span one.
   */
  readonly sample?: number;
}

/**
 * Self-training whose pseudo-labels come from label propagation over a k-nearest-neighbour graph
 * of the vectors (knnGraph.ts, labelPropagation.ts) combined with the model: the guess is the
 * product of the softmax's and the propagated distributions, so a pseudo-label needs both to
 * agree. The graph covers a seeded sample of at most `sample` rows (built once per pool).
 */
export interface PropagationOptions extends Omit<SelfTrainingOptions, 'method'> {
  readonly method: 'propagation';
  /** Neighbours per node (default DEFAULT_PROPAGATION.k). */
  readonly k?: number;
  /** Weight of the neighbours against a node's own seed, in [0, 1) (default DEFAULT_PROPAGATION.alpha). */
  readonly alpha?: number;
}

/** The semi-supervised step of the base learner; absent = supervised only. */
export type SemiSupervised = SelfTrainingOptions | PropagationOptions;

export const DEFAULT_SELF_TRAINING = { threshold: 0.8, ratio: 1, weight: 0.5, sample: 20_000 } as const;
/** Tuned (lightly: threshold 0.6/0.8/0.9 × ratio 1/3, 2 seeds) on brown-genre only, the project's dev set. */
export const DEFAULT_PROPAGATION = { threshold: 0.8, ratio: 3, weight: 0.5, sample: 4000, k: 10, alpha: 0.9 } as const;

/** Self-training options with every default filled in and checked. */
export function selfTrainingSettings(o: SelfTrainingOptions): Required<SelfTrainingOptions> {
  return checked({ ...DEFAULT_SELF_TRAINING, ...definedOnly(o), method: o.method });
}

/** Propagation options with every default filled in and checked. */
export function propagationSettings(o: PropagationOptions): Required<PropagationOptions> {
  const s = checked({ ...DEFAULT_PROPAGATION, ...definedOnly(o), method: o.method });
  if (!Number.isInteger(s.k) || s.k < 1) throw new SettingError('semiSupervised.k', `must be an integer ≥ 1, got ${s.k}`);
  if (!(s.alpha >= 0 && s.alpha < 1)) throw new SettingError('semiSupervised.alpha', `must be in [0, 1), got ${s.alpha}`);
  return s;
}

function checked<T extends Required<Omit<SelfTrainingOptions, 'method'>>>(s: T): T {
  if (!(s.threshold > 0 && s.threshold <= 1)) throw new SettingError('semiSupervised.threshold', `must be in (0, 1], got ${s.threshold}`);
  if (!(s.ratio >= 0) || !Number.isFinite(s.ratio)) throw new SettingError('semiSupervised.ratio', `must be a finite number ≥ 0, got ${s.ratio}`);
  if (!(s.weight > 0 && s.weight <= 1)) throw new SettingError('semiSupervised.weight', `must be in (0, 1], got ${s.weight}`);
  if (!Number.isInteger(s.sample) || s.sample < 1) throw new SettingError('semiSupervised.sample', `must be an integer ≥ 1, got ${s.sample}`);
  return s;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface PseudoLabels {
  readonly rows: Int32Array;
  readonly y: Int32Array;
}

/**
 * Chooses pseudo-labels among `candidates` given the model's probabilities on them (candidates ×
 * classes, row-major): a candidate qualifies when its top probability is ≥ `threshold`; class k
 * keeps its ⌊ratio · labeledPerClass[k]⌋ most confident qualifiers (ties: lower row first). Out:
 * grouped by class, most confident first.
 */
export function choosePseudoLabels(
  probs: Float32Array,
  candidates: Int32Array,
  classes: number,
  labeledPerClass: ArrayLike<number>,
  opts: { readonly threshold: number; readonly ratio: number },
): PseudoLabels {
  const byClass: { row: number; conf: number }[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < candidates.length; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[i * classes + k] > probs[i * classes + best]) best = k;
    const conf = probs[i * classes + best];
    if (conf >= opts.threshold) byClass[best].push({ row: candidates[i], conf });
  }
  const rows: number[] = [];
  const y: number[] = [];
  byClass.forEach((list, k) => {
    const quota = Math.floor(opts.ratio * (labeledPerClass[k] ?? 0) + 1e-9);
    if (quota <= 0) return;
    list.sort((a, b) => b.conf - a.conf || a.row - b.row);
    for (const c of list.slice(0, quota)) {
      rows.push(c.row);
      y.push(k);
    }
  });
  return { rows: Int32Array.from(rows), y: Int32Array.from(y) };
}

/**
 * The unlabeled rows self-training scores: every row of the pool that is neither labeled nor
 * rejected, or, above `sample` of them, a seeded sample of that many (the same seed draws the
 * same permutation each round, so the sample only loses the rows that got labeled). Ascending.
 */
export function selfTrainingCandidates(poolRows: number, exclude: Iterable<number>, sample: number, seed: number): Int32Array {
  const skip = new Uint8Array(poolRows);
  for (const r of exclude) if (r >= 0 && r < poolRows) skip[r] = 1;
  const free: number[] = [];
  for (let r = 0; r < poolRows; r++) if (!skip[r]) free.push(r);
  if (free.length <= sample) return Int32Array.from(free);
  // A fixed random order of the whole pool, then the first `sample` free rows in it.
  const order = permutation(poolRows, deriveSeed(seed, 0x73736c));
  const out: number[] = [];
  for (let i = 0; i < order.length && out.length < sample; i++) if (!skip[order[i]]) out.push(order[i]);
  return Int32Array.from(out.sort((a, b) => a - b));
}

const permutations = new Map<string, Int32Array>();

/** A seeded permutation of 0..n-1, memoised (one per pool size and seed; a session has one). */
function permutation(n: number, seed: number): Int32Array {
  const key = `${n}:${seed}`;
  const hit = permutations.get(key);
  if (hit) return hit;
  const rng = createRng(seed);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  if (permutations.size > 8) permutations.clear();
  permutations.set(key, p);
  return p;
}
