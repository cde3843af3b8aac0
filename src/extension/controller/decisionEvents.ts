import type { Answer, SpanView } from '../../protocol';
import type { LabelwiseSettings } from '../../core/settings';
import { ignoreEvent, type LabelEvent } from '../../core/store/events';

/** What the panel answered for a span. `labels`: the accepted set in a multi-label session. */
export interface PanelAnswer {
  readonly label: string | null;
  readonly answer: Answer;
  readonly labels?: readonly string[];
}

/**
 * The store event for an answer from the panel, or the message that tells the user why it cannot
 * be stored (a label not in labelwise.labels, a multi-label session without a set).
 */
export function answerEvent(
  view: SpanView,
  a: PanelAnswer,
  settings: Pick<LabelwiseSettings, 'labels' | 'multiLabel' | 'annotator'>,
  ts: string,
): { readonly event: LabelEvent } | { readonly error: string } {
  const { label, answer } = a;
  // Multi-label: an accept carries the set (possibly empty: "none of the labels applies").
  const set = settings.multiLabel && answer === 'accept' ? labelSet(a.labels ?? (label !== null ? [label] : undefined), settings.labels) : undefined;
  if (set !== undefined && 'error' in set) return set;
  if (set === undefined && answer === 'accept' && (label === null || !settings.labels.includes(label))) {
    return { error: `"${String(label)}" is not in labelwise.labels (${settings.labels.join(', ')})` };
  }
  return {
    event: {
      id: view.id,
      source: { file: view.file, start: view.start, end: view.end, line: view.line },
      text: view.text,
      // A reject keeps the guess it turned down (Prodigy's binary answers): "wrong guess" and
      // "no label fits" (reject without a guess) differ. A guess outside the label set is dropped.
      label: set !== undefined ? null : answer === 'accept' || (answer === 'reject' && label !== null && settings.labels.includes(label)) ? label : null,
      ...(set !== undefined ? { labels: set.labels } : {}),
      spans: [],
      answer,
      annotator: settings.annotator,
      strategy: view.why.strategy,
      score: Number.isFinite(view.why.score) ? view.why.score : null,
      ts,
    },
  };
}

/**
 * A multi-label set from the panel, checked against labelwise.labels and put in label-set order;
 * an error when it names a label not in the set or is missing.
 */
function labelSet(labels: readonly string[] | undefined, allowed: readonly string[]): { readonly labels: string[] } | { readonly error: string } {
  if (labels === undefined) return { error: 'labelwise.multiLabel is on but the panel sent no label set; it was refreshed.' };
  const bad = labels.filter((l) => !allowed.includes(l));
  if (bad.length > 0) return { error: `${bad.map((l) => `"${l}"`).join(', ')} not in labelwise.labels (${allowed.join(', ')})` };
  return { labels: allowed.filter((l) => labels.includes(l)) };
}

/**
 * What a review resolution is stored on when the span has no decision yet (a span the committee
 * disputes): an "ignore" with the span's place and text.
 */
export function undecidedEvent(view: SpanView, annotator: string, ts: string): LabelEvent {
  return ignoreEvent(view.id, { file: view.file, start: view.start, end: view.end, line: view.line }, view.text, annotator, ts);
}
