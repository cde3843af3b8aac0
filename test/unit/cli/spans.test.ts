import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runSpans } from '../../../src/cli/spans';
import { InputError } from '../../../src/core/errors';
import { defaultSettings } from '../../../src/core/settings';
import { readCorpus } from '../../../src/core/text/corpus';
import { silentLogger } from '../../../src/core/types';
import { runCli } from '../runCli';

const root = mkdtempSync(join(tmpdir(), 'lw-spans-'));
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'docs'));
writeFileSync(join(root, 'docs', 'a.md'), '# Title\n\nThe striker scored. The keeper saved.\n\n- A galaxy far away.\n');
writeFileSync(join(root, 'notes.jsonl'), '{"text": "  Record one. "}\n{"text": " "}\n{"text": "Record three."}\n');

describe('labelwise spans', () => {
  test('lists every span of the corpus with the id, file, line and text the editor gives it', async () => {
    mkdirSync(join(root, '.labelwise'), { recursive: true });
    const out = join(root, '.labelwise', 'spans.jsonl');
    await runSpans({ root, out, granularity: 'sentence' }, silentLogger);
    const rows = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { span_id: string; file: string; line: number; text: string });
    const corpus = await readCorpus({ root, include: defaultSettings.include, exclude: defaultSettings.exclude, granularity: 'sentence', maxFileSizeMB: 10 });
    assert.deepEqual(rows, corpus.spans.map((s) => ({ span_id: s.id, file: s.file, line: s.line + 1, text: s.text })));
    assert.deepEqual(rows.map((r) => r.text), ['The striker scored.', 'The keeper saved.', 'A galaxy far away.', 'Record one.', 'Record three.']);
    assert.deepEqual(rows.map((r) => r.line), [3, 3, 5, 1, 3]);
    // The listed file is not part of the corpus (.labelwise/ is excluded): a second list is the same.
    await runSpans({ root, out: join(root, '.labelwise', 'again.jsonl'), granularity: 'sentence' }, silentLogger);
    assert.equal(readFileSync(join(root, '.labelwise', 'again.jsonl'), 'utf8'), readFileSync(out, 'utf8'));
  });

  test('an --out inside the corpus is refused, and nothing is written', async () => {
    const out = join(root, 'spans.jsonl');
    await assert.rejects(runSpans({ root, out, granularity: 'sentence' }, silentLogger), (e: unknown) => InputError.is(e) && /spans\.jsonl lies in the corpus/.test(e.message) && /\.labelwise\//.test(e.message));
    assert.equal(existsSync(out), false);
    const r = await runCli(['spans', '--root', root, '--out', join(tmpdir(), 'x.jsonl'), '--granularity', 'word']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--granularity.*sentence, paragraph, line/);
  });
});
