import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/*
 * What a benchmark's cache key must cover: every source file the measured code runs, found by
 * following relative imports from its entry points (bench:al:spans keys its cached runs by a hash of
 * these files, so a change anywhere in what the span engine imports reruns them).
 */

/** The files reached from `roots` through relative `from '…'` / `import('…')` specifiers, sorted. */
export function importClosure(roots: readonly string[]): string[] {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const base = join(dirname(f), m[1]);
      const hit = [`${base}.ts`, join(base, 'index.ts'), base].find((c) => existsSync(c) && statSync(c).isFile());
      if (hit !== undefined && !seen.has(hit)) todo.push(hit);
    }
  }
  return [...seen].sort();
}
