import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { priorDir } from '../src/core/meta/prior';

/*
 * What a benchmark's cache key must cover: every source file the measured code runs, found by
 * following relative imports from its entry points (bench:al:spans keys its cached runs by a hash of
 * these files, so a change anywhere in what the span engine imports reruns them).
 */

/** The files reached from `roots` through relative `from '…'` / `import('…')` specifiers (type-only imports left out), sorted. */
export function importClosure(roots: readonly string[]): string[] {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    // Type-only imports and re-exports (`import type … from`, `export type … from`) are erased when
    // the code runs, so they cannot change what it does: not followed (adding a setting's type would
    // otherwise rerun every benchmark run of an engine that names the settings' types).
    const text = readFileSync(f, 'utf8').replace(/^\s*(?:import|export)\s+type\s[^;]*?from\s*['"][^'"]+['"]/gm, '');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const base = join(dirname(f), m[1]);
      const hit = [`${base}.ts`, join(base, 'index.ts'), base].find((c) => existsSync(c) && statSync(c).isFile());
      if (hit !== undefined && !seen.has(hit)) todo.push(hit);
    }
  }
  return [...seen].sort();
}

/**
 * bench:al's fingerprint of the code a run executes, so that cached runs of other code are never
 * reused (before it, the cache was keyed by encoder only and silently mixed engine versions). A fixed
 * strategy's runs hash the simulation's import closure except the meta-learner's folder — the engine
 * imports the meta-learner's factory but a fixed strategy never runs it — so a change to the
 * meta-learner reruns meta alone; meta's runs hash the whole closure plus its learned priors.
 */
export function runFingerprint(opts: { readonly meta: boolean; readonly entry: string; readonly metaDir: string; readonly priorDir: string; readonly root: string }): string {
  const h = createHash('sha256');
  const files = importClosure([opts.entry]).filter((f) => opts.meta || !isUnder(f, opts.metaDir));
  if (opts.meta && existsSync(opts.priorDir)) files.push(...readdirSync(opts.priorDir).sort().map((n) => join(opts.priorDir, n)).filter((f) => statSync(f).isFile()));
  for (const f of files) h.update(relative(opts.root, f)).update('\0').update(readFileSync(f));
  return h.digest('hex').slice(0, 12);
}

function isUnder(file: string, dir: string): boolean {
  const r = relative(dir, file);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
}

const simulationFingerprints = new Map<string, string>();

/**
 * The fingerprint (runFingerprint) of what a simulation benchmark runs, from the repository at
 * `root`, once per process: `fixed` and `meta` — a run of a fixed strategy or of the meta-learner
 * (src/core/simulation/simulate.ts) — or the code that builds a run's features, `features`
 * (simulationVectors.ts: bench:al, bench:ssl) or `lexical` (lexicalVectors.ts: bench:lexical).
 */
export function simulationFingerprint(root: string, what: 'fixed' | 'meta' | 'features' | 'lexical'): string {
  let fp = simulationFingerprints.get(what);
  if (fp === undefined) {
    const src = join(root, 'src', 'core');
    const entry = join(src, 'simulation', { fixed: 'simulate.ts', meta: 'simulate.ts', features: 'simulationVectors.ts', lexical: 'lexicalVectors.ts' }[what]);
    fp = runFingerprint({ meta: what === 'meta', entry, metaDir: join(src, 'meta'), priorDir: priorDir(), root });
    simulationFingerprints.set(what, fp);
  }
  return fp;
}
