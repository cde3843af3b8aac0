import { settingKeys } from '../../core/settings';
import type { LabelwiseCommand } from './command';

/** Parses a comma-separated label list; returns the labels or a problem to show. */
export function parseLabelList(value: string): { labels: string[] } | { problem: string } {
  const labels = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (labels.length < 2) return { problem: 'Enter at least two labels, separated by commas' };
  const seen = new Set<string>();
  for (const l of labels) {
    if (seen.has(l)) return { problem: `"${l}" is listed twice` };
    seen.add(l);
  }
  return { labels };
}

/** Edits the label set (labelwise.labels, workspace settings); a running session restarts with it. */
export const editLabelsCommand: LabelwiseCommand = {
  id: 'labelwise.editLabels',
  title: 'Edit Label Set',
  async run({ app, surface }): Promise<void> {
    const current = app.settings().labels;
    const value = await surface.showInputBox({
      title: 'Labelwise: label set',
      prompt: 'Labels separated by commas; the first nine get the keys 1–9 in the panel',
      value: current.join(', '),
      placeHolder: 'positive, negative, neutral',
      validateInput: (v) => {
        const r = parseLabelList(v);
        return 'problem' in r ? r.problem : undefined;
      },
    });
    if (value === undefined) return;
    const r = parseLabelList(value);
    if ('problem' in r) return;
    await surface.updateSetting(settingKeys.labels, r.labels, 'workspace');
    if (app.session) await app.restart();
  },
};
