import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';

/**
 * The layering of ARCHITECTURE.md, checked on every import of src/: the core never sees `vscode`
 * nor the panel protocol; only src/core/runtime loads ONNX Runtime; the panel talks to the host
 * through src/protocol.ts alone. Specifiers come from TypeScript's own scanner (static and type
 * imports, re-exports, `require`, `import()`; comments and strings are not imports).
 */

const ROOT = resolve(__dirname, '../..');

interface SourceFile {
  /** Repository-relative, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

function posix(p: string): string {
  return p.split(sep).join('/');
}

function sourceFiles(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith('.ts')) out.push({ path: posix(relative(ROOT, p)), text: readFileSync(p, 'utf8') });
  }
  return out;
}

function specifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** A relative specifier as the repository-relative .ts file it names; a package name as itself. */
function resolveSpecifier(from: string, spec: string, exists: (repoPath: string) => boolean): { readonly file?: string; readonly pkg?: string } {
  if (!spec.startsWith('.')) return { pkg: spec.split('/')[0].startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0] };
  const base = posix(join(dirname(from), spec));
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) if (exists(candidate)) return { file: candidate };
  return { file: base };
}

/** Every import that breaks the layering, as `file: specifier (rule)`. */
function layeringViolations(files: readonly SourceFile[], exists: (repoPath: string) => boolean): string[] {
  const out: string[] = [];
  for (const f of files) {
    for (const spec of specifiers(f.text)) {
      const { file, pkg } = resolveSpecifier(f.path, spec, exists);
      const inCore = f.path.startsWith('src/core/');
      if (inCore && pkg === 'vscode') out.push(`${f.path}: ${spec} (src/core never imports vscode)`);
      if (inCore && file === 'src/protocol.ts') out.push(`${f.path}: ${spec} (src/core never imports the panel protocol)`);
      if (pkg === 'onnxruntime-node' && !f.path.startsWith('src/core/runtime/')) out.push(`${f.path}: ${spec} (only src/core/runtime imports onnxruntime-node)`);
      if (f.path.startsWith('src/webview/') && !(file === 'src/protocol.ts' || file?.startsWith('src/webview/'))) {
        out.push(`${f.path}: ${spec} (the panel imports only src/protocol.ts and its own files)`);
      }
    }
  }
  return out;
}

describe('architecture: import directions', () => {
  test('the checker catches each kind of wrong import (so the check below can fail)', () => {
    const known = new Set(['src/protocol.ts', 'src/webview/dom.ts', 'src/core/types.ts']);
    const exists = (p: string): boolean => known.has(p);
    const bad: SourceFile[] = [
      { path: 'src/core/store/x.ts', text: "import type { Answer } from '../../protocol';\n" },
      { path: 'src/core/session/y.ts', text: "export type { SpanView } from '../../protocol.ts';\n" },
      { path: 'src/core/text/z.ts', text: "const v = require('vscode');\n" },
      { path: 'src/core/encoders/e.ts', text: "import * as ort from 'onnxruntime-node';\n" },
      { path: 'src/extension/w.ts', text: "const ort = await import('onnxruntime-node/dist/binding');\n" },
      { path: 'src/webview/p.ts', text: "import { settingKeys } from '../core/settings';\n" },
      { path: 'src/webview/q.ts', text: "import { x } from 'some-package';\n" },
    ];
    const found = layeringViolations(bad, exists);
    assert.equal(found.length, bad.length, found.join('\n'));
    for (const f of bad) assert.ok(found.some((v) => v.startsWith(`${f.path}:`)), `${f.path} is caught`);

    const good: SourceFile[] = [
      { path: 'src/core/runtime/session.ts', text: "import * as ort from 'onnxruntime-node';\n" },
      { path: 'src/core/store/a.ts', text: "// import 'vscode' in a comment is no import\nimport type { X } from '../types';\nconst s = 'from \"../../protocol\"';\n" },
      { path: 'src/webview/main.ts', text: "import { StateNotification } from '../protocol';\nimport { el } from './dom';\n" },
      { path: 'src/extension/a.ts', text: "import * as vscode from 'vscode';\nimport type { SpanView } from '../protocol';\n" },
    ];
    assert.deepEqual(layeringViolations(good, exists), []);
  });

  test('src/ keeps the layering', () => {
    const files = sourceFiles(join(ROOT, 'src'));
    assert.ok(files.length > 100, `read ${files.length} files under src/`);
    const violations = layeringViolations(files, (p) => existsSync(join(ROOT, p)) && statSync(join(ROOT, p)).isFile());
    assert.deepEqual(violations, []);
  });
});
