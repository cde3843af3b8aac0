import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../../../src/core/learners/rng';
import { FEATURE_NAMES } from '../../../src/core/meta/features';
import type { PriorJson } from '../../../src/core/meta/prior';
import { STRATEGY_NAMES } from '../../../src/core/strategies/strategy';

/** A prior with seeded random weights (not a trained one): enough to check the plumbing. */
export function randomPrior(seed: number, hidden = 6, heldOut: string | null = null): PriorJson {
  const rng = createRng(seed);
  const r = (): number => Number((rng() * 2 - 1).toFixed(6));
  const F = FEATURE_NAMES.length;
  const S = STRATEGY_NAMES.length;
  return {
    format: 'labelwise-prior/1',
    heldOut,
    trainedOn: ['synthetic'],
    features: [...FEATURE_NAMES],
    strategies: [...STRATEGY_NAMES],
    mean: Array.from({ length: F }, r),
    std: Array.from({ length: F }, () => 0.5 + Math.abs(r())),
    layers: [
      { weight: Array.from({ length: hidden }, () => Array.from({ length: F }, r)), bias: Array.from({ length: hidden }, r), activation: 'relu' },
      { weight: Array.from({ length: S }, () => Array.from({ length: hidden }, r)), bias: Array.from({ length: S }, r), activation: 'linear' },
    ],
  };
}

/** Writes priors (file name → JSON) to a fresh temp folder and builds their ONNX graphs with models/buildPrior.mjs. */
export function buildFixturePriors(priors: Record<string, PriorJson>): string {
  const dir = mkdtempSync(join(tmpdir(), 'labelwise-prior-'));
  for (const [name, p] of Object.entries(priors)) writeFileSync(join(dir, `${name}.json`), JSON.stringify(p));
  execFileSync(process.execPath, [join(__dirname, '..', '..', '..', 'models', 'buildPrior.mjs'), '--dir', dir], { stdio: 'pipe' });
  return dir;
}
