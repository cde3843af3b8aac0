import { createMetaSelector } from './metaSelector';
import type { SelectorContext, SelectorFactory } from '../strategies/selectorFactory';
import type { BatchSelector } from '../strategies/strategy';
import type { Logger } from '../types';

/**
 * The meta-learner as a SelectorFactory: the engine's default for `strategy: 'meta'`, and what the
 * CLI and benchmarks hand simulate(). When the context names a dataset to hold out (simulate()
 * adds it to what the engine asks for; the engine itself never names one), the
 * meta-learner picks the prior trained without it, unless `extra.prior` names the prior
 * explicitly: then that prior is used whatever the dataset is called.
 */
export function metaSelectorFactory(logger?: Logger, extra: { readonly prior?: string; readonly requireHeldOut?: boolean } = {}): SelectorFactory {
  return (ctx: SelectorContext): Promise<BatchSelector> =>
    createMetaSelector({
      ...extra,
      batch: ctx.batch,
      budget: ctx.budget,
      init: ctx.init,
      seed: ctx.seed,
      diversity: ctx.diversity,
      dataset: extra.prior === undefined ? ctx.holdOut : undefined,
      logger,
    });
}
