import { readFileSync } from 'node:fs';
import { InputError } from '../errors';

/** An entity span in a gold record: UTF-16 offsets into `text`, end exclusive (Prodigy's fields). */
export interface GoldSpan {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

export interface GoldRecord {
  /** Zero-based line number of the record in its file (the id used by `--split`). */
  readonly index: number;
  readonly text: string;
  readonly label?: string;
  readonly spans?: readonly GoldSpan[];
  readonly meta?: Record<string, unknown>;
}

export type GoldTask = 'classify' | 'spans';

export interface GoldDataset {
  readonly file: string;
  readonly task: GoldTask;
  readonly records: readonly GoldRecord[];
  /** Sorted class names (classify) or entity labels (spans). */
  readonly classes: readonly string[];
}

/**
 * Reads a gold JSONL dataset (DESIGN.md "Gold datasets"). Every record must have a string `text`
 * and either a string `label` (text classification) or a `spans` array (entity spans); the task is
 * decided by the first record and every other record must match it. Errors name file and line.
 * Blank lines are not allowed, because record numbers are line numbers (`--split` relies on it).
 */
export function readGoldDataset(file: string): GoldDataset {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read the dataset (${(e as Error).message})`, file);
  }
  const lines = raw.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new InputError(`${file}: the dataset is empty`, file);
  const records: GoldRecord[] = [];
  let task: GoldTask | undefined;
  const classes = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const where = `${file}:${i + 1}`;
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') throw new InputError(`${where}: empty line (every line must be one JSON record)`, file, i + 1);
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new InputError(`${where}: not valid JSON (${(e as Error).message})`, file, i + 1);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new InputError(`${where}: a record must be a JSON object`, file, i + 1);
    }
    const r = obj as Record<string, unknown>;
    if (typeof r.text !== 'string') throw new InputError(`${where}: the record has no "text" string`, file, i + 1);
    const recTask: GoldTask | undefined = typeof r.label === 'string' ? 'classify' : Array.isArray(r.spans) ? 'spans' : undefined;
    if (!recTask) throw new InputError(`${where}: the record has no "label" string and no "spans" array`, file, i + 1);
    task ??= recTask;
    if (recTask !== task) {
      throw new InputError(`${where}: the record has "${recTask === 'classify' ? 'label' : 'spans'}" but earlier records are ${task === 'classify' ? 'classification ("label")' : 'entity spans ("spans")'}`, file, i + 1);
    }
    const meta = typeof r.meta === 'object' && r.meta !== null ? (r.meta as Record<string, unknown>) : undefined;
    if (recTask === 'classify') {
      const label = r.label as string;
      if (label === '') throw new InputError(`${where}: "label" is empty`, file, i + 1);
      classes.add(label);
      records.push({ index: i, text: r.text, label, meta });
    } else {
      const spans: GoldSpan[] = [];
      for (const [k, s] of (r.spans as unknown[]).entries()) {
        const sp = s as Record<string, unknown>;
        if (typeof sp !== 'object' || sp === null || typeof sp.start !== 'number' || typeof sp.end !== 'number' || typeof sp.label !== 'string') {
          throw new InputError(`${where}: spans[${k}] needs numeric "start", "end" and a string "label"`, file, i + 1);
        }
        if (!(sp.start >= 0 && sp.end > sp.start && sp.end <= r.text.length) || !Number.isInteger(sp.start) || !Number.isInteger(sp.end)) {
          throw new InputError(`${where}: spans[${k}] offsets ${sp.start}..${sp.end} are outside the text (length ${r.text.length})`, file, i + 1);
        }
        classes.add(sp.label);
        spans.push({ start: sp.start, end: sp.end, label: sp.label });
      }
      records.push({ index: i, text: r.text, spans, meta });
    }
  }
  return { file, task: task!, records, classes: [...classes].sort() };
}
