import { settingKeys } from '../core/settings';
import { isLabelSet } from '../core/settingsParser';
import type { InputBoxOptionsLike, VscodeSurface } from './surface';

/**
 * Parses a comma-separated label list; returns the labels or a problem to show. `min`: 2 for a
 * classification label set, 1 for the spans task's entity labels.
 */
export function parseLabelList(value: string, min: 1 | 2 = 2): { labels: string[] } | { problem: string } {
  const labels = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (min === 2 && !isLabelSet(labels)) return { problem: 'Enter at least two labels, separated by commas' };
  if (labels.length === 0) return { problem: 'Enter at least one entity label (several separated by commas)' };
  const seen = new Set<string>();
  for (const l of labels) {
    if (seen.has(l)) return { problem: `"${l}" is listed twice` };
    seen.add(l);
  }
  return { labels };
}

/** The input box of a label set: a comma list, checked as it is typed (the problem shows in the box). */
export function labelSetInput(current: readonly string[], title: string): InputBoxOptionsLike {
  return {
    title,
    prompt: 'Labels separated by commas (at least two); the first nine get the keys 1–9 in the panel',
    value: current.join(', '),
    placeHolder: 'positive, negative, neutral',
    validateInput: (v) => {
      const r = parseLabelList(v);
      return 'problem' in r ? r.problem : undefined;
    },
  };
}

/**
 * Asks for a label set and writes it to labelwise.labels in the workspace settings. Resolves to
 * the labels, or undefined when the user cancelled (nothing is written then).
 */
export async function askForLabels(surface: VscodeSurface, current: readonly string[], title: string): Promise<string[] | undefined> {
  const value = await surface.showInputBox(labelSetInput(current, title));
  if (value === undefined) return undefined;
  const r = parseLabelList(value);
  if ('problem' in r) return undefined;
  await surface.updateSetting(settingKeys.labels, r.labels, 'workspace');
  return r.labels;
}

/**
 * Asks for the spans task's entity labels and writes them to labelwise.spanLabels in the workspace
 * settings. Resolves to the labels, or undefined when the user cancelled (nothing is written then).
 */
export async function askForSpanLabels(surface: VscodeSurface, current: readonly string[], title: string): Promise<string[] | undefined> {
  const value = await surface.showInputBox({
    title,
    prompt: 'Entity labels separated by commas (at least one); the first nine get the keys 1–9 in the panel',
    value: current.join(', '),
    placeHolder: 'PERSON, ORG, PLACE',
    validateInput: (v) => {
      const r = parseLabelList(v, 1);
      return 'problem' in r ? r.problem : undefined;
    },
  });
  if (value === undefined) return undefined;
  const r = parseLabelList(value, 1);
  if ('problem' in r) return undefined;
  await surface.updateSetting(settingKeys.spanLabels, r.labels, 'workspace');
  return r.labels;
}
