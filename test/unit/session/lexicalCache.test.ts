import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { appendCachedBlock, createLexicalBlockWriter, lexicalCacheFile, openLexicalBlock } from '../../../src/core/session/lexicalCache';
import { appendColumns } from '../../../src/core/features/lexicalPool';
import type { Logger, Matrix } from '../../../src/core/types';

/** The whole block written in runs of two rows. */
function writeLexicalBlock(file: string, m: Matrix, logger: Logger): void {
  const w = createLexicalBlockWriter(file, m.rows, m.cols, logger);
  for (let s = 0; s < m.rows; s += 2) {
    const n = Math.min(2, m.rows - s);
    w.add({ rows: n, cols: m.cols, data: m.data.slice(s * m.cols, (s + n) * m.cols) });
  }
  w.finish();
}

/** The whole block read back a row at a time (undefined: none, or fitted again). */
function readLexicalBlock(file: string, rows: number, dims: number, logger: Logger): Matrix | undefined {
  const r = openLexicalBlock(file, rows, dims, logger);
  if (!r) return undefined;
  try {
    const data = new Float32Array(rows * r.cols);
    for (let i = 0; i < rows; i++) data.set(r.read(i, 1).data, i * r.cols);
    return { rows, cols: r.cols, data };
  } finally {
    r.close();
  }
}

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

  test('written a run at a time, read a run at a time into the pool: the pool appendColumns makes of the whole block', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-lexcache-'));
    try {
      const { logger, lines } = logged();
      const rows = 9000;
      const big: Matrix = { rows, cols: 3, data: Float32Array.from({ length: rows * 3 }, (_, i) => Math.sin(i)) };
      const pool: Matrix = { rows, cols: 2, data: Float32Array.from({ length: rows * 2 }, (_, i) => Math.cos(i)) };
      const file = lexicalCacheFile(dir, 3, ['a']);
      writeLexicalBlock(file, big, logger);
      const reader = openLexicalBlock(file, rows, 3, logger)!;
      let runs = 0;
      assert.deepEqual(appendCachedBlock(pool, reader, () => void runs++), appendColumns(pool, big));
      reader.close();
      assert.equal(runs, 3, 'runs of 4096 rows');
      assert.deepEqual(lines, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a truncated file, or a non-finite value in a later run: an error naming the file, never a pool', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-lexcache-'));
    try {
      const { logger, lines } = logged();
      const file = lexicalCacheFile(dir, 2, ['a', 'b', 'c']);
      writeLexicalBlock(file, block, logger);
      const bytes = readFileSync(file);
      writeFileSync(file, bytes.subarray(0, bytes.length - 4));
      assert.equal(openLexicalBlock(file, 3, 2, logger), undefined);
      assert.match(lines[0], /^warn the cached lexical features cannot be read \(.*lexical-[0-9a-f]+\.npy: truncated \(3×2 float32 expected\)\); fitting them again$/);
      const nan = Buffer.from(bytes);
      nan.writeFloatLE(Number.NaN, bytes.length - 4);
      writeFileSync(file, nan);
      const reader = openLexicalBlock(file, 3, 2, logger)!;
      assert.deepEqual(reader.read(0, 2).data, block.data.subarray(0, 4));
      assert.throws(() => reader.read(2, 1), /lexical-[0-9a-f]+\.npy: row 2 has a non-finite value/);
      reader.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an aborted write (a cancelled open) leaves nothing behind; a short one is not published', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-lexcache-'));
    try {
      const { logger, lines } = logged();
      const file = lexicalCacheFile(dir, 2, ['a', 'b', 'c']);
      const w = createLexicalBlockWriter(file, 3, 2, logger);
      w.add({ rows: 1, cols: 2, data: block.data.slice(0, 2) });
      w.abort();
      assert.deepEqual(readdirSync(dir), []);
      const short = createLexicalBlockWriter(file, 3, 2, logger);
      short.add({ rows: 1, cols: 2, data: block.data.slice(0, 2) });
      short.finish();
      assert.deepEqual(readdirSync(dir), []);
      assert.deepEqual(lines, ['info lexical features not cached (1 of 3 rows written); the next open fits them again']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
