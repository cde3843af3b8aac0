import { askForLabels } from '../labelSet';
import type { LabelwiseCommand } from './command';

export { parseLabelList } from '../labelSet';

/** Edits the label set (labelwise.labels, workspace settings); a running session restarts with it. */
export const editLabelsCommand: LabelwiseCommand = {
  id: 'labelwise.editLabels',
  title: 'Edit Label Set',
  async run({ app, surface }): Promise<void> {
    const labels = await askForLabels(surface, app.settings().labels, 'Labelwise: label set');
    if (labels && app.activeController) await app.restart();
  },
};
