import type { Answer } from '../answer';
import { InputError } from '../../errors';
import type { CandidateSpan } from '../../types';
import { spanId } from '../../text/spanId';
import { placeSpanId } from '../../text/spanLocator';
import { carrySpans } from '../../text/textKey';
import { ANSWERS, checkSpan, type EventSpan, type LabelEvent } from '../events';
import { workspacePathProblem } from '../workspacePath';

/** One bad record of an import. */
export interface ImportProblem {
  readonly file: string;
  /** One-based line of the input file. */
  readonly line: number;
  readonly reason: string;
}

/** An import that was refused as a whole; `problems` lists every bad record found. */
export class ImportError extends InputError {
  constructor(
    override readonly file: string,
    readonly problems: readonly ImportProblem[],
  ) {
    const shown = problems.slice(0, 10).map((p) => `${p.file}:${p.line}: ${p.reason}`);
    const more = problems.length > 10 ? `\n… and ${problems.length - 10} more` : '';
    super(
      `${file}: nothing was imported; ${problems.length} bad record${problems.length === 1 ? '' : 's'}:\n${shown.join('\n')}${more}`,
      file,
      problems[0]?.line,
    );
  }
  static override is(e: unknown): e is ImportError {
    return e instanceof ImportError;
  }
}

/** A record read from an import file, before it gets a span identity. */
export interface ImportRecord {
  /** One-based line of the input file where the record starts. */
  readonly line: number;
  readonly text: string;
  readonly label: string | null;
  /** A multi-label set (Prodigy's `accept` list, our `labels`); `label` is null then. */
  readonly labels?: readonly string[];
  readonly spans: readonly EventSpan[];
  readonly answer: Answer;
  readonly annotator?: string;
  readonly ts?: string;
  readonly strategy?: string | null;
  readonly score?: number | null;
  /** The span's place in the workspace, when the record carries it (our own exports do). */
  readonly source?: { readonly file: string; readonly start: number; readonly end: number; readonly line?: number };
  readonly id?: string;
}

export interface ImportOptions {
  /** Allowed labels; when non-empty, a record with another label is an error. */
  readonly labels?: readonly string[];
  /** Class names for records whose `label` is a class index (Hugging Face JSONL without `label_text`). */
  readonly labelNames?: readonly string[];
  /**
   * labelwise.multiLabel: a Prodigy `accept` list is read as a label set whatever its length (else
   * only a list of at most one label is accepted, read as that one label). `false` (a single-label
   * workspace) also refuses records that hold a label set; undefined accepts them.
   */
  readonly multiLabel?: boolean;
  /** Annotator for records that do not name one. */
  readonly annotator?: string;
  /**
   * Finds the corpus span with this text (see createTextLookup). Records that carry no workspace
   * place of their own are matched through it; the rest become free-standing events.
   */
  readonly lookup?: (text: string) => CandidateSpan | undefined;
  /**
   * labelwise.allowOverlap: entity spans of one record may overlap. Off (undefined) by default:
   * a record with overlapping spans is then an error.
   */
  readonly allowOverlap?: boolean;
  /**
   * The entity label set (labelwise.spanLabels): when given (non-empty), entity span labels are
   * checked against it instead of `labels`, which then checks classification labels only.
   */
  readonly spanLabels?: readonly string[];
  /** Time stamp for records that carry none; defaults to now. */
  readonly now?: string;
}

export interface ImportResult {
  readonly format: string;
  readonly events: LabelEvent[];
  /** Records that carried their own workspace file and offsets. */
  readonly bySource: number;
  /** Records matched to a corpus span by text. */
  readonly byText: number;
  /** Records kept as free-standing events (source file = the import file). */
  readonly freeStanding: number;
  /** Lines that were imported but deserve a look (invalid UTF-8 read as U+FFFD), as `file:line`. */
  readonly warnings?: readonly ImportProblem[];
}

/** Parses a string `answer`, defaulting to accept. */
export function parseAnswer(v: unknown): Answer | { error: string } {
  if (v === undefined || v === null) return 'accept';
  if (typeof v === 'string' && (ANSWERS as readonly string[]).includes(v)) return v as Answer;
  return { error: `"answer" must be one of ${ANSWERS.join(', ')}, got ${JSON.stringify(v)}` };
}

/** Validates `spans` of a record against its text; returns the spans or a reason. */
export function parseSpans(v: unknown, text: string): EventSpan[] | { error: string } {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return { error: '"spans" must be an array' };
  const out: EventSpan[] = [];
  for (const [k, sp] of v.entries()) {
    const problem = checkSpan(sp, text.length);
    if (problem) return { error: `spans[${k}]: ${problem}` };
    const s = sp as EventSpan;
    out.push({ start: s.start, end: s.end, label: s.label });
  }
  return out;
}

/** The label set entity spans are checked against: spanLabels when given, else labels. */
export function entityLabelSet(options: Pick<ImportOptions, 'labels' | 'spanLabels'>): readonly string[] | undefined {
  return options.spanLabels && options.spanLabels.length > 0 ? options.spanLabels : options.labels;
}

/** Checks the labels of a record against the allowed label sets (see ImportOptions.spanLabels). */
function labelProblem(rec: ImportRecord, options: Pick<ImportOptions, 'labels' | 'spanLabels'>): string | undefined {
  const labels = options.labels;
  if (labels && labels.length > 0) {
    const allowed = new Set(labels);
    if (rec.label !== null && !allowed.has(rec.label)) return `label "${rec.label}" is not in the label set (${labels.join(', ')})`;
    for (const l of rec.labels ?? []) if (!allowed.has(l)) return `label "${l}" is not in the label set (${labels.join(', ')})`;
  }
  const entityLabels = entityLabelSet(options);
  if (!entityLabels || entityLabels.length === 0) return undefined;
  const which = options.spanLabels && options.spanLabels.length > 0 ? 'the entity label set, labelwise.spanLabels' : 'the label set';
  for (const sp of rec.spans) if (!entityLabels.includes(sp.label)) return `span label "${sp.label}" is not in ${which} (${entityLabels.join(', ')})`;
  return undefined;
}

/** Why a record's spans may not be stored: two of them overlap and overlap is off. */
function overlapProblem(spans: readonly EventSpan[], allowOverlap: boolean | undefined): string | undefined {
  if (allowOverlap === true) return undefined;
  const s = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let k = 1; k < s.length; k++) {
    if (s[k].start < s[k - 1].end) {
      return `spans ${s[k - 1].start}-${s[k - 1].end} (${s[k - 1].label}) and ${s[k].start}-${s[k].end} (${s[k].label}) overlap, and overlapping spans are not allowed (labelwise.allowOverlap, --allow-overlap)`;
    }
  }
  return undefined;
}

/**
 * Turns validated records into label events, all or nothing: every record is checked first, and
 * any problem (including those the reader already found) throws one ImportError listing them all.
 *
 * Span identity, in order: the record's own workspace place (file/start/end, as our exports
 * write), else the corpus span with the same text (options.lookup), else a free-standing event
 * whose source is the import file itself (`importName`) and whose id hashes that file and the text.
 */
export function recordsToEvents(
  format: string,
  importName: string,
  records: readonly ImportRecord[],
  readerProblems: readonly ImportProblem[],
  options: ImportOptions,
): ImportResult {
  const problems = [...readerProblems];
  // The corpus span of each record without a workspace place of its own (undefined: free-standing).
  const matched = records.map((rec) => {
    if (rec.source) return undefined;
    const corpus = options.lookup?.(rec.text);
    // A match up to whitespace stores the corpus text, so entity offsets must be carried over to
    // it; a record whose entities cannot all be carried stays free-standing rather than shifted.
    if (corpus && corpus.text !== rec.text && rec.spans.length > 0 && carrySpans(rec.text, corpus.text, rec.spans).length !== rec.spans.length) return undefined;
    return corpus;
  });
  const importPathProblem = workspacePathProblem(importName);
  for (const [i, rec] of records.entries()) {
    const p = labelProblem(rec, options) ?? overlapProblem(rec.spans, options.allowOverlap);
    if (p) problems.push({ file: importName, line: rec.line, reason: p });
    else if (rec.labels !== undefined && options.multiLabel === false) {
      problems.push({ file: importName, line: rec.line, reason: 'the record holds a label set (multi-label): set labelwise.multiLabel to import label sets' });
    }
    // Every path the store names must stay inside the workspace (it is read on every activation).
    const own = rec.source ? workspacePathProblem(rec.source.file) : undefined;
    if (own) problems.push({ file: importName, line: rec.line, reason: `the record's file ${own}` });
    else if (!rec.source && !matched[i] && importPathProblem) {
      problems.push({
        file: importName,
        line: rec.line,
        reason: 'the record has no workspace place and matches no corpus text, and the import file is outside the workspace folder (copy it into the workspace, or start a labeling session so records are matched by text)',
      });
    }
  }
  if (problems.length === 0 && records.length === 0) {
    problems.push({ file: importName, line: 1, reason: 'the file holds no records' });
  }
  if (problems.length > 0) throw new ImportError(importName, problems.sort((a, b) => a.line - b.line));
  const now = options.now ?? new Date().toISOString();
  let bySource = 0;
  let byText = 0;
  let freeStanding = 0;
  const events = records.map((rec, i): LabelEvent => {
    let id: string;
    let source: LabelEvent['source'];
    let text = rec.text;
    const corpus = matched[i];
    if (rec.source) {
      source = rec.source;
      id = rec.id ?? placeSpanId(rec.source.file, rec.source.line, rec.source.start, rec.source.end, rec.text);
      bySource++;
    } else if (corpus) {
      source = { file: corpus.file, start: corpus.start, end: corpus.end, line: corpus.line };
      id = corpus.id;
      text = corpus.text;
      byText++;
    } else {
      source = { file: importName, start: 0, end: rec.text.length, line: rec.line - 1 };
      id = spanId(importName, 0, rec.text.length, rec.text);
      freeStanding++;
    }
    return {
      id,
      source,
      text,
      label: rec.labels !== undefined ? null : rec.label,
      ...(rec.labels !== undefined ? { labels: rec.labels } : {}),
      // Offsets into the stored text: the corpus's when matched up to whitespace.
      spans: corpus && corpus.text !== rec.text ? carrySpans(rec.text, corpus.text, rec.spans) : rec.spans,
      answer: rec.answer,
      annotator: rec.annotator ?? options.annotator ?? '',
      strategy: rec.strategy ?? 'import',
      score: rec.score ?? null,
      ts: rec.ts ?? now,
      imported: { format, file: importName, line: rec.line },
    };
  });
  return { format, events, bySource, byText, freeStanding };
}

/**
 * A lookup from text to corpus span: exact text first, then with whitespace runs collapsed. When
 * several spans share a text the first one in corpus order wins.
 */
export function createTextLookup(spans: Iterable<CandidateSpan>): (text: string) => CandidateSpan | undefined {
  const exact = new Map<string, CandidateSpan>();
  const loose = new Map<string, CandidateSpan>();
  for (const s of spans) {
    if (!exact.has(s.text)) exact.set(s.text, s);
    const k = s.text.replace(/\s+/g, ' ').trim();
    if (!loose.has(k)) loose.set(k, s);
  }
  return (text: string) => exact.get(text) ?? loose.get(text.replace(/\s+/g, ' ').trim());
}
