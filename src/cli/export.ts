import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import { formatProblem } from '../core/store/eventLog';
import { hfSidecarPath, parseHfLabelNames } from '../core/store/formats/hfFormat';
import { exportLabels, importLabelBytes, sidecarTarget, type ExportFormat, type ImportFormat } from '../core/store/formats/labelFormats';
import { writeExportFiles, type ExportFile } from '../core/store/exportFile';
import { readImportFile } from '../core/store/importFile';
import { LabelStore, STORE_RELATIVE_PATH } from '../core/store/labelStore';

export interface ExportOptions {
  store?: string;
  /** Checked by commander's choices (main.ts). */
  format: ExportFormat;
  out: string;
  /** Write every event (labelwise format only) instead of the current decisions. */
  all?: boolean;
  /** Comma-separated label set: fixes class indices of the hf format. */
  labels?: string;
  /** conll: start with a -DOCSTART- line. */
  docstart?: boolean;
}

export interface ImportOptions {
  store?: string;
  in: string;
  /** Checked by commander's choices (main.ts). */
  format: ImportFormat;
  labels?: string;
  labelNames?: string;
  annotator?: string;
  /** Read Prodigy `accept` lists as label sets (labelwise.multiLabel). */
  multiLabel?: boolean;
  /** Entity spans of one record may overlap (labelwise.allowOverlap). */
  allowOverlap?: boolean;
  dryRun?: boolean;
}

function splitLabels(s: string | undefined): string[] | undefined {
  if (s === undefined) return undefined;
  const labels = s.split(',').map((l) => l.trim()).filter((l) => l !== '');
  return labels.length > 0 ? labels : undefined;
}

/** The workspace folder of a store at `<root>/.labelwise/labels.jsonl`; undefined for a store elsewhere. */
function workspaceOf(storeFile: string): string | undefined {
  const dir = path.dirname(storeFile);
  return path.basename(dir) === '.labelwise' ? path.dirname(dir) : undefined;
}

/**
 * Opens the store. `mustExist`: a store that is not there is an error (an export of a mistyped
 * --store must not quietly "export 0"); an import creates it.
 */
function openStore(store: string | undefined, mustExist: boolean): LabelStore {
  const file = path.resolve(store ?? STORE_RELATIVE_PATH);
  if (mustExist && !fs.existsSync(file)) {
    throw new InputError(`--store ${store ?? STORE_RELATIVE_PATH}: no label store at ${file} (run in the workspace folder, or pass the path of its .labelwise/labels.jsonl)`, file);
  }
  const s = LabelStore.open(file);
  for (const p of s.problems) process.stderr.write(`labelwise: warning: ${formatProblem(p)}\n`);
  return s;
}

/** `labelwise export`: writes the store's decisions in one of the export formats. */
export function runExport(opts: ExportOptions): void {
  const { format } = opts;
  if (opts.all && format !== 'labelwise') throw new InputError('--all is only meaningful with --format labelwise');
  const store = openStore(opts.store, true);
  const out = path.resolve(opts.out);
  const events = opts.all ? store.events().map((s) => s.event) : store.state.decisions();
  const result = exportLabels(format, events, { labels: splitLabels(opts.labels), docstart: opts.docstart === true });
  const files: ExportFile[] = [{ path: out, content: result.content, format }];
  if (result.sidecar !== undefined) files.push({ ...sidecarTarget(format, out), content: result.sidecar });
  writeExportFiles(files, store.file, workspaceOf(store.file));
  const note = files.length > 1 ? ` and its ${format === 'brat' ? 'annotations' : 'label names'} to ${files[1].path}` : '';
  process.stderr.write(`labelwise: exported ${result.count} ${opts.all ? 'events' : 'decisions'} as ${format} to ${out}${note}\n`);
}

/** `labelwise import`: validates a whole file, then appends its labels to the store in one write. */
export async function runImport(opts: ImportOptions): Promise<void> {
  const input = path.resolve(opts.in);
  const content = await readImportFile(input, opts.in);
  let labelNames: string[] | undefined;
  const namesFile = opts.labelNames ?? (fs.existsSync(hfSidecarPath(input)) ? hfSidecarPath(input) : undefined);
  if (namesFile !== undefined) {
    let names: string[] | { error: string };
    try {
      names = parseHfLabelNames((await readImportFile(namesFile, namesFile, 16 * 1024 * 1024)).toString('utf8'));
    } catch (e) {
      names = { error: `cannot read it (${(e as Error).message})` };
    }
    if (!Array.isArray(names)) throw new InputError(`${namesFile}: ${names.error}`, namesFile);
    labelNames = names;
  }
  const store = openStore(opts.store, false);
  // Free-standing events name the import file relative to the workspace that holds the store.
  const workspace = path.dirname(path.dirname(store.file));
  const rel = path.relative(workspace, input);
  const importName = rel.startsWith('..') || path.isAbsolute(rel) ? input : rel.split(path.sep).join('/');
  const result = importLabelBytes(content, importName, opts.format, {
    labels: splitLabels(opts.labels),
    labelNames,
    annotator: opts.annotator ?? '',
    ...(opts.multiLabel === true ? { multiLabel: true } : {}),
    ...(opts.allowOverlap === true ? { allowOverlap: true } : {}),
  });
  for (const w of result.warnings ?? []) process.stderr.write(`labelwise: warning: ${w.file}:${w.line}: ${w.reason}\n`);
  try {
    if (!opts.dryRun) store.appendMany(result.events);
  } finally {
    store.close();
  }
  process.stderr.write(
    `labelwise: ${opts.dryRun ? 'would import' : 'imported'} ${result.events.length} ${result.format} records into ${store.file} ` +
      `(${result.bySource} with their workspace place, ${result.byText} matched by text, ${result.freeStanding} free-standing)\n`,
  );
}
