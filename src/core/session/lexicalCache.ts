import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors';
import { npyHeader, parseNpyHeader } from '../npy';
import { ColumnAppender } from '../features/lexicalPool';
import type { Logger, Matrix, Vectors } from '../types';

/**
 * The lexical block of a corpus (labelwise.lexicalFeatures) kept between opens: fitting it reads
 * every span's text and costs seconds (features/lexical.ts), while the block depends only on the
 * spans' texts, in order, and the number of columns. Span ids hash a span's file, offsets and text,
 * so the ids in row order name the texts: the file is keyed by a hash of them, and an unchanged
 * corpus re-opens from it without reading a text. Any change of a span makes another key (a fresh
 * fit); a file that cannot be read is fitted again, one that cannot be written is left out — the
 * cache never decides what the learner sees, only whether it is computed again.
 */

/** Bump when fitLexical's output changes for the same texts: older files are then never read. */
export const LEXICAL_CACHE_VERSION = 1;

const PREFIX = 'lexical-';
/** Enough for any header npyHeader writes. */
const HEADER_BYTES = 4096;

/** The cache file of a corpus's block: `cacheDir/lexical-<hash of version, columns and span ids>.npy`. */
export function lexicalCacheFile(cacheDir: string, dims: number, ids: Iterable<string>): string {
  const h = createHash('sha256').update(`labelwise-lexical\u0000${LEXICAL_CACHE_VERSION}\u0000${dims}`);
  for (const id of ids) h.update('\u0000').update(id);
  return join(cacheDir, `${PREFIX}${h.digest('hex').slice(0, 32)}.npy`);
}

/** A cached block read a run of rows at a time: the open never holds all of it (400 bytes a span). */
export interface LexicalBlockReader {
  readonly cols: number;
  /** Rows start .. start + count − 1; throws an InputError naming the file on a damaged one. */
  read(start: number, count: number): Matrix;
  close(): void;
}

/** The cached block for `rows` spans, opened for reading, or undefined (none yet, or unreadable: logged). */
export function openLexicalBlock(file: string, rows: number, dims: number, logger: Logger): LexicalBlockReader | undefined {
  if (!existsSync(file)) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, HEADER_BYTES));
    readSync(fd, head, 0, head.length, 0);
    const h = parseNpyHeader(head, file);
    if (h.descr !== '<f4') throw new InputError(`${file}: dtype ${h.descr}, not float32`, file);
    if (h.rows !== rows || h.cols > dims) {
      closeSync(fd);
      logger.warn(`${file}: the cached lexical features are ${h.rows}×${h.cols}, not for ${rows} spans and at most ${dims} columns; fitting them again`);
      return undefined;
    }
    if (size !== h.offset + h.rows * h.cols * 4) throw new InputError(`${file}: truncated (${h.rows}×${h.cols} float32 expected)`, file);
    const handle = fd;
    const cols = h.cols;
    return {
      cols,
      read(start: number, count: number): Matrix {
        const data = new Float32Array(count * cols);
        const bytes = Buffer.from(data.buffer);
        if (readSync(handle, bytes, 0, bytes.length, h.offset + start * cols * 4) !== bytes.length) throw new InputError(`${file}: truncated`, file);
        for (let i = 0; i < data.length; i++) {
          if (!Number.isFinite(data[i])) throw new InputError(`${file}: row ${start + Math.floor(i / cols)} has a non-finite value`, file);
        }
        return { rows: count, cols, data };
      },
      close: () => closeSync(handle),
    };
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    logger.warn(`the cached lexical features cannot be read (${(e as Error).message}); fitting them again`);
    return undefined;
  }
}

/** Rows read from a cached block at a time. */
const READ_RUN = 4096;

/**
 * The pool with a cached block's columns after its own (features/lexicalPool.ts ColumnAppender),
 * read a run of rows at a time; `between` runs before each run (a cancel check). Throws the
 * reader's InputError on a damaged file.
 */
export function appendCachedBlock(pool: Vectors, block: LexicalBlockReader, between?: () => void): Vectors {
  const joined = new ColumnAppender(pool, block.cols);
  for (let s = 0; s < pool.rows; s += READ_RUN) {
    between?.();
    joined.add(block.read(s, Math.min(READ_RUN, pool.rows - s)));
  }
  return joined.result();
}

/** Writes a block a run of rows at a time; a failure is logged once, never thrown, and nothing is left behind. */
export interface LexicalBlockWriter {
  /** The next rows, in order. */
  add(rows: Matrix): void;
  /** Publishes the file (atomically) once every row was added, and removes the folder's other lexical blocks. */
  finish(): void;
  /** Drops what was written (a cancelled open). */
  abort(): void;
}

export function createLexicalBlockWriter(file: string, rows: number, cols: number, logger: Logger): LexicalBlockWriter {
  const dir = join(file, '..');
  const tmp = `${file}.${process.pid}.tmp`;
  let fd: number | undefined;
  let written = 0;
  /** Runs a step of the write; the first failure drops the file, is logged, and ends the writer. */
  const step = (what: () => void): void => {
    if (fd === undefined) return;
    try {
      what();
    } catch (e) {
      drop();
      logger.info(`lexical features not cached (${(e as Error).message}); the next open fits them again`);
    }
  };
  const drop = (): void => {
    try {
      if (fd !== undefined) closeSync(fd);
    } catch {
      // Closed already.
    }
    fd = undefined;
    rmSync(tmp, { force: true });
  };
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(tmp, 'w');
  } catch (e) {
    logger.info(`lexical features not cached (${(e as Error).message}); the next open fits them again`);
  }
  step(() => writeSync(fd!, npyHeader(rows, cols)));
  return {
    add: (m) =>
      step(() => {
        writeSync(fd!, Buffer.from(m.data.buffer, m.data.byteOffset, m.rows * m.cols * 4));
        written += m.rows;
      }),
    finish: () =>
      step(() => {
        if (written !== rows) throw new RangeError(`${written} of ${rows} rows written`);
        closeSync(fd!);
        fd = undefined;
        renameSync(tmp, file);
        for (const name of readdirSync(dir)) {
          if (name.startsWith(PREFIX) && name.endsWith('.npy') && join(dir, name) !== file) rmSync(join(dir, name), { force: true });
        }
      }),
    abort: drop,
  };
}
