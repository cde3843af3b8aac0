import { isLabeled, type LabelEvent } from '../core/store/events';
import { reanchor } from '../core/store/reanchor';

/** One labeled span to highlight in an open document. */
export interface PlannedDecoration {
  readonly label: string;
  readonly start: number;
  readonly end: number;
  /** Markdown of the hover: label, annotator, time. */
  readonly hover: string;
}

function md(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/**
 * Where the labeled spans of `file` are in its current `text` (which may have unsaved edits):
 * spans still at their stored offsets, or found again by their text nearby (re-anchoring).
 * Spans that cannot be found are left out here; the output channel lists them as orphans.
 */
export function planDecorations(decisions: readonly LabelEvent[], file: string, text: string): PlannedDecoration[] {
  const mine = decisions.filter((e) => e.source.file === file && isLabeled(e) && e.label !== null);
  if (mine.length === 0) return [];
  const r = reanchor(mine, (f) => (f === file ? text : undefined));
  const placed: LabelEvent[] = [...r.anchored, ...r.moved.map((m) => m.rebased)];
  return placed
    .map((e) => ({
      label: e.label as string,
      start: e.source.start,
      end: e.source.end,
      hover: `**${md(e.label as string)}** · labeled by ${md(e.annotator || 'unknown')} · ${md(e.ts.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'))}` +
        (e.strategy ? `  \nchosen by ${md(e.strategy)}${e.score !== null ? ` (score ${e.score.toFixed(3)})` : ''}` : ''),
    }))
    .sort((a, b) => a.start - b.start);
}

/** A stable color slot per label: its index in the label set, or a hash for labels outside it. */
export function colorSlot(label: string, labels: readonly string[], slots: number): number {
  const i = labels.indexOf(label);
  if (i >= 0) return i % slots;
  let h = 0;
  for (let k = 0; k < label.length; k++) h = (h * 31 + label.charCodeAt(k)) >>> 0;
  return h % slots;
}
