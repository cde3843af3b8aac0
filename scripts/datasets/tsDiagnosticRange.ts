// ts-diagnostic-range: a TypeScript compiler diagnostic message → the range of codes it is
// numbered in, which the TypeScript team assigns by the part of the compiler that reports it:
// 1xxx syntax and grammar, 2xxx type checking, 4xxx declaration emit, 5xxx compiler options,
// 6xxx command line and informational messages, 7xxx implicit-any and suggestions, 8xxx
// JavaScript and JSDoc files, 9xxx isolated declarations, 18xxx later checker errors, 80xxx–95xxx
// code-fix and refactoring titles. Source: npm typescript (Apache-2.0), the message table
// (`diag(code, category, key, message)`) in lib/typescript.js; message text verbatim ({0} marks a
// placeholder), messages of at least 3 words (shorter ones are mostly help-screen headings such as
// "BUILD OPTIONS"). Ranges with fewer than 30 messages are left out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropDuplicateTexts, packageDir, packageId, sample, squash, wordCount, type Rec } from './record';

export function diagnosticRange(code: number): string {
  if (code >= 80000) return '80000-95999';
  const k = Math.floor(code / 1000);
  return `${k}000-${k}999`;
}

export function buildTsDiagnosticRange(seed = 1): Rec[] {
  const src = readFileSync(join(packageDir('typescript'), 'lib', 'typescript.js'), 'utf8');
  const pkg = packageId('typescript');
  const recs: Rec[] = [];
  const re = /\bdiag\((\d+), \d \/\* (\w+) \*\/, "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)"/g;
  for (const m of src.matchAll(re)) {
    const code = Number(m[1]);
    const text = squash(JSON.parse(`"${m[4]}"`) as string);
    if (wordCount(text) < 3) continue;
    recs.push({ text, label: diagnosticRange(code), meta: { source: pkg, code, category: m[2] } });
  }
  if (recs.length < 1000) throw new Error(`typescript lib/typescript.js: only ${recs.length} diagnostic messages found (did the table's format change?)`);
  return sample(dropDuplicateTexts(recs), { minPerClass: 30, seed });
}
