import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { lexicalCacheFile, readLexicalBlock, writeLexicalBlock } from '../../../src/core/session/lexicalCache';
import type { Matrix } from '../../../src/core/types';

const block: Matrix = { rows: 3, cols: 2, data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
const logged = (): { logger: { info: (m: string) => void; warn: (m: string) => void; error: (m: string) => void }; lines: string[] } => {
  const lines: string[] = [];
  return { lines, logger: { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) } };
};

describe('the lexical block kept between opens (lexicalCache.ts)', () => {
  test('the key is the columns and every span id in order: any change makes another file', () => {
    const base = lexicalCacheFile('/c', 100, ['a', 'b', 'c']);
    assert.match(base, /^\/c\/lexical-[0-9a-f]{32}\.npy$/);
    assert.equal(lexicalCacheFile('/c', 100, ['a', 'b', 'c']), base);
    for (const other of [lexicalCacheFile('/c', 50, ['a', 'b', 'c']), lexicalCacheFile('/c', 100, ['a', 'c', 'b']), lexicalCacheFile('/c', 100, ['a', 'b']), lexicalCacheFile('/c', 100, ['ab', 'c'])]) {
      assert.notEqual(other, base);
    }
  });

  test('written and read back as it was; the folder keeps only the newest block', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-lexcache-'));
    try {
      const { logger, lines } = logged();
      const older = lexicalCacheFile(dir, 2, ['x']);
      writeLexicalBlock(older, { rows: 1, cols: 2, data: Float32Array.from([9, 9]) }, logger);
      const file = lexicalCacheFile(dir, 2, ['a', 'b', 'c']);
      assert.equal(readLexicalBlock(file, 3, 2, logger), undefined, 'nothing cached yet');
      writeLexicalBlock(file, block, logger);
      assert.deepEqual(readLexicalBlock(file, 3, 2, logger), block);
      assert.deepEqual(readdirSync(dir), [file.slice(dir.length + 1)]);
      assert.deepEqual(lines, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a damaged file or one of another shape is fitted again, with a warning naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-lexcache-'));
    try {
      const { logger, lines } = logged();
      const file = lexicalCacheFile(dir, 2, ['a', 'b', 'c']);
      writeFileSync(file, 'not a numpy file');
      assert.equal(readLexicalBlock(file, 3, 2, logger), undefined);
      assert.match(lines[0], /^warn the cached lexical features cannot be read \(.*lexical-[0-9a-f]+\.npy: not a NumPy \.npy file\); fitting them again$/);
      writeLexicalBlock(file, block, logger);
      assert.equal(readLexicalBlock(file, 4, 2, logger), undefined);
      assert.match(lines[1], /lexical-[0-9a-f]+\.npy: the cached lexical features are 3×2, not for 4 spans and at most 2 columns; fitting them again$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a folder that cannot be written: logged, never thrown, nothing left behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-lexcache-'));
    try {
      const { logger, lines } = logged();
      // A file where the cache folder should be.
      writeFileSync(join(dir, 'cache'), 'x');
      writeLexicalBlock(lexicalCacheFile(join(dir, 'cache'), 2, ['a']), block, logger);
      assert.equal(lines.length, 1);
      assert.match(lines[0], /^info lexical features not cached \(.+\); the next open fits them again$/);
      assert.deepEqual(readdirSync(dir), ['cache']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
