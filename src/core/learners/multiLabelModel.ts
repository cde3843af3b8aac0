import type { Vectors } from '../types';
import { DEFAULT_COMMITTEE_SIZE } from './committee';
import { MultiLabelCommittee, OneVsRest } from './oneVsRest';
import { deriveSeed } from './rng';
import type { RejectedRows } from './softmax';
import { summariseCommittee, type CommitteeView } from '../strategies/committeeSummary';
import { rowRange } from './modelWithCommittee';

export interface MultiLabelModelOptions {
  readonly classes: number;
  readonly committeeSize?: number;
  readonly seed: number;
  readonly C?: number;
}

/**
 * The multi-label counterpart of ModelWithCommittee: a one-vs-rest main model fitted on every label set
 * (its per-label probabilities drive the strategies and the guess a user sees) plus a bootstrap
 * committee of one-vs-rest models, fitted only when a strategy asks for it. Both warm-start.
 */
export class MultiLabelModel {
  readonly main: OneVsRest;
  readonly committee: MultiLabelCommittee;
  private pending: { rows: Int32Array; Y: Uint8Array; rejected?: RejectedRows } | undefined;

  constructor(
    readonly X: Vectors,
    readonly opts: MultiLabelModelOptions,
    learners?: { readonly main: OneVsRest; readonly committee: MultiLabelCommittee },
  ) {
    this.main = learners?.main ?? new OneVsRest({ classes: opts.classes, C: opts.C });
    this.committee =
      learners?.committee ??
      new MultiLabelCommittee({ classes: opts.classes, C: opts.C, size: opts.committeeSize ?? DEFAULT_COMMITTEE_SIZE, seed: deriveSeed(opts.seed, 0x6d6c) });
  }

  clone(): MultiLabelModel {
    const c = new MultiLabelModel(this.X, this.opts, { main: this.main.clone(), committee: this.committee.clone() });
    c.pending = this.pending;
    return c;
  }

  get trained(): boolean {
    return this.main.trained;
  }

  /** `Y`: rows.length × classes multi-hot targets; `rejected`: a negative for that one label. */
  fit(rows: Int32Array, Y: Uint8Array, rejected?: RejectedRows): void {
    this.main.fit(this.X, rows, Y, { warmStart: true, rejected });
    this.pending = { rows, Y, rejected };
  }

  memberProba(rows?: Int32Array): Float32Array[] {
    if (this.pending) {
      this.committee.fit(this.X, this.pending.rows, this.pending.Y, { warmStart: true, rejected: this.pending.rejected });
      this.pending = undefined;
    }
    return this.committee.memberProba(this.X, rows);
  }

  /** The committee's per-row summary over the whole pool (votes: members saying a label applies), streamed in chunks of rows. */
  committeeView(): CommitteeView {
    return summariseCommittee(this.X.rows, this.opts.classes, (s, e) => this.memberProba(rowRange(s, e)), (rows) => this.memberProba(rows), true);
  }
}
