import { NotTrainedError, SettingError } from '../errors';
import type { Vectors } from '../types';
import { DEFAULT_COMMITTEE_SIZE } from './committee';
import { createRng, deriveSeed } from './rng';
import { SoftmaxRegression, type RejectedRows } from './softmax';

export interface OneVsRestOptions {
  /** Number of labels; each gets its own binary model. */
  readonly classes: number;
  /** Inverse L2 strength of every binary model (see SoftmaxOptions.C). */
  readonly C?: number;
  readonly maxIter?: number;
  readonly tol?: number;
}

export interface MultiLabelFitOptions {
  readonly warmStart?: boolean;
  /**
   * Rows whose proposed label an annotator rejected: a negative for that label's binary model only
   * (nothing is known about the other labels of the row).
   */
  readonly rejected?: RejectedRows;
}

/**
 * Multi-label classification, one-vs-rest: one binary logistic regression per label (a two-class
 * SoftmaxRegression, so the same L-BFGS, standardisation and warm start), each asked "does this
 * label apply?". predictProba gives P(label k applies | x) per label; the values do not sum to 1.
 * Deterministic, like the softmax it is made of.
 */
export class OneVsRest {
  readonly classes: number;
  readonly binaries: readonly SoftmaxRegression[];

  constructor(
    private readonly opts: OneVsRestOptions,
    binaries?: readonly SoftmaxRegression[],
  ) {
    if (!Number.isInteger(opts.classes) || opts.classes < 1) throw new SettingError('classes', `a multi-label classifier needs at least 1 label, got ${opts.classes}`);
    this.classes = opts.classes;
    this.binaries = binaries ?? Array.from({ length: opts.classes }, () => new SoftmaxRegression({ classes: 2, C: opts.C, maxIter: opts.maxIter, tol: opts.tol }));
  }

  clone(): OneVsRest {
    return new OneVsRest(this.opts, this.binaries.map((b) => b.clone()));
  }

  get trained(): boolean {
    return this.binaries.every((b) => b.trained);
  }

  /** `Y`: rows.length × classes, 1 where the label applies to the row, 0 where it does not. */
  fit(X: Vectors, rows: Int32Array, Y: Uint8Array, opts?: MultiLabelFitOptions): void {
    const K = this.classes;
    if (Y.length !== rows.length * K) throw new RangeError(`fit: ${rows.length} rows × ${K} labels need ${rows.length * K} targets, got ${Y.length}`);
    if (rows.length === 0) throw new RangeError('fit: no labeled rows');
    const rej = opts?.rejected;
    this.binaries.forEach((b, k) => {
      const extra: number[] = [];
      if (rej) for (let i = 0; i < rej.rows.length; i++) if (rej.classes[i] === k) extra.push(rej.rows[i]);
      const r = new Int32Array(rows.length + extra.length);
      const y = new Int32Array(r.length);
      r.set(rows);
      for (let i = 0; i < rows.length; i++) y[i] = Y[i * K + k];
      // A rejected label is a plain negative for its own binary model.
      r.set(extra, rows.length);
      b.fit(X, r, y, { warmStart: opts?.warmStart });
    });
  }

  /** P(label applies) for the given rows (all when omitted): rows × classes, row-major. */
  predictProba(X: Vectors, rows?: Int32Array): Float32Array {
    if (!this.trained) throw new NotTrainedError();
    const K = this.classes;
    const m = rows ? rows.length : X.rows;
    const out = new Float32Array(m * K);
    this.binaries.forEach((b, k) => {
      const p = b.predictProba(X, rows);
      for (let i = 0; i < m; i++) out[i * K + k] = p[i * 2 + 1];
    });
    return out;
  }
}

export interface MultiLabelCommitteeOptions extends OneVsRestOptions {
  readonly size?: number;
  readonly seed: number;
}

/**
 * A bootstrap committee of one-vs-rest models for query by committee on multi-label tasks: each
 * member is fitted on a seeded bootstrap resample of the labeled rows (rejected rows go to every
 * member as they are), and votes "applies" for a label when its P ≥ 0.5.
 */
export class MultiLabelCommittee {
  readonly members: readonly OneVsRest[];
  private fits = 0;

  constructor(
    private readonly opts: MultiLabelCommitteeOptions,
    members?: readonly OneVsRest[],
  ) {
    const size = opts.size ?? DEFAULT_COMMITTEE_SIZE;
    if (!Number.isInteger(size) || size < 2) throw new SettingError('labelwise.committeeSize', `the committee needs at least 2 members, got ${size}`);
    this.members = members ?? Array.from({ length: size }, () => new OneVsRest(opts));
  }

  clone(): MultiLabelCommittee {
    const c = new MultiLabelCommittee(this.opts, this.members.map((m) => m.clone()));
    c.fits = this.fits;
    return c;
  }

  get trained(): boolean {
    return this.members.every((m) => m.trained);
  }

  fit(X: Vectors, rows: Int32Array, Y: Uint8Array, opts?: MultiLabelFitOptions): void {
    const K = this.opts.classes;
    const n = rows.length;
    const fitNo = this.fits++;
    this.members.forEach((member, m) => {
      const rng = createRng(deriveSeed(this.opts.seed, m, fitNo));
      const r = new Int32Array(n);
      const y = new Uint8Array(n * K);
      for (let t = 0; t < n; t++) {
        const p = Math.floor(rng() * n);
        r[t] = rows[p];
        y.set(Y.subarray(p * K, (p + 1) * K), t * K);
      }
      member.fit(X, r, y, opts);
    });
  }

  memberProba(X: Vectors, rows?: Int32Array): Float32Array[] {
    if (!this.trained) throw new NotTrainedError('the committee has not been trained yet');
    return this.members.map((m) => m.predictProba(X, rows));
  }
}
