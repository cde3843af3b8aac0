import { isOffset, type LabelEvent } from '../events';
import { parseAnswer, parseSpans, type ImportProblem, type ImportRecord } from './importRecords';
import { isRecord, readJsonl } from './jsonl';
import { prodigyHashes } from './prodigyHash';
import { decisionTokens, isSpanDecision } from './spanExport';
import { tokenRange } from '../../text/spanTokens';

/**
 * Prodigy-style JSONL, one task per decision: `text`, `label` (classification) or `spans`
 * (entities), `answer`, `_input_hash`/`_task_hash`, `_annotator_id`, `_timestamp` (seconds), and
 * `meta` with the span's place in the workspace (`source`, `start`, `end`, `line`, `id`) so a
 * round trip keeps span identity. Undo events are not decisions and are never exported.
 * A multi-label decision is a task of Prodigy's choice interface: `options` (the label set, when
 * given, else the decision's labels) and the chosen ones in `accept`.
 * An entity-span decision (spanExport.ts isSpanDecision) is a `ner.manual` task: `tokens`
 * (`text`, `start`, `end`, `id`, `ws`, from text/spanTokens.ts) and `spans` with `token_start` and
 * `token_end` (inclusive), `spans: []` when the answer was "no entities". The hashes are computed
 * before the token fields are added, so they do not depend on the token splitter.
 */
export function exportProdigy(decisions: readonly LabelEvent[], labelSet?: readonly string[]): string {
  let out = '';
  for (const e of decisions) {
    if (e.undo) continue;
    const task: Record<string, unknown> = { text: e.text };
    if (e.label !== null) task.label = e.label;
    if (e.labels !== undefined) {
      const names = labelSet && labelSet.length > 0 ? [...labelSet, ...e.labels.filter((l) => !labelSet.includes(l))] : e.labels;
      task.options = names.map((id) => ({ id, text: id }));
    }
    if (e.spans.length > 0) task.spans = e.spans.map((s) => ({ start: s.start, end: s.end, label: s.label }));
    const hashes = prodigyHashes(task);
    if (isSpanDecision(e)) {
      const tokens = decisionTokens(e);
      delete task.spans; // re-added after tokens, so every span task reads text, tokens, spans
      task.tokens = tokens.map((t, id) => ({ text: t.text, start: t.start, end: t.end, id, ws: t.ws }));
      task.spans = e.spans.map((s) => {
        const range = tokenRange(tokens, s.start, s.end) as [number, number];
        return { start: s.start, end: s.end, label: s.label, token_start: range[0], token_end: range[1] };
      });
    }
    const meta: Record<string, unknown> = { source: e.source.file, start: e.source.start, end: e.source.end };
    if (e.source.line !== undefined) meta.line = e.source.line;
    meta.id = e.id;
    if (e.strategy !== null) meta.strategy = e.strategy;
    if (e.score !== null) meta.score = e.score;
    const ms = Date.parse(e.ts);
    out +=
      JSON.stringify({
        ...task,
        ...(e.labels !== undefined ? { accept: e.labels } : {}),
        answer: e.answer,
        meta,
        ...hashes,
        _annotator_id: e.annotator,
        _timestamp: Math.floor(ms / 1000),
      }) + '\n';
  }
  return out;
}

/**
 * Why a Prodigy span task's `tokens` and its spans' `token_start`/`token_end`/`text` do not match
 * its text, or undefined. Tokens must each be the text at their offsets; a span's token indices
 * (inclusive) must start and end exactly at the span's offsets, and without indices the span must
 * still fall on token boundaries; a span's `text`, when given, must be the text at its offsets.
 * Spans are already known to be in range (parseSpans).
 */
function spanTokenProblem(r: Record<string, unknown>, text: string): string | undefined {
  const spans = Array.isArray(r.spans) ? (r.spans as Record<string, unknown>[]) : [];
  for (const [k, sp] of spans.entries()) {
    if (sp.text !== undefined && sp.text !== text.slice(sp.start as number, sp.end as number)) {
      return `spans[${k}]: "text" ${JSON.stringify(sp.text)} does not match the text at ${String(sp.start)}-${String(sp.end)} (${JSON.stringify(text.slice(sp.start as number, sp.end as number))})`;
    }
  }
  if (r.tokens === undefined) return undefined;
  if (!Array.isArray(r.tokens)) return '"tokens" must be an array';
  const tokens: { start: number; end: number }[] = [];
  for (const [k, t] of r.tokens.entries()) {
    if (!isRecord(t) || !isOffset(t.start) || !isOffset(t.end) || t.end < t.start || typeof t.text !== 'string') {
      return `tokens[${k}]: a token must be {text, start, end} with offsets start <= end`;
    }
    if (t.end > text.length) return `tokens[${k}]: "end" ${t.end} is past the end of the text (length ${text.length})`;
    if (t.text !== text.slice(t.start, t.end)) {
      return `tokens[${k}]: "text" ${JSON.stringify(t.text)} does not match the text at ${t.start}-${t.end} (${JSON.stringify(text.slice(t.start, t.end))})`;
    }
    tokens.push({ start: t.start, end: t.end });
  }
  for (const [k, sp] of spans.entries()) {
    const start = sp.start as number;
    const end = sp.end as number;
    if (sp.token_start !== undefined || sp.token_end !== undefined) {
      const a = sp.token_start;
      const b = sp.token_end;
      if (!isOffset(a) || !isOffset(b) || b < a || b >= tokens.length) {
        return `spans[${k}]: "token_start"/"token_end" must be token indices with token_start <= token_end < ${tokens.length}`;
      }
      if (tokens[a].start !== start || tokens[b].end !== end) {
        return `spans[${k}]: tokens ${a}-${b} cover ${tokens[a].start}-${tokens[b].end}, not the span's ${start}-${end}`;
      }
    } else if (!tokenRange(tokens, start, end)) {
      return `spans[${k}]: ${start}-${end} does not fall on token boundaries`;
    }
  }
  return undefined;
}

/** The largest time a JavaScript Date can hold, in milliseconds either side of 1970. */
const MAX_DATE_MS = 8.64e15;

function isInt32(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
}

/**
 * Reads task-like JSONL records: Prodigy exports, plain `{"text", "label"}` files, and Hugging
 * Face JSONL (`label` as a class index, named by `label_text` or by `labelNames`). Every line is
 * checked; problems are returned, not thrown, so the caller can report them all at once.
 */
export function readTaskRecords(
  content: string,
  importName: string,
  labelNames?: readonly string[],
  multiLabel = false,
): { records: ImportRecord[]; problems: ImportProblem[] } {
  const records: ImportRecord[] = [];
  const problems: ImportProblem[] = [];
  const bad = (line: number, reason: string): void => {
    problems.push({ file: importName, line, reason });
  };
  for (const l of readJsonl(content)) {
    if ('error' in l) {
      bad(l.line, l.error);
      continue;
    }
    const r = l.value;
    if (!isRecord(r)) {
      bad(l.line, 'a record must be a JSON object');
      continue;
    }
    if (typeof r.text !== 'string') {
      bad(l.line, 'the record has no "text" string');
      continue;
    }
    const text = r.text;
    // label: a string, a class index (Hugging Face), or a single-choice Prodigy `accept` list.
    let label: string | null = null;
    let labels: string[] | undefined;
    if (typeof r.label === 'string') {
      if (r.label === '') {
        bad(l.line, '"label" is empty');
        continue;
      }
      label = r.label;
    } else if (typeof r.label === 'number') {
      if (typeof r.label_text === 'string' && r.label_text !== '') label = r.label_text;
      else if (Number.isInteger(r.label) && labelNames && r.label >= 0 && r.label < labelNames.length) label = labelNames[r.label];
      else {
        bad(l.line, `"label" ${r.label} is a class index but there is no "label_text" and no label name for it${labelNames ? ` (${labelNames.length} names given)` : ' (give the label names)'}`);
        continue;
      }
    } else if (r.label !== undefined && r.label !== null) {
      bad(l.line, '"label" must be a string, a class index or null');
      continue;
    } else if (Array.isArray(r.labels) && (r.label === undefined || r.label === null)) {
      // Hugging Face multi-label (our hf export): class indices named by labels_text or labelNames.
      const texts = Array.isArray(r.labels_text) ? r.labels_text : undefined;
      const names = r.labels.map((x, i) =>
        typeof x === 'string' ? x : typeof texts?.[i] === 'string' ? (texts[i] as string) : typeof x === 'number' && labelNames && Number.isInteger(x) ? labelNames[x] : undefined,
      );
      if (names.some((n) => n === undefined || n === '') || new Set(names).size !== names.length) {
        bad(l.line, '"labels" must list distinct label names, or class indices named by "labels_text" or the label names');
        continue;
      }
      labels = names as string[];
    } else if (Array.isArray(r.accept)) {
      const chosen = r.accept.filter((x): x is string => typeof x === 'string' && x !== '');
      if (chosen.length !== r.accept.length || new Set(chosen).size !== chosen.length) {
        bad(l.line, '"accept" must list distinct label names');
        continue;
      }
      if (multiLabel) labels = chosen;
      else if (chosen.length > 1) {
        bad(l.line, `"accept" lists ${chosen.length} labels (a multi-label choice): set labelwise.multiLabel to import label sets`);
        continue;
      } else label = chosen[0] ?? null;
    }
    const spans = parseSpans(r.spans, text);
    if ('error' in spans) {
      bad(l.line, spans.error);
      continue;
    }
    const tokenProblem = spanTokenProblem(r, text);
    if (tokenProblem) {
      bad(l.line, tokenProblem);
      continue;
    }
    const answer = parseAnswer(r.answer);
    if (typeof answer !== 'string') {
      bad(l.line, answer.error);
      continue;
    }
    // An explicit `"spans": []` on an accept is an entity-span answer: "no entities".
    if (answer === 'accept' && label === null && labels === undefined && spans.length === 0 && !Array.isArray(r.spans)) {
      bad(l.line, 'the record has no "label" and no "spans" (nothing to import)');
      continue;
    }
    if ((r._input_hash !== undefined && !isInt32(r._input_hash)) || (r._task_hash !== undefined && !isInt32(r._task_hash))) {
      bad(l.line, '"_input_hash"/"_task_hash" must be 32-bit integers');
      continue;
    }
    // The span's workspace place: Prodigy meta (our export) or flat Hugging Face columns.
    const meta = isRecord(r.meta) ? r.meta : {};
    const file = typeof meta.source === 'string' ? meta.source : typeof r.file === 'string' ? r.file : undefined;
    const start = meta.start ?? r.start;
    const end = meta.end ?? r.end;
    const line = meta.line ?? r.line;
    const id = typeof meta.id === 'string' ? meta.id : typeof r.id === 'string' ? r.id : undefined;
    let source: ImportRecord['source'];
    if (file !== undefined && file !== '' && isOffset(start) && isOffset(end) && end >= start) {
      source = isOffset(line) ? { file, start, end, line } : { file, start, end };
    }
    let ts: string | undefined;
    if (typeof r._timestamp === 'number' && Number.isFinite(r._timestamp)) {
      // Seconds since 1970; a Date holds at most ±8.64e15 ms, beyond that toISOString throws.
      const ms = r._timestamp * 1000;
      if (!(Math.abs(ms) <= MAX_DATE_MS)) {
        bad(l.line, `"_timestamp" ${r._timestamp} is not a time in seconds since 1970 (at most ${MAX_DATE_MS / 1000})`);
        continue;
      }
      ts = new Date(ms).toISOString();
    } else if (typeof r.ts === 'string' && !Number.isNaN(Date.parse(r.ts))) ts = r.ts;
    const annotator = typeof r._annotator_id === 'string' ? r._annotator_id : typeof r.annotator === 'string' ? r.annotator : undefined;
    const strategy = typeof meta.strategy === 'string' ? meta.strategy : undefined;
    const score = typeof meta.score === 'number' ? meta.score : undefined;
    records.push({
      line: l.line,
      text,
      label,
      ...(labels !== undefined ? { labels } : {}),
      spans,
      answer,
      ...(annotator !== undefined ? { annotator } : {}),
      ...(ts !== undefined ? { ts } : {}),
      ...(strategy !== undefined ? { strategy } : {}),
      ...(score !== undefined ? { score } : {}),
      ...(source ? { source, ...(source && id !== undefined ? { id } : {}) } : {}),
    });
  }
  return { records, problems };
}

