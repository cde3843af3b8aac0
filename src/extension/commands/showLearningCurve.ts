import type { LabelwiseCommand } from './command';

/** Shows the learning curve (estimated accuracy vs labels, strategy weights per round) in the panel. */
export const showLearningCurveCommand: LabelwiseCommand = {
  id: 'labelwise.showLearningCurve',
  title: 'Show Learning Curve',
  async run({ app }): Promise<void> {
    await app.start('curve');
  },
};
