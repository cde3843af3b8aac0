import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { importClosure } from '../../../bench/importClosure';

test('importClosure follows relative imports (files, folders with index.ts, type imports, dynamic imports) and nothing else', () => {
  const root = mkdtempSync(join(tmpdir(), 'lw-closure-'));
  try {
    mkdirSync(join(root, 'spans'));
    mkdirSync(join(root, 'meta'));
    mkdirSync(join(root, 'lib'));
    writeFileSync(join(root, 'spans', 'engine.ts'), "import { a } from '../meta/selector';\nimport type { T } from './types';\nimport { x } from 'node:fs';\n");
    writeFileSync(join(root, 'spans', 'types.ts'), 'export type T = 1;\n');
    writeFileSync(join(root, 'meta', 'selector.ts'), "export const a = 1;\nconst m = () => import('../lib');\n");
    writeFileSync(join(root, 'lib', 'index.ts'), "export * from './deep';\n");
    writeFileSync(join(root, 'lib', 'deep.ts'), "import { a } from '../meta/selector';\n");
    writeFileSync(join(root, 'unrelated.ts'), 'export const u = 1;\n');
    const got = importClosure([join(root, 'spans', 'engine.ts')]).map((f) => f.slice(root.length + 1));
    assert.deepEqual(got, ['lib/deep.ts', 'lib/index.ts', 'meta/selector.ts', 'spans/engine.ts', 'spans/types.ts']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
