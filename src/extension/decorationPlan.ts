import { entitiesOf, isLabeled, labelsOf, type LabelEvent } from '../core/store/events';
import { onTokenBoundaries, reanchor } from '../core/store/reanchor';
import { documentRange, locateSource, sourceSpans, unitAt } from '../core/text/spanLocator';
import type { Granularity } from '../core/types';

/** One labeled span to highlight in an open document. */
export interface PlannedDecoration {
  readonly label: string;
  readonly start: number;
  readonly end: number;
  /** Markdown of the hover: label, annotator, time. */
  readonly hover: string;
  /**
   * An entity inside a sentence (labelwise.task = spans): its colour is its label's place in
   * labelwise.spanLabels (the panel legend's), not in labelwise.labels.
   */
  readonly entity?: true;
}

/** Whether a decision draws anything: a classification label (or set), or entities. */
function drawn(e: LabelEvent): boolean {
  return (isLabeled(e) && labelsOf(e).length > 0) || (entitiesOf(e)?.length ?? 0) > 0;
}

function when(e: LabelEvent): string {
  return md(e.ts.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'));
}

function md(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/**
 * Where the labeled spans of `file` are in its current `text` (the editor's document, which may
 * have unsaved edits): spans still at their stored offsets, or found again by their text
 * (re-anchoring, with the span locator the corpus reader uses). Offsets are the document's: for a
 * JSONL record they point into the JSON line, through its escapes. Spans that cannot be found are
 * left out here; the output channel lists them as orphans.
 */
export function planDecorations(decisions: readonly LabelEvent[], file: string, text: string, granularity: Granularity = 'sentence'): PlannedDecoration[] {
  // Multi-label sets are drawn in their first label's colour; the hover lists the whole set.
  // Entity-span decisions draw each entity (offsets into the event's text, so a moved sentence's
  // entities move with it); a sentence answered "no entities" draws nothing.
  const mine = decisions.filter((e) => e.source.file === file && drawn(e));
  if (mine.length === 0) return [];
  const src = locateSource(file, text);
  // Typing in a long file redraws often: segment it only when some span is not where it was.
  const inPlace = mine.every((e) => {
    const unit = unitAt(src, e.source.line);
    return unit !== undefined && unit.text.slice(e.source.start, e.source.end) === e.text && onTokenBoundaries(unit.text, e.source.start, e.source.end);
  });
  let placed: LabelEvent[] = mine;
  if (!inPlace) {
    const r = reanchor(mine, { file: (f) => (f === file ? { spans: sourceSpans(src, granularity).spans, source: src } : undefined) });
    placed = [...r.anchored, ...r.moved.map((m) => m.rebased)];
  }
  const entities: PlannedDecoration[] = placed.flatMap((e) =>
    (entitiesOf(e) ?? []).flatMap((x) => {
      const at = documentRange(src, e.source.line, e.source.start + x.start, e.source.start + x.end);
      if (!at) return [];
      const hover = `**${md(x.label)}** · entity ${md(JSON.stringify(e.text.slice(x.start, x.end)))} · labeled by ${md(e.annotator || 'unknown')} · ${when(e)}`;
      return [{ label: x.label, start: at.start, end: at.end, hover, entity: true as const }];
    }),
  );
  return placed
    .filter((e) => labelsOf(e).length > 0)
    .flatMap((e) => {
      const at = documentRange(src, e.source.line, e.source.start, e.source.end);
      return at ? [{ e, at }] : [];
    })
    .map(({ e, at }): PlannedDecoration => ({
      label: labelsOf(e)[0],
      start: at.start,
      end: at.end,
      hover: `**${labelsOf(e).map(md).join(' + ')}** · labeled by ${md(e.annotator || 'unknown')} · ${md(e.ts.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'))}` +
        (e.strategy ? `  \nchosen by ${md(e.strategy)}${e.score !== null ? ` (score ${e.score.toFixed(3)})` : ''}` : ''),
    }))
    .concat(entities)
    .sort((a, b) => a.start - b.start || a.end - b.end);
}

/** A stable color slot per label: its index in the label set, or a hash for labels outside it. */
export function colorSlot(label: string, labels: readonly string[], slots: number): number {
  const i = labels.indexOf(label);
  if (i >= 0) return i % slots;
  let h = 0;
  for (let k = 0; k < label.length; k++) h = (h * 31 + label.charCodeAt(k)) >>> 0;
  return h % slots;
}

/**
 * The colour slot (0-based) of a planned decoration: a classification label by its place in
 * labelwise.labels, an entity by its label's place in labelwise.spanLabels — the slot the panel's
 * buttons and legend use for the same label (protocol.ts labelColorSlot, 1-based).
 */
export function decorationSlot(p: Pick<PlannedDecoration, 'label' | 'entity'>, labels: readonly string[], spanLabels: readonly string[], slots: number): number {
  return colorSlot(p.label, p.entity ? spanLabels : labels, slots);
}
