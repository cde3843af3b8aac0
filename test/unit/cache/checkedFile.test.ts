import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as zlib from 'node:zlib';
import { checkWords, clearFiles, crc32Portable, hasMagic, readWholeFile, replaceFile, writeMagic, type CheckedFormat } from '../../../src/core/cache/checkedFile';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'lw-checked-'));
  dirs.push(d);
  return d;
}

const FORMAT: CheckedFormat = { magic: 'LWTEST07', ext: '.lwtest' };

describe('checkedFile: the helper every cache file uses', () => {
  test('the magic names the format and its version; another version does not match', () => {
    const buf = Buffer.alloc(16);
    writeMagic(buf, FORMAT);
    assert.equal(buf.toString('latin1', 0, 8), 'LWTEST07');
    assert.ok(hasMagic(buf, FORMAT));
    assert.ok(!hasMagic(buf, { ...FORMAT, magic: 'LWTEST06' }));
    assert.ok(!hasMagic(buf.subarray(0, 7), FORMAT), 'too short');
  });

  test('checkWords: never 0, seeded, chained, and a sampled check sees a zeroed run of `stride` words anywhere', () => {
    const words = new Int32Array(1000);
    for (let i = 0; i < words.length; i++) words[i] = Math.imul(i + 1, 0x9e3779b1);
    assert.notEqual(checkWords(new Int32Array(64), 0, 64, 0), 0, 'all zero input, zero seed');
    const full = checkWords(words, 0, words.length, 5);
    assert.notEqual(checkWords(words, 0, words.length, 6), full, 'the seed counts');
    const stride = 16;
    const sampled = checkWords(words, 0, words.length, 5, stride);
    for (const at of [0, 1, 333, words.length - stride]) {
      const hurt = Int32Array.from(words).fill(0, at, at + stride);
      assert.notEqual(checkWords(hurt, 0, hurt.length, 5, stride), sampled, `zeroed at ${at}`);
    }
    const tail = Int32Array.from(words).fill(0, words.length - 1);
    assert.notEqual(checkWords(tail, 0, tail.length, 5, stride), sampled, 'a zeroed last word');
    const flipped = Int32Array.from(words);
    flipped[500] ^= 1;
    assert.notEqual(checkWords(flipped, 0, flipped.length, 5), full, 'one flipped bit, full check');
    assert.notEqual(checkWords(words, 0, 10, checkWords(words, 10, 20, 0)), checkWords(words, 0, 10, checkWords(words, 10, 21, 0)), 'chained checks');
    assert.notEqual(checkWords(new Int32Array(8), 0, 8, 0), checkWords(new Int32Array(9), 0, 9, 0), 'zeros of another length');
    const view = new Int32Array(words.buffer, 40, 100);
    assert.equal(checkWords(view, 5, 50, 9), checkWords(words, 15, 60, 9), 'a view checks the same words');
  });

  test('the portable CRC-32 (Nodes before 20.15) gives zlib\'s values, continued from a value too', () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37 + 11) & 0xff));
    assert.equal(crc32Portable(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32Portable(new Uint8Array(0), 1234), 1234);
    const native = (zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
    if (native) {
      assert.equal(crc32Portable(bytes), native(bytes));
      assert.equal(crc32Portable(bytes.subarray(400), crc32Portable(bytes.subarray(0, 400))), native(bytes));
      assert.equal(crc32Portable(bytes, 0xdeadbeef), native(bytes, 0xdeadbeef));
    }
  });

  test('replaceFile writes every buffer in order, creates the folder, leaves no temp file, and returns the identity of what it wrote', async () => {
    const dir = join(tmp(), 'deep', 'er');
    const path = join(dir, 'x.lwtest');
    const identity = await replaceFile(path, [Buffer.from('head|'), new Uint8Array(0), Buffer.from('body')]);
    assert.equal(readFileSync(path, 'utf8'), 'head|body');
    const st = statSync(path);
    assert.equal(identity, `${st.dev}:${st.ino}`);
    const again = await replaceFile(path, [Buffer.from('new')]);
    assert.equal(readFileSync(path, 'utf8'), 'new');
    assert.notEqual(again, identity, 'a new file, renamed over the old one');
    assert.deepEqual(readdirSync(dir), ['x.lwtest']);
  });

  test('a failed replaceFile leaves the old file as it was and no temp file', async () => {
    const dir = tmp();
    const path = join(dir, 'x.lwtest');
    writeFileSync(path, 'old');
    // A folder (not empty) at the target: the temp file is written, then the rename fails.
    mkdirSync(join(dir, 'y.lwtest'));
    writeFileSync(join(dir, 'y.lwtest', 'inside'), '');
    await assert.rejects(replaceFile(join(dir, 'y.lwtest'), [Buffer.from('new')]));
    assert.equal(readFileSync(path, 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir).sort(), ['x.lwtest', 'y.lwtest']);
    assert.deepEqual(readdirSync(join(dir, 'y.lwtest')), ['inside']);
  });

  test('clearFiles removes the format\'s files and its temp files only', async () => {
    const dir = tmp();
    for (const n of ['a.lwtest', 'b.lwtest', 'a.lwtest.123.tmp', 'other.lwcache', 'a.lwtestx', 'notes.txt', 'alwtest.1.tmp']) writeFileSync(join(dir, n), '');
    assert.equal(await clearFiles(dir, FORMAT), 3);
    assert.deepEqual(readdirSync(dir).sort(), ['a.lwtestx', 'alwtest.1.tmp', 'notes.txt', 'other.lwcache']);
    assert.equal(await clearFiles(join(dir, 'missing'), FORMAT), 0);
  });

  test('readWholeFile: the bytes in a buffer of its own, aligned for typed views', async () => {
    const path = join(tmp(), 'x.bin');
    const data = Buffer.from(Float32Array.of(1.5, -2, 3).buffer);
    writeFileSync(path, data);
    const buf = await readWholeFile(path);
    assert.equal(buf.byteOffset, 0);
    assert.deepEqual(Array.from(new Float32Array(buf.buffer, buf.byteOffset, 3)), [1.5, -2, 3]);
    await assert.rejects(readWholeFile(join(tmp(), 'missing')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  });
});
