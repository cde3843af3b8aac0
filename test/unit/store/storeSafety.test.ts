import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelStore, StoreWriteError, serializeEvent, storePath } from '../../../src/core/store/labelStore';
import { formatProblem } from '../../../src/core/store/eventLog';
import type { LabelEvent } from '../../../src/core/store/events';

function ev(i: number, extra: Partial<LabelEvent> = {}): LabelEvent {
  return {
    id: `id-${i}`,
    source: { file: 'data/a.txt', start: i * 10, end: i * 10 + 5, line: i },
    text: `Text ${i}`,
    label: 'news',
    spans: [],
    answer: 'accept',
    annotator: 'ann',
    strategy: 'margin',
    score: 0.5,
    ts: '2026-11-23T10:00:00.000Z',
    ...extra,
  };
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelwise-safety-'));
  file = storePath(dir);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A write function that writes `limit` bytes in all, then fails with `code` (a disk that fills up). */
function failingWrite(limit: number, code: string): (fd: number, buf: Buffer, off: number, len: number) => number {
  let written = 0;
  return (fd, buf, off, len) => {
    const room = limit - written;
    if (room <= 0) throw Object.assign(new Error(`${code}: simulated`), { code });
    const n = fs.writeSync(fd, buf, off, Math.min(len, room, 97));
    written += n;
    return n;
  };
}

describe('a failed append leaves the store exactly as it was', () => {
  test('ENOSPC in the middle of a 50-event import: nothing applied, no torn line, a retry does not duplicate', () => {
    const seed = LabelStore.open(file);
    seed.appendMany([ev(0), ev(1), ev(2)]);
    seed.close();
    const before = fs.readFileSync(file);
    let fail = true;
    const write = failingWrite(1500, 'ENOSPC');
    const store = LabelStore.open(file, { writeSync: (fd, buf, off, len) => (fail ? write(fd, buf, off, len) : fs.writeSync(fd, buf, off, len)) });
    const batch = Array.from({ length: 50 }, (_, i) => ev(100 + i));
    assert.throws(
      () => store.appendMany(batch),
      (e: unknown) => {
        assert.ok(StoreWriteError.is(e));
        assert.equal(e.errno, 'ENOSPC');
        assert.ok(e.message.includes(file), e.message);
        assert.match(e.message, /disk is full/);
        assert.match(e.message, /none of these 50 labels was saved/);
        assert.match(e.message, /the file is unchanged/);
        assert.match(e.message, /3 label events already in it are safe/);
        return true;
      },
    );
    assert.deepEqual(fs.readFileSync(file), before, 'the partial write was truncated away');
    assert.equal(store.events().length, 3);
    fail = false;
    store.appendMany(batch);
    store.close();
    const reread = LabelStore.open(file);
    assert.equal(reread.events().length, 53);
    assert.equal(new Set(reread.events().map((s) => s.event.id)).size, 53, 'no duplicates after the retry');
    assert.deepEqual(reread.problems, []);
  });

  test('a store without a final newline stays byte-identical after a failed append', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, serializeEvent(ev(0)));
    const before = fs.readFileSync(file);
    const store = LabelStore.open(file, { writeSync: failingWrite(40, 'EIO') });
    assert.throws(() => store.append(ev(1)), /this label was NOT saved/);
    assert.deepEqual(fs.readFileSync(file), before);
  });

  test('a first append that fails leaves no store file behind, and a later one works', () => {
    let fail = true;
    const write = failingWrite(50, 'ENOSPC');
    const store = LabelStore.open(file, { writeSync: (fd, buf, off, len) => (fail ? write(fd, buf, off, len) : fs.writeSync(fd, buf, off, len)) });
    assert.throws(() => store.append(ev(1)), /this label was NOT saved, the file is unchanged; it held no label events before/);
    assert.equal(fs.existsSync(file), false);
    fail = false;
    store.append(ev(1));
    store.append(ev(2));
    assert.equal(LabelStore.open(file).events().length, 2);
  });

  test('EROFS and EACCES name the store file and say the label was not saved', () => {
    for (const code of ['EROFS', 'EACCES']) {
      const store = LabelStore.open(file, { writeSync: failingWrite(0, code) });
      assert.throws(() => store.append(ev(1)), (e: unknown) => {
        assert.ok(StoreWriteError.is(e));
        assert.ok(e.message.includes(file));
        assert.match(e.message, code === 'EROFS' ? /read-only \(EROFS\)/ : /permission denied \(EACCES\)/);
        assert.match(e.message, /this label was NOT saved/);
        return true;
      });
      store.close();
    }
  });

  test('a store folder that cannot be created is a StoreWriteError naming the file', () => {
    const store = LabelStore.open(file);
    fs.writeFileSync(path.join(dir, '.labelwise'), 'a file where the folder should be');
    assert.throws(() => store.append(ev(1)), (e: unknown) => StoreWriteError.is(e) && e.message.includes(file) && /NOT saved/.test(e.message));
  });
});

describe('store paths stay inside the workspace', () => {
  test('an absolute or ".." source.file is skipped with labels.jsonl:LINE and the file is left untouched', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const lines = [
      serializeEvent(ev(0)),
      serializeEvent(ev(1, { source: { file: '/etc/passwd', start: 0, end: 4 } })),
      serializeEvent(ev(2, { source: { file: 'data/../../outside.txt', start: 0, end: 4 } })),
      serializeEvent(ev(3, { source: { file: 'C:\\Windows\\win.ini', start: 0, end: 4 } })),
      serializeEvent(ev(4)),
    ];
    const text = lines.join('\n') + '\n';
    fs.writeFileSync(file, text);
    const warnings: string[] = [];
    const store = LabelStore.open(file, { logger: { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined } });
    assert.deepEqual(store.events().map((s) => s.event.id), ['id-0', 'id-4']);
    assert.deepEqual(store.problems.map((p) => p.line), [2, 3, 4]);
    assert.match(formatProblem(store.problems[0]), /labels\.jsonl:2: .*absolute path/);
    assert.match(formatProblem(store.problems[1]), /labels\.jsonl:3: .*leaves the workspace folder/);
    assert.equal(warnings.length, 3);
    store.append(ev(5));
    assert.ok(fs.readFileSync(file, 'utf8').startsWith(text), 'bad lines are kept as they were');
  });

  test('an append naming a path outside the workspace is refused and nothing is written', () => {
    const store = LabelStore.open(file);
    assert.throws(() => store.append(ev(1, { source: { file: '../x.txt', start: 0, end: 1 } })), /source\.file/);
    assert.equal(fs.existsSync(file), false);
  });

  test('a store that is a FIFO or a device is refused at once, never read', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // A FIFO with no writer: a plain blocking read would wait forever, so run it in a child.
    const made = spawnSync('mkfifo', [file]);
    if (made.status !== 0) fs.symlinkSync('/dev/zero', file);
    const script = `const { LabelStore } = require(${JSON.stringify(path.resolve('src/core/store/labelStore.ts'))});
try { LabelStore.open(${JSON.stringify(file)}); console.log('READ'); } catch (e) { console.log('ERR ' + e.message); }`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.signal, null, `the load hung (killed after 20 s): ${r.stderr}`);
    assert.match(r.stdout, /^ERR .*labels\.jsonl: the label store is not a regular file; not read/);
    fs.rmSync(file);
    fs.symlinkSync('/dev/zero', file);
    const t0 = Date.now();
    assert.throws(() => LabelStore.open(file), /not a regular file/);
    assert.ok(Date.now() - t0 < 1000);
  });
});

test('invalid UTF-8 in the store is loaded with a labels.jsonl:LINE warning, not silently replaced', () => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const good = Buffer.from(serializeEvent(ev(0)) + '\n');
  const bad = Buffer.from(serializeEvent(ev(1, { text: 'caf\u00e9' })) + '\n');
  const at = bad.indexOf(0xc3);
  bad[at] = 0xe9; // a Latin-1 é: invalid UTF-8
  bad[at + 1] = 0x20;
  fs.writeFileSync(file, Buffer.concat([good, bad, good]));
  const store = LabelStore.open(file);
  assert.equal(store.events().length, 3);
  assert.deepEqual(store.problems.map((p) => p.line), [2]);
  assert.match(formatProblem(store.problems[0]), /labels\.jsonl:2: not valid UTF-8/);
});
