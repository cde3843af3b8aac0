import { SettingError } from '../errors';
import { eglStrategy } from './egl';
import { entropyStrategy } from './entropy';
import { klStrategy } from './kl';
import { leastConfidenceStrategy } from './leastConfidence';
import { marginStrategy } from './margin';
import { randomStrategy } from './random';
import { STRATEGY_NAMES, type Strategy, type StrategyName } from './strategy';
import { voteEntropyStrategy } from './voteEntropy';

const strategies: Record<StrategyName, Strategy> = {
  random: randomStrategy,
  'least-confidence': leastConfidenceStrategy,
  margin: marginStrategy,
  entropy: entropyStrategy,
  'vote-entropy': voteEntropyStrategy,
  kl: klStrategy,
  egl: eglStrategy,
};

/** Every name `--strategy` and `labelwise.strategy` accept: the meta-learner and the fixed strategies. */
export const STRATEGY_CHOICES: readonly string[] = ['meta', ...STRATEGY_NAMES];

export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}

/** The fixed strategy of that name; an unknown name is an error listing the valid ones. */
export function strategyByName(name: string, setting = 'strategy'): Strategy {
  if (!isStrategyName(name)) {
    throw new SettingError(setting, `unknown strategy "${name}"; valid strategies: ${STRATEGY_CHOICES.join(', ')}`);
  }
  return strategies[name];
}

/** All fixed strategies, in STRATEGY_NAMES order. */
export function allStrategies(): Strategy[] {
  return STRATEGY_NAMES.map((n) => strategies[n]);
}
