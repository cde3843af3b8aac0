import { classBalanceStrategy } from './classBalance';
import { coverageStrategy } from './coverage';
import { eglStrategy } from './egl';
import { entropyStrategy } from './entropy';
import { klStrategy } from './kl';
import { leastConfidenceStrategy } from './leastConfidence';
import { marginStrategy } from './margin';
import { randomStrategy } from './random';
import { STRATEGY_NAMES, type Strategy, type StrategyName } from './strategy';
import { typicalityStrategy } from './typicality';
import { voteEntropyStrategy } from './voteEntropy';

const strategies: Record<StrategyName, Strategy> = {
  random: randomStrategy,
  'least-confidence': leastConfidenceStrategy,
  margin: marginStrategy,
  entropy: entropyStrategy,
  'vote-entropy': voteEntropyStrategy,
  kl: klStrategy,
  egl: eglStrategy,
  typicality: typicalityStrategy,
  coverage: coverageStrategy,
  'class-balance': classBalanceStrategy,
};

/** Whether a pick's strategy (Pick.strategy, a string) names a fixed strategy. */
export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}

/** The fixed strategy of that name (names are parsed at the boundary: settingsParser.ts, the CLI). */
export function strategyByName(name: StrategyName): Strategy {
  return strategies[name];
}

/** All fixed strategies, in STRATEGY_NAMES order. */
export function allStrategies(): Strategy[] {
  return STRATEGY_NAMES.map((n) => strategies[n]);
}
