import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadEncoder } from '../core/encoders/loadEncoder';
import { InputError } from '../core/errors';
import { writeNpy } from '../core/npy';
import type { Device, Logger } from '../core/types';

export interface EncodeOptions {
  data: string;
  out: string;
  model: string;
  /** Checked by commander's choices (main.ts). */
  device: Device;
}

/**
 * The `text` of every record of a JSONL file, in file order. Unlike a gold dataset, records need
 * no label. Errors name file and line; blank lines are errors because row n of the output must be
 * line n of the input.
 */
export function readJsonlTexts(file: string): string[] {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read the data (${(e as Error).message})`, file);
  }
  const lines = raw.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new InputError(`${file}: the file is empty`, file);
  const texts: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const where = `${file}:${i + 1}`;
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') throw new InputError(`${where}: empty line (every line must be one JSON record)`, file, i + 1);
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      throw new InputError(`${where}: not valid JSON (${(e as Error).message})`, file, i + 1);
    }
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) throw new InputError(`${where}: a record must be a JSON object`, file, i + 1);
    const text = (rec as Record<string, unknown>).text;
    if (typeof text !== 'string') throw new InputError(`${where}: the record has no "text" string`, file, i + 1);
    texts.push(text);
  }
  return texts;
}

const stderrLogger: Logger = {
  info: (m) => process.stderr.write(`${m}\n`),
  warn: (m) => process.stderr.write(`warning: ${m}\n`),
  error: (m) => process.stderr.write(`error: ${m}\n`),
};

/** `labelwise encode`: one float32 row per record, in file order, written as .npy. */
export async function runEncode(opts: EncodeOptions, logger: Logger = stderrLogger): Promise<void> {
  if (resolve(opts.out) === resolve(opts.data)) throw new InputError(`--out ${opts.out} is the input file; choose another path`, opts.out);
  const texts = readJsonlTexts(opts.data);
  const t0 = performance.now();
  const encoder = await loadEncoder({ model: opts.model, device: opts.device, logger, baseDir: process.cwd() });
  try {
    const m = await encoder.encode(texts);
    try {
      writeNpy(opts.out, m);
    } catch (e) {
      throw new InputError(`${opts.out}: cannot write the vectors (${(e as Error).message})`, opts.out);
    }
    const s = (performance.now() - t0) / 1000;
    logger.info(`encoded ${m.rows} records (${m.rows}×${m.cols} float32) with ${encoder.id} on ${encoder.provider.toUpperCase()} in ${s.toFixed(2)} s → ${opts.out}`);
  } finally {
    await encoder.dispose();
  }
}
