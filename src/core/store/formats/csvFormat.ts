import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { labelSetProblem, type LabelEvent } from '../events';
import { parseAnswer, parseSpans, type ImportProblem, type ImportRecord } from './importRecords';

/**
 * Columns of a CSV export, in order. `spans` holds the entity spans as JSON, empty for none;
 * `labels` a multi-label set as a JSON list (`[]`: no label applies), empty for single-label rows.
 */
export const CSV_COLUMNS = ['id', 'file', 'start', 'end', 'line', 'text', 'label', 'labels', 'spans', 'answer', 'annotator', 'strategy', 'score', 'ts'] as const;

/** CSV (RFC 4180: comma, double-quote quoting, CRLF rows), one row per decision, with a header. */
export function exportCsv(decisions: readonly LabelEvent[]): string {
  const rows = decisions
    .filter((e) => !e.undo)
    .map((e) => [
      e.id,
      e.source.file,
      e.source.start,
      e.source.end,
      e.source.line ?? '',
      e.text,
      e.label ?? '',
      e.labels !== undefined ? JSON.stringify(e.labels) : '',
      e.spans.length > 0 ? JSON.stringify(e.spans.map((s) => ({ start: s.start, end: s.end, label: s.label }))) : '',
      e.answer,
      e.annotator,
      e.strategy ?? '',
      e.score ?? '',
      e.ts,
    ]);
  return stringify([[...CSV_COLUMNS], ...rows], { record_delimiter: '\r\n', quoted_match: /^\s|\s$/ });
}

interface ParsedRow {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

/**
 * Reads a CSV with a header row. Column names are matched case-insensitively (Prodigy writes
 * `Text,Label`); `text` is required, `label` (or `spans` as JSON) carries the decision, and the
 * other columns of our export restore annotator, time and workspace place. A quoting error stops
 * the parse and is reported with its line.
 */
export function readCsvRecords(content: string, importName: string): { records: ImportRecord[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const records: ImportRecord[] = [];
  let rows: ParsedRow[];
  try {
    rows = parse(content, { bom: true, info: true, skip_empty_lines: true }) as unknown as ParsedRow[];
  } catch (e) {
    const line = typeof (e as { lines?: unknown }).lines === 'number' ? ((e as { lines: number }).lines) : 1;
    problems.push({ file: importName, line, reason: `bad CSV: ${(e as Error).message}` });
    return { records, problems };
  }
  if (rows.length === 0) {
    problems.push({ file: importName, line: 1, reason: 'the CSV file is empty (a header row with a "text" column is needed)' });
    return { records, problems };
  }
  const header = rows[0].record.map((h) => h.trim().toLowerCase());
  const col = (name: string): number => header.indexOf(name);
  const textCol = col('text');
  if (textCol < 0) {
    problems.push({ file: importName, line: 1, reason: `the header has no "text" column (found: ${rows[0].record.join(', ')})` });
    return { records, problems };
  }
  if (col('label') < 0 && col('spans') < 0 && col('labels') < 0) {
    problems.push({ file: importName, line: 1, reason: 'the header has no "label", "labels" or "spans" column' });
    return { records, problems };
  }
  const dupes = header.filter((h, i) => h !== '' && header.indexOf(h) !== i);
  if (dupes.length > 0) {
    problems.push({ file: importName, line: 1, reason: `the header repeats column "${dupes[0]}"` });
    return { records, problems };
  }
  for (let r = 1; r < rows.length; r++) {
    const line = rows[r - 1].info.lines + 1;
    const cells = rows[r].record;
    const get = (name: string): string | undefined => {
      const i = col(name);
      return i < 0 ? undefined : cells[i];
    };
    const text = cells[textCol];
    const labelCell = get('label');
    const label = labelCell === undefined || labelCell === '' ? null : labelCell;
    let labels: string[] | undefined;
    const labelsCell = get('labels');
    if (labelsCell !== undefined && labelsCell.trim() !== '') {
      let v: unknown;
      try {
        v = JSON.parse(labelsCell);
      } catch (e) {
        problems.push({ file: importName, line, reason: `"labels" is not valid JSON (${(e as Error).message})` });
        continue;
      }
      const problem = labelSetProblem(v) ?? (label !== null ? 'a row has "label" or "labels" (a multi-label set), not both' : undefined);
      if (problem) {
        problems.push({ file: importName, line, reason: problem });
        continue;
      }
      labels = v as string[];
    }
    let spansValue: unknown;
    const spansCell = get('spans');
    if (spansCell !== undefined && spansCell.trim() !== '') {
      try {
        spansValue = JSON.parse(spansCell);
      } catch (e) {
        problems.push({ file: importName, line, reason: `"spans" is not valid JSON (${(e as Error).message})` });
        continue;
      }
    }
    const spans = parseSpans(spansValue, text);
    if ('error' in spans) {
      problems.push({ file: importName, line, reason: spans.error });
      continue;
    }
    const answerCell = get('answer');
    const answer = parseAnswer(answerCell === '' ? undefined : answerCell);
    if (typeof answer !== 'string') {
      problems.push({ file: importName, line, reason: answer.error });
      continue;
    }
    if (answer === 'accept' && label === null && labels === undefined && spans.length === 0) {
      problems.push({ file: importName, line, reason: 'the row has no label and no spans (nothing to import)' });
      continue;
    }
    const num = (name: string): number | undefined => {
      const c = get(name);
      if (c === undefined || c.trim() === '') return undefined;
      const n = Number(c);
      return Number.isFinite(n) ? n : undefined;
    };
    const file = get('file');
    const start = num('start');
    const end = num('end');
    const srcLine = num('line');
    const isOff = (n: number | undefined): n is number => n !== undefined && Number.isInteger(n) && n >= 0;
    const source =
      file && isOff(start) && isOff(end) && end >= start ? { file, start, end, ...(isOff(srcLine) ? { line: srcLine } : {}) } : undefined;
    const id = get('id');
    const ts = get('ts');
    const annotator = get('annotator');
    const strategy = get('strategy');
    const score = num('score');
    records.push({
      line,
      text,
      label,
      ...(labels !== undefined ? { labels } : {}),
      spans,
      answer,
      ...(annotator !== undefined && annotator !== '' ? { annotator } : {}),
      ...(ts !== undefined && !Number.isNaN(Date.parse(ts)) ? { ts } : {}),
      ...(strategy !== undefined && strategy !== '' ? { strategy } : {}),
      ...(score !== undefined ? { score } : {}),
      ...(source ? { source, ...(id ? { id } : {}) } : {}),
    });
  }
  return { records, problems };
}
