import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultSettings } from '../../../src/core/settings';
import { contextOf, jsonlSpans, readCorpus, readSpanSource, type CorpusOptions } from '../../../src/core/text/corpus';
import { spanId } from '../../../src/core/text/spanId';

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function workspace(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), 'lw-corpus-'));
  roots.push(root);
  for (const [name, content] of Object.entries(files)) {
    const p = join(root, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return root;
}

function options(root: string, over: Partial<CorpusOptions> = {}): CorpusOptions {
  return { root, include: defaultSettings.include, exclude: defaultSettings.exclude, granularity: 'sentence', maxFileSizeMB: 1, ...over };
}

/** Every file's bytes and mtime, to prove that reading changed nothing. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(p, `${readFileSync(p).toString('base64')}@${statSync(p).mtimeMs}`);
    }
  };
  walk(root);
  return out;
}

describe('readCorpus', () => {
  test('reads include minus exclude, in path order, with spans that slice their file', async () => {
    const root = workspace({
      'b.md': '# Notes\nDr. Who arrived. He left.',
      'a.txt': 'First sentence. Second one!\n\nNew paragraph here.',
      'data/c.txt': 'Nested file.',
      'node_modules/pkg/readme.md': 'Should not be read.',
      '.labelwise/labels.jsonl': '{"text": "not corpus"}\n',
      'src/code.ts': 'const x = 1;',
    });
    const c = await readCorpus(options(root));
    assert.deepEqual(c.files, ['a.txt', 'b.md', 'data/c.txt']);
    assert.deepEqual(c.problems, []);
    assert.deepEqual(
      c.spans.map((s) => [s.file, s.line, s.text]),
      [
        ['a.txt', 0, 'First sentence.'],
        ['a.txt', 0, 'Second one!'],
        ['a.txt', 2, 'New paragraph here.'],
        ['b.md', 1, 'Dr. Who arrived.'],
        ['b.md', 1, 'He left.'],
        ['data/c.txt', 0, 'Nested file.'],
      ],
    );
    for (const s of c.spans) {
      const text = readFileSync(join(root, s.file), 'utf8');
      assert.equal(text.slice(s.start, s.end), s.text);
      assert.equal(s.id, spanId(s.file, s.start, s.end, s.text));
    }
  });

  test('custom include/exclude patterns and granularity', async () => {
    const root = workspace({ 'keep/one.txt': 'l1\nl2', 'keep/skip.txt': 'no', 'other/two.txt': 'no' });
    const c = await readCorpus(options(root, { include: ['keep/**/*.txt'], exclude: ['**/skip.txt'], granularity: 'line' }));
    assert.deepEqual(c.files, ['keep/one.txt']);
    assert.deepEqual(c.spans.map((s) => s.text), ['l1', 'l2']);
  });

  test('`files` restricts the read and still honours include/exclude and the root', async () => {
    const root = workspace({ 'a.txt': 'A.', 'b.txt': 'B.', 'node_modules/c.txt': 'C.' });
    const c = await readCorpus(options(root, { files: ['b.txt', 'node_modules/c.txt', '../outside.txt', 'x.ts'] }));
    assert.deepEqual(c.files, ['b.txt']);
  });

  test('span ids are stable across reads and change only for edited spans', async () => {
    const root = workspace({ 'a.txt': 'Alpha one. Beta two. Gamma three.' });
    const first = await readCorpus(options(root));
    const again = await readCorpus(options(root));
    assert.deepEqual(again.spans.map((s) => s.id), first.spans.map((s) => s.id));
    assert.equal(new Set(first.spans.map((s) => s.id)).size, 3);
    writeFileSync(join(root, 'a.txt'), 'Alpha one. Beta TWO. Gamma three.');
    const edited = await readCorpus(options(root));
    assert.equal(edited.spans[0].id, first.spans[0].id);
    assert.notEqual(edited.spans[1].id, first.spans[1].id);
    // Same text, same offsets: same id (the length did not change).
    assert.equal(edited.spans[2].id, first.spans[2].id);
  });

  test('bad files are reported and skipped, good files still read, nothing written', async () => {
    const root = workspace({
      'good.txt': 'Still read.',
      'binary.txt': Buffer.from([0x47, 0x49, 0x46, 0x38, 0x00, 0x01, 0x02]),
      'latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9]),
      'big.txt': 'word '.repeat(300_000),
      'empty.md': '',
    });
    const before = snapshot(root);
    const c = await readCorpus(options(root));
    assert.deepEqual(c.files, ['empty.md', 'good.txt']);
    assert.deepEqual(c.spans.map((s) => s.text), ['Still read.']);
    const byFile = new Map(c.problems.map((p) => [p.file, p]));
    assert.equal(byFile.get('binary.txt')?.severity, 'error');
    assert.match(byFile.get('binary.txt')?.message ?? '', /^binary\.txt: looks like a binary file/);
    assert.equal(byFile.get('latin1.txt')?.severity, 'error');
    assert.equal(byFile.get('latin1.txt')?.line, 0);
    assert.match(byFile.get('latin1.txt')?.message ?? '', /^latin1\.txt:1: not valid UTF-8/);
    assert.equal(byFile.get('big.txt')?.severity, 'error');
    assert.match(byFile.get('big.txt')?.message ?? '', /^big\.txt: 1\.4 MB is over the 1\.0 MB limit \(labelwise\.maxFileSizeMB\)/);
    assert.equal(byFile.get('empty.md')?.severity, 'warning');
    assert.match(byFile.get('empty.md')?.message ?? '', /^empty\.md: the file is empty/);
    assert.deepEqual(snapshot(root), before);
  });
});

describe('JSONL corpora', () => {
  test('each record with text is one span; its line is the record line and offsets index the record text', async () => {
    const lines = [
      '{"text": "  First record. Two sentences.  ", "label": "a"}',
      '',
      '{"text": "Second 😀 record", "meta": {"id": 7}}',
      '{"text": "First record. Two sentences."}',
    ];
    const root = workspace({ 'data/set.jsonl': lines.join('\r\n') + '\r\n' });
    const c = await readCorpus(options(root, { granularity: 'line' }));
    assert.deepEqual(c.problems, []);
    assert.deepEqual(
      c.spans.map((s) => [s.line, s.start, s.end, s.text]),
      [
        [0, 2, 30, 'First record. Two sentences.'],
        [2, 0, 16, 'Second 😀 record'],
        [3, 0, 28, 'First record. Two sentences.'],
      ],
    );
    // Same text on two lines: two spans with two ids.
    assert.notEqual(c.spans[0].id, c.spans[2].id);
    assert.equal(await readSpanSource(root, 'data/set.jsonl', 0, 1), '  First record. Two sentences.  ');
  });

  test('malformed lines are reported with file and line, the good lines are still used', () => {
    const content = ['{"text": "good one"}', '{"text": "broken', '[1, 2]', '{"text": 5}', '{"text": "   "}', '{"text": "good two"}'].join('\n');
    const r = jsonlSpans('d/x.jsonl', content);
    assert.deepEqual(r.spans.map((s) => [s.line, s.text]), [[0, 'good one'], [5, 'good two']]);
    assert.deepEqual(
      r.problems.map((p) => [p.file, p.line, p.severity]),
      [
        ['d/x.jsonl', 1, 'warning'],
        ['d/x.jsonl', 2, 'warning'],
        ['d/x.jsonl', 3, 'warning'],
        ['d/x.jsonl', 4, 'warning'],
      ],
    );
    assert.match(r.problems[0].message, /^d\/x\.jsonl:2: not valid JSON/);
    assert.match(r.problems[1].message, /^d\/x\.jsonl:3: the record has no "text" string/);
  });

  test('a JSONL file without any text record is one warning, not one per line', () => {
    const r = jsonlSpans('log.jsonl', '{"a":1}\n{"a":2}\n{"a":3}\n');
    assert.deepEqual(r.spans, []);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0].message, /^log\.jsonl: no record has a "text" string/);
  });

  test('problems per file are capped with a count of the rest', async () => {
    const root = workspace({ 'bad.jsonl': 'x\n'.repeat(50) + '{"text":"ok"}\n' });
    const c = await readCorpus(options(root));
    assert.equal(c.spans.length, 1);
    assert.equal(c.problems.length, 21);
    assert.match(c.problems[20].message, /bad\.jsonl: 30 more problems not listed/);
  });
});

describe('contextOf', () => {
  const text = 'Alpha beta gamma. The span sits here. Delta epsilon zeta.';
  const start = text.indexOf('The span');
  const end = text.indexOf(' Delta');
  test('whole neighbours when they fit', () => {
    const ctx = contextOf(text, start, end, 100);
    assert.deepEqual(ctx, { before: 'Alpha beta gamma. ', after: ' Delta epsilon zeta.', beforeTruncated: false, afterTruncated: false });
  });
  test('cut at word boundaries when they do not', () => {
    const ctx = contextOf(text, start, end, 9);
    assert.equal(ctx.before, 'gamma. ');
    assert.equal(ctx.after, ' Delta');
    assert.equal(ctx.beforeTruncated, true);
    assert.equal(ctx.afterTruncated, true);
  });
  test('never splits a surrogate pair', () => {
    const t = '😀😀😀😀X😀😀😀😀';
    const ctx = contextOf(t, 8, 9, 3);
    assert.equal(ctx.before, '😀');
    assert.equal(ctx.after, '😀');
  });
});
