import { readFileSync } from 'node:fs';
import { InputError } from '../errors';
import { createRng, shuffleInPlace } from '../learners/rng';

/** A fixed split: zero-based record (line) numbers. The pool is every record not in testIds. */
export interface Split {
  readonly testIds: readonly number[];
  /** Initial labeled records (a subset of the pool); when absent, drawn at random by seed. */
  readonly initIds?: readonly number[];
}

/**
 * Holds out round(fraction·n_c) records of every class c for testing, chosen by seed, but never
 * all of a class: each class with 2+ records keeps one in the pool. Returns sorted test ids.
 */
export function stratifiedTestIds(labels: readonly number[], fraction: number, seed: number): number[] {
  const byClass = new Map<number, number[]>();
  labels.forEach((c, i) => {
    const list = byClass.get(c);
    if (list) list.push(i);
    else byClass.set(c, [i]);
  });
  const rng = createRng(seed);
  const test: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const ids = shuffleInPlace(byClass.get(c)!.slice(), rng);
    const k = Math.min(Math.round(fraction * ids.length), ids.length - 1);
    for (let t = 0; t < k; t++) test.push(ids[t]);
  }
  return test.sort((a, b) => a - b);
}

/** Reads and validates a `--split` file against a dataset of `records` records. Errors name the file. */
export function readSplit(file: string, records: number): Split {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read the split (${(e as Error).message})`, file);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(raw);
  } catch (e) {
    throw new InputError(`${file}: the split is not valid JSON (${(e as Error).message})`, file);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new InputError(`${file}: the split must be a JSON object {"testIds": [...], "initIds": [...]}`, file);
  }
  const o = obj as Record<string, unknown>;
  const ids = (key: string, required: boolean): number[] | undefined => {
    const v = o[key];
    if (v === undefined && !required) return undefined;
    if (!Array.isArray(v)) throw new InputError(`${file}: "${key}" must be an array of record numbers`, file);
    const seen = new Set<number>();
    for (const [k, id] of v.entries()) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= records) {
        throw new InputError(`${file}: ${key}[${k}] = ${JSON.stringify(id)} is not a record number in 0..${records - 1}`, file);
      }
      if (seen.has(id)) throw new InputError(`${file}: ${key} lists record ${id} twice`, file);
      seen.add(id);
    }
    return v as number[];
  };
  const testIds = ids('testIds', true)!;
  const initIds = ids('initIds', false);
  if (initIds) {
    const test = new Set(testIds);
    const clash = initIds.find((id) => test.has(id));
    if (clash !== undefined) throw new InputError(`${file}: initIds contains record ${clash}, which is also in testIds`, file);
  }
  if (testIds.length === 0) throw new InputError(`${file}: "testIds" is empty; there would be nothing to evaluate on`, file);
  if (testIds.length >= records) throw new InputError(`${file}: "testIds" holds every record; the pool would be empty`, file);
  return { testIds, initIds };
}
