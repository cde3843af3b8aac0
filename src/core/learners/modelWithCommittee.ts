import type { PoolState } from '../strategies/strategy';
import type { Vectors } from '../types';
import { BootstrapCommittee, DEFAULT_COMMITTEE_SIZE } from './committee';
import { streamPool } from './poolPredict';
import { CommitteeSummaryBuilder, summariseCommittee, type CommitteeView } from '../strategies/committeeSummary';
import { attach, knnGraphOf } from './knnGraph';
import { productOfExperts, spreadLabels, type Seed } from './labelPropagation';
import { deriveSeed, type Rng } from './rng';
import {
  choosePseudoLabels,
  propagationSettings,
  selfTrainingCandidates,
  selfTrainingSettings,
  type PseudoLabels,
  type SemiSupervised,
} from './selfTraining';
import { SoftmaxRegression, type RejectedRows } from './softmax';

export interface ModelWithCommitteeOptions {
  readonly classes: number;
  readonly committeeSize?: number;
  readonly seed: number;
  /** Inverse L2 strength of every softmax (see SoftmaxOptions.C). */
  readonly C?: number;
  readonly classBalanced?: boolean;
  /** The semi-supervised step after each fit (selfTraining.ts); absent = supervised only. */
  readonly semiSupervised?: SemiSupervised;
}

/**
 * The base learner of a labeling round: the main softmax model fitted on all labels (its
 * probabilities drive the uncertainty strategies and the predictions a user sees) plus a bootstrap
 * committee (for query by committee). Both warm-start from the previous round. The engine's
 * learner (src/core/engine), and the entity-span simulator's (src/core/simulation/simulateSpans.ts).
 */
export class ModelWithCommittee {
  readonly main: SoftmaxRegression;
  readonly committee: BootstrapCommittee;
  /** Labels the committee has not been fitted on yet. */
  private pending: { rows: Int32Array; y: Int32Array; sampleWeight?: Float32Array; rejected?: RejectedRows } | undefined;
  /** The pseudo-labels of the last fit (empty without the semi-supervised step). */
  lastPseudo: PseudoLabels = { rows: new Int32Array(0), y: new Int32Array(0) };

  constructor(
    readonly X: Vectors,
    readonly opts: ModelWithCommitteeOptions,
    learners?: { readonly main: SoftmaxRegression; readonly committee: BootstrapCommittee },
  ) {
    this.main = learners?.main ?? new SoftmaxRegression({ classes: opts.classes, C: opts.C, classBalanced: opts.classBalanced });
    this.committee =
      learners?.committee ??
      new BootstrapCommittee({
        classes: opts.classes,
        C: opts.C,
        classBalanced: opts.classBalanced,
        size: opts.committeeSize ?? DEFAULT_COMMITTEE_SIZE,
        seed: deriveSeed(opts.seed, 0x636f6d),
      });
  }

  /**
   * An independent copy (weights, pending committee fit and all): fitting the copy gives exactly
   * what fitting this model would, and this one keeps answering meanwhile.
   */
  clone(): ModelWithCommittee {
    const c = new ModelWithCommittee(this.X, this.opts, { main: this.main.clone(), committee: this.committee.clone() });
    c.pending = this.pending;
    c.lastPseudo = this.lastPseudo;
    return c;
  }

  get trained(): boolean {
    return this.main.trained;
  }

  /**
   * Fits the main model now; the committee is fitted when a strategy first asks for its
   * probabilities (most strategies never do, and it costs five more fits a round). `rejected`:
   * rows whose proposed class an annotator rejected (negative evidence, see RejectedRows).
   */
  fit(rows: Int32Array, y: Int32Array, rejected?: RejectedRows): void {
    this.main.fit(this.X, rows, y, { warmStart: true, rejected });
    this.pending = { rows, y, rejected };
    this.lastPseudo = { rows: new Int32Array(0), y: new Int32Array(0) };
    if (this.opts.semiSupervised) this.selfTrain(rows, y, rejected);
  }

  /**
   * Self-training (selfTraining.ts): pseudo-labels from the model just fitted (alone, or combined
   * with labels propagated over the kNN graph), then one more fit (warm-started) on labels +
   * pseudo-labels, the pseudo ones at a lower weight. The committee is fitted on the same rows
   * later, each member on its own bootstrap resample of them, so members stay diverse.
   */
  private selfTrain(rows: Int32Array, y: Int32Array, rejected?: RejectedRows): void {
    const pseudo = this.pseudoLabels(rows, y, rejected);
    if (!pseudo) return;
    const s = this.opts.semiSupervised!;
    const weight = s.method === 'propagation' ? propagationSettings(s).weight : selfTrainingSettings(s).weight;
    const n = rows.length;
    const allRows = new Int32Array(n + pseudo.rows.length);
    allRows.set(rows);
    allRows.set(pseudo.rows, n);
    const allY = new Int32Array(allRows.length);
    allY.set(y);
    allY.set(pseudo.y, n);
    const sampleWeight = new Float32Array(allRows.length).fill(1);
    sampleWeight.fill(weight, n);
    this.main.fit(this.X, allRows, allY, { warmStart: true, sampleWeight, rejected });
    this.pending = { rows: allRows, y: allY, sampleWeight, rejected };
    this.lastPseudo = pseudo;
  }

  /** The pseudo-labels of the configured method for the model just fitted (undefined: none). */
  private pseudoLabels(rows: Int32Array, y: Int32Array, rejected?: RejectedRows): PseudoLabels | undefined {
    const K = this.opts.classes;
    const perClass = new Float64Array(K);
    for (const c of y) perClass[c]++;
    const exclude = rejected ? [...rows, ...rejected.rows] : rows;
    const method = this.opts.semiSupervised!;
    if (method.method === 'self-training') {
      const s = selfTrainingSettings(method);
      const candidates = selfTrainingCandidates(this.X.rows, exclude, s.sample, this.opts.seed);
      if (candidates.length === 0) return undefined;
      const pseudo = choosePseudoLabels(this.main.predictProba(this.X, candidates), candidates, K, perClass, s);
      return pseudo.rows.length > 0 ? pseudo : undefined;
    }
    const s = propagationSettings(method);
    const graph = knnGraphOf(this.X, s.k, s.sample, this.opts.seed);
    // Labeled rows in the graph seed their own node; the others seed their nearest nodes.
    const seeds: Seed[] = [];
    rows.forEach((r, i) => {
      const node = graph.nodeOf[r];
      if (node >= 0) seeds.push({ node, cls: y[i], weight: 1 });
      else {
        const near = attach(graph, r);
        near.nodes.forEach((nd, t) => nd >= 0 && seeds.push({ node: nd, cls: y[i], weight: near.weights[t] }));
      }
    });
    const spread = spreadLabels(graph, seeds, K, s.alpha);
    const skip = new Uint8Array(this.X.rows);
    for (const r of exclude) skip[r] = 1;
    const at: number[] = [];
    graph.nodes.forEach((r, i) => !skip[r] && at.push(i));
    if (at.length === 0) return undefined;
    const candidates = Int32Array.from(at, (i) => graph.nodes[i]);
    const q = new Float64Array(at.length * K);
    at.forEach((i, t) => q.set(spread.subarray(i * K, (i + 1) * K), t * K));
    const poe = productOfExperts(this.main.predictProba(this.X, candidates), q, at.length, K);
    const pseudo = choosePseudoLabels(poe, candidates, K, perClass, s);
    return pseudo.rows.length > 0 ? pseudo : undefined;
  }

  /** Brings the committee up to date with the last fit() (no-op when it already is). */
  fitCommittee(): void {
    if (!this.pending) return;
    const { rows, y, sampleWeight, rejected } = this.pending;
    this.committee.fit(this.X, rows, y, { warmStart: true, sampleWeight, rejected });
    this.pending = undefined;
  }

  /** Each member's probabilities for the given rows (fits the committee first if needed). */
  memberProba(rows?: Int32Array): Float32Array[] {
    this.fitCommittee();
    return this.committee.memberProba(this.X, rows);
  }

  /**
   * The main model's probabilities on every row of the pool, and the committee's per-row summary
   * (fits the committee first if needed), from one streamed pass through ONNX Runtime
   * (poolPredict.ts): what a retrain computes once and serves queries from. The members'
   * probabilities exist a chunk of rows at a time only.
   */
  async scorePool(): Promise<{ probs: Float32Array; committee: CommitteeView }> {
    this.fitCommittee();
    const K = this.opts.classes;
    const members = this.committee.members;
    const probs = new Float32Array(this.X.rows * K);
    const summary = new CommitteeSummaryBuilder(this.X.rows, K, members.length);
    await streamPool([this.main, ...members], this.X, (start, [main, ...parts]) => {
      probs.set(main, start * K);
      summary.add(start, parts, main.length / K);
    });
    return { probs, committee: summary.build((rows) => this.committee.memberProba(this.X, rows)) };
  }

  /** The committee's per-row summary over the whole pool, streamed through the JavaScript kernels (fits the committee first if needed). */
  committeeView(): CommitteeView {
    this.fitCommittee();
    return summariseCommittee(this.X.rows, this.opts.classes, (s, e) => this.memberProba(rowRange(s, e)), (rows) => this.memberProba(rows));
  }

  /**
   * The state strategies score: probabilities of the main model on the pool, and the committee's
   * summary, computed on first access. For driving a selector without an engine (benchmarks,
   * tests); the engine builds its own from the model in service.
   */
  poolState(unlabeled: Int32Array, labeled: Int32Array, labels: Int32Array, round: number, rng: Rng): PoolState {
    let committee: CommitteeView | undefined;
    const view = (): CommitteeView => (committee ??= this.committeeView());
    return {
      X: this.X,
      classes: this.opts.classes,
      unlabeled,
      labeled,
      labels,
      poolProbs: this.main.predictProba(this.X),
      get committee(): CommitteeView {
        return view();
      },
      rng,
      round,
      predict: (rows: Int32Array): Float32Array => this.main.predictProba(this.X, rows),
    };
  }
}

/** Rows start .. end − 1. */
export function rowRange(start: number, end: number): Int32Array {
  return Int32Array.from({ length: end - start }, (_, i) => start + i);
}
