import type { LabelwiseCommand } from './command';

/** Replaces the spans not shown yet with a fresh batch from the engine. */
export const nextBatchCommand: LabelwiseCommand = {
  id: 'labelwise.nextBatch',
  title: 'Next Batch',
  async run({ app }): Promise<void> {
    const c = app.session ?? (await app.start('label'));
    await c?.nextBatch();
  },
};
