import type { LabelwiseCommand } from './command';
import { editLabelsCommand } from './editLabels';
import { exportLabelsCommand } from './exportLabels';
import { importLabelsCommand } from './importLabels';
import { nextBatchCommand } from './nextBatch';
import { retrainCommand } from './retrain';
import { reviewContestedCommand } from './reviewContested';
import { selectModelCommand } from './selectModel';
import { setBudgetCommand } from './setBudget';
import { showLearningCurveCommand } from './showLearningCurve';
import { startSessionCommand } from './startSession';

/** Every palette command, in the order package.json lists them. */
export const ALL_COMMANDS: readonly LabelwiseCommand[] = [
  startSessionCommand,
  nextBatchCommand,
  retrainCommand,
  setBudgetCommand,
  editLabelsCommand,
  exportLabelsCommand,
  importLabelsCommand,
  showLearningCurveCommand,
  reviewContestedCommand,
  selectModelCommand,
];
