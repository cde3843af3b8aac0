// What every dataset builder shares: the record (DESIGN.md "Gold datasets", classification), where
// an installed package's files are, and deterministic sampling (fixed seeds, so a rebuild from the
// same package versions gives the same file byte for byte).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, shuffleInPlace, type Rng } from '../../src/core/learners/rng';

export interface Rec {
  text: string;
  label: string;
  meta: Record<string, unknown>;
}

/** The folder of an installed package (works for packages whose `exports` hide package.json). */
export function packageDir(name: string): string {
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`package ${name} is not installed (it is a devDependency: run npm install)`);
}

/** `name@version` of an installed package, for the records' provenance. */
export function packageId(name: string): string {
  const pkg = JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string };
  return `${name}@${pkg.version}`;
}

/** Whitespace collapsed, trimmed. */
export function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export function wordCount(s: string): number {
  return s.split(/\s+/).filter((w) => w.length > 0).length;
}

function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  return [...shuffleInPlace(Int32Array.from(items.keys()), rng)].map((i) => items[i]);
}

/**
 * Drops records whose text occurs more than once (under any label: a text with two labels would be
 * unlearnable noise, and an exact duplicate would leak between pool and test split).
 */
export function dropDuplicateTexts(recs: readonly Rec[]): Rec[] {
  const seen = new Map<string, number>();
  for (const r of recs) seen.set(r.text, (seen.get(r.text) ?? 0) + 1);
  return recs.filter((r) => seen.get(r.text) === 1);
}

export interface SampleOptions {
  /** Keep only classes with at least this many records (before capping). */
  readonly minPerClass?: number;
  /** At most this many records of one class, drawn at random. */
  readonly maxPerClass?: number;
  /** Then at most this many records in all, drawn uniformly (keeps the natural class balance). */
  readonly total?: number;
  readonly seed: number;
}

/**
 * Deterministic sampling, then a fixed shuffle so that line order carries no label information.
 * Records of a class keep their source order before drawing, so the result depends only on the
 * input order and the seed.
 */
export function sample(recs: readonly Rec[], opts: SampleOptions): Rec[] {
  const rng = createRng(opts.seed);
  const byLabel = new Map<string, Rec[]>();
  for (const r of recs) {
    const list = byLabel.get(r.label) ?? [];
    list.push(r);
    byLabel.set(r.label, list);
  }
  let kept: Rec[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const list = byLabel.get(label)!;
    if (list.length < (opts.minPerClass ?? 1)) continue;
    kept.push(...(opts.maxPerClass !== undefined && list.length > opts.maxPerClass ? shuffled(list, rng).slice(0, opts.maxPerClass) : list));
  }
  if (opts.total !== undefined && kept.length > opts.total) kept = shuffled(kept, rng).slice(0, opts.total);
  return shuffled(kept, rng);
}
