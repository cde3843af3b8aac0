import type { Answer } from './answer';
import { workspacePathProblem } from './workspacePath';

/** Where an event came from when it was brought in by an import rather than labeled here. */
export interface ImportOrigin {
  /** Format of the imported file: labelwise | prodigy | csv | hf | plain. */
  readonly format: string;
  /** The imported file as the importer named it. */
  readonly file: string;
  /** One-based line (JSONL) or record line (CSV) of the imported record. */
  readonly line: number;
}

/** An entity span inside an event's text: UTF-16 offsets into `text`, end exclusive. */
export interface EventSpan {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

/** One line of `.labelwise/labels.jsonl` (DESIGN.md "The label store"). */
export interface LabelEvent {
  readonly id: string;
  readonly source: { readonly file: string; readonly start: number; readonly end: number; readonly line?: number };
  readonly text: string;
  readonly label: string | null;
  /**
   * Multi-label classification (labelwise.multiLabel): the set of labels an accept gave the span,
   * possibly empty ("none of them"); `label` is then null. Absent on single-label events.
   */
  readonly labels?: readonly string[];
  readonly spans: readonly EventSpan[];
  readonly answer: Answer;
  readonly annotator: string;
  readonly strategy: string | null;
  readonly score: number | null;
  readonly ts: string;
  /**
   * Set on an undo: this event withdraws the latest live decision by the same annotator on the
   * same id (its label/answer fields are ignored; by convention label null, answer "ignore").
   */
  readonly undo?: boolean;
  /** Set on a review decision: it settles an annotator disagreement on this id (see contested.ts). */
  readonly resolves?: boolean;
  /** Set on events brought in by an import. */
  readonly imported?: ImportOrigin;
}

export const ANSWERS: readonly Answer[] = ['accept', 'reject', 'ignore'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A UTF-16 offset: a non-negative integer. */
export function isOffset(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * Checks that `value` is a label event and returns it with the optional fields filled in, or a
 * reason why it is not. Unknown fields are kept, so a store written by a newer version survives
 * being read and exported by an older one.
 */
export function parseLabelEvent(value: unknown): { event: LabelEvent } | { error: string } {
  if (!isObject(value)) return { error: 'an event must be a JSON object' };
  const v = value;
  if (typeof v.id !== 'string' || v.id === '') return { error: 'missing "id" string' };
  const s = v.source;
  if (!isObject(s)) return { error: 'missing "source" object' };
  if (typeof s.file !== 'string' || s.file === '') return { error: '"source.file" must be a non-empty string' };
  const pathProblem = workspacePathProblem(s.file);
  if (pathProblem) return { error: `"source.file" ${pathProblem}` };
  if (!isOffset(s.start) || !isOffset(s.end) || s.end < s.start) {
    return { error: '"source.start"/"source.end" must be offsets with start <= end' };
  }
  if (s.line !== undefined && !isOffset(s.line)) return { error: '"source.line" must be a non-negative integer' };
  if (typeof v.text !== 'string') return { error: 'missing "text" string' };
  if (v.label !== null && v.label !== undefined && typeof v.label !== 'string') return { error: '"label" must be a string or null' };
  if (v.labels !== undefined) {
    const problem = labelSetProblem(v.labels);
    if (problem) return { error: problem };
    if (v.label !== null && v.label !== undefined) return { error: '"label" must be null when "labels" (a multi-label set) is given' };
  }
  if (typeof v.answer !== 'string' || !(ANSWERS as readonly string[]).includes(v.answer)) {
    return { error: `"answer" must be one of ${ANSWERS.join(', ')}` };
  }
  const spans = v.spans ?? [];
  if (!Array.isArray(spans)) return { error: '"spans" must be an array' };
  for (const [k, sp] of spans.entries()) {
    const problem = checkSpan(sp, v.text.length);
    if (problem) return { error: `spans[${k}]: ${problem}` };
  }
  if (v.annotator !== undefined && typeof v.annotator !== 'string') return { error: '"annotator" must be a string' };
  if (v.strategy !== undefined && v.strategy !== null && typeof v.strategy !== 'string') return { error: '"strategy" must be a string or null' };
  if (v.score !== undefined && v.score !== null && (typeof v.score !== 'number' || !Number.isFinite(v.score))) {
    return { error: '"score" must be a number or null' };
  }
  if (typeof v.ts !== 'string' || Number.isNaN(Date.parse(v.ts))) return { error: '"ts" must be an ISO date string' };
  if (v.undo !== undefined && typeof v.undo !== 'boolean') return { error: '"undo" must be a boolean' };
  if (v.resolves !== undefined && typeof v.resolves !== 'boolean') return { error: '"resolves" must be a boolean' };
  const event = {
    ...v,
    label: (v.label as string | null | undefined) ?? null,
    spans: spans as EventSpan[],
    annotator: (v.annotator as string | undefined) ?? '',
    strategy: (v.strategy as string | null | undefined) ?? null,
    score: (v.score as number | null | undefined) ?? null,
  } as unknown as LabelEvent;
  return { event };
}

/** Why `v` is not a valid multi-label set (a list of distinct non-empty strings), or undefined. */
export function labelSetProblem(v: unknown): string | undefined {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) return '"labels" must be a list of non-empty label strings';
  if (new Set(v).size !== v.length) return '"labels" lists a label twice';
  return undefined;
}

/** Why `sp` is not a valid entity span of a text of length `textLength`, or undefined. */
export function checkSpan(sp: unknown, textLength: number): string | undefined {
  if (!isObject(sp)) return 'a span must be an object {start, end, label}';
  if (!isOffset(sp.start) || !isOffset(sp.end)) return '"start"/"end" must be non-negative integers';
  if (sp.end <= sp.start) return '"end" must be greater than "start"';
  if (sp.end > textLength) return `"end" ${sp.end} is past the end of the text (length ${textLength})`;
  if (typeof sp.label !== 'string' || sp.label === '') return '"label" must be a non-empty string';
  return undefined;
}

/** A decision that counts as a label for training: accepted with a label or with spans. */
export function isLabeled(e: LabelEvent): boolean {
  return !e.undo && e.answer === 'accept' && (e.label !== null || e.spans.length > 0 || e.labels !== undefined);
}

/** The labels a decision gives its span: the multi-label set, or its one label, or none. */
export function labelsOf(e: LabelEvent): readonly string[] {
  return e.labels ?? (e.label !== null ? [e.label] : []);
}

/**
 * The label a live reject turned down (the model's guess the annotator said is wrong), or null:
 * Prodigy's binary answers, `label` + `answer: "reject"`. Never a label for training or counts.
 */
export function rejectedLabel(e: LabelEvent): string | null {
  return !e.undo && e.answer === 'reject' && e.spans.length === 0 ? e.label : null;
}

/**
 * The entities of an entity-span decision (labelwise.task = spans): a live accept that is not a
 * classification decision (`label` null, no label set), whose `spans` are its entities — none is
 * the answer "no entities". Undefined for every other event. Offsets are into the event's text.
 */
export function entitiesOf(e: LabelEvent): readonly EventSpan[] | undefined {
  return !e.undo && e.answer === 'accept' && e.label === null && e.labels === undefined ? e.spans : undefined;
}

/** What the engine is told about a span's current decision (`cur` undefined: none). */
export function decisionParams(
  id: string,
  cur: LabelEvent | undefined,
): { id: string; label: string | null; decided: boolean; rejected: string | null; labels?: readonly string[]; entities?: readonly EventSpan[] } {
  const labeled = cur !== undefined && isLabeled(cur);
  const entities = cur ? entitiesOf(cur) : undefined;
  return {
    id,
    label: labeled ? cur.label : null,
    decided: cur !== undefined,
    rejected: cur ? rejectedLabel(cur) : null,
    ...(labeled && cur.labels !== undefined ? { labels: cur.labels } : {}),
    // A spans session learns from these (a classification session ignores them).
    ...(entities !== undefined ? { entities: entities.map((s) => ({ start: s.start, end: s.end, label: s.label })) } : {}),
  };
}

/**
 * An "ignore" on a span that says nothing about its label: the shape of an undo, and of the base a
 * review resolution is stored on when the span has no decision yet.
 */
export function ignoreEvent(id: string, source: LabelEvent['source'], text: string, annotator: string, ts: string): LabelEvent {
  return { id, source, text, label: null, spans: [], answer: 'ignore', annotator, strategy: null, score: null, ts };
}

/**
 * The undo event for `decision`: same span, written by `annotator`, withdrawing that annotator's
 * latest live decision on the span.
 */
export function undoEvent(decision: LabelEvent, annotator: string, ts: string = new Date().toISOString()): LabelEvent {
  return { ...ignoreEvent(decision.id, decision.source, decision.text, annotator, ts), undo: true };
}
