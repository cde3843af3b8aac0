import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { LabelStore, storePath } from '../../../src/core/store/labelStore';
import { spanId } from '../../../src/core/text/spanId';

let dir: string;
let store: string;
let stderr: string;
const write = process.stderr.write.bind(process.stderr);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelwise-cli-'));
  store = storePath(dir);
  const s = LabelStore.open(store);
  for (const [i, label] of ['news', 'sport', 'news'].entries()) {
    const text = `Sentence number ${i}, "quoted".`;
    s.append({ id: spanId('a.txt', i * 40, i * 40 + text.length, text), source: { file: 'a.txt', start: i * 40, end: i * 40 + text.length }, text, label, spans: [], answer: 'accept', annotator: 'alice', strategy: 'margin', score: 0.1, ts: '2026-11-23T10:00:00.000Z' });
  }
  s.close();
  stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    stderr += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
});
afterEach(() => {
  process.stderr.write = write;
  fs.rmSync(dir, { recursive: true, force: true });
});

test('labelwise export then import into another store, for every format, gives the same decisions', async () => {
  for (const format of ['labelwise', 'prodigy', 'csv', 'hf']) {
    const out = path.join(dir, `out-${format}.${format === 'csv' ? 'csv' : 'jsonl'}`);
    assert.equal(await main(['export', '--store', store, '--format', format, '--out', out, '--labels', 'sport,news']), 0, stderr);
    assert.match(stderr, new RegExp(`exported 3 decisions as ${format}`));
    if (format === 'hf') assert.ok(fs.existsSync(path.join(dir, 'out-hf.labels.json')));
    const other = path.join(dir, `ws-${format}`, '.labelwise', 'labels.jsonl');
    assert.equal(await main(['import', '--store', other, '--in', out]), 0, stderr);
    const a = LabelStore.open(store).state.decisions().map((e) => [e.id, e.label]);
    const b = LabelStore.open(other).state.decisions().map((e) => [e.id, e.label]);
    assert.deepEqual(b, a, format);
  }
});

test('a malformed import exits 1, names file:line, and writes nothing', async () => {
  const bad = path.join(dir, 'bad.jsonl');
  fs.writeFileSync(bad, '{"text":"ok","label":"news"}\n{"text":"no label"}\n');
  const before = fs.readFileSync(store, 'utf8');
  assert.equal(await main(['import', '--store', store, '--in', bad]), 1);
  assert.match(stderr, /bad\.jsonl:2: the record has no "label" and no "spans"/);
  assert.equal(fs.readFileSync(store, 'utf8'), before);
});

test('export refuses an unknown format and refuses to overwrite the store', async () => {
  // Refused by commander's choices before the command runs (exit 2, a usage error), naming the option.
  assert.equal(await main(['export', '--store', store, '--format', 'xml', '--out', path.join(dir, 'x')]), 2);
  assert.match(stderr, /--format.*labelwise, prodigy, csv, hf/);
  assert.equal(await main(['export', '--store', store, '--out', store]), 1);
  assert.match(stderr, /is the label store itself/);
});

test('plain JSONL inside the workspace becomes free-standing events named relative to it', async () => {
  const plain = path.join(dir, 'imports', 'extra.jsonl');
  fs.mkdirSync(path.dirname(plain));
  fs.writeFileSync(plain, '{"text":"brand new","label":"sport"}\n');
  assert.equal(await main(['import', '--store', store, '--in', plain, '--annotator', 'bob']), 0, stderr);
  const added = LabelStore.open(store).state.decisions().at(-1);
  assert.equal(added?.source.file, 'imports/extra.jsonl');
  assert.equal(added?.annotator, 'bob');
  assert.match(stderr, /1 free-standing/);
});

test('a Prodigy choice export of label sets imports with --multi-label, and is refused without it', async () => {
  const choice = path.join(dir, 'choice.jsonl');
  fs.writeFileSync(choice, JSON.stringify({ text: 'Goals and rates.', options: [{ id: 'news', text: 'news' }, { id: 'sport', text: 'sport' }], accept: ['news', 'sport'], answer: 'accept', _annotator_id: 'kim' }) + '\n');
  assert.equal(await main(['import', '--store', store, '--in', choice]), 1);
  assert.match(stderr, /choice\.jsonl:1: "accept" lists 2 labels .*labelwise\.multiLabel/);
  assert.equal(await main(['import', '--store', store, '--in', choice, '--multi-label']), 0, stderr);
  const added = LabelStore.open(store).state.decisions().at(-1);
  assert.deepEqual([added?.label, added?.labels], [null, ['news', 'sport']]);
});
