import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readCorpus } from '../../src/core/text/corpus';
import type { CandidateSpan } from '../../src/core/types';

/** Workspaces and label stores for the e2e suite, written and read the way the extension does. */

/** The JSON lines of `file` (a label store); none while it does not exist yet. */
export function readJsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** Writes `content` to `file` (relative to `root`), making its folders. */
export function writeIn(root: string, file: string, content: string | Buffer): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), content);
}

/** The sentence spans of the workspace's files matching `include`, as a session reads them. */
export async function sentenceSpans(workspace: string, include: string[]): Promise<readonly CandidateSpan[]> {
  const corpus = await readCorpus({ root: workspace, include, exclude: ['**/.labelwise/**', '**/.vscode/**'], granularity: 'sentence', maxFileSizeMB: 10 });
  return corpus.spans;
}

/** A label store line as the panel writes it: `label` accepted on `span`, which margin picked. */
export function acceptedLabel(span: CandidateSpan, label: string, annotator: string, ts: string): string {
  return JSON.stringify({
    id: span.id,
    source: { file: span.file, start: span.start, end: span.end, line: span.line },
    text: span.text,
    label,
    spans: [],
    answer: 'accept',
    annotator,
    strategy: 'margin',
    score: 0.5,
    ts,
  });
}
