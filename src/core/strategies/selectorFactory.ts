import { SettingError } from '../errors';
import { createFixedSelector } from './fixedSelector';
import { strategyByName } from './registry';
import type { BatchSelector, StrategyChoice } from './strategy';

/** What a batch selector is built from, for one labeling session or one simulation. */
export interface SelectorContext {
  /** 'meta' or a fixed strategy name. */
  readonly strategy: StrategyChoice;
  readonly classes: number;
  readonly seed: number;
  readonly diversity: boolean;
  /** With diversity: candidates per pick the diverse batch is drawn from (see BatchOptions). */
  readonly candidateFactor?: number;
  /** Spans per round. */
  readonly batch: number;
  /** Label budget, when known (simulation). */
  readonly budget?: number;
  /** Labels the run starts from, when known (simulation). */
  readonly init?: number;
  /**
   * Simulations and benchmarks only: the gold dataset being simulated (its file name without
   * .jsonl, e.g. "brown-genre"), so that the meta-learner runs with a learned prior that was never
   * trained on it (its leave-one-out prior). The labeling engine never sets it: a workspace or
   * folder name must not select or refuse a prior.
   */
  readonly holdOut?: string;
}

export type SelectorFactory = (ctx: SelectorContext) => BatchSelector | Promise<BatchSelector>;

/**
 * Builds the selector: fixed strategies here; `meta` through the given factory (the meta-learner
 * lives in src/core/meta and is plugged in by the caller, which keeps this module free of it).
 */
export async function createSelector(ctx: SelectorContext, metaFactory?: SelectorFactory): Promise<BatchSelector> {
  if (ctx.strategy === 'meta') {
    if (!metaFactory) throw new SettingError('strategy', 'the meta-learner is not available in this build; choose a fixed strategy');
    return metaFactory(ctx);
  }
  return createFixedSelector(strategyByName(ctx.strategy), { diversity: ctx.diversity, candidateFactor: ctx.candidateFactor });
}
