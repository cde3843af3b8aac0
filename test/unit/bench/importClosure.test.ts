import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { importClosure, runFingerprint } from '../../../bench/importClosure';

test('importClosure follows relative imports (files, folders with index.ts, imports with inline type names, dynamic imports) and nothing else: not type-only imports', () => {
  const root = mkdtempSync(join(tmpdir(), 'lw-closure-'));
  try {
    mkdirSync(join(root, 'spans'));
    mkdirSync(join(root, 'meta'));
    mkdirSync(join(root, 'lib'));
    writeFileSync(
      join(root, 'spans', 'engine.ts'),
      "import { a } from '../meta/selector';\nimport { type T, t } from './types';\nimport type {\n  Erased,\n} from './erased';\nexport type { E2 } from './erased2';\nimport { x } from 'node:fs';\n",
    );
    writeFileSync(join(root, 'spans', 'types.ts'), 'export type T = 1;\nexport const t = 1;\n');
    writeFileSync(join(root, 'spans', 'erased.ts'), 'export type Erased = 1;\n');
    writeFileSync(join(root, 'spans', 'erased2.ts'), 'export type E2 = 1;\n');
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

test("runFingerprint: a fixed strategy's runs ignore the meta-learner's folder; meta's cover it and its priors; any engine change moves both", () => {
  const root = mkdtempSync(join(tmpdir(), 'lw-fp-'));
  try {
    for (const d of ['engine', 'meta', 'prior']) mkdirSync(join(root, d));
    writeFileSync(join(root, 'engine', 'simulate.ts'), "import { f } from '../meta/factory';\nimport { s } from './strategy';\n");
    writeFileSync(join(root, 'engine', 'strategy.ts'), 'export const s = 1;\n');
    writeFileSync(join(root, 'meta', 'factory.ts'), "import { s } from '../engine/strategy';\nexport const f = 1;\n");
    writeFileSync(join(root, 'prior', 'prior.json'), '{}');
    const fp = (meta: boolean): string => runFingerprint({ meta, entry: join(root, 'engine', 'simulate.ts'), metaDir: join(root, 'meta'), priorDir: join(root, 'prior'), root });
    const fixed0 = fp(false);
    const meta0 = fp(true);
    assert.match(fixed0, /^[0-9a-f]{12}$/);
    assert.notEqual(fixed0, meta0);
    writeFileSync(join(root, 'meta', 'factory.ts'), "import { s } from '../engine/strategy';\nexport const f = 2;\n");
    assert.equal(fp(false), fixed0, 'a meta-learner change keeps the fixed strategies\' runs');
    const meta1 = fp(true);
    assert.notEqual(meta1, meta0, 'a meta-learner change reruns meta');
    writeFileSync(join(root, 'prior', 'prior.json'), '{"retrained":true}');
    const meta2 = fp(true);
    assert.notEqual(meta2, meta1, 'a retrained prior reruns meta');
    assert.equal(fp(false), fixed0);
    writeFileSync(join(root, 'engine', 'strategy.ts'), 'export const s = 2;\n');
    assert.notEqual(fp(false), fixed0, 'an engine change reruns the fixed strategies');
    assert.notEqual(fp(true), meta2, 'and meta');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
