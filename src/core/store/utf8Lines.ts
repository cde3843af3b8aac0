import { firstInvalidUtf8 } from '../text/readTextFile';

/** Bytes decoded as UTF-8, with the one-based lines where invalid bytes were replaced by U+FFFD. */
export interface DecodedLines {
  readonly text: string;
  readonly badLines: number[];
}

/**
 * Decodes a line-oriented file (the store, an import) as UTF-8 and says which lines held invalid
 * bytes, so a reader can warn `file:line` instead of silently storing U+FFFD. A BOM is kept (the
 * parsers strip it). Valid input costs one strict decode; the per-line scan runs only on failure.
 */
export function decodeUtf8Lines(buf: Uint8Array): DecodedLines {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf), badLines: [] };
  } catch {
    // fall through: find the lines
  }
  const badLines: number[] = [];
  let line = 1;
  let start = 0;
  for (let i = 0; i <= buf.length; i++) {
    if (i < buf.length && buf[i] !== 0x0a) continue;
    const part = buf.subarray(start, i);
    if (firstInvalidUtf8(part) < part.length) badLines.push(line);
    line++;
    start = i + 1;
  }
  return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(buf), badLines };
}

/** The warning shown for a line with invalid UTF-8. */
export const INVALID_UTF8_REASON = 'not valid UTF-8: the bad bytes were read as U+FFFD (re-save the file as UTF-8)';
