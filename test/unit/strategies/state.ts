import { createRng } from '../../../src/core/learners/rng';
import type { PoolState } from '../../../src/core/strategies/strategy';
import type { Matrix } from '../../../src/core/types';

/** A hand-made pool state: one unlabeled row per probability row, X given or 1-d zeros. */
export function stateOf(probs: number[][], opts: { committee?: number[][][]; X?: Matrix; seed?: number } = {}): PoolState {
  const K = probs[0]?.length ?? 2;
  const n = probs.length;
  const X = opts.X ?? { rows: n, cols: 1, data: new Float32Array(n) };
  return {
    X,
    classes: K,
    unlabeled: Int32Array.from({ length: n }, (_, i) => i),
    labeled: new Int32Array(0),
    labels: new Int32Array(0),
    probs: Float32Array.from(probs.flat()),
    committeeProbs: (opts.committee ?? []).map((m) => Float32Array.from(m.flat())),
    rng: createRng(opts.seed ?? 1),
    round: 1,
    predict: () => new Float32Array(0),
  };
}

/** The same pool with nothing trained: no probabilities at all. */
export function untrainedState(n: number, K: number): PoolState {
  return { ...stateOf(Array.from({ length: n }, () => new Array<number>(K).fill(1 / K))), probs: new Float32Array(0), committeeProbs: [] };
}
