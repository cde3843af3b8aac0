import { rankScores } from './scoreRank';
import { strategyBatch, type BatchOptions } from './selectBatch';
import type { BatchSelector, Pick, PoolState, Strategy } from './strategy';

/** One fixed strategy through the shared batch selector. */
export function createFixedSelector(strategy: Strategy, opts: BatchOptions): BatchSelector {
  return {
    name: strategy.name,
    select(state: PoolState, n: number): Promise<Pick[]> {
      const scores = strategy.score(state);
      const pos = strategyBatch(strategy, state, scores, n, opts);
      // Random draws are no ranking: only scored strategies say where the pick stands.
      const ranks = strategy.name === 'random' ? undefined : rankScores(scores, pos.map((p) => scores[p]));
      return Promise.resolve(pos.map((p, i) => ({ row: state.unlabeled[p], strategy: strategy.name, score: scores[p], ...ranks?.[i] })));
    },
    weights(): Record<string, number> {
      return { [strategy.name]: 1 };
    },
  };
}
