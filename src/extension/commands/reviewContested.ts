import type { LabelwiseCommand } from './command';

/** Lists the spans annotators labeled differently and those the committee disputes most, to resolve. */
export const reviewContestedCommand: LabelwiseCommand = {
  id: 'labelwise.reviewContested',
  title: 'Review Contested Spans',
  async run({ app }): Promise<void> {
    const c = await app.start('review');
    if (!c) return;
    const items = await c.loadContested();
    if (items.length === 0) app.logger.info('review: no contested spans yet (no annotator disagreements; the committee needs a retrain first)');
  },
};
