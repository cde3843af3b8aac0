import { basename } from 'node:path';
import { InputError, SettingError } from '../errors';
import { createRng, deriveSeed, shuffleInPlace } from '../learners/rng';
import type { Logger } from '../types';
import type { SimulateOptions } from './simulate';
import { stratifiedTestIds } from './split';

/** The settings of a simulated run that decide its split, budget and initial labels. */
export type RunSettings = Pick<SimulateOptions, 'data' | 'seed' | 'init' | 'batch' | 'budget' | 'testFraction' | 'split' | 'name'>;

/** What every simulated run starts from, classification and entity spans alike. */
export interface RunPlan {
  /** Dataset name in the result: `name`, or the file name without .jsonl. */
  readonly name: string;
  /** Held-out records, sorted. */
  readonly testIds: readonly number[];
  /** The other records, in file order: row p of the pool is record poolIds[p]. */
  readonly poolIds: readonly number[];
  /** The budget, cut to the pool's size (with a warning) when it is larger. */
  readonly budget: number;
  /** Pool rows labeled before the first round: the split's initIds, or `init` drawn by seed. */
  readonly initPos: readonly number[];
}

/**
 * Checks a run's numbers and plans it (DESIGN.md "simulate"): the split (`split` as given, or a
 * test split stratified by `strata` and chosen by seed), the budget and the initial labels.
 * Errors name the flag or the dataset file.
 */
export function planRun(s: RunSettings, strata: readonly number[], log: Logger): RunPlan {
  for (const [flag, v] of [['--init', s.init], ['--batch', s.batch], ['--budget', s.budget]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new SettingError(flag, `${flag} must be an integer ≥ 1, got ${v}`);
  }
  if (s.init > s.budget) throw new SettingError('--init', `--init (${s.init}) is larger than --budget (${s.budget})`);
  const file = s.data.file;
  const N = s.data.records.length;
  const testIds = s.split ? [...s.split.testIds].sort((a, b) => a - b) : stratifiedTestIds(strata, s.testFraction, deriveSeed(s.seed, 1));
  const isTest = new Uint8Array(N);
  for (const id of testIds) isTest[id] = 1;
  const poolIds: number[] = [];
  for (let i = 0; i < N; i++) if (!isTest[i]) poolIds.push(i);
  if (poolIds.length === 0) throw new InputError(`${file}: the test split leaves no records in the pool`, file);
  if (testIds.length === 0) throw new InputError(`${file}: the test split is empty (too few records for --test-fraction ${s.testFraction})`, file);

  let budget = s.budget;
  if (budget > poolIds.length) {
    log.warn(`budget ${budget} is larger than the pool (${poolIds.length} records); stopping when the pool is exhausted`);
    budget = poolIds.length;
  }
  let initPos: number[];
  if (s.split?.initIds) {
    const posOf = new Map(poolIds.map((id, p) => [id, p]));
    initPos = s.split.initIds.map((id) => posOf.get(id)!);
  } else {
    const order = shuffleInPlace(Int32Array.from(poolIds.keys()), createRng(deriveSeed(s.seed, 2)));
    initPos = Array.from(order.subarray(0, Math.min(s.init, poolIds.length)));
  }
  return { name: s.name ?? basename(file).replace(/\.jsonl$/i, ''), testIds, poolIds, budget, initPos };
}

/** The fields every simulation result opens with (DESIGN.md "simulate"), in the contract's order. */
export interface RunHeader<T extends string> {
  readonly dataset: string;
  readonly task: T;
  readonly strategy: string;
  readonly seed: number;
  readonly init: number;
  readonly batch: number;
  readonly budget: number;
  readonly pool: number;
  readonly test: number;
}

/** A result's opening fields: the budget as asked for (the plan's may be cut to the pool). */
export function runHeader<T extends string>(task: T, plan: RunPlan, s: RunSettings & { readonly strategy: string }): RunHeader<T> {
  return {
    dataset: plan.name,
    task,
    strategy: s.strategy,
    seed: s.seed,
    init: plan.initPos.length,
    batch: s.batch,
    budget: s.budget,
    pool: plan.poolIds.length,
    test: plan.testIds.length,
  };
}
