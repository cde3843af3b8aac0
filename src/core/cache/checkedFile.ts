import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as zlib from 'node:zlib';

/*
 * What every cache file shares: an 8-byte magic that names its kind and format version (a file of
 * another kind or version is ignored and rebuilt, never misread), one check over 32-bit words,
 * writes that replace the file whole (temp file + rename, so a reader sees the old file or the
 * new one, never half of one), and a clear() that removes a kind's files and its leftover temp
 * files. The formats themselves live with their caches (embeddingCache.ts, corpusManifest.ts).
 */

/** A kind of cache file. */
export interface CheckedFormat {
  /** Eight latin1 characters at offset 0; they end with the format version ("LWCMAN02"). Change them whenever the layout or the check changes. */
  readonly magic: string;
  /** File name ending, e.g. ".lwcache". */
  readonly ext: string;
}

export const MAGIC_BYTES = 8;

/** Writes the format's magic at offset 0 of `buf`. */
export function writeMagic(buf: Buffer, format: CheckedFormat): void {
  buf.write(format.magic, 0, MAGIC_BYTES, 'latin1');
}

/** Whether `buf` starts with the format's magic. */
export function hasMagic(buf: Buffer, format: CheckedFormat): boolean {
  return buf.length >= MAGIC_BYTES && buf.toString('latin1', 0, MAGIC_BYTES) === format.magic;
}

const FNV_PRIME = 0x01000193;

/**
 * The check of cache files, over 32-bit words[from, to), started from `seed` (checks chain: pass
 * one as the next one's seed), never 0 so that an all-zero region (what a power loss can leave)
 * never matches a zero check.
 * - stride 1: every byte counts (CRC-32, zlib's native one: a re-open runs this check in a fresh
 *   worker, where a JavaScript loop over ~1 MB still runs unoptimised and cost ~3 ms more).
 * - stride s > 1: a multiply-xor hash of every s-th word and the last word, for bulk data where
 *   reading every byte would cost more than the rest of the open; a zeroed run of s words or more
 *   always covers a sampled word, a zeroed suffix the last one.
 */
export function checkWords(words: Int32Array, from: number, to: number, seed: number, stride = 1): number {
  let h: number;
  if (stride === 1) {
    h = crc32(new Uint8Array(words.buffer, words.byteOffset + from * 4, Math.max(0, to - from) * 4), seed >>> 0);
  } else {
    h = Math.imul(seed, FNV_PRIME);
    for (let k = from; k < to; k += stride) h = Math.imul(h ^ words[k], FNV_PRIME);
    if (to > from) h = Math.imul(h ^ words[to - 1], FNV_PRIME);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h | 0 || 1;
}

/** zlib.crc32 exists from Node 20.15 (VS Code 1.90 runs 20.9): older Nodes get crc32Portable, same values. */
const nativeCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

function crc32(bytes: Uint8Array, value: number): number {
  return nativeCrc32 ? nativeCrc32(bytes, value) : crc32Portable(bytes, value);
}

let crcTable: Int32Array | undefined;

/** CRC-32 (IEEE, as zlib.crc32) of `bytes`, continuing from the CRC `value` of what came before. */
export function crc32Portable(bytes: Uint8Array, value = 0): number {
  const table = (crcTable ??= Int32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  }));
  let c = ~value;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** The temp file a write of `path` goes through (one per process, so two writers never share one). */
function tempPathOf(path: string): string {
  return `${path}.${process.pid}.tmp`;
}

/**
 * Replaces `path` with `buffers` written in order: to a temp file next to it, then renamed over
 * it. No fsync: these are caches, and a file that a power loss leaves short or zeroed fails its
 * length or check and is rebuilt. Returns the identity (`dev:ino`) of the file written, whatever
 * may be renamed over it later. On failure the temp file is removed and the old file is left.
 */
export async function replaceFile(path: string, buffers: readonly Uint8Array[]): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathOf(path);
  try {
    const fh = await open(tmp, 'w');
    let identity: string;
    try {
      await writeAll(fh, buffers);
      const st = await fh.stat();
      identity = `${st.dev}:${st.ino}`;
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    return identity;
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** One writev, and more only when the system wrote less than everything (rare for regular files). */
async function writeAll(fh: Awaited<ReturnType<typeof open>>, buffers: readonly Uint8Array[]): Promise<void> {
  let rest = buffers.filter((b) => b.length > 0);
  while (rest.length > 0) {
    let { bytesWritten } = await fh.writev(rest);
    if (bytesWritten === 0) throw new Error('the write made no progress');
    const next: Uint8Array[] = [];
    for (const b of rest) {
      if (bytesWritten >= b.length) bytesWritten -= b.length;
      else {
        next.push(bytesWritten > 0 ? b.subarray(bytesWritten) : b);
        bytesWritten = 0;
      }
    }
    rest = next;
  }
}

/** Removes every file of the format in `dir`, and temp files left by interrupted writes; other files are left alone. Returns how many. */
export async function clearFiles(dir: string, format: CheckedFormat): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const tmp = new RegExp(`${format.ext.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+\\.tmp$`);
  const ours = names.filter((n) => n.endsWith(format.ext) || tmp.test(n));
  await Promise.all(ours.map((n) => rm(join(dir, n), { force: true })));
  return ours.length;
}

/**
 * A file's bytes in a buffer of its own (allocUnsafeSlow: offset 0, not pooled, so aligned typed
 * views into it need no copy and live as long as it does). Short when the file shrank meanwhile
 * (the caller's length check fails). Rejects when the file cannot be read (ENOENT when missing).
 */
export async function readWholeFile(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.allocUnsafeSlow(size);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await fh.read(buf, got, size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got < size ? buf.subarray(0, got) : buf;
  } finally {
    await fh.close();
  }
}
