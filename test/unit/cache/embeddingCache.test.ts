import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Encoder } from '../../../src/core/encoders/encoder';
import { EmbeddingCache, cacheFileName } from '../../../src/core/cache/embeddingCache';
import { hash128Hex } from '../../../src/core/text/fastHash';
import type { Logger, Matrix, Vectors } from '../../../src/core/types';
import { denseOf, quantise } from '../../../src/core/features/compactVectors';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'lw-cache-'));
  dirs.push(d);
  return d;
}

/** A deterministic fake encoder that records every text it is asked to encode. */
class CountingEncoder implements Encoder {
  readonly provider = 'cpu' as const;
  readonly encoded: string[] = [];
  calls = 0;
  constructor(
    readonly id: string,
    readonly dim = 8,
    private readonly salt = 0,
  ) {}
  async encode(texts: readonly string[]): Promise<Matrix> {
    this.calls++;
    this.encoded.push(...texts);
    const data = new Float32Array(texts.length * this.dim);
    texts.forEach((t, i) => {
      for (let k = 0; k < this.dim; k++) data[i * this.dim + k] = vectorValue(t, k, this.salt);
    });
    return { rows: texts.length, cols: this.dim, data };
  }
  async dispose(): Promise<void> {}
}

function vectorValue(text: string, k: number, salt: number): number {
  return Math.fround(((text.length * 31 + text.charCodeAt(0) * (k + 1) + salt * 1000) % 997) / 997 + k);
}

/** The encoder's float32 rows. */
function raw(texts: readonly string[], dim = 8, salt = 0): Float32Array {
  const out = new Float32Array(texts.length * dim);
  texts.forEach((t, i) => {
    for (let k = 0; k < dim; k++) out[i * dim + k] = vectorValue(t, k, salt);
  });
  return out;
}

/** What the cache gives back for them: the engine's quantisation of those rows (compactVectors.ts), read as float32. */
function expected(texts: readonly string[], dim = 8, salt = 0): Float32Array {
  return dense(quantise({ rows: texts.length, cols: dim, data: raw(texts, dim, salt) }));
}

/** Bytes of a stored row (format 4): the scale, the int8 codes, padding to 4. */
function rowBytes(dim: number): number {
  return 4 + Math.ceil(dim / 4) * 4;
}

function dense(v: Vectors): Float32Array {
  return denseOf(v).data;
}

function recorder(warnings: string[]): Logger {
  return { info: (): void => undefined, warn: (m: string): void => void warnings.push(m), error: (): void => undefined };
}

const corpus = ['The first sentence.', 'A second one 😀.', 'Third: 日本語。', 'The first sentence.', 'Fourth and last.'];

describe('EmbeddingCache', () => {
  test('the second open encodes nothing and returns the same vectors', async () => {
    const dir = tmp();
    const enc = new CountingEncoder('fake-model@1');
    const c1 = await EmbeddingCache.open(dir, enc.id, enc.dim);
    const r1 = await c1.encodeWithCache(enc, corpus);
    assert.equal(r1.hits, 0);
    assert.equal(r1.misses, 5);
    // The duplicate text is encoded once.
    assert.deepEqual(enc.encoded, ['The first sentence.', 'A second one 😀.', 'Third: 日本語。', 'Fourth and last.']);
    assert.deepEqual(dense(r1.vectors), expected(corpus));

    const enc2 = new CountingEncoder('fake-model@1');
    const c2 = await EmbeddingCache.open(dir, enc2.id, enc2.dim);
    assert.equal(c2.size, 4);
    const r2 = await c2.encodeWithCache(enc2, corpus);
    assert.equal(enc2.calls, 0);
    assert.equal(r2.hits, 5);
    assert.equal(r2.misses, 0);
    assert.deepEqual(r2.vectors, r1.vectors);
  });

  test('a changed text is the only one re-encoded', async () => {
    const dir = tmp();
    const enc = new CountingEncoder('fake-model@1');
    await (await EmbeddingCache.open(dir, enc.id, enc.dim)).encodeWithCache(enc, corpus);
    const edited = [...corpus];
    edited[2] = 'Third, edited.';
    const enc2 = new CountingEncoder('fake-model@1');
    const c2 = await EmbeddingCache.open(dir, enc2.id, enc2.dim);
    const r = await c2.encodeWithCache(enc2, edited);
    assert.deepEqual(enc2.encoded, ['Third, edited.']);
    assert.equal(r.hits, 4);
    assert.deepEqual(dense(r.vectors), expected(edited));
    // And the edit was appended: a third open has both versions.
    assert.equal((await EmbeddingCache.open(dir, enc.id, enc.dim)).size, 5);
  });

  test('a different model id never gets another model’s vectors', async () => {
    const dir = tmp();
    const a = new CountingEncoder('model-a', 8, 0);
    await (await EmbeddingCache.open(dir, a.id, a.dim)).encodeWithCache(a, corpus);
    const b = new CountingEncoder('model-b', 8, 1);
    const cb = await EmbeddingCache.open(dir, b.id, b.dim);
    assert.equal(cb.size, 0);
    const r = await cb.encodeWithCache(b, corpus);
    assert.equal(r.hits, 0);
    assert.deepEqual(dense(r.vectors), expected(corpus, 8, 1));
    assert.notEqual(cacheFileName('model-a'), cacheFileName('model-b'));
    // Same id but another dimension: the old file is not used either.
    const wide = new CountingEncoder('model-a', 16);
    assert.equal((await EmbeddingCache.open(dir, wide.id, wide.dim)).size, 0);
  });

  test('a cache file holding another id under this name (a header mismatch) is ignored and replaced', async () => {
    const dir = tmp();
    const a = new CountingEncoder('model-a');
    await (await EmbeddingCache.open(dir, a.id, a.dim)).encodeWithCache(a, corpus);
    const file = join(dir, cacheFileName('model-a'));
    // Pretend model-b's file name collides with model-a's file.
    writeFileSync(join(dir, cacheFileName('model-b')), readFileSync(file));
    const b = new CountingEncoder('model-b', 8, 1);
    const cb = await EmbeddingCache.open(dir, b.id, b.dim);
    assert.equal(cb.size, 0);
    await cb.encodeWithCache(b, corpus.slice(0, 2));
    const again = await EmbeddingCache.open(dir, b.id, b.dim);
    assert.equal(again.size, 2);
    assert.deepEqual(dense((await again.lookup(corpus.slice(0, 2))).vectors), expected(corpus.slice(0, 2), 8, 1));
  });

  test('a truncated or garbled tail is ignored, earlier entries survive, and the file is repaired', async () => {
    const dir = tmp();
    const enc = new CountingEncoder('fake-model@1');
    const c = await EmbeddingCache.open(dir, enc.id, enc.dim);
    await c.encodeWithCache(enc, ['one.', 'two.']);
    await c.encodeWithCache(enc, ['three.']);
    const file = join(dir, cacheFileName(enc.id));
    const full = statSync(file).size;
    // A crash in the middle of the last append.
    truncateSync(file, full - 7);
    const warnings: string[] = [];
    const enc2 = new CountingEncoder(enc.id);
    const c2 = await EmbeddingCache.open(dir, enc2.id, enc2.dim, recorder(warnings));
    assert.equal(c2.size, 2);
    assert.match(warnings.join('\n'), /damaged tail after 2 entries/);
    const r = await c2.encodeWithCache(enc2, ['one.', 'two.', 'three.']);
    assert.deepEqual(enc2.encoded, ['three.']);
    assert.deepEqual(dense(r.vectors), expected(['one.', 'two.', 'three.']));
    // Rewritten as one clean chunk of the three entries.
    const header = 32 + Math.ceil(enc.id.length / 4) * 4;
    assert.equal(statSync(file).size, header + 16 + 3 * (20 + rowBytes(enc.dim)));

    // Zeros after the last chunk (what a power loss can leave) are not taken as entries.
    appendFileSync(file, Buffer.alloc(200));
    const c3 = await EmbeddingCache.open(dir, enc.id, enc.dim);
    assert.equal(c3.size, 3);
    const l = await c3.lookup(['one.', 'two.', 'three.']);
    assert.deepEqual(l.missing, []);
    assert.deepEqual(dense(l.vectors), expected(['one.', 'two.', 'three.']));
  });

  test('a vector damaged in place is a miss and is encoded again; the others are kept', async () => {
    const dir = tmp();
    const enc = new CountingEncoder('m');
    await (await EmbeddingCache.open(dir, enc.id, enc.dim)).encodeWithCache(enc, ['one.', 'two.', 'three.']);
    const file = join(dir, cacheFileName(enc.id));
    const bytes = readFileSync(file);
    // Vectors are the last 3 stored rows: zero the second one, as a lost page would.
    bytes.fill(0, bytes.length - 2 * rowBytes(enc.dim), bytes.length - rowBytes(enc.dim));
    writeFileSync(file, bytes);
    const enc2 = new CountingEncoder('m');
    const c = await EmbeddingCache.open(dir, enc2.id, enc2.dim);
    const r = await c.encodeWithCache(enc2, ['one.', 'two.', 'three.']);
    assert.deepEqual(enc2.encoded, ['two.']);
    assert.deepEqual(dense(r.vectors), expected(['one.', 'two.', 'three.']));
    const again = await EmbeddingCache.open(dir, enc.id, enc.dim);
    assert.deepEqual(dense((await again.lookup(['one.', 'two.', 'three.'])).vectors), expected(['one.', 'two.', 'three.']));
  });

  test('a file replaced by another process (repaired or compacted) is re-read, not misread', async () => {
    const dir = tmp();
    const enc = new CountingEncoder('m');
    await (await EmbeddingCache.open(dir, enc.id, enc.dim)).encodeWithCache(enc, ['a', 'b']);
    const first = await EmbeddingCache.open(dir, enc.id, enc.dim);
    // Another window: sees a damaged tail, so its next write rewrites the file with a new layout.
    appendFileSync(join(dir, cacheFileName(enc.id)), Buffer.from('garbage!'));
    const other = await EmbeddingCache.open(dir, enc.id, enc.dim);
    await other.encodeWithCache(new CountingEncoder('m'), ['new text', 'b', 'a']);
    const l = await first.lookup(['a', 'new text', 'b']);
    assert.deepEqual(l.missing, []);
    assert.deepEqual(dense(l.vectors), expected(['a', 'new text', 'b']));
  });

  test('many small appends are compacted into one chunk', async () => {
    const dir = tmp();
    const enc = new CountingEncoder('m', 4);
    const c = await EmbeddingCache.open(dir, enc.id, enc.dim);
    const n = 300;
    for (let i = 0; i < n; i++) await c.encodeWithCache(enc, [`edit ${i}`]);
    const c2 = await EmbeddingCache.open(dir, enc.id, enc.dim);
    assert.equal(c2.size, n);
    const texts = Array.from({ length: n }, (_, i) => `edit ${i}`);
    assert.deepEqual(dense((await c2.lookup(texts)).vectors), expected(texts, 4));
    const header = 32 + 4;
    // Each chunk: a 16-byte head; each row: key + check (20 bytes) and the stored row.
    const chunks = (statSync(join(dir, cacheFileName('m'))).size - header - n * (20 + rowBytes(4))) / 16;
    assert.ok(Number.isInteger(chunks) && chunks >= 1 && chunks <= 256, `${chunks} chunks`);
    assert.ok(chunks < n, `${chunks} chunks: compacted`);
  });

  test('each write appends exactly the rows put since the last one (superseded ones left out), and the memory copies go once all are on disk', async () => {
    const dir = tmp();
    const file = join(dir, cacheFileName('w'));
    const c = await EmbeddingCache.open(dir, 'w', 4);
    const held = (): number => (c as unknown as { memBlocks: unknown[] }).memBlocks.length;
    const row = 20 + rowBytes(4);
    let size = 0;
    const stored = new Map<string, number>();
    for (let call = 0; call < 40; call++) {
      // Two new texts, one of them three times (the last put wins; the other two are superseded).
      const texts = [`call ${call} a`, `call ${call} bb`, `call ${call} a`];
      const data = new Float32Array(texts.length * 4).map((_, k) => call + k / 8);
      c.put(texts, { rows: texts.length, cols: 4, data });
      c.put([`call ${call} a`], { rows: 1, cols: 4, data: Float32Array.of(-call, 1, 2, 3) });
      stored.set(`call ${call} a`, call);
      assert.ok(held() > 0, 'rows not yet on disk are held in memory');
      await c.flush();
      const now = statSync(file).size;
      // One chunk a write (compaction rewrites the file only past 256 chunks): a 16-byte head, then its rows.
      if (call > 0) assert.equal(now - size, 16 + 2 * row, `write ${call}: ${(now - size - 16) / row} rows`);
      size = now;
      assert.equal(held(), 0, `write ${call}: every row is on disk, so no memory copy is kept`);
    }
    const again = await EmbeddingCache.open(dir, 'w', 4);
    assert.equal(again.size, 80);
    for (const [text, call] of stored) {
      const got = dense((await again.lookup([text])).vectors);
      assert.deepEqual(got, dense(quantise({ rows: 1, cols: 4, data: Float32Array.of(-call, 1, 2, 3) })), text);
    }
  });

  test('a text stored again with a new vector supersedes the old one, in memory and on disk', async () => {
    const dir = tmp();
    const c = await EmbeddingCache.open(dir, 'm', 2);
    c.put(['same', 'other'], { rows: 2, cols: 2, data: Float32Array.of(1, 1, 5, 5) });
    await c.flush();
    c.put(['same'], { rows: 1, cols: 2, data: Float32Array.of(2, 2) });
    assert.deepEqual(dense((await c.lookup(['same', 'other'])).vectors), dense(quantise({ rows: 2, cols: 2, data: Float32Array.of(2, 2, 5, 5) })));
    await c.flush();
    assert.equal(c.size, 2);
    const again = await EmbeddingCache.open(dir, 'm', 2);
    assert.deepEqual(dense((await again.lookup(['same', 'other'])).vectors), dense(quantise({ rows: 2, cols: 2, data: Float32Array.of(2, 2, 5, 5) })));
  });

  test('lookup reports missing rows without encoding', async () => {
    const dir = tmp();
    const enc = new CountingEncoder('m');
    const c = await EmbeddingCache.open(dir, enc.id, enc.dim);
    await c.encodeWithCache(enc, ['a', 'b']);
    const l = await c.lookup(['b', 'x', 'a']);
    assert.deepEqual(l.missing, [1]);
    assert.deepEqual(dense(l.vectors).subarray(8, 16), new Float32Array(8));
    assert.deepEqual(dense(l.vectors).subarray(0, 8), expected(['b']));
  });

  test('codes and scales are bit for bit quantise() of the encoder’s rows: misses between hits, repeats in a call and in the file, float32 and compact encoders, and after a reopen', async () => {
    const dim = 13;
    const want = (texts: readonly string[]): { codes: Buffer; scales: Buffer } => {
      const q = quantise({ rows: texts.length, cols: dim, data: raw(texts, dim) });
      return { codes: Buffer.from(q.codes.buffer), scales: Buffer.from(q.scales.buffer) };
    };
    const got = (v: Vectors): { codes: Buffer; scales: Buffer } => {
      const q = quantise(v);
      return { codes: Buffer.from(q.codes.buffer, q.codes.byteOffset, q.codes.byteLength), scales: Buffer.from(q.scales.buffer, q.scales.byteOffset, q.scales.byteLength) };
    };
    const first = Array.from({ length: 40 }, (_, i) => `stored ${i} ${'x'.repeat(i % 9)}`);
    // Hits (stored ones, some twice), runs of misses, a miss repeated within the call.
    // (The fake encoder's vector depends on a text's length and first letter: every new text differs in both.)
    const second = [first[3], 'A new', 'Bb new', first[3], 'Ccc new', 'A new', first[39], first[0], 'Dddd new', 'Eeeee new', 'Ffffff new', first[7]];
    for (const compact of [false, true]) {
      const dir = tmp();
      const enc = new CountingEncoder('bits', dim);
      // An encoder that quantises itself (as the open's workers do) must give the same codes.
      const via = compact ? { id: enc.id, dim, encode: async (t: readonly string[]): Promise<Vectors> => quantise(await enc.encode(t)) } : enc;
      const c = await EmbeddingCache.open(dir, enc.id, dim);
      assert.deepEqual(got((await c.encodeWithCache(via, first)).vectors), want(first));
      const r = await c.encodeWithCache(via, second);
      assert.equal(r.misses, 7);
      assert.deepEqual(got(r.vectors), want(second));
      // What was written reads back the same, in another process's view of the file.
      const again = await EmbeddingCache.open(dir, enc.id, dim);
      const l = await again.lookup([...second, ...first]);
      assert.deepEqual(l.missing, []);
      assert.deepEqual(got(l.vectors), want([...second, ...first]));
    }
  });

  test('a call with many repeats among its misses encodes each distinct text once, in order of first occurrence', async () => {
    const dir = tmp();
    const enc = new CountingEncoder('rep', 4);
    const c = await EmbeddingCache.open(dir, enc.id, enc.dim);
    await c.encodeWithCache(enc, ['stored 3', 'stored 7']);
    enc.encoded.length = 0;
    // 6000 texts, 1000 distinct (two already stored), scattered repeats.
    const texts = Array.from({ length: 6000 }, (_, i) => `stored ${(i * 7919) % 1000}`);
    const r = await c.encodeWithCache(enc, texts);
    const distinct = [...new Set(texts)].filter((t) => t !== 'stored 3' && t !== 'stored 7');
    assert.deepEqual(enc.encoded, distinct);
    assert.equal(r.misses, 6000 - texts.filter((t) => t === 'stored 3' || t === 'stored 7').length);
    assert.deepEqual(dense(r.vectors), expected(texts, 4));
  });

  test('many entries survive growth of the table and a reopen', async () => {
    const dir = tmp();
    const enc = new CountingEncoder('m', 4);
    const texts = Array.from({ length: 20000 }, (_, i) => `sentence number ${i}`);
    const c = await EmbeddingCache.open(dir, enc.id, enc.dim);
    const progress: number[] = [];
    await c.encodeWithCache(enc, texts, (done) => progress.push(done));
    assert.deepEqual(progress, [0, 16384, 20000]);
    const c2 = await EmbeddingCache.open(dir, enc.id, enc.dim);
    assert.equal(c2.size, 20000);
    const l = await c2.lookup(texts);
    assert.equal(l.missing.length, 0);
    assert.deepEqual(dense(l.vectors), expected(texts, 4));
  });

  test('using a cache with another encoder is refused', async () => {
    const c = await EmbeddingCache.open(tmp(), 'model-a', 8);
    await assert.rejects(c.encodeWithCache(new CountingEncoder('model-b'), ['x']), /opened for model-a/);
  });

  test('an unwritable cache folder still returns right vectors (kept in memory)', async () => {
    const dir = tmp();
    const blocker = join(dir, 'file-not-dir');
    writeFileSync(blocker, 'x');
    const warnings: string[] = [];
    const logger = recorder(warnings);
    const enc = new CountingEncoder('m');
    const c = await EmbeddingCache.open(join(blocker, 'cache'), enc.id, enc.dim, logger);
    const r = await c.encodeWithCache(enc, ['a', 'b']);
    assert.deepEqual(dense(r.vectors), expected(['a', 'b']));
    assert.ok(warnings.some((w) => /cannot write/.test(w)), warnings.join('\n'));
    assert.equal((await c.encodeWithCache(enc, ['a'])).hits, 1);
  });

  test('clear removes only cache files', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'keep.txt'), 'x');
    const enc = new CountingEncoder('m');
    await (await EmbeddingCache.open(dir, enc.id, enc.dim)).encodeWithCache(enc, ['a']);
    assert.equal(await EmbeddingCache.clear(dir), 1);
    assert.deepEqual(readdirSync(dir), ['keep.txt']);
  });
});

describe('hash128', () => {
  test('matches MurmurHash3 x86 128 of the UTF-16LE bytes (reference values)', () => {
    // Reference values computed with murmurhash3js-revisited x86.hash128 over Buffer.from(s, 'utf16le').
    assert.equal(hash128Hex(''), '00000000000000000000000000000000');
    assert.equal(hash128Hex('abc'), '2b5b97a320f75fb55012c2b45012c2b4');
    assert.equal(hash128Hex('Hello 😀 world. 日本語'), '6bf9711883e958f380ab4b53af30de93');
  });
});

describe('EmbeddingCache format 2 (written before the checks moved to checkedFile.ts)', () => {
  /** The checks exactly as format 2 wrote them, so that the file below is a valid format-2 file. */
  function oldMix(words: Int32Array, o: number, n: number): number {
    const P = 0x01000193;
    let h = Math.imul(0x9e3779b9 ^ n, P);
    for (let k = o; k < o + n; k++) h = Math.imul(h ^ words[k], P);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return h | 0 || 1;
  }
  function oldVectorCheck(words: Int32Array, o: number, dim: number): number {
    const P = 0x01000193;
    let h = Math.imul(0x85ebca6b ^ dim, P);
    for (let k = 0; k < dim; k += 8) h = Math.imul(h ^ words[o + k], P);
    h = Math.imul(h ^ words[o + dim - 1], P);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return h | 0 || 1;
  }

  for (const [magic, version] of [['LWEMBC02', 2], ['LWEMBC03', 3]] as const) test(`a valid ${magic} file (float32 rows) is ignored (never misread), said so, and replaced by format 4 (compact rows)`, async () => {
    const dir = tmp();
    const id = 'old-model';
    const dim = 20;
    const texts = ['alpha', 'beta gamma', 'δέλτα', 'the last one'];
    const vectors = raw(texts, dim, 3);
    const idBytes = Buffer.from(id, 'utf8');
    const header = Buffer.alloc(32 + Math.ceil(idBytes.length / 4) * 4);
    header.write(magic, 0, 'latin1');
    header.writeUInt32LE(version, 8);
    header.writeUInt32LE(dim, 12);
    header.writeUInt32LE(idBytes.length, 16);
    idBytes.copy(header, 32);
    const n = texts.length;
    const entries = new Int32Array(n * 5);
    const words = new Int32Array(vectors.buffer);
    texts.forEach((t, i) => {
      const hex = hash128Hex(t);
      for (let k = 0; k < 4; k++) entries[i * 5 + k] = Number.parseInt(hex.slice(k * 8, k * 8 + 8), 16) | 0;
      entries[i * 5 + 4] = oldVectorCheck(words, i * dim, dim);
    });
    const keysCheck = oldMix(entries, 0, entries.length);
    const chunk = Buffer.alloc(16);
    chunk.writeUInt32LE(0x4b43574c, 0);
    chunk.writeUInt32LE(n, 4);
    chunk.writeInt32LE(keysCheck, 8);
    chunk.writeInt32LE(oldMix(Int32Array.of(0x4b43574c | 0, n, keysCheck), 0, 3), 12);
    writeFileSync(join(dir, cacheFileName(id)), Buffer.concat([header, chunk, Buffer.from(entries.buffer), Buffer.from(vectors.buffer)]));
    const warnings: string[] = [];
    const c = await EmbeddingCache.open(dir, id, dim, recorder(warnings));
    assert.equal(c.size, 0);
    assert.ok(warnings.some((w) => /older Labelwise \(float32 vectors\); starting a compact one/.test(w)), warnings.join('\n'));
    const enc = new CountingEncoder(id, dim, 3);
    const r = await c.encodeWithCache(enc, texts);
    assert.equal(r.misses, n);
    assert.deepEqual(Array.from(dense(r.vectors)), Array.from(expected(texts, dim, 3)));
    assert.equal(readFileSync(join(dir, cacheFileName(id))).toString('latin1', 0, 8), 'LWEMBC04');
    const again = await EmbeddingCache.open(dir, id, dim);
    assert.deepEqual((await again.lookup(texts)).missing, []);
  });
});
