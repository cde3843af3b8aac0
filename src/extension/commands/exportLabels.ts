import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXPORTS_RELATIVE_DIR, exportTargetProblem, writeExportFiles, type ExportFile } from '../../core/store/exportFile';
import { exportLabels, formatExtension, sidecarTarget, SPAN_ONLY_FORMATS, type ExportFormat } from '../../core/store/formats/labelFormats';
import type { LabelwiseCommand } from './command';

interface FormatItem {
  readonly label: string;
  readonly description: string;
  readonly format: ExportFormat;
}

export const EXPORT_ITEMS: readonly FormatItem[] = [
  { label: 'Labelwise JSONL', description: 'every event, undo included (the store format)', format: 'labelwise' },
  { label: 'Prodigy JSONL', description: 'text, label/spans, answer, _input_hash, _task_hash', format: 'prodigy' },
  { label: 'CSV', description: 'one row per decision', format: 'csv' },
  { label: 'Hugging Face JSONL', description: 'text + class index, with a label-names sidecar', format: 'hf' },
  { label: 'CoNLL BIO (entity spans)', description: 'token -X- _ TAG, a blank line between sentences', format: 'conll' },
  { label: 'spaCy JSONL (entity spans)', description: 'text + entities [[start, end, label]]', format: 'spacy' },
  { label: 'Hugging Face tokens + ner_tags (entity spans)', description: 'with a tag-names sidecar', format: 'hf-ner' },
  { label: 'brat standoff (entity spans)', description: '.txt with its .ann beside it', format: 'brat' },
];

/**
 * The formats offered for a workspace of this task: every format for classification; for
 * labelwise.task = spans the ones that hold entity spans (CoNLL, spaCy, Hugging Face ner_tags,
 * brat, Prodigy), then the store format.
 */
export function exportItems(task: 'classify' | 'spans'): readonly FormatItem[] {
  if (task === 'classify') return EXPORT_ITEMS;
  const order: readonly ExportFormat[] = ['conll', 'spacy', 'hf-ner', 'brat', 'prodigy', 'labelwise'];
  return order.map((f) => EXPORT_ITEMS.find((i) => i.format === f)).filter((i): i is FormatItem => i !== undefined);
}

/** Exports the labels in a chosen format to a chosen file. */
export const exportLabelsCommand: LabelwiseCommand = {
  id: 'labelwise.exportLabels',
  title: 'Export Labels',
  async run({ app, surface }): Promise<void> {
    const store = app.openStore();
    const settings = app.settings();
    const item = await surface.showQuickPick(exportItems(settings.task), { title: settings.task === 'spans' ? 'Labelwise: export entity spans as' : 'Labelwise: export format' });
    if (!item) return;
    const root = app.workspaceRoot();
    const ext = formatExtension(item.format);
    // Exports default to .labelwise/exports/, which labelwise.exclude keeps out of the corpus.
    const folder = join(root, ...EXPORTS_RELATIVE_DIR.split('/'));
    try {
      mkdirSync(folder, { recursive: true });
    } catch {
      // The dialog falls back to another folder; the write below reports real errors.
    }
    const out = await surface.showSaveFile({
      title: 'Labelwise: export labels to',
      defaultPath: join(folder, `labels-${item.format}${ext}`),
      filters: ext === '.csv' ? { CSV: ['csv'] } : ext === '.conll' ? { CoNLL: ['conll', 'txt'] } : ext === '.txt' ? { 'brat text': ['txt'] } : { JSONL: ['jsonl'] },
    });
    if (!out) return;
    const refused = exportTargetProblem(out, store.file);
    if (refused) {
      app.logger.warn(`export refused: ${refused}`);
      void surface.showError(`Labelwise: export refused: ${refused}.`);
      return;
    }
    const events = item.format === 'labelwise' ? store.events().map((s) => s.event) : store.state.decisions();
    // labelwise.labels is the classification label set: it must not become hf-ner tag names; the
    // entity formats (and Prodigy in a spans workspace) take labelwise.spanLabels' order.
    const spanFormat = SPAN_ONLY_FORMATS.includes(item.format) || (settings.task === 'spans' && item.format === 'prodigy');
    const labels = spanFormat ? (settings.spanLabels.length > 0 ? settings.spanLabels : undefined) : settings.labels;
    const result = exportLabels(item.format, events, { labels });
    const files: ExportFile[] = [{ path: out, content: result.content, format: item.format }];
    if (result.sidecar !== undefined) files.push({ ...sidecarTarget(item.format, out), content: result.sidecar });
    try {
      writeExportFiles(files, store.file, root);
    } catch (e) {
      app.report(e, 'Export failed');
      return;
    }
    app.logger.info(`exported ${result.count} records as ${item.format} to ${out}`);
    void surface.showInfo(`Labelwise: exported ${result.count} records to ${out}.`);
  },
};
