import type { LabelwiseCommand } from './command';

/** Retrains the model now, in the worker, behind a cancellable progress notification. */
export const retrainCommand: LabelwiseCommand = {
  id: 'labelwise.retrain',
  title: 'Retrain Model',
  async run({ app }): Promise<void> {
    await app.retrain();
  },
};
