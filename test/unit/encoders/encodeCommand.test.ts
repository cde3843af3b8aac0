import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readJsonlTexts, runEncode } from '../../../src/cli/encode';
import { InputError } from '../../../src/core/errors';
import { readNpy } from '../../../src/core/npy';
import { readCorpus } from '../../../src/core/text/corpus';
import { gatherShardVectors, loadVectorShards, readVectorShards } from '../../../src/core/vectorShards';
import { silentLogger } from '../../../src/core/types';
import { runCli } from '../runCli';

const dir = mkdtempSync(join(tmpdir(), 'lw-encode-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('labelwise encode', () => {
  test('writes one float32 row per record in file order, labels optional', async () => {
    const data = file('ok.jsonl', ['{"text": "The jury met."}', '{"text": "", "label": "x"}', '{"text": "Stock markets fell.", "spans": []}'].join('\n') + '\n');
    const out = join(dir, 'ok.npy');
    await runEncode({ data, out, model: 'default', device: 'cpu' }, silentLogger);
    const m = readNpy(out);
    assert.equal(m.rows, 3);
    assert.equal(m.cols, 100);
    assert.ok(m.data.subarray(100, 200).every((v) => v === 0));
    assert.ok(Math.abs(Math.hypot(...m.data.subarray(0, 100)) - 1) < 1e-5);
    assert.ok(Math.abs(Math.hypot(...m.data.subarray(200, 300)) - 1) < 1e-5);
  });

  test('bad records are reported with file and line, and nothing is written', async () => {
    const cases: [string, RegExp][] = [
      ['{"text": "a"}\nnot json\n', /bad1\.jsonl:2: not valid JSON/],
      ['{"text": "a"}\n\n{"text": "b"}\n', /bad2\.jsonl:2: empty line/],
      ['{"label": "a"}\n', /bad3\.jsonl:1: the record has no "text" string/],
      ['[1, 2]\n', /bad4\.jsonl:1: a record must be a JSON object/],
      ['', /bad5\.jsonl: the file is empty/],
    ];
    for (const [i, [content, re]] of cases.entries()) {
      const data = file(`bad${i + 1}.jsonl`, content);
      const out = join(dir, `bad${i + 1}.npy`);
      await assert.rejects(runEncode({ data, out, model: 'default', device: 'cpu' }, silentLogger), (e: unknown) => InputError.is(e) && re.test(e.message));
      assert.equal(existsSync(out), false);
    }
    assert.throws(() => readJsonlTexts(join(dir, 'absent.jsonl')), (e: unknown) => InputError.is(e) && /absent\.jsonl: cannot read/.test(e.message));
  });

  test('refuses to overwrite its input and rejects an unknown --device', async () => {
    const data = file('same.jsonl', '{"text": "a b c"}\n');
    await assert.rejects(runEncode({ data, out: data, model: 'default', device: 'cpu' }, silentLogger), InputError.is);
    assert.equal(readFileSync(data, 'utf8'), '{"text": "a b c"}\n');
    // Refused by commander's choices before the command runs (exit 2), naming the option.
    const r = await runCli(['encode', '--data', data, '--out', join(dir, 'x.npy'), '--device', 'gpu']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--device.*auto, cpu, cuda/);
  });

  test('--format arrow writes span_id + vector with the ids the corpus reader gives from the workspace root', async () => {
    const ws = join(dir, 'ws');
    mkdirSync(join(ws, 'data'), { recursive: true });
    writeFileSync(join(ws, 'data', 'notes.jsonl'), ['{"text": "The jury met."}', '{"text": "   "}', '{"text": "Stock markets fell."}', '{"text": "The jury met."}'].join('\n') + '\n');
    const cwd = process.cwd();
    const warnings: string[] = [];
    process.chdir(ws);
    try {
      await runEncode({ data: 'data/notes.jsonl', out: 'vectors.arrow', model: 'default', device: 'cpu', format: 'arrow' }, { ...silentLogger, warn: (m) => warnings.push(m) });
    } finally {
      process.chdir(cwd);
    }
    // The blank record has no span, as in the corpus reader, and is named in a warning.
    assert.match(warnings.join('\n'), /notes\.jsonl:2/);
    const corpus = await readCorpus({ root: ws, include: ['**/*.jsonl'], exclude: [], granularity: 'sentence', maxFileSizeMB: 5 });
    assert.equal(corpus.spans.length, 3);
    const shards = readVectorShards(join(ws, 'vectors.arrow'));
    const m = gatherShardVectors(shards, corpus.spans.map((s) => s.id), String, 'corpus');
    assert.equal(m.cols, 100);
    // Rows 0 and 2 hold the same text on different lines: two spans, the same vector.
    assert.deepEqual(m.data.subarray(0, 100), m.data.subarray(200, 300));
    assert.ok(Math.abs(Math.hypot(...m.data.subarray(100, 200)) - 1) < 1e-5);
    const npy = join(dir, 'same.npy');
    await runEncode({ data: file('same-texts.jsonl', '{"text": "The jury met."}\n{"text": "Stock markets fell."}\n'), out: npy, model: 'default', device: 'cpu' }, silentLogger);
    assert.deepEqual(m.data.subarray(0, 200), readNpy(npy).data);
    // The same layout as Parquet.
    process.chdir(ws);
    try {
      await runEncode({ data: 'data/notes.jsonl', out: 'vectors.parquet', model: 'default', device: 'cpu', format: 'parquet' }, silentLogger);
    } finally {
      process.chdir(cwd);
    }
    const pq = gatherShardVectors(await loadVectorShards(join(ws, 'vectors.parquet')), corpus.spans.map((s) => s.id), String, 'corpus');
    assert.deepEqual(pq, m);
    const r = await runCli(['encode', '--data', data0(), '--out', join(dir, 'x.feather'), '--format', 'feather']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--format.*npy, arrow, parquet/);
  });
});

function data0(): string {
  return file('one.jsonl', '{"text": "a b c"}\n');
}
