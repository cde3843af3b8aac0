import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportLabels, formatExtension, type ExportFormat } from '../../core/store/formats/labelFormats';
import { hfSidecarPath } from '../../core/store/formats/hfFormat';
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
];

/** Exports the labels in a chosen format to a chosen file. */
export const exportLabelsCommand: LabelwiseCommand = {
  id: 'labelwise.exportLabels',
  title: 'Export Labels',
  async run({ app, surface }): Promise<void> {
    const store = app.openStore();
    const item = await surface.showQuickPick(EXPORT_ITEMS, { title: 'Labelwise: export format' });
    if (!item) return;
    const root = app.workspaceRoot();
    const ext = formatExtension(item.format);
    const out = await surface.showSaveFile({
      title: 'Labelwise: export labels to',
      defaultPath: join(root, `labels-${item.format}${ext}`),
      filters: ext === '.csv' ? { CSV: ['csv'] } : { JSONL: ['jsonl'] },
    });
    if (!out) return;
    const events = item.format === 'labelwise' ? store.events().map((s) => s.event) : store.state.decisions();
    const result = exportLabels(item.format, events, { labels: app.settings().labels });
    writeFileSync(out, result.content, 'utf8');
    if (result.sidecar !== undefined) writeFileSync(hfSidecarPath(out), result.sidecar, 'utf8');
    app.logger.info(`exported ${result.count} records as ${item.format} to ${out}`);
    void surface.showInfo(`Labelwise: exported ${result.count} records to ${out}.`);
  },
};
