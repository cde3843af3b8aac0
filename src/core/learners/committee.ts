import { NotTrainedError, SettingError } from '../errors';
import type { Vectors } from '../types';
import type { ProbabilisticClassifier } from './learner';
import { createRng, deriveSeed } from './rng';
import { predictStacked, SoftmaxRegression, type FitOptions, type SoftmaxOptions } from './softmax';

export interface CommitteeOptions extends SoftmaxOptions {
  /** Number of bootstrap members (labelwise.committeeSize, default 5). */
  readonly size?: number;
  readonly seed: number;
}

export const DEFAULT_COMMITTEE_SIZE = 5;

/**
 * A bootstrap committee of softmax regressions for query-by-committee. Each member is fitted on a
 * stratified bootstrap resample of the labels (every labeled class keeps at least one example in
 * every member, which matters with a handful of labels). Resampling is seeded by (seed, member,
 * fit number), so one seed reproduces a whole sequence of fits. Members warm-start from their own
 * previous weights.
 */
export class BootstrapCommittee implements ProbabilisticClassifier {
  readonly classes: number;
  readonly members: readonly SoftmaxRegression[];
  private readonly seed: number;
  private fits = 0;

  constructor(
    private readonly opts: CommitteeOptions,
    members?: readonly SoftmaxRegression[],
  ) {
    const size = opts.size ?? DEFAULT_COMMITTEE_SIZE;
    if (!Number.isInteger(size) || size < 2) throw new SettingError('labelwise.committeeSize', `the committee needs at least 2 members, got ${size}`);
    this.classes = opts.classes;
    this.seed = opts.seed;
    this.members = members ?? Array.from({ length: size }, () => new SoftmaxRegression(opts));
  }

  /** An independent copy: same members' weights and the same place in the resampling sequence. */
  clone(): BootstrapCommittee {
    const c = new BootstrapCommittee(this.opts, this.members.map((m) => m.clone()));
    c.fits = this.fits;
    return c;
  }

  get trained(): boolean {
    return this.members.every((m) => m.trained);
  }

  /** Rejected rows (negative evidence) go to every member as they are: they are not resampled. */
  fit(X: Vectors, rows: Int32Array, y: Int32Array, opts?: FitOptions): void {
    const fitNo = this.fits++;
    this.members.forEach((member, m) => {
      const pick = bootstrapPicks(y, this.classes, createRng(deriveSeed(this.seed, m, fitNo)));
      const r = new Int32Array(pick.length);
      const yy = new Int32Array(pick.length);
      const sw = opts?.sampleWeight ? new Float32Array(pick.length) : undefined;
      pick.forEach((p, t) => {
        r[t] = rows[p];
        yy[t] = y[p];
        if (sw && opts?.sampleWeight) sw[t] = opts.sampleWeight[p];
      });
      member.fit(X, r, yy, { warmStart: opts?.warmStart, sampleWeight: sw, rejected: opts?.rejected });
    });
  }

  /** Mean of the members' probabilities. */
  predictProba(X: Vectors, rows?: Int32Array): Float32Array {
    const all = this.memberProba(X, rows);
    const out = new Float32Array(all[0].length);
    for (const p of all) for (let i = 0; i < p.length; i++) out[i] += p[i];
    for (let i = 0; i < out.length; i++) out[i] /= all.length;
    return out;
  }

  /** Each member's probabilities, rows × classes each, from one pass over the rows (predictStacked). */
  memberProba(X: Vectors, rows?: Int32Array): Float32Array[] {
    if (!this.trained) throw new NotTrainedError('the committee has not been trained yet');
    return predictStacked(this.members, X, rows);
  }
}

/**
 * A stratified bootstrap resample of labels y in [0, classes): for each class in turn, as many
 * draws (with replacement) among its own positions as it has. Returns positions into y. Member m
 * of fit f draws with createRng(deriveSeed(seed, m, f)) (exported for the learner benchmark, which
 * hands scikit-learn the very rows each member is fitted on).
 */
export function bootstrapPicks(y: Int32Array, classes: number, rng: () => number): number[] {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < y.length; i++) byClass[y[i]].push(i);
  const pick: number[] = [];
  for (const idx of byClass) {
    for (let t = 0; t < idx.length; t++) pick.push(idx[Math.floor(rng() * idx.length)]);
  }
  return pick;
}
