// node-api-module: a paragraph of Node.js API documentation → the core module it documents
// (fs, crypto, http, stream, ...). Source: npm @types/node (MIT), whose JSDoc comments are the
// Node.js reference docs. The label is the declaration file the comment is in (fs/promises.d.ts
// counts as fs, stream/web.d.ts as stream, ...). Texts: the prose of each /** */ comment, cut into
// paragraphs at blank lines; fenced code, @tags and everything after the first tag are left out;
// markdown links keep their text. Paragraphs of at least 8 words; the modules with at least 70 of them (19 modules).
// The generated inspector protocol docs, the globals and the compatibility shims are left out.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dropDuplicateTexts, packageDir, packageId, sample, squash, wordCount, type Rec } from './record';

const SKIP = /^(index|globals|globals\.typedarray|inspector\.generated|inspector|buffer\.buffer)\.d\.ts$|^(ts5\.\d|compatibility|web-globals)\//;

function declarationFiles(dir: string, root = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...declarationFiles(path, root));
    else if (name.endsWith('.d.ts') && !SKIP.test(relative(root, path))) out.push(path);
  }
  return out;
}

/** The prose paragraphs of one JSDoc comment body (the text between the delimiters). */
export function commentParagraphs(body: string): string[] {
  const lines = body.split('\n').map((l) => l.replace(/^\s*\*\s?/, ''));
  const prose: string[] = [];
  let inFence = false;
  for (const line of lines) {
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      prose.push('');
      continue;
    }
    if (inFence) continue;
    if (/^\s*@\w/.test(line)) break;
    prose.push(line);
  }
  return prose
    .join('\n')
    .split(/\n\s*\n/)
    .map((p) => squash(p.replace(/\{@link\s+([^}|\s]+)[^}]*\}/g, '$1').replace(/\[([^\]]+)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, ' ')))
    .filter((p) => wordCount(p) >= 8 && !/^[-*|]/.test(p));
}

export function buildNodeApiModule(seed = 1): Rec[] {
  const dir = packageDir('@types/node');
  const pkg = packageId('@types/node');
  const recs: Rec[] = [];
  for (const file of declarationFiles(dir)) {
    const rel = relative(dir, file).replace(/\\/g, '/');
    const label = rel.split('/')[0].replace(/\.d\.ts$/, '');
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
      const line = src.slice(0, m.index).split('\n').length;
      for (const text of commentParagraphs(m[1])) recs.push({ text, label, meta: { source: pkg, file: rel, line } });
    }
  }
  return sample(dropDuplicateTexts(recs), { minPerClass: 70, seed });
}
