import { labelColorSlot } from '../protocol';
import type { LabelButton } from '../protocol';

/**
 * The CSS class that gives an element its label's colour (`--lw-label`, `--lw-label-bg`, set in
 * media/panel.css from the contributed theme colours). By position in the label set, as the
 * editor decorations do, so "sports" is the same colour on its button, in the legend and in the file.
 */
export function labelColorClass(position: number): string {
  return `lw-label-${labelColorSlot(position)}`;
}

/** The colour class of a label by name; labels outside the set (a stored, since-removed one) get none. */
export function colorClassOf(labels: readonly LabelButton[], name: string): string {
  const i = labels.findIndex((l) => l.name === name);
  return i >= 0 ? labelColorClass(i) : 'lw-label-none';
}
