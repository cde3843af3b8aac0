import { resolve, relative, sep, isAbsolute } from 'node:path';
import picomatch from 'picomatch';
import { glob } from 'tinyglobby';
import type { CandidateSpan, Granularity } from '../types';
import { ExportRecogniser, loadExportRegistry } from './labelwiseOutput';
import { TextFileError, readTextFile } from './readTextFile';
import { fileSpans, isJsonlFile, locateSource, recordOnLine, sourceSpans, type CorpusProblem } from './spanLocator';

export type { CorpusProblem } from './spanLocator';
export { isJsonlFile } from './spanLocator';

export interface CorpusOptions {
  /** Workspace folder; every path in the result is relative to it, with forward slashes. */
  readonly root: string;
  /** Glob patterns relative to root (`labelwise.include`). */
  readonly include: readonly string[];
  /** Glob patterns relative to root (`labelwise.exclude`). */
  readonly exclude: readonly string[];
  readonly granularity: Granularity;
  /** Larger files are skipped with an error problem (`labelwise.maxFileSizeMB`). */
  readonly maxFileSizeMB: number;
  /** Restrict the read to these workspace-relative files (still filtered by include/exclude). */
  readonly files?: readonly string[];
}

export interface Corpus {
  /** Ordered by file path (code-unit order), then by position in the file. */
  readonly spans: CandidateSpan[];
  readonly problems: CorpusProblem[];
  /** Files that were read (including those that gave no span), sorted. Skipped files are not here. */
  readonly files: string[];
}

/**
 * Version of how files become spans (segmentation, trimming, JSONL records, span ids). Caches of
 * spans (the corpus manifest) include it in their key: bump it whenever a change here or in
 * segment.ts / spanId.ts would give different spans for the same file.
 */
// 3: files Labelwise wrote (exports, store copies) give no spans (labelwiseOutput.ts); the span
// locator (spanLocator.ts) applies the Markdown list rule to Markdown files only.
// 4: Markdown structure is not a span (front matter, headings, code; markdownLines.ts), and a list
// item's span starts after its bullet.
export const SPANS_VERSION = 4;

/** At most this many problems are listed per file; the rest are counted in one line. */
const MAX_PROBLEMS_PER_FILE = 20;
/** Files read at once. */
const READ_CONCURRENCY = 8;

/** Workspace-relative files matching include minus exclude, sorted (code-unit order). */
export async function listCorpusFiles(opts: CorpusOptions): Promise<string[]> {
  const root = resolve(opts.root);
  let files: string[];
  if (opts.files) {
    const isIncluded = picomatch(opts.include as string[], { dot: true });
    const isExcluded = opts.exclude.length > 0 ? picomatch(opts.exclude as string[], { dot: true }) : (): boolean => false;
    files = [];
    for (const f of opts.files) {
      const rel = toRelative(root, f);
      if (rel !== undefined && isIncluded(rel) && !isExcluded(rel)) files.push(rel);
    }
  } else {
    if (opts.include.length === 0) return [];
    files = await glob(opts.include as string[], {
      cwd: root,
      ignore: opts.exclude as string[],
      dot: true,
      onlyFiles: true,
      followSymbolicLinks: false,
      expandDirectories: false,
    });
  }
  return [...new Set(files.map((f) => f.split(sep).join('/')))].sort(codeUnitOrder);
}

function toRelative(root: string, file: string): string | undefined {
  const abs = resolve(root, file);
  const rel = relative(root, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Reads the corpus: lists the files, reads each (read-only), and cuts it into candidate spans.
 * Text files are segmented at `granularity`; in a `.jsonl` file every record with a `text` string
 * is one span as it stands (granularity does not apply: a record is already the unit its author
 * chose), its `line` the record's line and its offsets into the record's text.
 *
 * Bad files never stop the read: they are skipped and reported in `problems` (binary, invalid
 * UTF-8, too large, unreadable: error; empty: warning). In a JSONL file a malformed line or a
 * record without `text` is a warning naming file and line, and the good records are still used.
 * The options are trusted: they were parsed where they entered (settingsParser.ts).
 */
export async function readCorpus(opts: CorpusOptions): Promise<Corpus> {
  const root = resolve(opts.root);
  const listed = await listCorpusFiles(opts);
  const maxBytes = opts.maxFileSizeMB * 1024 * 1024;
  // Files Labelwise wrote (label exports, store copies) are never corpus: see labelwiseOutput.ts.
  const exports = new ExportRecogniser(loadExportRegistry(root));
  const results: FileResult[] = new Array(listed.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < listed.length) {
      const i = next++;
      results[i] = await readCorpusFile(root, listed[i], opts.granularity, maxBytes, exports);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, listed.length) }, worker));
  const spans: CandidateSpan[] = [];
  const problems: CorpusProblem[] = [];
  const files: string[] = [];
  for (const r of results) {
    if (r.read) files.push(r.file);
    for (const s of r.spans) spans.push(s);
    problems.push(...capProblems(r.file, r.problems));
  }
  return { spans, problems, files };
}

/**
 * The spans of one file of the corpus as readCorpus cut them at the open, read again (for the
 * span texts of a corpus too large to keep them: the lexical block's fit). A file that cannot be
 * read now gives none; the caller matches spans by id and counts those it misses.
 */
export async function readFileSpans(opts: CorpusOptions, file: string): Promise<CandidateSpan[]> {
  try {
    const text = await readTextFile(resolve(opts.root, file), { maxBytes: opts.maxFileSizeMB * 1024 * 1024, displayName: file });
    return fileSpans(file, text, opts.granularity).spans;
  } catch {
    return [];
  }
}

interface FileResult {
  readonly file: string;
  readonly read: boolean;
  readonly spans: CandidateSpan[];
  readonly problems: CorpusProblem[];
}

async function readCorpusFile(root: string, file: string, granularity: Granularity, maxBytes: number, exports: ExportRecogniser): Promise<FileResult> {
  let text: string;
  try {
    text = await readTextFile(resolve(root, file), { maxBytes, displayName: file });
  } catch (e) {
    const message = TextFileError.is(e) || e instanceof Error ? e.message : String(e);
    const line = TextFileError.is(e) && e.line !== undefined ? e.line - 1 : undefined;
    return { file, read: false, spans: [], problems: [{ file, line, message, severity: 'error' }] };
  }
  const written = exports.reason(file, text);
  if (written) {
    return { file, read: false, spans: [], problems: [{ file, message: `${file}: ${written}; not read as corpus`, severity: 'warning' }] };
  }
  if (text.trim() === '') {
    return { file, read: true, spans: [], problems: [{ file, message: `${file}: the file is empty; nothing to label`, severity: 'warning' }] };
  }
  return { file, read: true, ...fileSpans(file, text, granularity) };
}

/**
 * Spans of a JSONL file: one per record with a non-blank `text` string (trimmed; offsets into
 * the record's text). Blank lines are skipped; malformed lines and records without text are
 * warnings with the line. A file where no record has text is one warning.
 */
export function jsonlSpans(file: string, content: string): { spans: CandidateSpan[]; problems: CorpusProblem[] } {
  return sourceSpans(locateSource(file, content), 'line');
}

function capProblems(file: string, problems: CorpusProblem[]): CorpusProblem[] {
  if (problems.length <= MAX_PROBLEMS_PER_FILE) return problems;
  const more = problems.length - MAX_PROBLEMS_PER_FILE;
  return [...problems.slice(0, MAX_PROBLEMS_PER_FILE), { file, message: `${file}: ${more} more problem${more === 1 ? '' : 's'} not listed`, severity: 'warning' }];
}

/**
 * The text a span's offsets point into: the file's text, or for a JSONL span the record's text
 * on `line`. Read-only; errors are InputErrors naming the file (and line).
 */
export async function readSpanSource(root: string, file: string, line: number, maxFileSizeMB: number): Promise<string> {
  const content = await readTextFile(resolve(root, file), { maxBytes: maxFileSizeMB * 1024 * 1024, displayName: file });
  if (!isJsonlFile(file)) return content;
  const unit = recordOnLine(file, content, line);
  if (!unit) throw new TextFileError('unreadable', `${file}:${line + 1}: no record with a "text" string on this line`, file, line + 1);
  return unit.text;
}

export interface SpanContext {
  /** Text before the span, at most `chars` long, cut at a word boundary when truncated. */
  readonly before: string;
  readonly after: string;
  /** Whether more text precedes `before` / follows `after` (show an ellipsis). */
  readonly beforeTruncated: boolean;
  readonly afterTruncated: boolean;
}

/**
 * The surrounding text of [start, end) in `text`, for showing a span in context: up to `chars`
 * UTF-16 units on each side, cut at whitespace where possible and never inside a surrogate pair.
 */
export function contextOf(text: string, start: number, end: number, chars: number): SpanContext {
  const s = Math.max(0, Math.min(start, text.length));
  const e = Math.max(s, Math.min(end, text.length));
  let b = Math.max(0, s - Math.max(0, chars));
  let a = Math.min(text.length, e + Math.max(0, chars));
  const beforeTruncated = b > 0;
  const afterTruncated = a < text.length;
  if (beforeTruncated) {
    const ws = text.slice(b, s).search(/\s/);
    if (ws >= 0) b += ws + 1;
    else if (isLowSurrogate(text.charCodeAt(b))) b++;
  }
  if (afterTruncated) {
    const window = text.slice(e, a);
    const m = /\s\S*$/.exec(window);
    if (m && m.index > 0) a = e + m.index;
    else if (isLowSurrogate(text.charCodeAt(a))) a--;
  }
  return { before: text.slice(b, s), after: text.slice(e, a), beforeTruncated, afterTruncated };
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
