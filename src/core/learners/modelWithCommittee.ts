import type { PoolState } from '../strategies/strategy';
import type { Matrix } from '../types';
import { BootstrapCommittee, DEFAULT_COMMITTEE_SIZE } from './committee';
import { predictPool } from './poolPredict';
import { deriveSeed, type Rng } from './rng';
import { SoftmaxRegression, type RejectedRows } from './softmax';

export interface ModelWithCommitteeOptions {
  readonly classes: number;
  readonly committeeSize?: number;
  readonly seed: number;
  /** Inverse L2 strength of every softmax (see SoftmaxOptions.C). */
  readonly C?: number;
  readonly classBalanced?: boolean;
}

/**
 * The base learner of a labeling round: the main softmax model fitted on all labels (its
 * probabilities drive the uncertainty strategies and the predictions a user sees) plus a bootstrap
 * committee (for query by committee). Both warm-start from the previous round. The engine's
 * learner (src/core/engine), and the entity-span simulator's (src/core/al/simulateSpans.ts).
 */
export class ModelWithCommittee {
  readonly main: SoftmaxRegression;
  readonly committee: BootstrapCommittee;
  /** Labels the committee has not been fitted on yet. */
  private pending: { rows: Int32Array; y: Int32Array; rejected?: RejectedRows } | undefined;

  constructor(
    readonly X: Matrix,
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
  }

  /** Brings the committee up to date with the last fit() (no-op when it already is). */
  fitCommittee(): void {
    if (!this.pending) return;
    this.committee.fit(this.X, this.pending.rows, this.pending.y, { warmStart: true, rejected: this.pending.rejected });
    this.pending = undefined;
  }

  /** Each member's probabilities for the given rows (fits the committee first if needed). */
  memberProba(rows?: Int32Array): Float32Array[] {
    this.fitCommittee();
    return this.committee.memberProba(this.X, rows);
  }

  /**
   * The main model's and every member's probabilities on every row of the pool (fits the
   * committee first if needed), in one pass through ONNX Runtime (poolPredict.ts): what a
   * retrain computes once and serves queries from.
   */
  async predictPool(): Promise<{ probs: Float32Array; members: Float32Array[] }> {
    this.fitCommittee();
    const [probs, ...members] = await predictPool([this.main, ...this.committee.members], this.X);
    return { probs, members };
  }

  /**
   * The state strategies score: probabilities of the main model on `unlabeled`, and of each
   * committee member, computed on first access. For driving a selector without an engine
   * (benchmarks, tests); the engine builds its own from the model in service.
   */
  poolState(unlabeled: Int32Array, labeled: Int32Array, labels: Int32Array, round: number, rng: Rng): PoolState {
    let members: Float32Array[] | undefined;
    const memberProba = (): Float32Array[] => (members ??= this.memberProba(unlabeled));
    return {
      X: this.X,
      classes: this.opts.classes,
      unlabeled,
      labeled,
      labels,
      probs: this.main.predictProba(this.X, unlabeled),
      get committeeProbs(): readonly Float32Array[] {
        return memberProba();
      },
      rng,
      round,
      predict: (rows: Int32Array): Float32Array => this.main.predictProba(this.X, rows),
    };
  }
}
