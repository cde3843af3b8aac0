import { NotTrainedError } from '../errors';
import type { PoolState } from './strategy';

/** The main model's probabilities, checked: a strategy must never score an untrained model as zeros. */
export function requireProbs(state: PoolState, strategy: string): Float32Array {
  if (state.unlabeled.length > 0 && state.probs.length !== state.unlabeled.length * state.classes) {
    throw new NotTrainedError(`${strategy}: the model has not been trained yet (no probabilities for the pool)`);
  }
  return state.probs;
}

/** The committee's probabilities, checked likewise. */
export function requireCommittee(state: PoolState, strategy: string): readonly Float32Array[] {
  const want = state.unlabeled.length * state.classes;
  if (state.unlabeled.length > 0 && (state.committeeProbs.length < 2 || state.committeeProbs.some((p) => p.length !== want))) {
    throw new NotTrainedError(`${strategy}: the committee has not been trained yet (needs at least 2 members' probabilities)`);
  }
  return state.committeeProbs;
}
