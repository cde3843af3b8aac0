import { SettingError } from '../../core/errors';
import { settingKeys } from '../../core/settings';
import { readImportFile } from '../../core/store/importFile';
import { importLabelBytes } from '../../core/store/formats/labelFormats';
import { toRelative } from '../labelwiseApp';
import type { LabelwiseCommand } from './command';

/**
 * Imports labels (Labelwise, Prodigy, CSV, Hugging Face, CoNLL BIO or plain {"text","label"} JSONL;
 * the format is detected). All or nothing: a bad record refuses the whole file, listing problems by line.
 * Entity spans are checked against labelwise.spanLabels (when set) and labelwise.allowOverlap.
 */
export const importLabelsCommand: LabelwiseCommand = {
  id: 'labelwise.importLabels',
  title: 'Import Labels',
  async run({ app, surface }, ...args: unknown[]): Promise<void> {
    const store = app.openStore();
    const root = app.workspaceRoot();
    const file = typeof args[0] === 'string' ? args[0] : await surface.showOpenFile({ title: 'Labelwise: import labels from', filters: { 'Labels (JSONL, CSV, CoNLL)': ['jsonl', 'json', 'csv', 'conll'] } });
    if (!file) return;
    const settings = app.settings();
    if (settings.task === 'spans' && settings.spanLabels.length === 0) {
      // Entities would be stored unchecked: ask for the entity labels first.
      app.report(new SettingError(settingKeys.spanLabels, `${settingKeys.spanLabels}: set the entity labels before importing entity spans (labelwise.task is "spans")`), 'Import failed');
      return;
    }
    const rel = toRelative(root, file);
    const name = rel.startsWith('..') ? file : rel;
    let content: Buffer;
    try {
      content = await readImportFile(file, name);
    } catch (e) {
      app.report(e, 'Import failed');
      return;
    }
    try {
      const lookup = await app.textLookup();
      if (!lookup) app.logger.info('import: no labeling session is running, so records without a workspace place are kept free-standing (start a session first to match them to the corpus by text)');
      // Entity spans (Prodigy spans JSONL, CoNLL) are checked against labelwise.spanLabels, and
      // overlaps against labelwise.allowOverlap; classification labels against labelwise.labels.
      const result = importLabelBytes(content, name, 'auto', {
        labels: settings.labels,
        spanLabels: settings.spanLabels,
        allowOverlap: settings.allowOverlap,
        multiLabel: settings.task === 'spans' ? false : settings.multiLabel,
        annotator: settings.annotator,
        ...(lookup ? { lookup } : {}),
      });
      store.appendMany(result.events);
      app.afterImport(result.events);
      for (const w of result.warnings ?? []) app.logger.warn(`import: ${w.file}:${w.line}: ${w.reason}`);
      if (result.warnings && result.warnings.length > 0) {
        const first = result.warnings[0];
        void surface.showWarning(`Labelwise: ${result.warnings.length} imported line(s) had invalid UTF-8, read as U+FFFD (first: ${first.file}:${first.line}); see the Labelwise output.`);
      }
      const msg = `imported ${result.events.length} ${result.format} records from ${name} (${result.bySource} with their workspace place, ${result.byText} matched by text, ${result.freeStanding} free-standing)`;
      app.logger.info(msg);
      void surface.showInfo(`Labelwise: ${msg}.`);
    } catch (e) {
      app.report(e, 'Import failed');
    }
  },
};
