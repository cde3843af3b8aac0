import type { PoolState } from '../strategies/strategy';
import type { Matrix } from '../types';
import { BootstrapCommittee, DEFAULT_COMMITTEE_SIZE } from './committee';
import { deriveSeed, type Rng } from './rng';
import { SoftmaxRegression } from './softmax';

export interface ActiveModelOptions {
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
 * committee (for query by committee). Both warm-start from the previous round. Shared by the
 * engine and the simulator so they behave the same.
 */
export class ActiveModel {
  readonly main: SoftmaxRegression;
  readonly committee: BootstrapCommittee;

  constructor(
    readonly X: Matrix,
    readonly opts: ActiveModelOptions,
  ) {
    this.main = new SoftmaxRegression({ classes: opts.classes, C: opts.C, classBalanced: opts.classBalanced });
    this.committee = new BootstrapCommittee({
      classes: opts.classes,
      C: opts.C,
      classBalanced: opts.classBalanced,
      size: opts.committeeSize ?? DEFAULT_COMMITTEE_SIZE,
      seed: deriveSeed(opts.seed, 0x636f6d),
    });
  }

  get trained(): boolean {
    return this.main.trained && this.committee.trained;
  }

  fit(rows: Int32Array, y: Int32Array): void {
    this.main.fit(this.X, rows, y, { warmStart: true });
    this.committee.fit(this.X, rows, y, { warmStart: true });
  }

  /** The state strategies score: probabilities of the main model and of each member on `unlabeled`. */
  poolState(unlabeled: Int32Array, labeled: Int32Array, labels: Int32Array, round: number, rng: Rng): PoolState {
    return {
      X: this.X,
      classes: this.opts.classes,
      unlabeled,
      labeled,
      labels,
      probs: this.main.predictProba(this.X, unlabeled),
      committeeProbs: this.committee.memberProba(this.X, unlabeled),
      rng,
      round,
      predict: (rows: Int32Array): Float32Array => this.main.predictProba(this.X, rows),
    };
  }
}
