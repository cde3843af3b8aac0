import { selectBatch, type BatchOptions } from './selectBatch';
import type { BatchSelector, Pick, PoolState, Strategy } from './strategy';

/** One fixed strategy through the shared batch selector. */
export function createFixedSelector(strategy: Strategy, opts: BatchOptions): BatchSelector {
  return {
    name: strategy.name,
    select(state: PoolState, n: number): Promise<Pick[]> {
      const scores = strategy.score(state);
      const pos = selectBatch(state.X, state.unlabeled, scores, n, state.rng, opts);
      return Promise.resolve(pos.map((p) => ({ row: state.unlabeled[p], strategy: strategy.name, score: scores[p] })));
    },
    weights(): Record<string, number> {
      return { [strategy.name]: 1 };
    },
  };
}
