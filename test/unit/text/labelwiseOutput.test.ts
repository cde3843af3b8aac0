import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCorpus } from '../../../src/core/text/corpus';
import { defaultSettings } from '../../../src/core/settings';
import { main } from '../../../src/cli/main';
import { LabelStore, storePath } from '../../../src/core/store/labelStore';
import { exportLabels } from '../../../src/core/store/formats/labelFormats';
import { fileSpans } from '../../../src/core/text/spanLocator';

let dir: string;
const write = process.stderr.write.bind(process.stderr);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelwise-exports-'));
  fs.writeFileSync(path.join(dir, 'a.txt'), 'The match ended in a draw. Stocks fell sharply today.\n');
  fs.writeFileSync(path.join(dir, 'corpus.jsonl'), '{"id":"r1","text":"A plain corpus record.","file":"x","start":0,"end":3}\n');
  const store = LabelStore.open(storePath(dir));
  for (const [i, s] of fileSpans('a.txt', fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'sentence').spans.entries()) {
    store.append({ id: s.id, source: { file: s.file, start: s.start, end: s.end, line: s.line }, text: s.text, label: i ? 'biz' : 'sport', spans: [], answer: 'accept', annotator: 'a', strategy: null, score: null, ts: '2026-11-23T10:00:00.000Z' });
  }
  store.close();
});
afterEach(() => {
  process.stderr.write = write;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function corpus(): Promise<Awaited<ReturnType<typeof readCorpus>>> {
  return readCorpus({ root: dir, include: defaultSettings.include, exclude: defaultSettings.exclude, granularity: 'sentence', maxFileSizeMB: 10 });
}

test('exports written anywhere in the workspace, in every JSONL format, are not read back as corpus', async () => {
  process.stderr.write = ((): boolean => true) as typeof process.stderr.write;
  for (const format of ['labelwise', 'prodigy', 'hf']) {
    assert.equal(await main(['export', '--store', storePath(dir), '--format', format, '--out', path.join(dir, `labels-${format}.jsonl`)]), 0);
  }
  const c = await corpus();
  assert.deepEqual([...new Set(c.spans.map((s) => s.file))].sort(), ['a.txt', 'corpus.jsonl'], 'only the real corpus');
  for (const format of ['labelwise', 'prodigy', 'hf']) {
    const note = c.problems.find((p) => p.file === `labels-${format}.jsonl`);
    assert.match(note?.message ?? '', /written by Labelwise .*not read as corpus/, format);
  }
});

test('a renamed copy of an export is recognised by its content (registry hash), a label store copy by its shape', async () => {
  // Imported here so the first test still runs (and fails on behaviour) on code without the module.
  const { writeExportFiles } = await import('../../../src/core/store/exportFile');
  const store = LabelStore.open(storePath(dir));
  const out = exportLabels('prodigy', store.state.decisions());
  writeExportFiles([{ path: path.join(dir, '.labelwise', 'exports', 'p.jsonl'), content: out.content, format: 'prodigy' }], store.file, dir);
  fs.mkdirSync(path.join(dir, 'data'));
  fs.copyFileSync(path.join(dir, '.labelwise', 'exports', 'p.jsonl'), path.join(dir, 'data', 'moved.jsonl'));
  fs.copyFileSync(store.file, path.join(dir, 'data', 'old-labels.jsonl'));
  // A Prodigy export of another clone (not in this registry) is still recognised by its span ids.
  fs.writeFileSync(path.join(dir, 'data', 'other.jsonl'), exportLabels('prodigy', store.state.decisions().slice(0, 1)).content);
  const c = await corpus();
  assert.deepEqual([...new Set(c.spans.map((s) => s.file))].sort(), ['a.txt', 'corpus.jsonl']);
  assert.match(c.problems.find((p) => p.file === 'data/moved.jsonl')?.message ?? '', /a copy of a Labelwise prodigy export \(\.labelwise\/exports\/p\.jsonl/);
  assert.match(c.problems.find((p) => p.file === 'data/old-labels.jsonl')?.message ?? '', /Labelwise label events/);
  assert.match(c.problems.find((p) => p.file === 'data/other.jsonl')?.message ?? '', /carry Labelwise span ids/);
});
