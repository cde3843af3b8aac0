import type { LabelEvent } from '../events';
import { exportCsv, readCsvRecords } from './csvFormat';
import { exportHf, hfSidecarPath } from './hfFormat';
import { readConllRecords } from './conllFormat';
import { bratAnnPath, exportBrat, exportConll, exportHfNer, exportSpacy } from './spanExport';
import { entityLabelSet, recordsToEvents, type ImportOptions, type ImportResult } from './importRecords';
import { readJsonl, isRecord } from './jsonl';
import { exportLabelwise, importLabelwise } from './labelwiseFormat';
import { exportProdigy, readTaskRecords } from './prodigyFormat';
import { decodeUtf8Lines, INVALID_UTF8_REASON } from '../utf8Lines';

/** conll, spacy, hf-ner and brat hold entity-span decisions only (spanExport.ts). */
export type ExportFormat = 'labelwise' | 'prodigy' | 'csv' | 'hf' | 'conll' | 'spacy' | 'hf-ner' | 'brat';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['labelwise', 'prodigy', 'csv', 'hf', 'conll', 'spacy', 'hf-ner', 'brat'];
/** The export formats that hold entity-span decisions only (no classification, no rejects). */
export const SPAN_ONLY_FORMATS: readonly ExportFormat[] = ['conll', 'spacy', 'hf-ner', 'brat'];

/** What an import can read: labelwise, Prodigy (spans too), CSV, hf, CoNLL BIO, plain `{"text","label"}` JSONL, or `auto` (detect). */
export type ImportFormat = 'labelwise' | 'prodigy' | 'csv' | 'hf' | 'conll' | 'plain' | 'auto';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['auto', 'labelwise', 'prodigy', 'csv', 'hf', 'conll', 'plain'];

export interface ExportOptions {
  /** The label set, in order: fixes Hugging Face class indices and Prodigy choice `options`. */
  readonly labels?: readonly string[];
  /** conll: start with a `-DOCSTART-` line. */
  readonly docstart?: boolean;
}

export interface ExportOutput {
  /** The text of the export file. */
  readonly content: string;
  /** Records written. */
  readonly count: number;
  /**
   * A second file to write beside the export (sidecarTarget says where): the label names of hf
   * and hf-ner, the `.ann` of brat (whose main file is the `.txt`).
   */
  readonly sidecar?: string;
}

/** The usual file extension of a format. */
export function formatExtension(format: ExportFormat): string {
  return format === 'csv' ? '.csv' : format === 'conll' ? '.conll' : format === 'brat' ? '.txt' : '.jsonl';
}

/** Where an export's sidecar goes and the format it is registered as (see ExportOutput.sidecar). */
export function sidecarTarget(format: ExportFormat, out: string): { path: string; format: string } {
  return format === 'brat' ? { path: bratAnnPath(out), format: 'brat-ann' } : { path: hfSidecarPath(out), format: `${format}-label-names` };
}

/**
 * Exports label events. Pass the current decisions (`store.state.decisions()`); for `labelwise`
 * the full event history (`store.events()`) may be passed as well, it is written as is. Undo events
 * are skipped by the other formats, which hold decisions only; `hf` holds training data only.
 */
export function exportLabels(format: ExportFormat, events: readonly LabelEvent[], options: ExportOptions = {}): ExportOutput {
  switch (format) {
    case 'labelwise':
      return { content: exportLabelwise(events), count: events.length };
    case 'prodigy':
      return { content: exportProdigy(events, options.labels), count: events.filter((e) => !e.undo).length };
    case 'csv':
      return { content: exportCsv(events), count: events.filter((e) => !e.undo).length };
    case 'hf': {
      const hf = exportHf(events, options.labels);
      return { content: hf.content, count: hf.count, ...(hf.sidecar !== undefined ? { sidecar: hf.sidecar } : {}) };
    }
    case 'conll':
      return exportConll(events, { docstart: options.docstart === true });
    case 'spacy':
      return exportSpacy(events);
    case 'hf-ner':
      return exportHfNer(events, options.labels);
    case 'brat': {
      const brat = exportBrat(events);
      return { content: brat.txt, count: brat.count, sidecar: brat.ann };
    }
  }
}

/**
 * Which format an import file is in: `.csv` and `.conll`/`.bio` by name, CoNLL by a first line
 * that is `-DOCSTART-` or a token and a BIO tag; JSONL by its first parseable record: a store
 * event (`id` + `source` + `ts`) is labelwise, one with Prodigy hashes or `_annotator_id` is prodigy,
 * a numeric `label` or a `label_text` is hf, anything else plain.
 */
export function detectFormat(content: string, importName: string): Exclude<ImportFormat, 'auto'> {
  if (/\.(csv|tsv)$/i.test(importName)) return 'csv';
  if (/\.(conll|conllu|bio|iob)$/i.test(importName)) return 'conll';
  // CoNLL under another name (.txt): its first line is -DOCSTART- or ends in a BIO tag.
  const first = content.slice(0, 4096).split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  if (first.startsWith('-DOCSTART-') || (!first.startsWith('{') && /^\S+(?:\s+\S+)*\s+(?:O|[BI]-\S+)$/.test(first))) return 'conll';
  for (const l of readJsonl(content.slice(0, 1 << 20))) {
    if (!('value' in l) || !isRecord(l.value)) continue;
    const r = l.value;
    if (typeof r.id === 'string' && isRecord(r.source) && typeof r.ts === 'string') return 'labelwise';
    if ('_input_hash' in r || '_task_hash' in r || '_annotator_id' in r) return 'prodigy';
    if (typeof r.label === 'number' || 'label_text' in r || 'labels_text' in r) return 'hf';
    return 'plain';
  }
  return 'plain';
}

/**
 * Imports labels from the text of a file, all or nothing: the whole input is validated first and
 * any bad record throws an ImportError (an InputError) listing every problem as `file:line: reason`.
 * Nothing is written here: append `result.events` to the store with `store.appendMany` (one write).
 *
 * `importName` names the input in messages and is the source file of free-standing events; give
 * it workspace-relative when the file is in the workspace.
 */
export function importLabels(content: string, importName: string, format: ImportFormat = 'auto', options: ImportOptions = {}): ImportResult {
  const f = format === 'auto' ? detectFormat(content, importName) : format;
  if (f === 'labelwise') return importLabelwise(content, importName, options);
  const read =
    f === 'csv' ? readCsvRecords(content, importName) : f === 'conll' ? readConllRecords(content, importName, entityLabelSet(options)) : readTaskRecords(content, importName, options.labelNames, options.multiLabel === true);
  return recordsToEvents(f, importName, read.records, read.problems, options);
}

/**
 * importLabels on the raw bytes of a file: decodes UTF-8 and reports each line that held invalid
 * bytes (read as U+FFFD) in `result.warnings` as `file:line`, instead of replacing them silently.
 */
export function importLabelBytes(bytes: Uint8Array, importName: string, format: ImportFormat = 'auto', options: ImportOptions = {}): ImportResult {
  const decoded = decodeUtf8Lines(bytes);
  const result = importLabels(decoded.text, importName, format, options);
  if (decoded.badLines.length === 0) return result;
  return { ...result, warnings: decoded.badLines.map((line) => ({ file: importName, line, reason: INVALID_UTF8_REASON })) };
}
