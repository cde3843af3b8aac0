import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { InputError } from '../errors';

/** Why a file was not read as text; the message names the file and says what to do. */
export type TextFileFailure = 'missing' | 'too-large' | 'binary' | 'invalid-utf8' | 'unreadable';

/** `line`, when set, is one-based (as in every InputError). */
export class TextFileError extends InputError {
  constructor(readonly reason: TextFileFailure, message: string, file: string, line?: number) {
    super(message, file, line);
  }
  static override is(e: unknown): e is TextFileError {
    return e instanceof TextFileError;
  }
}

export interface TextFileOptions {
  /** Files larger than this are refused before they are read. */
  readonly maxBytes: number;
  /** The name used in messages (workspace-relative path); defaults to the path. */
  readonly displayName?: string;
}

/** Bytes sniffed for binary content, as git does. */
const SNIFF_BYTES = 8000;

/**
 * Reads a file as text, read-only. UTF-8 (a BOM is stripped, so offsets match what an editor
 * shows) and UTF-16 with a BOM are decoded; anything else must be valid UTF-8. Refuses, with a
 * TextFileError naming the file: files over `maxBytes`, binary files (a NUL byte or mostly
 * control characters in the first 8 kB) and invalid UTF-8 (with the line and byte of the first
 * bad sequence). An empty file reads as ''.
 */
export async function readTextFile(path: string, opts: TextFileOptions): Promise<string> {
  const name = opts.displayName ?? path;
  let buf: Buffer;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever; the
    // fstat below then refuses it. On a regular file the flag changes nothing.
    const fh = await open(path, constants.O_RDONLY | (process.platform === 'win32' ? 0 : constants.O_NONBLOCK));
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new TextFileError('unreadable', `${name}: not a regular file`, name);
      if (st.size > opts.maxBytes) {
        throw new TextFileError('too-large', `${name}: ${mb(st.size)} MB is over the ${mb(opts.maxBytes)} MB limit (labelwise.maxFileSizeMB); the file was skipped`, name);
      }
      buf = await fh.readFile();
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (TextFileError.is(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TextFileError('missing', `${name}: file not found`, name);
    throw new TextFileError('unreadable', `${name}: cannot read the file (${(e as Error).message})`, name);
  }
  // The size may have grown between stat and read.
  if (buf.length > opts.maxBytes) {
    throw new TextFileError('too-large', `${name}: ${mb(buf.length)} MB is over the ${mb(opts.maxBytes)} MB limit (labelwise.maxFileSizeMB); the file was skipped`, name);
  }
  return decodeText(buf, name);
}

/** Decodes file bytes as readTextFile does (exported for callers that already hold the bytes). */
export function decodeText(buf: Uint8Array, name: string): string {
  if (buf.length === 0) return '';
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    const enc = buf[0] === 0xff ? 'utf-16le' : 'utf-16be';
    try {
      // TextDecoder strips the BOM itself (ignoreBOM defaults to false).
      return new TextDecoder(enc, { fatal: true }).decode(buf);
    } catch {
      throw new TextFileError('invalid-utf8', `${name}: starts with a ${enc.toUpperCase()} byte-order mark but is not valid ${enc.toUpperCase()}`, name);
    }
  }
  if (looksBinary(buf)) throw new TextFileError('binary', `${name}: looks like a binary file (NUL or control bytes); the file was skipped`, name);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    const at = firstInvalidUtf8(buf);
    let line = 0;
    for (let i = 0; i < at; i++) if (buf[i] === 0x0a) line++;
    throw new TextFileError(
      'invalid-utf8',
      `${name}:${line + 1}: not valid UTF-8 (bad byte 0x${buf[at].toString(16).padStart(2, '0')} at byte ${at}); re-save the file as UTF-8`,
      name,
      line + 1,
    );
  }
}

/** A NUL byte, or more than 10 % control characters other than tab, newlines and form feed. */
export function looksBinary(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[i];
    if (b === 0) return true;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
    else if (b === 127) control++;
  }
  return control > n * 0.1;
}

/** Byte offset of the first invalid UTF-8 sequence (buf.length when valid). */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return n;
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 2 : 1);
}
