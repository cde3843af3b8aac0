import type { EventSpan } from '../events';
import type { ImportProblem, ImportRecord } from './importRecords';

const TAG = /^(?:O|([BI])-(.+))$/;

/**
 * Reads CoNLL-style BIO (the CoNLL-2003 layout our export writes, or any whitespace-separated
 * columns with the token first and the tag last): one token a line, a blank line between
 * sentences, `-DOCSTART-` lines skipped. Each sentence becomes one entity-span record whose text is
 * its tokens joined by single spaces (CoNLL does not keep the original whitespace), answer accept;
 * a sentence with only `O` tags is the answer "no entities".
 *
 * Malformed BIO is reported, not repaired: an `I-X` that does not continue a `B-X`/`I-X` (this
 * includes IOB1 files such as the original CoNLL-2003 release, where `I-` may open an entity)
 * would otherwise be guessed at silently; convert IOB1 to BIO first. Tags with a label outside
 * `labels` (when given) are reported at their own line. Problems are returned, not thrown, so the
 * caller reports the whole file at once; a sentence with any problem yields no record.
 */
export function readConllRecords(content: string, importName: string, labels?: readonly string[]): { records: ImportRecord[]; problems: ImportProblem[] } {
  if (content.charCodeAt(0) === 0xfeff) content = content.slice(1);
  const records: ImportRecord[] = [];
  const problems: ImportProblem[] = [];
  const allowed = labels && labels.length > 0 ? new Set(labels) : undefined;
  const lines = content.split('\n');
  let words: string[] = [];
  let spans: EventSpan[] = [];
  let first = 0;
  let bad = false;
  let length = 0;
  // The entity being read: its label and start offset; null outside an entity.
  let open: { label: string; start: number } | null = null;
  const close = (): void => {
    if (open) spans.push({ start: open.start, end: length, label: open.label });
    open = null;
  };
  const flush = (): void => {
    close();
    if (words.length > 0 && !bad) records.push({ line: first, text: words.join(' '), label: null, spans, answer: 'accept' });
    words = [];
    spans = [];
    bad = false;
    length = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    const cols = raw.trim().split(/\s+/);
    if (raw.trim() === '' || cols[0] === '-DOCSTART-') {
      flush();
      continue;
    }
    const line = i + 1;
    const problem = (reason: string): void => {
      problems.push({ file: importName, line, reason });
      bad = true;
    };
    if (words.length === 0) first = line;
    if (cols.length < 2) {
      problem('a token line needs the token and its BIO tag (last column)');
      continue;
    }
    const token = cols[0];
    const tag = cols[cols.length - 1];
    const m = TAG.exec(tag);
    const start = words.length === 0 ? 0 : length + 1;
    words.push(token);
    if (!m) {
      problem(`tag "${tag}" is not O, B-LABEL or I-LABEL`);
      close();
      length = start + token.length;
      continue;
    }
    const [, kind, label] = m;
    if (label !== undefined && allowed && !allowed.has(label)) problem(`span label "${label}" is not in the label set (${[...allowed].join(', ')})`);
    if (kind === 'I') {
      const cur = open as { label: string; start: number } | null;
      if (!cur || cur.label !== label) {
        problem(`"${tag}" does not continue a B-${label} or I-${label} on the line before (malformed BIO; an entity starts with B-)`);
      }
    } else {
      close();
      if (kind === 'B') open = { label, start };
    }
    length = start + token.length;
  }
  flush();
  return { records, problems };
}
