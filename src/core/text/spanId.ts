import { createHash } from 'node:crypto';

/**
 * The stable id of a span (DESIGN.md): a hash of its file path, offsets and text, so that the same
 * span in the same place always gets the same id, and an edited span gets a new one.
 */
export function spanId(file: string, start: number, end: number, text: string): string {
  return createHash('sha256').update(`${file}\u0000${start}\u0000${end}\u0000${text}`).digest('hex').slice(0, 24);
}

/**
 * The id of a JSONL record's span: the record's line is part of the location, so two records
 * with the same text in one file are two spans. Offsets are into the record's text.
 */
export function recordSpanId(file: string, line: number, start: number, end: number, text: string): string {
  return spanId(`${file}:${line + 1}`, start, end, text);
}
