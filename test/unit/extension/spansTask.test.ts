import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ALL_COMMANDS } from '../../../src/extension/commands/allCommands';
import { LabelwiseApp } from '../../../src/extension/labelwiseApp';
import { registerCommands } from '../../../src/extension/registerCommands';
import { AnswerCommand, NoticeNotification, ReadyCommand, UndoCommand, type EntityInText, type SpanView } from '../../../src/protocol';
import { WorkerClient } from '../../../src/extension/workerClient';
import type { Logger } from '../../../src/core/types';
import { memoryChannel } from '../session/memoryChannel';
import { newLog, PEOPLE, realSpanDeps, spanDeps, type FakeSpanEngineLog } from '../session/spanFakes';
import { FakeSurface } from './fakeSurface';
import { RecordingPanel, until } from './inProcessApp';

/** Issue 10 items 1-3 at the extension's surface: labelwise.task = spans, end to end through the worker (with a fake span engine). */

let dir: string;
let surface: FakeSurface;
let panel: RecordingPanel;
let app: LabelwiseApp;
let log: FakeSpanEngineLog;
let seq = 1;

function writeCorpus(lines: readonly string[] = PEOPLE['news.txt']): void {
  writeFileSync(join(dir, 'news.txt'), lines.join('\n') + '\n');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'labelwise-spans-'));
  writeCorpus();
  surface = new FakeSurface();
  surface.root = dir;
  surface.settings.set('labelwise.task', 'spans');
  surface.settings.set('labelwise.spanLabels', ['PERSON', 'PLACE']);
  surface.settings.set('labelwise.autoRetrainEvery', 0);
  panel = new RecordingPanel();
  log = newLog();
  const deps = spanDeps(log);
  app = new LabelwiseApp({ surface, openPanel: () => panel, startWorker: (logger: Logger) => new WorkerClient(() => memoryChannel(deps), logger) });
  registerCommands(ALL_COMMANDS, { app, surface });
});
afterEach(() => {
  app.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Entities of `words` (each [word, label]) in `view`'s text, at their first occurrence. */
function entities(view: SpanView, words: [string, string][]): EntityInText[] {
  return words.map(([w, label]) => {
    const start = view.text.indexOf(w);
    assert.ok(start >= 0, `${w} in ${view.text}`);
    return { start, end: start + w.length, label };
  });
}

async function started(): Promise<SpanView> {
  const c = await app.start();
  assert.ok(c, 'session started');
  panel.send(ReadyCommand.create({ restored: false }));
  return until('a sentence', () => panel.lastState()?.current ?? undefined);
}

function answer(view: SpanView, ents: readonly EntityInText[] | undefined, answer: 'accept' | 'ignore' = 'accept'): void {
  panel.send(AnswerCommand.create({ spanId: view.id, label: null, answer, ...(ents !== undefined ? { entities: ents } : {}) }, seq++));
}

function notices(): string[] {
  return panel.posted.filter((m) => NoticeNotification.is(m)).map((m) => (m.params as { message: string }).message);
}

describe('labelwise.task = spans: the session', () => {
  test('serves sentences with their tokens, the entity labels and the task in the summary', async () => {
    const cur = await started();
    const state = panel.lastState();
    assert.equal(state?.session.task, 'spans');
    assert.equal(state?.session.allowOverlap, false);
    assert.deepEqual(state?.session.labels.map((l) => [l.name, l.key]), [['PERSON', '1'], ['PLACE', '2']]);
    assert.ok(cur.tokens && cur.tokens.length > 0, 'tokens come with the span');
    // Tokens are the span token splitter's: every word and the final full stop.
    assert.deepEqual(cur.tokens.map((t) => cur.text.slice(t.start, t.end)), cur.text.match(/\w+|\./g));
    assert.deepEqual(cur.suggestions, [], 'no suggestions before the first retrain');
    assert.deepEqual(log.opts?.labels, ['PERSON', 'PLACE']);
    assert.equal(log.opts?.allowOverlap, false);
  });

  test('an accept stores one event with the entities (offsets into the text) and tells the engine', async () => {
    const cur = await started();
    const store = app.openStore();
    const ents = entities(cur, [['Paris', 'PLACE'], ['Alice', 'PERSON']]);
    answer(cur, ents);
    const e = await until('stored', () => store.state.current(cur.id));
    assert.equal(e.label, null);
    assert.equal(e.answer, 'accept');
    assert.deepEqual(e.spans, [...ents].sort((a, b) => a.start - b.start), 'sorted by start, offsets into the event text');
    assert.equal(e.text.slice(e.spans[0].start, e.spans[0].end), 'Alice');
    const told = await until('the engine told', () => log.setLabel.find((s) => s.entities !== null && s.entities.length === 2));
    assert.deepEqual(told.entities, e.spans);
    assert.equal(panel.lastState()?.session.labeled, 1);
    assert.deepEqual(panel.lastState()?.session.perLabel, { PERSON: 1, PLACE: 1 });
  });

  test('an empty entity list is the answer "no entities": stored, labeled, and the engine learns it', async () => {
    const cur = await started();
    const store = app.openStore();
    answer(cur, []);
    const e = await until('stored', () => store.state.current(cur.id));
    assert.deepEqual(e.spans, []);
    assert.equal(e.answer, 'accept');
    await until('the engine told', () => log.setLabel.find((s) => s.entities !== null && s.entities.length === 0));
    assert.equal(panel.lastState()?.session.labeled, 1);
  });

  test('a skip is stored without entities and is not a label', async () => {
    const cur = await started();
    const store = app.openStore();
    answer(cur, undefined, 'ignore');
    const e = await until('stored', () => store.state.current(cur.id));
    assert.equal(e.answer, 'ignore');
    assert.equal(panel.lastState()?.session.labeled, 0);
  });

  const bad: [string, (v: SpanView) => unknown, RegExp][] = [
    ['an unknown label', (v) => entities(v, [['Alice', 'ORG']]), /"ORG" is not in labelwise\.spanLabels \(PERSON, PLACE\)/],
    ['an end past the text', (v) => [{ start: 0, end: v.text.length + 3, label: 'PERSON' }], /out of range/],
    ['a negative start', () => [{ start: -1, end: 5, label: 'PERSON' }], /out of range/],
    ['an empty entity', () => [{ start: 3, end: 3, label: 'PERSON' }], /out of range/],
    ['an edge inside a token', (v) => [{ start: v.text.indexOf('Alice') + 1, end: v.text.indexOf('Alice') + 5, label: 'PERSON' }], /token boundaries/],
    ['overlapping entities while labelwise.allowOverlap is off', (v) => [...entities(v, [['Alice', 'PERSON']]), { start: 0, end: v.text.indexOf(' moved'), label: 'PLACE' }, ...entities(v, [['Alice moved', 'PLACE']])], /overlap, and labelwise\.allowOverlap is off/],
    ['the same entity twice', (v) => entities(v, [['Alice', 'PERSON'], ['Alice', 'PERSON']]), /listed twice/],
    ['no entity list', () => undefined, /no entity list/],
    ['an entity that is not an object', () => ['Alice'], /must be \{start, end, label\}/],
  ];
  for (const [what, make, message] of bad) {
    test(`refuses ${what} with a notice, and stores nothing`, async () => {
      const cur = await started();
      const store = app.openStore();
      panel.send(AnswerCommand.create({ spanId: cur.id, label: null, answer: 'accept', entities: make(cur) as EntityInText[] }, seq++));
      await until('a notice', () => notices().length > 0);
      assert.match(notices().at(-1) ?? '', message);
      assert.equal(store.state.current(cur.id), undefined, 'nothing stored');
      assert.equal(existsSync(store.file) ? readFileSync(store.file, 'utf8') : '', '');
      assert.equal(panel.lastState()?.current?.id, cur.id, 'the sentence stays on screen');
      assert.ok(!log.setLabel.some((s) => s.entities !== null), 'the engine was not told');
    });
  }

  test('with labelwise.allowOverlap, entities of different labels may overlap, of the same label not', async () => {
    surface.settings.set('labelwise.allowOverlap', true);
    const cur = await started();
    assert.equal(panel.lastState()?.session.allowOverlap, true);
    const store = app.openStore();
    const same = [...entities(cur, [['Alice', 'PERSON']]), ...entities(cur, [['Alice moved', 'PERSON']])];
    answer(cur, same);
    await until('a notice', () => notices().length > 0);
    assert.match(notices().at(-1) ?? '', /overlap with the same label/);
    assert.equal(store.state.current(cur.id), undefined);
    const nested = entities(cur, [['Alice', 'PERSON'], ['Alice moved to Paris', 'PLACE']]);
    answer(cur, nested);
    const e = await until('stored', () => store.state.current(cur.id));
    assert.equal(e.spans.length, 2);
  });

  test('undo works across sentences: each undo withdraws one sentence and the engine forgets it', async () => {
    const first = await started();
    const store = app.openStore();
    answer(first, entities(first, [['Alice', 'PERSON']]));
    await until('first stored', () => store.state.current(first.id));
    const second = await until('the next sentence', () => (panel.lastState()?.current?.id !== first.id ? panel.lastState()?.current ?? undefined : undefined));
    answer(second, []);
    await until('second stored', () => store.state.current(second.id));
    panel.send(UndoCommand.create({}, seq++));
    await until('second undone', () => store.state.current(second.id) === undefined);
    assert.equal(panel.lastState()?.current?.id, second.id, 'the undone sentence is back on screen');
    assert.ok(panel.lastState()?.current?.tokens, 'with its tokens');
    panel.send(UndoCommand.create({}, seq++));
    await until('first undone', () => store.state.current(first.id) === undefined);
    assert.equal(panel.lastState()?.current?.id, first.id);
    await until('the engine forgot both', () => log.setLabel.filter((s) => s.entities === null).length >= 2);
    assert.equal(panel.lastState()?.session.labeled, 0);
  });

  test('a retrain gives the next sentences suggestions and uncertain entities', async () => {
    const first = await started();
    const store = app.openStore();
    answer(first, entities(first, [['Alice', 'PERSON'], ['Paris', 'PLACE']]));
    await until('stored', () => store.state.current(first.id));
    await until('the engine told', () => log.setLabel.length > 0);
    await app.retrain();
    assert.equal(log.retrains, 1);
    const withAlice = await until('a sentence with a suggestion', () => [panel.lastState()?.current, ...(panel.lastState()?.queue ?? [])].find((v) => v?.text.startsWith('Alice met')) ?? undefined);
    assert.deepEqual(withAlice.suggestions?.map((s) => [withAlice.text.slice(s.start, s.end), s.label, s.confidence]), [['Alice', 'PERSON', 0.8]]);
  });

  test('entities imported while the session runs are told to the engine', async () => {
    await started();
    const f = join(dir, 'in.jsonl');
    writeFileSync(f, JSON.stringify({ text: 'Bob works in Berlin.', spans: [{ start: 0, end: 3, label: 'PERSON' }], answer: 'accept', _annotator_id: 'pat' }) + '\n');
    surface.openAnswer = f;
    await surface.commands.get('labelwise.importLabels')?.();
    const told = await until('the engine told', () => log.setLabel.find((s) => s.entities !== null));
    assert.equal(log.records?.[told.index].text, 'Bob works in Berlin.');
    assert.deepEqual(told.entities, [{ start: 0, end: 3, label: 'PERSON' }]);
  });

  test('labelwise.autoRetrainEvery retrains the tagger after that many entity answers, as for classification', async () => {
    surface.settings.set('labelwise.autoRetrainEvery', 2);
    const first = await started();
    const store = app.openStore();
    answer(first, []);
    await until('first stored', () => store.state.current(first.id));
    const second = await until('the next sentence', () => (panel.lastState()?.current?.id !== first.id ? panel.lastState()?.current ?? undefined : undefined));
    answer(second, entities(second, [['Bob', 'PERSON']]));
    await until('an automatic retrain', () => log.retrains >= 1);
    assert.equal(log.retrains, 1);
  });

  test('rounds go to .labelwise/curve-spans.jsonl (not the classification curve) and come back after a restart without a repeat', async () => {
    const cur = await started();
    const store = app.openStore();
    answer(cur, entities(cur, [['Alice', 'PERSON']]));
    await until('stored', () => store.state.current(cur.id));
    await until('the engine told', () => log.setLabel.length > 0);
    await app.retrain();
    const spansCurve = join(dir, '.labelwise', 'curve-spans.jsonl');
    assert.equal(readFileSync(spansCurve, 'utf8').trim().split('\n').length, 1);
    assert.equal(existsSync(join(dir, '.labelwise', 'curve.jsonl')), false);
    app.stop();
    const c = await app.start();
    assert.ok(c);
    assert.equal(readFileSync(spansCurve, 'utf8').trim().split('\n').length, 1, 'the retrain on the stored labels at start is not a new round');
    await c.loadCurve();
    assert.deepEqual(c.state().weights.map((w) => [w.round, w.labels]), [[1, 1]]);
    assert.equal(c.summary().rounds, 1);
  });

  test('a moved sentence keeps its entities after a restart (offsets are relative to its text)', async () => {
    const cur = await started();
    const store = app.openStore();
    const ents = entities(cur, [['Alice', 'PERSON'], ['Paris', 'PLACE']]);
    answer(cur, ents);
    const stored = await until('stored', () => store.state.current(cur.id));
    app.stop();
    // Two new sentences above: the labeled one is now elsewhere in the file.
    writeCorpus(['A new first line here.', 'Another one.', ...PEOPLE['news.txt']]);
    log.setLabel.length = 0;
    await app.start();
    const restored = await until('the engine got the stored entities', () => log.setLabel.find((s) => s.entities !== null));
    assert.deepEqual(restored.entities, stored.spans);
    const rec = log.records?.[restored.index];
    assert.equal(rec?.text, stored.text);
    assert.deepEqual(restored.entities?.map((e) => rec?.text.slice(e.start, e.end)), ['Alice', 'Paris']);
    assert.equal(log.retrains, 1, 'trained on the stored labels at start');
  });
});

describe('labelwise.task = spans: stored answers the engine refuses', () => {
  test('stored overlapping entities (labelwise.allowOverlap since turned off) do not stop the session: warned, not learned from', async () => {
    const store = app.openStore();
    const text = PEOPLE['news.txt'][1];
    store.append({
      id: 'x',
      source: { file: 'news.txt', start: PEOPLE['news.txt'][0].length + 1, end: PEOPLE['news.txt'][0].length + 1 + text.length, line: 1 },
      text,
      label: null,
      spans: [
        { start: 0, end: 3, label: 'PERSON' },
        { start: 0, end: 9, label: 'PLACE' },
      ],
      answer: 'accept',
      annotator: 'kim',
      strategy: null,
      score: null,
      ts: '2026-12-07T00:00:00.000Z',
    });
    const cur = await started();
    assert.ok(cur.tokens);
    assert.ok(surface.lines.some((l) => /news\.txt:2: the stored entities are not used for training: .*overlapping/.test(l)), surface.lines.join('\n'));
    assert.equal(log.retrains, 0, 'nothing to train on');
  });
});

describe('labelwise.task = spans with the real span engine', () => {
  test('picks come with tokens, answers train the tagger, and its suggestions are on token boundaries', async () => {
    app.dispose();
    const deps = realSpanDeps();
    writeCorpus(['Alice met Bob in Paris.', 'Bob flew to Rome.', 'Alice likes Rome.', 'Carol saw Alice in Paris.', 'Bob and Carol went to Rome.', 'The sky was grey.']);
    app = new LabelwiseApp({ surface, openPanel: () => panel, startWorker: (logger: Logger) => new WorkerClient(() => memoryChannel(deps), logger) });
    const store = app.openStore();
    const people = ['Alice', 'Bob', 'Carol'];
    const places = ['Paris', 'Rome'];
    await started();
    for (let i = 0; i < 4; i++) {
      const cur = await until('an unanswered sentence', () => {
        const c = panel.lastState()?.current ?? undefined;
        return c && !store.state.current(c.id) ? c : undefined;
      });
      assert.ok(cur.tokens && cur.tokens.length > 0);
      const ents = cur.tokens
        .map((t) => ({ ...t, word: cur.text.slice(t.start, t.end) }))
        .filter((t) => people.includes(t.word) || places.includes(t.word))
        .map((t) => ({ start: t.start, end: t.end, label: people.includes(t.word) ? 'PERSON' : 'PLACE' }));
      answer(cur, ents);
      await until('stored', () => store.state.current(cur.id));
    }
    const round = await app.retrain();
    assert.equal(round?.labels, 4);
    const shown = [panel.lastState()?.current, ...(panel.lastState()?.queue ?? [])].filter((v): v is SpanView => v !== null && v !== undefined);
    assert.ok(shown.length > 0);
    for (const v of shown) {
      assert.ok(v.suggestions, 'suggestions come with every pick after training');
      for (const s of v.suggestions) {
        assert.ok(v.tokens?.some((t) => t.start === s.start) && v.tokens.some((t) => t.end === s.end), `${JSON.stringify(s)} on token boundaries of ${v.text}`);
        assert.ok(s.confidence >= 0 && s.confidence <= 1);
      }
    }
  });
});

describe('labelwise.task: switching', () => {
  test('changing labelwise.task restarts the session in the new task', async () => {
    surface.settings.set('labelwise.task', 'classify');
    surface.settings.set('labelwise.labels', ['sport', 'science']);
    surface.settings.set('labelwise.strategy', 'margin');
    const c1 = await app.start();
    assert.ok(c1);
    assert.equal(c1.summary().task, undefined);
    await surface.updateSetting('labelwise.task', 'spans');
    const c2 = await until('a new controller', () => (app.activeController && app.activeController !== c1 ? app.activeController : undefined));
    assert.equal(c2.summary().task, 'spans');
    assert.deepEqual(c2.summary().labels.map((l) => l.name), ['PERSON', 'PLACE']);
    assert.ok(!surface.messages.some((m) => /restart the labeling session to apply/.test(m.text)), 'no prompt: it restarts');
  });

  test('a first spans session asks for the entity labels and saves them to labelwise.spanLabels', async () => {
    surface.settings.set('labelwise.spanLabels', []);
    surface.inputAnswers.push('PERSON, ORG');
    const c = await app.start();
    assert.ok(c);
    assert.deepEqual(c.summary().labels.map((l) => l.name), ['PERSON', 'ORG']);
    assert.deepEqual(surface.updates.at(-1), { key: 'labelwise.spanLabels', value: ['PERSON', 'ORG'] });
    assert.equal(surface.lastInput?.validateInput?.(' , '), 'Enter at least one entity label (several separated by commas)');
    assert.equal(surface.lastInput?.validateInput?.('PERSON'), undefined, 'one entity label is enough');
  });

  test('a first spans session whose entity-label question is cancelled does not start', async () => {
    surface.settings.set('labelwise.spanLabels', []);
    const c = await app.start();
    assert.equal(c, undefined);
    assert.ok(surface.lines.some((l) => /no entity labels given/.test(l)));
  });

  test('a spans session with labelwise.granularity paragraph does not start, naming the setting', async () => {
    surface.settings.set('labelwise.granularity', 'paragraph');
    const c = await app.start();
    assert.equal(c, undefined);
    assert.match(surface.messages.find((m) => m.level === 'error')?.text ?? '', /labelwise\.granularity: must be "sentence" or "line"/);
  });
});
