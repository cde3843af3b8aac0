import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy, writeNpy } from '../npy';
import type { Logger, Matrix } from '../types';

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

/** The cache file of a corpus's block: `cacheDir/lexical-<hash of version, columns and span ids>.npy`. */
export function lexicalCacheFile(cacheDir: string, dims: number, ids: Iterable<string>): string {
  const h = createHash('sha256').update(`labelwise-lexical\u0000${LEXICAL_CACHE_VERSION}\u0000${dims}`);
  for (const id of ids) h.update('\u0000').update(id);
  return join(cacheDir, `${PREFIX}${h.digest('hex').slice(0, 32)}.npy`);
}

/** The cached block for `rows` spans, or undefined (none yet, or unreadable: logged). */
export function readLexicalBlock(file: string, rows: number, dims: number, logger: Logger): Matrix | undefined {
  if (!existsSync(file)) return undefined;
  let m: Matrix;
  try {
    m = readNpy(file);
  } catch (e) {
    logger.warn(`the cached lexical features cannot be read (${(e as Error).message}); fitting them again`);
    return undefined;
  }
  if (m.rows !== rows || m.cols > dims) {
    logger.warn(`${file}: the cached lexical features are ${m.rows}×${m.cols}, not for ${rows} spans and at most ${dims} columns; fitting them again`);
    return undefined;
  }
  return m;
}

/** Writes the block (atomically) and removes the folder's other lexical blocks; a failure is logged, never thrown. */
export function writeLexicalBlock(file: string, block: Matrix, logger: Logger): void {
  const dir = join(file, '..');
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeNpy(tmp, block);
    renameSync(tmp, file);
    for (const name of readdirSync(dir)) {
      if (name.startsWith(PREFIX) && name.endsWith('.npy') && join(dir, name) !== file) rmSync(join(dir, name), { force: true });
    }
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // No folder to leave a file in.
    }
    logger.info(`lexical features not cached (${(e as Error).message}); the next open fits them again`);
  }
}
