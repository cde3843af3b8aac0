import { NotTrainedError } from '../errors';
import type { CommitteeView } from './committeeSummary';
import type { PoolState } from './strategy';

/**
 * The main model's probabilities of every row of the pool, checked: a strategy must never score an
 * untrained model as zeros. Row r's are at r·classes (read the unlabeled rows through state.unlabeled).
 */
export function requireProbs(state: PoolState, strategy: string): Float32Array {
  if (state.unlabeled.length > 0 && state.poolProbs.length !== state.X.rows * state.classes) {
    throw new NotTrainedError(`${strategy}: the model has not been trained yet (no probabilities for the pool)`);
  }
  return state.poolProbs;
}

/** The committee's view, checked likewise. */
export function requireCommittee(state: PoolState, strategy: string): CommitteeView {
  if (state.unlabeled.length === 0) return state.committee;
  const c = state.committee;
  if (c.size < 2 || c.voteEntropy.length !== state.X.rows) {
    throw new NotTrainedError(`${strategy}: the committee has not been trained yet (needs at least 2 members' probabilities)`);
  }
  return c;
}
