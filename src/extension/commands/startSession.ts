import type { LabelwiseCommand } from './command';

/** Opens the panel and starts (or reveals) the labeling session. */
export const startSessionCommand: LabelwiseCommand = {
  id: 'labelwise.startSession',
  title: 'Start Labeling Session',
  async run({ app }): Promise<void> {
    await app.start('label');
  },
};
