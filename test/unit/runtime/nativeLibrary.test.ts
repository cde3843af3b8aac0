import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { brotliCompressSync } from 'node:zlib';
import { ModelError } from '../../../src/core/errors';
import { ortBinDir, unpackNativeLibraries } from '../../../src/core/runtime/nativeLibrary';

const root = mkdtempSync(join(tmpdir(), 'lw-native-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('unpacking the compressed native library', () => {
  test('writes <name> from <name>.br once, whole, and leaves no temporary file', () => {
    const dir = join(root, 'bin');
    mkdirSync(dir);
    const lib = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251));
    writeFileSync(join(dir, 'libonnxruntime.so.1.br'), brotliCompressSync(lib));
    assert.deepEqual(unpackNativeLibraries(dir), [join(dir, 'libonnxruntime.so.1')]);
    assert.deepEqual(readFileSync(join(dir, 'libonnxruntime.so.1')), lib);
    assert.deepEqual(readdirSync(dir).sort(), ['libonnxruntime.so.1', 'libonnxruntime.so.1.br']);
    // Already there: nothing to do (the second process, every later start).
    assert.deepEqual(unpackNativeLibraries(dir), []);
  });

  test('a corrupt .br is a ModelError naming the library and the folder, and leaves nothing', () => {
    const dir = join(root, 'corrupt');
    mkdirSync(dir);
    writeFileSync(join(dir, 'libonnxruntime.so.1.br'), Buffer.from('not brotli at all'));
    assert.throws(() => unpackNativeLibraries(dir), (e: unknown) => ModelError.is(e) && e.message.includes(join(dir, 'libonnxruntime.so.1')) && e.message.includes('writable'));
    assert.deepEqual(readdirSync(dir), ['libonnxruntime.so.1.br']);
  });

  test('a read-only folder is a ModelError saying it must be writable', { skip: process.getuid?.() === 0 ? 'root can write anywhere' : false }, () => {
    const dir = join(root, 'readonly');
    mkdirSync(dir);
    writeFileSync(join(dir, 'libonnxruntime.so.1.br'), brotliCompressSync(Buffer.from('x')));
    chmodSync(dir, 0o555);
    try {
      assert.throws(() => unpackNativeLibraries(dir), (e: unknown) => ModelError.is(e) && e.message.includes('writable'));
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  test("the development checkout's onnxruntime-node has its library: nothing is unpacked", () => {
    assert.ok(existsSync(join(ortBinDir(), process.platform === 'linux' ? 'libonnxruntime.so.1' : '.')));
    assert.deepEqual(unpackNativeLibraries(), []);
  });
});
