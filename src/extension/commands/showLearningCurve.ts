import type { PanelState } from '../../protocol';
import type { LabelwiseCommand } from './command';

/**
 * Shows the learning curve (estimated accuracy vs labels, strategy weights per round) in the panel;
 * resolves to the panel's state.
 */
export const showLearningCurveCommand: LabelwiseCommand = {
  id: 'labelwise.showLearningCurve',
  title: 'Show Learning Curve',
  async run({ app }): Promise<PanelState | undefined> {
    return (await app.start('curve'))?.state();
  },
};
