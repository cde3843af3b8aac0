import type { Decision } from './panelModel';

/** A decision in words for the "Recent decisions" list. */
export function historyAnswer(dec: Decision): string {
  if (dec.answer === 'ignore') return 'skipped';
  if (dec.answer === 'reject') return `rejected${dec.label ? ` ${dec.label}` : ''}`;
  if (dec.entities !== undefined) return dec.entities.length === 0 ? 'no entities' : dec.entities.map((e) => `${e.label} “${dec.span.text.slice(e.start, e.end)}”`).join(', ');
  return dec.labels !== undefined ? dec.labels.join(' + ') || 'no label' : (dec.label ?? '');
}
