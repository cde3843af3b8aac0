import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { toNpy } from '../../../src/core/npy';
import { LabelStore, storePath } from '../../../src/core/store/labelStore';
import { spanId } from '../../../src/core/text/spanId';

let dir: string;
let store: string;
let stderr: string;
const write = process.stderr.write.bind(process.stderr);

function seed(file: string): void {
  const s = LabelStore.open(file);
  for (const [i, label] of ['news', 'sport', 'news'].entries()) {
    const text = `Sentence number ${i}.`;
    s.append({ id: spanId('a.txt', i * 40, i * 40 + text.length, text), source: { file: 'a.txt', start: i * 40, end: i * 40 + text.length }, text, label, spans: [], answer: 'accept', annotator: 'alice', strategy: 'margin', score: 0.1, ts: '2026-11-23T10:00:00.000Z' });
  }
  s.close();
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelwise-clisafe-'));
  store = storePath(dir);
  seed(store);
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

test('the hf label-names sidecar may not overwrite a store named *.labels.json', async () => {
  const odd = path.join(dir, 'proj.labels.json');
  seed(odd);
  const before = fs.readFileSync(odd);
  assert.equal(await main(['export', '--store', odd, '--format', 'hf', '--out', path.join(dir, 'proj.jsonl')]), 1, stderr);
  assert.match(stderr, /proj\.labels\.json is the label store itself/);
  assert.deepEqual(fs.readFileSync(odd), before);
  assert.equal(fs.existsSync(path.join(dir, 'proj.jsonl')), false, 'all or nothing: the main file is not written either');
});

test('an export into .labelwise/ (other than exports/) is refused; .labelwise/exports/ is fine', async () => {
  const curve = path.join(dir, '.labelwise', 'curve.jsonl');
  assert.equal(await main(['export', '--store', store, '--out', curve]), 1);
  assert.match(stderr, /inside the \.labelwise folder/);
  assert.equal(fs.existsSync(curve), false);
  assert.equal(await main(['export', '--store', store, '--out', path.join(dir, '.labelwise', 'exports', 'x.jsonl')]), 0, stderr);
});

test('a failed export leaves no temporary file behind', async () => {
  const target = path.join(dir, 'out.jsonl');
  fs.mkdirSync(target);
  assert.equal(await main(['export', '--store', store, '--out', target]), 1);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
});

test('a mistyped --store is an error, not "exported 0"', async () => {
  assert.equal(await main(['export', '--store', path.join(dir, '.labelwise', 'lables.jsonl'), '--out', path.join(dir, 'o.jsonl')]), 1);
  assert.match(stderr, /no label store at .*lables\.jsonl/);
  assert.doesNotMatch(stderr, /exported 0/);
});

test('a Prodigy _timestamp of 1e20 is a clear error with file and line', async () => {
  const f = path.join(dir, 'p.jsonl');
  fs.writeFileSync(f, '{"text":"ok","label":"news","_timestamp":1700000000}\n{"text":"far","label":"news","_timestamp":1e20}\n');
  assert.equal(await main(['import', '--store', store, '--in', f]), 1);
  assert.match(stderr, /p\.jsonl:2: "_timestamp" 100000000000000000000 is not a time/);
});

test('invalid UTF-8 in an import is a warning with file:line', async () => {
  const f = path.join(dir, 'u.jsonl');
  fs.writeFileSync(f, Buffer.concat([Buffer.from('{"text":"ok","label":"news"}\n{"text":"caf'), Buffer.from([0xe9]), Buffer.from('","label":"news"}\n')]));
  assert.equal(await main(['import', '--store', store, '--in', f]), 0, stderr);
  assert.match(stderr, /warning: u\.jsonl:2: not valid UTF-8/);
});

test('an import naming a path outside the workspace is refused with file:line', async () => {
  const f = path.join(dir, 'abs.jsonl');
  fs.writeFileSync(f, '{"text":"ok","label":"news","file":"/etc/passwd","start":0,"end":2}\n{"text":"up","label":"news","meta":{"source":"../../x.txt","start":0,"end":2}}\n');
  const before = fs.readFileSync(store);
  assert.equal(await main(['import', '--store', store, '--in', f]), 1);
  assert.match(stderr, /abs\.jsonl:1: .*absolute path/);
  assert.match(stderr, /abs\.jsonl:2: .*leaves the workspace folder/);
  const lw = path.join(dir, 'lw.jsonl');
  fs.writeFileSync(lw, JSON.stringify({ id: 'x', source: { file: '/etc/hosts', start: 0, end: 1 }, text: 'x', label: 'news', answer: 'accept', ts: '2026-11-23T10:00:00Z' }) + '\n');
  assert.equal(await main(['import', '--store', store, '--in', lw]), 1);
  assert.match(stderr, /lw\.jsonl:1: not a label event: "source\.file" "\/etc\/hosts" is an absolute path/);
  assert.deepEqual(fs.readFileSync(store), before);
});

test('records without a workspace place from a file outside the workspace are refused, not stored with an absolute path', async () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'labelwise-outside-'));
  try {
    const f = path.join(outside, 'plain.jsonl');
    fs.writeFileSync(f, '{"text":"brand new","label":"sport"}\n');
    assert.equal(await main(['import', '--store', store, '--in', f]), 1);
    assert.match(stderr, /plain\.jsonl:1: the record has no workspace place .* outside the workspace folder/);
    assert.ok(LabelStore.open(store).events().every((s) => !path.isAbsolute(s.event.source.file)));
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

function dataset(n: number): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ text: `record ${i}`, label: i % 2 ? 'a' : 'b' })).join('\n') + '\n';
}

test('simulate --vectors with a NaN is refused naming the row', async () => {
  const data = path.join(dir, 'd.jsonl');
  fs.writeFileSync(data, dataset(40));
  const m = { rows: 40, cols: 3, data: new Float32Array(120).map((_, i) => (i % 7) / 7) };
  m.data[17 * 3 + 1] = Number.NaN;
  const npy = path.join(dir, 'v.npy');
  fs.writeFileSync(npy, toNpy(m));
  assert.equal(await main(['simulate', '--data', data, '--vectors', npy, '--init', '4', '--batch', '2', '--budget', '8', '--out', path.join(dir, 'r.json')]), 1, stderr);
  assert.match(stderr, /v\.npy: row 17 .*non-finite value NaN in column 1/);
  m.data[17 * 3 + 1] = Number.POSITIVE_INFINITY;
  fs.writeFileSync(npy, toNpy(m));
  assert.equal(await main(['simulate', '--data', data, '--vectors', npy, '--init', '4', '--batch', '2', '--budget', '8', '--out', path.join(dir, 'r.json')]), 1, stderr);
  assert.match(stderr, /row 17 .*Infinity/);
});

test('a negative .npy shape is a clear error naming the file', async () => {
  const data = path.join(dir, 'd.jsonl');
  fs.writeFileSync(data, dataset(4));
  const npy = path.join(dir, 'neg.npy');
  const buf = toNpy({ rows: 4, cols: 2, data: new Float32Array(8) });
  fs.writeFileSync(npy, Buffer.from(buf.toString('latin1').replace('(4, 2)', '(-4, 2)'), 'latin1'));
  assert.equal(await main(['simulate', '--data', data, '--vectors', npy, '--out', path.join(dir, 'r.json')]), 1, stderr);
  assert.match(stderr, /neg\.npy: the \.npy shape \(-4, 2\) must be two non-negative integers/);
});

test('an import from a FIFO is refused at once, never read (a blocking read would hang)', () => {
  const fifo = path.join(dir, 'pipe.jsonl');
  if (spawnSync('mkfifo', [fifo]).status !== 0) return; // no FIFOs on this platform
  const script = `const { main } = require(${JSON.stringify(path.resolve('src/cli/main.ts'))});
main(['import', '--store', ${JSON.stringify(store)}, '--in', ${JSON.stringify(fifo)}]).then((rc) => process.exit(rc));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.signal, null, `the import hung (killed after 20 s): ${r.stderr}`);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /pipe\.jsonl: not a regular file; nothing was imported/);
});

test('an export may not replace the store through a symlinked folder, nor another workspace store', async () => {
  fs.symlinkSync(path.join(dir, '.labelwise'), path.join(dir, 'alias'));
  const before = fs.readFileSync(store);
  assert.equal(await main(['export', '--store', store, '--out', path.join(dir, 'alias', 'labels.jsonl')]), 1);
  assert.match(stderr, /is the label store itself/);
  const other = storePath(path.join(dir, 'ws2'));
  seed(other);
  assert.equal(await main(['export', '--store', store, '--out', other]), 1);
  assert.match(stderr, /is the label store of a Labelwise workspace/);
  assert.deepEqual(fs.readFileSync(store), before);
  // A folder that merely has .labelwise among its ancestors is an ordinary place to export to.
  const deep = path.join(dir, 'home', '.labelwise', 'projects', 'out.jsonl');
  assert.equal(await main(['export', '--store', store, '--out', deep]), 0, stderr);
});
