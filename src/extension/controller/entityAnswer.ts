import type { SpanView } from '../../protocol';
import type { LabelwiseSettings } from '../../core/settings';
import type { EventSpan, LabelEvent } from '../../core/store/events';
import type { PanelAnswer } from './decisionEvents';

/** An entity as the panel names it in a message: `start-end "text" (LABEL)`. */
function named(e: { start: number; end: number; label: string }, text: string): string {
  return `${e.start}-${e.end} ${JSON.stringify(text.slice(e.start, e.end))} (${e.label})`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Why the entities a spans session's panel sent cannot be stored, or the entities to store (in
 * text order). They are data from the panel, checked here like any input: a list of
 * `{start, end, label}` with offsets into the sentence's text, inside it, starting and ending on
 * the sentence's token boundaries (the tokens the panel snaps to, SpanView.tokens), labels from
 * labelwise.spanLabels, none listed twice, and no two overlapping unless labelwise.allowOverlap is
 * on — and even then two entities of the same label never overlap.
 */
export function checkEntities(
  view: SpanView,
  given: unknown,
  settings: Pick<LabelwiseSettings, 'spanLabels' | 'allowOverlap'>,
): { readonly spans: EventSpan[] } | { readonly error: string } {
  const text = view.text;
  const tokens = view.tokens;
  if (!tokens) return { error: `the sentence at ${view.file}:${view.line + 1} came without its tokens; entities cannot be checked, so nothing was saved` };
  if (!Array.isArray(given)) return { error: 'the panel sent no entity list with the answer; nothing was saved (an empty list is the answer "no entities")' };
  const starts = new Set(tokens.map((t) => t.start));
  const ends = new Set(tokens.map((t) => t.end));
  const spans: EventSpan[] = [];
  for (const [k, e] of given.entries()) {
    if (!isRecord(e) || typeof e.start !== 'number' || typeof e.end !== 'number' || typeof e.label !== 'string') {
      return { error: `entity ${k + 1}: must be {start, end, label}; nothing was saved` };
    }
    const { start, end, label } = e;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > text.length) {
      return { error: `entity ${start}-${end} (${label}) is out of range: offsets must satisfy 0 ≤ start < end ≤ ${text.length} (the sentence's length); nothing was saved` };
    }
    const s: EventSpan = { start, end, label };
    if (!settings.spanLabels.includes(label)) return { error: `entity ${named(s, text)}: "${label}" is not in labelwise.spanLabels (${settings.spanLabels.join(', ')}); nothing was saved` };
    if (!starts.has(start) || !ends.has(end)) return { error: `entity ${named(s, text)} does not start and end on token boundaries; nothing was saved` };
    spans.push(s);
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length && spans[j].start < spans[i].end; j++) {
      const [a, b] = [spans[i], spans[j]];
      if (a.start === b.start && a.end === b.end && a.label === b.label) return { error: `entity ${named(a, text)} is listed twice; nothing was saved` };
      if (!settings.allowOverlap) return { error: `entities ${named(a, text)} and ${named(b, text)} overlap, and labelwise.allowOverlap is off; nothing was saved` };
      if (a.label === b.label) return { error: `entities ${named(a, text)} and ${named(b, text)} overlap with the same label; nothing was saved` };
    }
  }
  return { spans };
}

/**
 * The store event for a spans session's answer: an accept carries the sentence's entities as they
 * stand (possibly none: "no entities"), `label` null; a skip or reject stores no entities (the
 * sentence is decided, not labeled). Or the message saying why nothing can be stored.
 */
export function entityAnswerEvent(
  view: SpanView,
  a: PanelAnswer & { readonly entities?: unknown },
  settings: Pick<LabelwiseSettings, 'spanLabels' | 'allowOverlap' | 'annotator'>,
  ts: string,
): { readonly event: LabelEvent } | { readonly error: string } {
  let spans: EventSpan[] = [];
  if (a.answer === 'accept') {
    const checked = checkEntities(view, a.entities, settings);
    if ('error' in checked) return checked;
    spans = checked.spans;
  }
  return {
    event: {
      id: view.id,
      source: { file: view.file, start: view.start, end: view.end, line: view.line },
      text: view.text,
      label: null,
      spans,
      answer: a.answer,
      annotator: settings.annotator,
      strategy: view.why.strategy,
      score: Number.isFinite(view.why.score) ? view.why.score : null,
      ts,
    },
  };
}
