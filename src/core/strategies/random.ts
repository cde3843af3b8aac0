import type { PoolState, Strategy } from './strategy';

/** Uniform random scores from the state's seeded generator: the baseline every strategy must beat. */
export const randomStrategy: Strategy = {
  name: 'random',
  score(state: PoolState): Float32Array {
    const out = new Float32Array(state.unlabeled.length);
    for (let i = 0; i < out.length; i++) out[i] = state.rng();
    return out;
  },
};
