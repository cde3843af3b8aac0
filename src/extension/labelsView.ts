import type { AnnotatorDisagreement } from '../core/store/contested';
import { entitiesOf, type LabelEvent } from '../core/store/events';
import type { OrphanSpan } from '../core/store/reanchor';

/**
 * The Labels view of the Explorer as plain data, built from the label store and the orphans: what
 * each row says and which span a click opens. labelsTree.ts maps it to TreeItems; keeping the
 * logic here lets it run (and be tested) without VS Code.
 */

/** The Labels view's id (package.json contributes.views.explorer). */
export const LABELS_VIEW_ID = 'labelwise.labels';
/** Internal command a row runs to open its span (not in the palette: it needs a span argument). */
export const OPEN_SPAN_COMMAND = 'labelwise.openSpan';

/** A span's place in the workspace, as the store records it (what "open" needs). */
export interface SpanRef {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly line?: number;
}

/** Codicons the view uses. */
export type LabelsIcon = 'tag' | 'warning' | 'close' | 'debug-step-over' | 'comment-discussion' | 'debug-disconnect' | 'ellipsis' | 'circle-small' | 'circle-slash';

export interface LabelsNode {
  /** Stable across refreshes, so VS Code keeps what the user expanded. */
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  readonly icon: LabelsIcon;
  /** The span a click opens; absent when there is nothing to open (a file that is gone). */
  readonly open?: SpanRef;
  readonly children?: readonly LabelsNode[];
  /** Groups that open expanded the first time (the ones that ask for attention). */
  readonly expanded?: boolean;
}

export interface LabelsViewInput {
  /** The label set (labelwise.labels), in order: the first nine have the keys 1–9. */
  readonly labels: readonly string[];
  /**
   * The setting `labels` comes from: labelwise.labels (default), or labelwise.spanLabels in a
   * spans workspace, whose sentences answered "no entities" get a group of their own.
   */
  readonly labelSetting?: string;
  /** The current decision on each span (LabelState.decisions()). */
  readonly decisions: readonly LabelEvent[];
  /** Labeled spans that cannot be found in their files any more. */
  readonly orphans: readonly OrphanSpan[];
  /** Spans annotators labeled differently (annotatorDisagreements()). */
  readonly disagreements: readonly AnnotatorDisagreement[];
}

/** Spans listed under one group at most; the rest are counted in a last row. */
export const SPANS_PER_GROUP = 100;
const TEXT_CHARS = 80;

/** A span's text on one line, cut to fit a tree row. */
export function rowText(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > TEXT_CHARS ? `${one.slice(0, TEXT_CHARS - 1)}…` : one || '(empty span)';
}

function where(e: LabelEvent): string {
  return e.source.line !== undefined ? `${e.source.file}:${e.source.line + 1}` : e.source.file;
}

function refOf(e: LabelEvent): SpanRef {
  const { file, start, end, line } = e.source;
  return line !== undefined ? { file, start, end, line } : { file, start, end };
}

/** Newest decision first: what was labeled last is what one looks for. */
function newestFirst(a: LabelEvent, b: LabelEvent): number {
  return b.ts.localeCompare(a.ts) || a.id.localeCompare(b.id);
}

function spanRows(group: string, events: readonly LabelEvent[], describe: (e: LabelEvent) => string = where): LabelsNode[] {
  const sorted = [...events].sort(newestFirst);
  const rows: LabelsNode[] = sorted.slice(0, SPANS_PER_GROUP).map((e) => ({
    id: `${group}/${e.id}`,
    label: rowText(e.text),
    description: describe(e),
    tooltip: `${e.text}\n\n${where(e)} · ${e.annotator} · ${e.ts}`,
    icon: 'circle-small',
    open: refOf(e),
  }));
  if (sorted.length > SPANS_PER_GROUP) {
    rows.push({ id: `${group}/more`, label: `… and ${sorted.length - SPANS_PER_GROUP} more`, icon: 'ellipsis', tooltip: 'Export the labels to see every span.' });
  }
  return rows;
}

/** The labels an accepted decision gives: its class label, or each entity span's label. */
function labelsOf(e: LabelEvent): string[] {
  if (e.answer !== 'accept') return [];
  const out = e.label !== null ? [e.label] : [];
  for (const s of e.spans) if (!out.includes(s.label)) out.push(s.label);
  return out;
}

/**
 * The view's rows: one per label of the set (with its count and key) and per label found only in
 * the store, then rejected and skipped spans, spans annotators disagree on, and orphans. Empty
 * when the store holds nothing, so VS Code shows the welcome content instead.
 */
export function buildLabelsView(input: LabelsViewInput): LabelsNode[] {
  if (input.decisions.length === 0 && input.orphans.length === 0) return [];
  const byLabel = new Map<string, LabelEvent[]>();
  const rejected: LabelEvent[] = [];
  const skipped: LabelEvent[] = [];
  const setting = input.labelSetting ?? 'labelwise.labels';
  const spansTask = setting === 'labelwise.spanLabels';
  const noEntities: LabelEvent[] = [];
  for (const e of input.decisions) {
    if (e.answer === 'reject') rejected.push(e);
    else if (e.answer === 'ignore') skipped.push(e);
    else if (spansTask && entitiesOf(e)?.length === 0) noEntities.push(e);
    for (const l of labelsOf(e)) {
      const list = byLabel.get(l);
      if (list) list.push(e);
      else byLabel.set(l, [e]);
    }
  }
  const roots: LabelsNode[] = [];
  const labelRow = (name: string, events: readonly LabelEvent[], extra: string, icon: LabelsIcon, tooltip: string): LabelsNode => ({
    id: `label/${name}`,
    label: name,
    description: `${events.length}${extra}`,
    tooltip,
    icon,
    children: spanRows(`label/${name}`, events),
  });
  input.labels.forEach((name, i) => {
    const events = byLabel.get(name) ?? [];
    const key = i < 9 ? ` · key ${i + 1}` : '';
    roots.push(labelRow(name, events, key, 'tag', `${events.length} spans labeled "${name}"${i < 9 ? ` (key ${i + 1} in the panel)` : ''}`));
  });
  const strays = [...byLabel.keys()].filter((l) => !input.labels.includes(l)).sort();
  for (const name of strays) {
    const events = byLabel.get(name) ?? [];
    roots.push(labelRow(name, events, ` · not in ${setting}`, 'warning', `${events.length} stored spans carry the label "${name}", which the label set (${setting}) no longer lists`));
  }
  if (noEntities.length > 0) {
    roots.push({
      id: 'no-entities',
      label: 'No entities',
      description: String(noEntities.length),
      tooltip: 'Sentences accepted without entities (the answer "no entities", used for training)',
      icon: 'circle-slash',
      children: spanRows('no-entities', noEntities),
    });
  }
  if (rejected.length > 0) {
    roots.push({
      id: 'rejected',
      label: 'Rejected',
      description: String(rejected.length),
      tooltip: "Spans answered with Reject: the model's guess was wrong, or no label fits",
      icon: 'close',
      children: spanRows('rejected', rejected, (e) => (e.label !== null ? `not ${e.label} · ${where(e)}` : where(e))),
    });
  }
  if (skipped.length > 0) {
    roots.push({ id: 'skipped', label: 'Skipped', description: String(skipped.length), tooltip: 'Spans answered with Skip (not used for training)', icon: 'debug-step-over', children: spanRows('skipped', skipped) });
  }
  if (input.disagreements.length > 0) {
    const rows: LabelsNode[] = input.disagreements.slice(0, SPANS_PER_GROUP).map((d) => ({
      id: `contested/${d.id}`,
      label: rowText(d.event.text),
      description: Object.entries(d.byAnnotator)
        .map(([who, said]) => `${who}: ${said}`)
        .join(' · '),
      tooltip: `${d.event.text}\n\n${where(d.event)}\nAnnotators disagree; resolve it in "Labelwise: Review Contested Spans".`,
      icon: 'circle-small',
      open: refOf(d.event),
    }));
    if (input.disagreements.length > SPANS_PER_GROUP) rows.push({ id: 'contested/more', label: `… and ${input.disagreements.length - SPANS_PER_GROUP} more`, icon: 'ellipsis' });
    roots.push({
      id: 'contested',
      label: 'Contested',
      description: String(input.disagreements.length),
      tooltip: 'Spans that annotators labeled differently',
      icon: 'comment-discussion',
      children: rows,
      expanded: true,
    });
  }
  if (input.orphans.length > 0) {
    const rows: LabelsNode[] = input.orphans.slice(0, SPANS_PER_GROUP).map((o) => {
      const gone = o.reason === 'file-missing';
      const why = gone ? (o.detail ? `its file cannot be read (${o.detail})` : 'its file is gone') : 'its text cannot be found in the file after an edit';
      return {
        id: `orphan/${o.event.id}`,
        label: rowText(o.event.text),
        description: `${o.event.label ?? o.event.answer} · ${where(o.event)}`,
        tooltip: `${o.event.text}\n\n${where(o.event)}: ${why}. The label stays in the store and is not used for training.`,
        icon: 'circle-small',
        // A file that is gone has nothing to open; an edited one opens where the span was.
        ...(gone ? {} : { open: refOf(o.event) }),
      };
    });
    if (input.orphans.length > SPANS_PER_GROUP) rows.push({ id: 'orphan/more', label: `… and ${input.orphans.length - SPANS_PER_GROUP} more`, icon: 'ellipsis', tooltip: 'Every orphan is listed in the Labelwise output channel.' });
    roots.push({
      id: 'orphans',
      label: 'Orphans',
      description: String(input.orphans.length),
      tooltip: 'Labeled spans that cannot be found in their files any more (listed in the Labelwise output channel too)',
      icon: 'debug-disconnect',
      children: rows,
      expanded: true,
    });
  }
  return roots;
}

/** Whether a command argument is a SpanRef (the open command can be run by anyone with anything). */
export function isSpanRef(v: unknown): v is SpanRef {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const offset = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  return typeof r.file === 'string' && r.file !== '' && offset(r.start) && offset(r.end) && (r.line === undefined || offset(r.line));
}
