import { createRng } from '../../../src/core/learners/rng';
import { NO_COMMITTEE, summariseCommittee, type CommitteeView } from '../../../src/core/strategies/committeeSummary';
import type { PoolState } from '../../../src/core/strategies/strategy';
import type { Matrix } from '../../../src/core/types';

/** A hand-made pool state: one unlabeled row per probability row, X given or 1-d zeros. */
export function stateOf(probs: number[][], opts: { committee?: number[][][]; X?: Matrix; seed?: number; multiLabel?: boolean } = {}): PoolState {
  const K = probs[0]?.length ?? 2;
  const n = probs.length;
  const X = opts.X ?? { rows: n, cols: 1, data: new Float32Array(n) };
  return {
    X,
    classes: K,
    unlabeled: Int32Array.from({ length: n }, (_, i) => i),
    labeled: new Int32Array(0),
    labels: new Int32Array(0),
    poolProbs: Float32Array.from(probs.flat()),
    committee: committeeViewOf((opts.committee ?? []).map((m) => Float32Array.from(m.flat())), K, opts.multiLabel === true),
    ...(opts.multiLabel ? { multiLabel: true } : {}),
    rng: createRng(opts.seed ?? 1),
    round: 1,
    predict: () => new Float32Array(0),
  };
}

/** The same pool with nothing trained: no probabilities at all. */
export function untrainedState(n: number, K: number): PoolState {
  return { ...stateOf(Array.from({ length: n }, () => new Array<number>(K).fill(1 / K))), poolProbs: new Float32Array(0), committee: NO_COMMITTEE };
}

/** The committee view of members' probabilities given for every row of the pool (rows × K each). */
export function committeeViewOf(members: readonly Float32Array[], K: number, multiLabel = false): CommitteeView {
  const rows = members[0] ? members[0].length / K : 0;
  const some = (at: Int32Array): Float32Array[] => members.map((m) => Float32Array.from({ length: at.length * K }, (_, i) => m[at[Math.floor(i / K)] * K + (i % K)]));
  return summariseCommittee(rows, K, (s, e) => members.map((m) => m.subarray(s * K, e * K)), some, multiLabel);
}
