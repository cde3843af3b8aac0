import type { SessionSummary } from '../protocol';
import { formatPercent } from './format';

/** "75%": a share rounded to a whole percent (intervals are too wide for decimals to mean anything). */
export function wholePercent(v: number): string {
  return `${Math.round(v * 100)}%`;
}

/**
 * "Estimated accuracy …" as a sentence, and what it is: the header's tooltip and the progress
 * section's title. The host computes the interval (src/core/session/accuracyInterval.ts).
 */
export function accuracyText(s: SessionSummary): { readonly text: string; readonly title: string } {
  if (s.estimatedAccuracy === undefined) {
    return { text: 'not yet', title: 'Estimated once the model is retrained on enough labels of at least two labels.' };
  }
  const on = s.accuracyLabels !== undefined ? ` on ${s.accuracyLabels} labels` : '';
  const round = s.rounds !== undefined && s.rounds > 0 ? `, round ${s.rounds}` : '';
  const iv = s.accuracyInterval;
  if (!iv) return { text: formatPercent(s.estimatedAccuracy), title: `Cross-validated${on}${round}.` };
  return {
    text: `${formatPercent(s.estimatedAccuracy)} (${wholePercent(iv.level)}: ${wholePercent(iv.low)}–${wholePercent(iv.high)})`,
    title:
      `Cross-validated${on}${round}: each label is predicted by a model trained without it. ` +
      `The range is the ${wholePercent(iv.level)} Wilson score interval over those ${iv.n} held-out predictions; ` +
      'it narrows as labels are added.',
  };
}

