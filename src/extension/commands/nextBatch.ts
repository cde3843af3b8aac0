import type { PanelState } from '../../protocol';
import type { LabelwiseCommand } from './command';

/** Replaces the spans not shown yet with a fresh batch from the engine; resolves to the panel's state. */
export const nextBatchCommand: LabelwiseCommand = {
  id: 'labelwise.nextBatch',
  title: 'Next Batch',
  async run({ app }): Promise<PanelState | undefined> {
    const c = app.activeController ?? (await app.start('label'));
    await c?.nextBatch();
    return c?.state();
  },
};
