import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { TextFileError, firstInvalidUtf8, looksBinary, readTextFile } from '../../../src/core/text/readTextFile';

const dir = mkdtempSync(join(tmpdir(), 'lw-read-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const opts = { maxBytes: 1024 * 1024 };

describe('readTextFile', () => {
  test('decodes UTF-8 and strips the BOM so offsets match the editor', async () => {
    const p = file('bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('héllo 😀', 'utf8')]));
    assert.equal(await readTextFile(p, opts), 'héllo 😀');
  });

  test('decodes UTF-16 with a byte-order mark', async () => {
    const p = file('u16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('wide 文字', 'utf16le')]));
    assert.equal(await readTextFile(p, opts), 'wide 文字');
  });

  test('an empty file reads as the empty string', async () => {
    assert.equal(await readTextFile(file('empty.txt', ''), opts), '');
  });

  test('a binary file is refused, naming the file', async () => {
    const p = file('img.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    await assert.rejects(readTextFile(p, { ...opts, displayName: 'data/img.txt' }), (e: unknown) => TextFileError.is(e) && e.reason === 'binary' && /^data\/img\.txt: looks like a binary file/.test(e.message));
  });

  test('invalid UTF-8 is refused with the line and byte of the first bad sequence', async () => {
    // Latin-1 "café" on the second line.
    const p = file('latin1.txt', Buffer.concat([Buffer.from('fine line\ncaf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    await assert.rejects(readTextFile(p, { ...opts, displayName: 'latin1.txt' }), (e: unknown) => {
      assert.ok(TextFileError.is(e));
      assert.equal(e.reason, 'invalid-utf8');
      assert.equal(e.line, 2);
      assert.match(e.message, /^latin1\.txt:2: not valid UTF-8 \(bad byte 0xe9 at byte 13\)/);
      return true;
    });
  });

  test('a file over the size limit is refused before it is read, naming the setting', async () => {
    const p = file('big.txt', 'x'.repeat(3000));
    await assert.rejects(readTextFile(p, { maxBytes: 2000, displayName: 'big.txt' }), (e: unknown) => TextFileError.is(e) && e.reason === 'too-large' && /big\.txt: .*labelwise\.maxFileSizeMB/.test(e.message));
  });

  test('a missing file is an error naming it', async () => {
    await assert.rejects(readTextFile(join(dir, 'nope.txt'), { ...opts, displayName: 'nope.txt' }), (e: unknown) => TextFileError.is(e) && e.reason === 'missing' && e.message.startsWith('nope.txt'));
  });
});

describe('byte checks', () => {
  test('binary sniffing: NUL or many control bytes, but not tabs, newlines or escape codes', () => {
    assert.equal(looksBinary(Buffer.from('plain\ttext\r\nwith \x1b[1mansi\x1b[0m\f')), false);
    assert.equal(looksBinary(Buffer.from('a\x00b')), true);
    assert.equal(looksBinary(Buffer.from('\x01\x02\x03\x04abcdef')), true);
  });

  test('firstInvalidUtf8 finds overlongs, surrogates and truncated sequences', () => {
    assert.equal(firstInvalidUtf8(Buffer.from('ok 😀 ü')), Buffer.from('ok 😀 ü').length);
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80])), 1); // overlong NUL
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80])), 1); // encoded surrogate
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x82])), 2); // cut short
  });
});
