import type { LabelwiseCommand } from './command';

/** Lists the spans annotators labeled differently and those the committee disputes most, to resolve. */
export const reviewContestedCommand: LabelwiseCommand = {
  id: 'labelwise.reviewContested',
  title: 'Review Contested Spans',
  async run({ app }): Promise<void> {
    const c = await app.start('review');
    if (!c) return;
    // start('review') switched the panel to the review view, which loads the list.
    const items = c.state().view === 'review' && c.state().contested.length > 0 ? c.state().contested : await c.loadContested();
    if (items.length === 0) app.logger.info('review: no contested spans yet (no annotator disagreements; the committee needs a retrain first)');
  },
};
