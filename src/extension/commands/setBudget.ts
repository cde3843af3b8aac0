import { settingKeys } from '../../core/settings';
import type { LabelwiseCommand } from './command';

/** Why `value` is not a valid budget, or undefined. */
export function budgetProblem(value: string): string | undefined {
  const n = Number(value.trim());
  return value.trim() !== '' && Number.isInteger(n) && n >= 1 ? undefined : 'Enter a whole number of labels, at least 1';
}

/** Asks for the label budget and stores it in the workspace settings (labelwise.budget). */
export const setBudgetCommand: LabelwiseCommand = {
  id: 'labelwise.setBudget',
  title: 'Set Label Budget',
  async run({ app, surface }): Promise<void> {
    const current = app.settings().budget;
    const value = await surface.showInputBox({
      title: 'Labelwise: label budget',
      prompt: `How many labels to aim for (${settingKeys.budget}); the status bar turns yellow when it is spent`,
      value: String(current),
      validateInput: budgetProblem,
    });
    if (value === undefined) return;
    await surface.updateSetting(settingKeys.budget, Number(value.trim()), 'workspace');
    app.refreshStatus();
  },
};
