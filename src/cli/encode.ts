import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { loadEncoder } from '../core/encoders/loadEncoder';
import { InputError } from '../core/errors';
import { writeNpy } from '../core/npy';
import { jsonlSpans } from '../core/text/corpus';
import type { Device, Logger } from '../core/types';
import { writeArrowShard, writeParquetShard } from '../core/vectorShards';

/** What `labelwise encode` writes (checked by commander's choices, main.ts). */
export const ENCODE_FORMATS = ['npy', 'arrow', 'parquet'] as const;
export type EncodeFormat = (typeof ENCODE_FORMATS)[number];

export interface EncodeOptions {
  data: string;
  out: string;
  model: string;
  /** Checked by commander's choices (main.ts). */
  device: Device;
  /** npy (default): one row per record; arrow / parquet: a shard of span_id + vector. */
  format?: EncodeFormat;
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

/**
 * The spans of a JSONL file with the ids the corpus reader gives them in a workspace whose root is
 * the current folder (the file's path relative to it, with forward slashes, is part of each id):
 * run from the workspace root, the shard matches the editor's corpus. Records without text are
 * skipped with a warning, as the corpus reader skips them.
 */
export function readJsonlSpans(file: string, logger: Logger): { ids: string[]; texts: string[] } {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read the data (${(e as Error).message})`, file);
  }
  const rel = relative(process.cwd(), resolve(file)).split(sep).join('/');
  const { spans, problems } = jsonlSpans(rel, raw.replace(/^\uFEFF/, ''));
  for (const p of problems) logger.warn(p.message);
  if (spans.length === 0) throw new InputError(`${file}: no record with a "text" string`, file);
  return { ids: spans.map((s) => s.id), texts: spans.map((s) => s.text) };
}

/**
 * `labelwise encode`: one float32 row per record, in file order, written as .npy; or with
 * `--format arrow|parquet` one Arrow IPC or Parquet shard with the span id of each record and its vector.
 */
export async function runEncode(opts: EncodeOptions, logger: Logger = stderrLogger): Promise<void> {
  if (resolve(opts.out) === resolve(opts.data)) throw new InputError(`--out ${opts.out} is the input file; choose another path`, opts.out);
  const shard = opts.format === 'arrow' || opts.format === 'parquet';
  const spans = shard ? readJsonlSpans(opts.data, logger) : undefined;
  const texts = spans ? spans.texts : readJsonlTexts(opts.data);
  const t0 = performance.now();
  const encoder = await loadEncoder({ model: opts.model, device: opts.device, logger, baseDir: process.cwd() });
  try {
    const m = await encoder.encode(texts);
    if (spans) {
      if (opts.format === 'parquet') writeParquetShard(opts.out, spans.ids, m);
      else writeArrowShard(opts.out, spans.ids, m);
    } else {
      try {
        writeNpy(opts.out, m);
      } catch (e) {
        throw new InputError(`${opts.out}: cannot write the vectors (${(e as Error).message})`, opts.out);
      }
    }
    const s = (performance.now() - t0) / 1000;
    logger.info(`encoded ${m.rows} records (${m.rows}×${m.cols} float32${opts.format === 'arrow' ? ', Arrow IPC' : opts.format === 'parquet' ? ', Parquet' : ''}) with ${encoder.id} on ${encoder.provider.toUpperCase()} in ${s.toFixed(2)} s → ${opts.out}`);
  } finally {
    await encoder.dispose();
  }
}
