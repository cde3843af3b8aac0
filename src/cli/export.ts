import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import { formatProblem } from '../core/store/eventLog';
import { hfSidecarPath, parseHfLabelNames } from '../core/store/formats/hfFormat';
import { EXPORT_FORMATS, IMPORT_FORMATS, exportLabels, importLabels, type ExportFormat, type ImportFormat } from '../core/store/formats/labelFormats';
import { LabelStore, STORE_RELATIVE_PATH } from '../core/store/labelStore';

export interface ExportOptions {
  store?: string;
  format: string;
  out: string;
  /** Write every event (labelwise format only) instead of the current decisions. */
  all?: boolean;
  /** Comma-separated label set: fixes class indices of the hf format. */
  labels?: string;
}

export interface ImportOptions {
  store?: string;
  in: string;
  format: string;
  labels?: string;
  labelNames?: string;
  annotator?: string;
  dryRun?: boolean;
}

function splitLabels(s: string | undefined): string[] | undefined {
  if (s === undefined) return undefined;
  const labels = s.split(',').map((l) => l.trim()).filter((l) => l !== '');
  return labels.length > 0 ? labels : undefined;
}

function openStore(store: string | undefined): LabelStore {
  const file = path.resolve(store ?? STORE_RELATIVE_PATH);
  const s = LabelStore.open(file);
  for (const p of s.problems) process.stderr.write(`labelwise: warning: ${formatProblem(p)}\n`);
  return s;
}

/** `labelwise export`: writes the store's decisions in one of the export formats. */
export function runExport(opts: ExportOptions): void {
  if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format)) {
    throw new InputError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${opts.format}"`);
  }
  const format = opts.format as ExportFormat;
  if (opts.all && format !== 'labelwise') throw new InputError('--all is only meaningful with --format labelwise');
  const store = openStore(opts.store);
  const out = path.resolve(opts.out);
  if (out === store.file) throw new InputError(`--out ${opts.out} is the label store itself; choose another file`);
  const events = opts.all ? store.events().map((s) => s.event) : store.state.decisions();
  const result = exportLabels(format, events, { labels: splitLabels(opts.labels) });
  writeFileAtomic(out, result.content);
  let note = '';
  if (result.sidecar !== undefined) {
    const sidecar = hfSidecarPath(out);
    writeFileAtomic(sidecar, result.sidecar);
    note = ` and its label names to ${sidecar}`;
  }
  process.stderr.write(`labelwise: exported ${result.count} ${opts.all ? 'events' : 'decisions'} as ${format} to ${out}${note}\n`);
}

/** `labelwise import`: validates a whole file, then appends its labels to the store in one write. */
export function runImport(opts: ImportOptions): void {
  if (!(IMPORT_FORMATS as readonly string[]).includes(opts.format)) {
    throw new InputError(`--format must be one of ${IMPORT_FORMATS.join(', ')}, got "${opts.format}"`);
  }
  const input = path.resolve(opts.in);
  let content: string;
  try {
    content = fs.readFileSync(input, 'utf8');
  } catch (e) {
    throw new InputError(`${opts.in}: cannot read the file to import (${(e as Error).message})`, opts.in);
  }
  let labelNames: string[] | undefined;
  const namesFile = opts.labelNames ?? (fs.existsSync(hfSidecarPath(input)) ? hfSidecarPath(input) : undefined);
  if (namesFile !== undefined) {
    let names: string[] | { error: string };
    try {
      names = parseHfLabelNames(fs.readFileSync(namesFile, 'utf8'));
    } catch (e) {
      names = { error: `cannot read it (${(e as Error).message})` };
    }
    if (!Array.isArray(names)) throw new InputError(`${namesFile}: ${names.error}`, namesFile);
    labelNames = names;
  }
  const store = openStore(opts.store);
  // Free-standing events name the import file relative to the workspace that holds the store.
  const workspace = path.dirname(path.dirname(store.file));
  const rel = path.relative(workspace, input);
  const importName = rel.startsWith('..') || path.isAbsolute(rel) ? input : rel.split(path.sep).join('/');
  const result = importLabels(content, importName, opts.format as ImportFormat, {
    labels: splitLabels(opts.labels),
    labelNames,
    annotator: opts.annotator ?? '',
  });
  if (!opts.dryRun) store.appendMany(result.events);
  store.close();
  process.stderr.write(
    `labelwise: ${opts.dryRun ? 'would import' : 'imported'} ${result.events.length} ${result.format} records into ${store.file} ` +
      `(${result.bySource} with their workspace place, ${result.byText} matched by text, ${result.freeStanding} free-standing)\n`,
  );
}

/** Writes via a temporary file and a rename, so a reader never sees half an export. */
function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
