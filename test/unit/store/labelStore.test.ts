import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelStore, serializeEvent, storePath } from '../../../src/core/store/labelStore';
import { parseEventLog, formatProblem } from '../../../src/core/store/eventLog';
import { LabelState } from '../../../src/core/store/labelState';
import { isLabeled, parseLabelEvent, undoEvent, type LabelEvent } from '../../../src/core/store/events';

function ev(id: string, label: string | null, extra: Partial<LabelEvent> = {}): LabelEvent {
  return {
    id,
    source: { file: 'data/a.txt', start: 0, end: 5, line: 0 },
    text: 'Hello',
    label,
    spans: [],
    answer: label === null ? 'reject' : 'accept',
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
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelwise-store-'));
  file = storePath(dir);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('LabelStore', () => {
  test('creates .labelwise/labels.jsonl on the first append, one event a line, and loads it back', () => {
    const store = LabelStore.open(file);
    assert.equal(fs.existsSync(file), false, 'opening does not create the file');
    store.append(ev('a', 'news'));
    store.append(ev('b', 'sport'));
    store.close();
    assert.equal(file, path.join(dir, '.labelwise', 'labels.jsonl'));
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '');
    assert.deepEqual(JSON.parse(lines[0]), ev('a', 'news'));
    const again = LabelStore.open(file);
    assert.deepEqual(again.events().map((s) => [s.event.id, s.line]), [['a', 1], ['b', 2]]);
    assert.equal(again.problems.length, 0);
    assert.deepEqual(again.state.counts().byLabel, { news: 1, sport: 1 });
  });

  test('a later event on the same id supersedes the earlier one; history keeps both', () => {
    const store = LabelStore.open(file);
    store.append(ev('a', 'news'));
    assert.equal(store.append(ev('a', 'sport'))?.label, 'sport');
    store.close();
    const again = LabelStore.open(file);
    assert.equal(again.state.current('a')?.label, 'sport');
    assert.deepEqual(again.state.history('a').map((e) => e.label), ['news', 'sport']);
    assert.equal(again.state.counts().decisions, 1);
    assert.equal(again.state.counts().events, 2);
  });

  test('undo withdraws the latest decision and brings back the one before it, across a reload', () => {
    const store = LabelStore.open(file);
    store.append(ev('a', 'news'));
    store.append(ev('a', 'sport'));
    assert.equal(store.undo('a', 'ann')?.label, 'news');
    assert.equal(store.undo('a', 'ann'), undefined);
    assert.throws(() => store.undo('a', 'ann'), /nothing to undo/);
    store.close();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LabelEvent);
    assert.equal(lines.length, 4, 'undo appends; nothing is removed from the file');
    assert.equal(lines[3].undo, true);
    const again = LabelStore.open(file);
    assert.equal(again.state.current('a'), undefined);
    assert.equal(again.state.counts().decisions, 0);
  });

  test("an undo only withdraws the undoing annotator's own decision", () => {
    const state = new LabelState([ev('a', 'news', { annotator: 'alice' }), ev('a', 'sport', { annotator: 'bob' })]);
    state.apply(undoEvent(ev('a', 'news'), 'alice'));
    assert.equal(state.current('a')?.label, 'sport');
    assert.deepEqual(state.liveDecisions('a').map((e) => e.annotator), ['bob']);
  });

  test('a torn last line is reported and skipped, and the next event starts on a fresh line', () => {
    const full = serializeEvent(ev('a', 'news')) + '\n';
    const torn = serializeEvent(ev('b', 'sport')).slice(0, 40);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, full + torn);
    const store = LabelStore.open(file);
    assert.deepEqual(store.events().map((s) => s.event.id), ['a']);
    assert.equal(store.problems.length, 1);
    assert.equal(store.problems[0].torn, true);
    assert.match(formatProblem(store.problems[0]), /labels\.jsonl:2: incomplete last line/);
    assert.equal(fs.readFileSync(file, 'utf8'), full + torn, 'loading never changes the file');
    store.append(ev('c', 'tech'));
    assert.equal(store.events()[1].line, 3);
    store.close();
    assert.equal(fs.readFileSync(file, 'utf8'), full + torn + '\n' + serializeEvent(ev('c', 'tech')) + '\n', 'the fragment is kept, never merged');
    const again = LabelStore.open(file);
    assert.deepEqual(again.events().map((s) => [s.event.id, s.line]), [['a', 1], ['c', 3]]);
    assert.equal(again.problems.length, 1);
    assert.equal(again.problems[0].torn, false, 'now a bad line in the middle');
    assert.match(again.problems[0].reason, /not valid JSON/);
  });

  test('a complete last event without a trailing newline (a hand edit) is kept', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, serializeEvent(ev('a', 'news')));
    const store = LabelStore.open(file);
    assert.equal(store.problems.length, 0);
    store.append(ev('b', 'sport'));
    store.close();
    assert.deepEqual(LabelStore.open(file).events().map((s) => s.event.id), ['a', 'b']);
  });

  test('a fragment appended by another process after open is not merged with our next event', () => {
    const store = LabelStore.open(file);
    store.append(ev('a', 'news'));
    fs.appendFileSync(file, '{"id":"x","sou');
    store.append(ev('b', 'sport'));
    store.close();
    const log = parseEventLog(fs.readFileSync(file, 'utf8'), file);
    assert.deepEqual(log.events.map((s) => s.event.id), ['a', 'b']);
    assert.equal(log.problems.length, 1);
    assert.equal(log.problems[0].line, 2);
  });

  test('malformed lines anywhere are reported with file:line and skipped, never dropped from the file', () => {
    const content = [
      serializeEvent(ev('a', 'news')),
      'not json',
      '',
      JSON.stringify({ id: 'b', text: 'no source' }),
      JSON.stringify({ ...ev('c', 'x'), answer: 'maybe' }),
      JSON.stringify({ ...ev('d', 'x'), spans: [{ start: 3, end: 99, label: 'P' }] }),
      '[1,2]',
      serializeEvent(ev('e', 'sport')),
      '',
    ].join('\n');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    const store = LabelStore.open(file);
    assert.deepEqual(store.events().map((s) => [s.event.id, s.line]), [['a', 1], ['e', 8]]);
    assert.deepEqual(store.problems.map((p) => p.line), [2, 4, 5, 6, 7]);
    assert.match(formatProblem(store.problems[0]), new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: not valid JSON`));
    assert.match(store.problems[1].reason, /"source"/);
    assert.match(store.problems[2].reason, /"answer"/);
    assert.match(store.problems[3].reason, /past the end of the text/);
    store.append(ev('f', 'tech'));
    store.close();
    assert.ok(fs.readFileSync(file, 'utf8').startsWith(content), 'earlier content untouched');
  });

  test('CRLF line endings and a BOM are read', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '\ufeff' + serializeEvent(ev('a', 'news')) + '\r\n' + serializeEvent(ev('b', 'news')) + '\r\n');
    const store = LabelStore.open(file);
    assert.equal(store.problems.length, 0);
    assert.equal(store.events().length, 2);
  });

  test('an invalid event is refused before anything is written', () => {
    const store = LabelStore.open(file);
    store.append(ev('a', 'news'));
    const before = fs.readFileSync(file, 'utf8');
    assert.throws(() => store.appendMany([ev('b', 'news'), { ...ev('c', 'news'), ts: 'yesterday' }]), /event 1 \(id c\).*"ts"/);
    assert.equal(fs.readFileSync(file, 'utf8'), before);
    assert.equal(store.events().length, 1);
    store.close();
  });

  test('a store file replaced on disk (git checkout) is written at its new inode, not the old one', () => {
    const store = LabelStore.open(file);
    store.append(ev('a', 'news'));
    fs.rmSync(file);
    fs.writeFileSync(file, serializeEvent(ev('z', 'other')) + '\n');
    store.append(ev('b', 'sport'));
    store.close();
    assert.deepEqual(parseEventLog(fs.readFileSync(file, 'utf8'), file).events.map((s) => s.event.id), ['z', 'b']);
  });

  test('fsyncEvery must be a non-negative integer', () => {
    assert.throws(() => LabelStore.open(file, { fsyncEvery: -1 }), /fsyncEvery/);
    const batched = LabelStore.open(file, { fsyncEvery: 3 });
    batched.append(ev('a', 'news'));
    batched.flush();
    batched.close();
    assert.equal(LabelStore.open(file).events().length, 1);
  });

  test('an unreadable store path is an InputError naming the file', () => {
    fs.mkdirSync(file, { recursive: true });
    assert.throws(() => LabelStore.open(file), (e: Error) => e.name === 'InputError' && e.message.includes(file));
  });
});

describe('events', () => {
  test('optional fields are filled in and unknown fields are kept', () => {
    const parsed = parseLabelEvent({ id: 'a', source: { file: 'f', start: 0, end: 1 }, text: 'x', answer: 'accept', label: 'L', ts: '2026-01-01T00:00:00Z', extra: 7 });
    assert.ok('event' in parsed);
    assert.deepEqual(parsed.event.spans, []);
    assert.equal(parsed.event.annotator, '');
    assert.equal(parsed.event.strategy, null);
    assert.equal((parsed.event as unknown as { extra: number }).extra, 7);
  });

  test('isLabeled: accepted decisions with a label or spans only', () => {
    assert.equal(isLabeled(ev('a', 'news')), true);
    assert.equal(isLabeled(ev('a', null)), false);
    assert.equal(isLabeled({ ...ev('a', 'news'), answer: 'ignore' }), false);
    assert.equal(isLabeled({ ...ev('a', null), answer: 'accept', spans: [{ start: 0, end: 2, label: 'P' }] }), true);
  });
});
