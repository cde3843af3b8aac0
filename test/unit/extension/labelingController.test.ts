import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { defaultSettings, type LabelwiseSettings } from '../../../src/core/settings';
import { LabelStore, storePath } from '../../../src/core/store/labelStore';
import { LabelingController, LOOKAHEAD } from '../../../src/extension/labelingController';
import { AnswerCommand, DismissContestedCommand, ReadyCommand, RetrainCommand, ShowViewCommand, UndoCommand, type PanelState } from '../../../src/protocol';
import type { OrphanSpan } from '../../../src/core/store/reanchor';
import { FakeWorker } from './fakeWorker';

const settings: LabelwiseSettings = { ...defaultSettings, labels: ['a', 'b', 'c'], annotator: 'kim', batchSize: 3, budget: 5 };
const started = { spans: 50, files: 1, provider: 'cpu' as const, encoderId: 'fake', restored: 0, unmatched: 0, problems: [], labeled: 0, millis: 1 };

/** The panel says ready; the first spans arrive in the background. */
async function ready(ctrl: LabelingController): Promise<void> {
  await ctrl.handle(ReadyCommand.create({ restored: false }));
  await ctrl.refill();
}

async function until(what: string, f: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (f()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function lines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('labeling controller (panel message routing)', () => {
  let dir: string;
  let store: LabelStore;
  let worker: FakeWorker;
  let notices: { level: string; message: string }[];
  let c: LabelingController;
  let states: PanelState[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelwise-ctrl-'));
    store = LabelStore.open(storePath(dir));
    worker = new FakeWorker();
    notices = [];
    // lookahead 0: two batches of 3 ahead, small enough to follow span by span.
    c = new LabelingController({ settings, store, worker, started, notify: (level, message) => notices.push({ level, message }), now: () => '2026-11-23T10:00:00.000Z', lookahead: 0 });
    states = [];
    c.onChange(() => states.push(c.state()));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('ready → the state with the first span and a queue filled ahead', async () => {
    await ready(c);
    const s = c.state();
    assert.equal(s.current?.id, 'span-0');
    assert.deepEqual(s.queue.map((q) => q.id), ['span-1', 'span-2', 'span-3', 'span-4', 'span-5']);
    assert.deepEqual(s.session.labels, [{ name: 'a', key: '1' }, { name: 'b', key: '2' }, { name: 'c', key: '3' }]);
    assert.equal(s.session.labeled, 0);
    assert.ok(states.length > 0, 'the panel was sent a state');
  });

  test('answer → the line is in the store before anything else, the worker is told, the queue advances', async () => {
    await ready(c);
    const pending = c.handle(AnswerCommand.create({ spanId: 'span-0', label: 'b', answer: 'accept' }, 7));
    await pending;
    const l = lines(store.file);
    assert.equal(l.length, 1);
    assert.deepEqual(
      { id: l[0].id, label: l[0].label, answer: l[0].answer, annotator: l[0].annotator, strategy: l[0].strategy, text: l[0].text, ts: l[0].ts },
      { id: 'span-0', label: 'b', answer: 'accept', annotator: 'kim', strategy: 'margin', text: 'Sentence number 0.', ts: '2026-11-23T10:00:00.000Z' },
    );
    assert.deepEqual(l[0].source, { file: 'data/a.txt', start: 0, end: 18, line: 0 });
    const s = c.state();
    assert.equal(s.current?.id, 'span-1');
    assert.equal(s.ackSeq, 7);
    assert.equal(s.undoDepth, 1);
    assert.equal(s.session.labeled, 1);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(worker.decided.get('span-0'), { label: 'b', decided: true });
  });

  test('skip and reject are stored without a label and do not count as labels', async () => {
    await ready(c);
    await c.handle(AnswerCommand.create({ spanId: 'span-0', label: null, answer: 'ignore' }, 1));
    await c.handle(AnswerCommand.create({ spanId: 'span-1', label: null, answer: 'reject' }, 2));
    assert.deepEqual(lines(store.file).map((l) => [l.answer, l.label]), [['ignore', null], ['reject', null]]);
    assert.equal(c.labeled, 0);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(worker.decided.get('span-1'), { label: null, decided: true });
  });

  test('a reject keeps the guess it turned down; it is no label, and the worker gets it as negative evidence', async () => {
    await ready(c);
    await c.handle(AnswerCommand.create({ spanId: 'span-0', label: 'b', answer: 'reject' }, 1));
    await c.handle(AnswerCommand.create({ spanId: 'span-1', label: 'zzz', answer: 'reject' }, 2));
    await c.handle(AnswerCommand.create({ spanId: 'span-2', label: 'c', answer: 'ignore' }, 3));
    assert.deepEqual(lines(store.file).map((l) => [l.id, l.answer, l.label]), [
      ['span-0', 'reject', 'b'],
      ['span-1', 'reject', null],
      ['span-2', 'ignore', null],
    ]);
    // Not labeled anywhere: controller count, panel state, store counts.
    assert.equal(c.labeled, 0);
    assert.equal(c.state().session.labeled, 0);
    assert.deepEqual(store.state.counts().byLabel, {});
    assert.equal(store.state.counts().byAnswer.reject, 2);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(worker.decided.get('span-0'), { label: null, decided: true, rejected: 'b' });
    assert.deepEqual(worker.decided.get('span-1'), { label: null, decided: true });
    // Undo withdraws the reject: the worker hears the span has no decision and no reject.
    await c.handle(UndoCommand.create({}, 4));
    await c.handle(UndoCommand.create({}, 5));
    await c.handle(UndoCommand.create({}, 6));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(worker.decided.get('span-0'), { label: null, decided: false });
  });

  test('undo writes an undo event, brings the span back first and tells the worker', async () => {
    await ready(c);
    for (const [i, l] of ['a', 'b', 'c'].entries()) await c.handle(AnswerCommand.create({ spanId: `span-${i}`, label: l, answer: 'accept' }, i + 1));
    assert.equal(c.labeled, 3);
    await c.handle(UndoCommand.create({}, 4));
    const l = lines(store.file);
    assert.equal(l.length, 4);
    assert.equal(l[3].undo, true);
    assert.equal(l[3].id, 'span-2');
    assert.equal(l[3].annotator, 'kim');
    const s = c.state();
    assert.equal(s.current?.id, 'span-2');
    assert.equal(s.undoDepth, 2);
    assert.equal(s.ackSeq, 4);
    assert.equal(c.labeled, 2);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(worker.decided.get('span-2'), { label: null, decided: false });
    // Undo goes further back, one decision per press.
    await c.handle(UndoCommand.create({}, 5));
    assert.equal(c.state().current?.id, 'span-1');
    assert.equal(c.labeled, 1);
  });

  test('undo with nothing to undo tells the user and writes nothing', async () => {
    await ready(c);
    await c.handle(UndoCommand.create({}, 1));
    assert.match(notices[0].message, /Nothing to undo/);
    assert.throws(() => readFileSync(store.file));
  });

  test('a label outside the label set is refused, nothing is written', async () => {
    await ready(c);
    await c.handle(AnswerCommand.create({ spanId: 'span-0', label: 'zzz', answer: 'accept' }, 1));
    assert.equal(notices[0].level, 'error');
    assert.match(notices[0].message, /labelwise\.labels/);
    assert.throws(() => readFileSync(store.file));
    assert.equal(c.state().current?.id, 'span-0');
  });

  test('the queue is refilled ahead as the user labels', async () => {
    await ready(c);
    for (let i = 0; i < 8; i++) await c.handle(AnswerCommand.create({ spanId: `span-${i}`, label: 'a', answer: 'accept' }, i + 1));
    await c.refill();
    const s = c.state();
    assert.equal(s.current?.id, 'span-8');
    assert.ok(s.queue.length >= settings.batchSize - 1, `queue has ${s.queue.length}`);
    assert.ok(worker.count('query') >= 2);
  });

  test('budget spent: one warning', async () => {
    await ready(c);
    for (let i = 0; i < 6; i++) await c.handle(AnswerCommand.create({ spanId: `span-${i}`, label: 'a', answer: 'accept' }, i + 1));
    assert.equal(notices.filter((n) => /budget spent: 5\/5/.test(n.message)).length, 1);
  });

  test('retrain from the panel updates accuracy, curve and strategy weights', async () => {
    await ready(c);
    await c.handle(RetrainCommand.create({}));
    await until('the retrain', () => c.state().session.estimatedAccuracy !== undefined && !c.state().busy.retraining);
    const s = c.state();
    assert.equal(s.session.estimatedAccuracy, 0.75);
    assert.deepEqual(s.curve, [{ labels: 4, accuracy: 0.75 }]);
    assert.deepEqual(s.weights[0].weights, { margin: 0.6, random: 0.4 });
    assert.equal(s.busy.retraining, false);
    await c.handle(ShowViewCommand.create({ view: 'curve' }));
    assert.equal(c.state().view, 'curve');
  });

  test('labeling goes on while a retrain runs: answers are stored and acknowledged meanwhile', async () => {
    await ready(c);
    let release!: () => void;
    worker.retrainGate = new Promise<void>((r) => (release = r));
    await c.handle(RetrainCommand.create({}));
    assert.equal(c.state().busy.retraining, true);
    await c.handle(AnswerCommand.create({ spanId: 'span-0', label: 'a', answer: 'accept' }, 1));
    await c.handle(AnswerCommand.create({ spanId: 'span-1', label: 'b', answer: 'accept' }, 2));
    assert.equal(c.state().ackSeq, 2);
    assert.equal(c.state().current?.id, 'span-2');
    assert.equal(lines(store.file).length, 2);
    assert.equal(c.state().busy.retraining, true, 'the retrain is still running');
    release();
    await until('the retrain', () => !c.state().busy.retraining);
    assert.equal(c.state().session.estimatedAccuracy, 0.75);
  });

  test('after a retrain the span on screen stays and shows the new guess; the spans behind are explained or picked again', async () => {
    await ready(c);
    const before = c.state();
    assert.equal(before.current?.why.predicted, undefined, 'not trained yet');
    assert.ok(before.queue.length > 3);
    const kept = [before.current?.id, before.queue[0].id, before.queue[1].id];
    await c.handle(RetrainCommand.create({}));
    await until('the retrain', () => c.state().session.estimatedAccuracy !== undefined && !c.state().busy.retraining);
    await c.refill();
    const s = c.state();
    assert.equal(s.current?.id, before.current?.id, 'the span on screen does not jump away');
    assert.deepEqual(s.current?.why.predicted, { label: 'a', probability: 0.9 });
    assert.deepEqual(s.current?.why.votes, { a: 4, b: 1 });
    assert.equal(s.current?.why.strategy, 'margin');
    assert.deepEqual([s.current?.id, s.queue[0].id, s.queue[1].id], kept, 'the next two keep their place');
    const explained = worker.calls.filter((x) => x.method === 'explain');
    assert.equal(explained.length, 1);
    assert.deepEqual((explained[0].params as { items: { id: string }[] }).items.map((i) => i.id), kept);
    for (const v of [s.current, ...s.queue]) assert.ok(v?.why.predicted, `${v?.id} has the new model's guess`);
    // The spans that were queued further back were dropped; the refill asks the new model.
    await c.handle(AnswerCommand.create({ spanId: kept[0] ?? '', label: 'a', answer: 'accept' }, 1));
    await c.refill();
    const after = c.state();
    assert.ok(after.queue.length >= 3, 'the queue is filled again');
    assert.ok(!after.queue.some((q) => before.queue.slice(2).some((b) => b.id === q.id)), 'old picks behind the kept ones are not back');
    for (const v of [after.current, ...after.queue]) assert.ok(v?.why.predicted, `${v?.id} has the new model's guess`);
  });

  test('an automatic retrain (worker notification) also refreshes the "why" of the spans shown', async () => {
    await ready(c);
    const id = c.state().current?.id;
    c.notification({ kind: 'retrainStarted' });
    assert.equal(c.state().busy.retraining, true);
    worker.retrains = 1; // the worker retrained on its own
    c.notification({ kind: 'retrained', round: { round: 1, labels: 4, estimatedAccuracy: 0.75, weights: {}, millis: 1 } });
    await until('the refresh', () => !c.state().busy.retraining);
    assert.equal(c.state().current?.id, id);
    assert.equal(c.state().current?.why.predicted?.label, 'a');
  });

  test('a span answered while the new "why" was on its way is not brought back', async () => {
    await ready(c);
    let release!: () => void;
    worker.retrainGate = new Promise<void>((r) => (release = r));
    await c.handle(RetrainCommand.create({}));
    await c.handle(AnswerCommand.create({ spanId: 'span-0', label: 'a', answer: 'accept' }, 1));
    release();
    await until('the retrain', () => !c.state().busy.retraining);
    const ids = [c.state().current?.id, ...c.state().queue.map((q) => q.id)];
    assert.ok(!ids.includes('span-0'));
    assert.equal(c.state().current?.id, 'span-1');
  });

  test('after an automatic retrain the queue never runs dry while the new picks are on their way', async () => {
    await ready(c);
    const before = [c.state().current?.id, ...c.state().queue.map((q) => q.id)];
    assert.equal(before.length, 6, 'two batches of 3 queued');
    let release!: () => void;
    worker.queryGate = new Promise<void>((r) => (release = r));
    const seen = states.length;
    c.notification({ kind: 'retrainStarted' });
    worker.retrains = 1;
    c.notification({ kind: 'retrained', round: { round: 1, labels: 4, estimatedAccuracy: 0.75, weights: {}, millis: 1 } });
    await until('the refresh', () => !c.state().busy.retraining);
    // A fast annotator answers the first four spans while the new model's query waits.
    for (let i = 0; i < 4; i++) await c.handle(AnswerCommand.create({ spanId: before[i] ?? '', label: 'a', answer: 'accept' }, i + 1));
    assert.equal(c.state().current?.id, before[4], 'the next old pick is still there to label');
    assert.ok(
      states.slice(seen).every((s) => s.current !== null),
      `the panel was sent an empty queue: ${JSON.stringify(states.slice(seen).map((s) => [s.current?.id ?? null, s.queue.length]))}`,
    );
    release();
    await until('the new picks', () => c.state().queue.some((q) => !before.includes(q.id)));
    const after = c.state();
    assert.equal(after.current?.id, before[4], 'the span at the front stays in front when the new picks arrive');
    assert.ok(after.queue.length >= 3, `queue of ${after.queue.length}`);
    // An answer for an old pick that left the queue (the panel may still show it) is stored as usual.
    const gone = before[5] ?? '';
    await c.handle(AnswerCommand.create({ spanId: gone, label: 'b', answer: 'accept' }, 5));
    const last = lines(store.file).at(-1);
    assert.equal(last?.id, gone);
    assert.equal(last?.label, 'b');
    assert.equal(last?.text, 'Sentence number 5.');
    assert.ok(!notices.some((n) => n.level === 'error'), JSON.stringify(notices));
  });

  test('by default the queue holds LOOKAHEAD spans ahead, topped up once a batch of it is used', async () => {
    const eng = new FakeWorker(200);
    const deep = new LabelingController({ settings, store, worker: eng, started });
    await deep.handle(ReadyCommand.create({ restored: false }));
    await deep.refill();
    const spans = (): number => (deep.state().current ? 1 : 0) + deep.state().queue.length;
    assert.equal(spans(), LOOKAHEAD);
    for (let i = 0; i < settings.batchSize; i++) await deep.handle(AnswerCommand.create({ spanId: `span-${i}`, label: 'a', answer: 'accept' }, i + 1));
    await deep.refill();
    assert.equal(spans(), LOOKAHEAD, 'topped up again');
    deep.dispose();
  });

  test('every state names its session, the same one throughout', async () => {
    await ready(c);
    const id = c.state().sessionId;
    assert.ok(typeof id === 'string' && id !== '');
    await c.handle(AnswerCommand.create({ spanId: 'span-0', label: 'a', answer: 'accept' }, 1));
    assert.equal(c.state().sessionId, id);
    const other = new LabelingController({ settings, store, worker: new FakeWorker(), started });
    assert.notEqual(other.state().sessionId, id, 'another session has another id');
  });

  test('orphaned labels are listed in the review view and can be dismissed; the store is untouched', async () => {
    const orphan: OrphanSpan = {
      reason: 'text-not-found',
      event: {
        id: 'gone-1',
        source: { file: 'data/old.txt', start: 10, end: 30, line: 4 },
        text: 'A sentence that was edited away.',
        label: 'b',
        spans: [],
        answer: 'accept',
        annotator: 'lee',
        strategy: 'margin',
        score: 0.2,
        ts: '2026-11-20T10:00:00.000Z',
      },
    };
    const oc = new LabelingController({ settings, store, worker, started, orphans: () => [orphan] });
    await ready(oc);
    await oc.showView('review');
    const items = oc.state().contested.filter((x) => x.reason === 'orphan');
    assert.equal(items.length, 1);
    assert.equal(items[0].span.text, 'A sentence that was edited away.');
    assert.equal(items[0].span.file, 'data/old.txt');
    assert.equal(items[0].span.line, 4);
    assert.deepEqual(items[0].detail, { label: 'b', annotator: 'lee', problem: 'text-not-found' });
    await oc.handle(DismissContestedCommand.create({ spanId: 'gone-1' }));
    assert.equal(oc.state().contested.length, 0);
    await oc.loadContested();
    assert.equal(oc.state().contested.length, 0, 'dismissed for the rest of the session');
    assert.equal(store.events().length, 0, 'nothing written');
    oc.dispose();
  });

  test('a restored session can undo decisions of an earlier one', async () => {
    await ready(c);
    await c.handle(AnswerCommand.create({ spanId: 'span-0', label: 'a', answer: 'accept' }, 1));
    c.dispose();
    const again = new LabelingController({ settings, store: LabelStore.open(storePath(dir)), worker, started });
    assert.equal(again.state().undoDepth, 1);
    await ready(again);
    await again.handle(UndoCommand.create({}, 1));
    assert.equal(again.state().current?.id, 'span-0');
    assert.equal(again.labeled, 0);
  });
});

describe('labeling controller, multi-label (labelwise.multiLabel)', () => {
  let dir: string;
  let store: LabelStore;
  let worker: FakeWorker;
  let notices: { level: string; message: string }[];
  let c: LabelingController;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelwise-ctrl-multi-'));
    store = LabelStore.open(storePath(dir));
    worker = new FakeWorker();
    notices = [];
    c = new LabelingController({ settings: { ...settings, multiLabel: true }, store, worker, started, notify: (level, message) => notices.push({ level, message }), now: () => '2026-11-23T10:00:00.000Z', lookahead: 0 });
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an accepted set is stored as labels (label-set order), counts as one label, and reaches the worker', async () => {
    await ready(c);
    assert.equal(c.state().session.multiLabel, true);
    await c.handle(AnswerCommand.create({ spanId: 'span-0', label: null, answer: 'accept', labels: ['c', 'a'] }, 1));
    await c.handle(AnswerCommand.create({ spanId: 'span-1', label: null, answer: 'accept', labels: [] }, 2));
    const l = lines(store.file);
    assert.deepEqual(l.map((e) => [e.id, e.label, e.labels, e.answer]), [
      ['span-0', null, ['a', 'c'], 'accept'],
      ['span-1', null, [], 'accept'],
    ]);
    assert.equal(c.labeled, 2, 'a set is one labeled span; so is "none of them"');
    assert.deepEqual(store.state.counts().byLabel, { a: 1, c: 1 });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(worker.decided.get('span-0'), { label: null, decided: true, labels: ['a', 'c'] });
    assert.deepEqual(worker.decided.get('span-1'), { label: null, decided: true, labels: [] });
  });

  test('a set with a label outside labelwise.labels is refused: nothing stored, the span stays', async () => {
    await ready(c);
    await c.handle(AnswerCommand.create({ spanId: 'span-0', label: null, answer: 'accept', labels: ['a', 'zzz'] }, 1));
    assert.equal(store.state.counts().events, 0);
    assert.match(notices.at(-1)?.message ?? '', /"zzz" not in labelwise\.labels/);
    assert.equal(c.state().current?.id, 'span-0');
    // Skip and reject stay what they are: no set, not labeled.
    await c.handle(AnswerCommand.create({ spanId: 'span-0', label: 'b', answer: 'reject' }, 2));
    assert.deepEqual(lines(store.file).map((e) => [e.label, e.labels, e.answer]), [['b', undefined, 'reject']]);
    assert.equal(c.labeled, 0);
  });
});
