import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ALL_COMMANDS } from '../../../src/extension/commands/allCommands';
import { LabelwiseApp } from '../../../src/extension/labelwiseApp';
import { registerCommands } from '../../../src/extension/registerCommands';
import { AnswerCommand, ReadyCommand, UndoCommand, type PanelState } from '../../../src/protocol';
import { TOPICS } from '../session/testCorpus';
import { FakeSurface } from './fakeSurface';
import { RecordingPanel, inProcessWorker, until } from './inProcessApp';




describe('the extension flow (fake VS Code, in-process worker)', () => {
  let dir: string;
  let surface: FakeSurface;
  let panel: RecordingPanel;
  let app: LabelwiseApp;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelwise-app-'));
    for (const [f, lines] of Object.entries(TOPICS)) writeFileSync(join(dir, f), lines.join('\n') + '\n');
    surface = new FakeSurface();
    surface.root = dir;
    surface.settings.set('labelwise.labels', ['sport', 'science', 'other', 'misc', 'more']);
    surface.settings.set('labelwise.annotator', 'e2e');
    surface.settings.set('labelwise.strategy', 'margin');
    panel = new RecordingPanel();
    app = new LabelwiseApp({ surface, openPanel: () => panel, startWorker: inProcessWorker() });
    registerCommands(ALL_COMMANDS, { app, surface });
  });
  afterEach(() => {
    app.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('start → five labels by key → undo → status 4/200 and six store lines → retrain', async () => {
    await surface.commands.get('labelwise.startSession')?.();
    assert.equal(panel.revealed, 1);
    assert.equal(surface.progress[0].title, 'Labelwise: preparing the corpus');
    panel.send(ReadyCommand.create({ restored: false }));
    const first = await until('a first span', () => panel.lastState()?.current ?? undefined);
    assert.ok(first.text.length > 0);

    const labeled: string[] = [];
    for (let i = 0; i < 5; i++) {
      const cur = panel.lastState()?.current;
      assert.ok(cur, `a span to label at key ${i + 1}`);
      labeled.push(cur.id);
      panel.send(AnswerCommand.create({ spanId: cur.id, label: ['sport', 'science', 'other', 'misc', 'more'][i], answer: 'accept' }, i + 1));
      await until(`the panel to move past key ${i + 1}`, () => panel.lastState()?.ackSeq === i + 1 && panel.lastState()?.current?.id !== cur.id);
    }
    assert.equal(surface.items[0].text, '$(tag) 5/200');
    panel.send(UndoCommand.create({}, 6));
    await until('the undo', () => panel.lastState()?.ackSeq === 6);
    assert.equal(surface.items[0].text, '$(tag) 4/200');
    assert.equal(panel.lastState()?.current?.id, labeled[4], 'the undone span is shown again');

    const lines = readFileSync(join(dir, '.labelwise', 'labels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 6);
    assert.deepEqual(lines.slice(0, 5).map((l) => l.id), labeled);
    assert.ok(lines.slice(0, 5).every((l) => l.annotator === 'e2e' && l.answer === 'accept'));
    assert.equal(lines[5].undo, true);
    assert.equal(lines[5].id, labeled[4]);

    await surface.commands.get('labelwise.retrain')?.();
    const info = surface.messages.find((m) => /retrained on 4 labels/.test(m.text));
    assert.ok(info, JSON.stringify(surface.messages));
    assert.equal(surface.messages.filter((m) => m.level === 'error').length, 0);
    assert.equal(surface.items[0].text, '$(tag) 4/200');
    assert.ok(surface.lines.some((l) => /session ready: 12 spans in 2 files/.test(l)), surface.lines.join('\n'));
  });

  test('Next Batch and Show Learning Curve resolve to the panel state they leave; a failed command to undefined', async () => {
    const batch = (await surface.commands.get('labelwise.nextBatch')?.()) as PanelState | undefined;
    assert.ok(batch, 'Next Batch started a session and fetched a batch');
    assert.ok(batch.current, 'a span on screen');
    assert.ok(batch.queue.length > 0, 'a fresh batch behind it');
    const curve = (await surface.commands.get('labelwise.showLearningCurve')?.()) as PanelState | undefined;
    assert.equal(curve?.view, 'curve');

    app.stop();
    surface.settings.set('labelwise.strategy', 'clever');
    assert.equal(await surface.commands.get('labelwise.nextBatch')?.(), undefined);
    assert.ok(surface.messages.some((m) => m.level === 'error' && /labelwise\.strategy/.test(m.text)), JSON.stringify(surface.messages));
  });

  test('Import Labels during a session matches plain records to corpus spans by text and trains on them', async () => {
    await surface.commands.get('labelwise.startSession')?.();
    const file = join(dir, 'gold.jsonl');
    writeFileSync(file, JSON.stringify({ text: TOPICS['sport.txt'][0], label: 'sport' }) + '\n' + JSON.stringify({ text: 'Not in the corpus at all.', label: 'science' }) + '\n');
    surface.openAnswer = file;
    await surface.commands.get('labelwise.importLabels')?.();
    const info = surface.messages.find((m) => /imported 2 plain records/.test(m.text));
    assert.match(info?.text ?? '', /1 matched by text, 1 free-standing/);
    const stored = readFileSync(join(dir, '.labelwise', 'labels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { source: { file: string } });
    assert.equal(stored[0].source.file, 'sport.txt');
    assert.equal(surface.items[0].text, '$(tag) 2/200');
    const round = await app.retrain();
    assert.equal(round?.labels, 1, 'the matched record is a training label in the worker');
  });

  test('a restart restores the stored labels; the status bar counts them before any session', async () => {
    await surface.commands.get('labelwise.startSession')?.();
    panel.send(ReadyCommand.create({ restored: false }));
    const cur = await until('a first span', () => panel.lastState()?.current ?? undefined);
    panel.send(AnswerCommand.create({ spanId: cur.id, label: 'sport', answer: 'accept' }, 1));
    await until('the answer', () => panel.lastState()?.ackSeq === 1);
    app.dispose();

    const surface2 = new FakeSurface();
    surface2.root = dir;
    for (const [k, v] of surface.settings) surface2.settings.set(k, v);
    const panel2 = new RecordingPanel();
    const app2 = new LabelwiseApp({ surface: surface2, openPanel: () => panel2, startWorker: inProcessWorker() });
    try {
      assert.equal(surface2.items[0].text, '$(tag) 1/200');
      const c = await app2.start();
      assert.equal(c?.started.restored, 1);
      assert.equal(c?.state().undoDepth, 1);
      assert.notEqual(c?.state().current?.id, cur.id, 'a labeled span is not offered again');
    } finally {
      app2.dispose();
    }
  });

  test('the learning curve is written to .labelwise/curve.jsonl and shown again after a restart', async () => {
    await surface.commands.get('labelwise.startSession')?.();
    panel.send(ReadyCommand.create({ restored: false }));
    for (let i = 0; i < 4; i++) {
      const cur = await until('a span', () => panel.lastState()?.current ?? undefined);
      panel.send(AnswerCommand.create({ spanId: cur.id, label: i % 2 ? 'sport' : 'science', answer: 'accept' }, i + 1));
      await until('the answer', () => panel.lastState()?.ackSeq === i + 1);
    }
    await surface.commands.get('labelwise.retrain')?.();
    const weights = app.activeController?.state().weights;
    assert.equal(weights?.length, 1);
    app.dispose();
    const curveFile = join(dir, '.labelwise', 'curve.jsonl');
    const stored = readFileSync(curveFile, 'utf8').trim().split('\n');
    assert.equal(stored.length, 1);
    assert.equal((JSON.parse(stored[0]) as { labels: number }).labels, 4);
    const labelsBefore = readFileSync(join(dir, '.labelwise', 'labels.jsonl'), 'utf8');

    const surface2 = new FakeSurface();
    surface2.root = dir;
    for (const [k, v] of surface.settings) surface2.settings.set(k, v);
    const panel2 = new RecordingPanel();
    const app2 = new LabelwiseApp({ surface: surface2, openPanel: () => panel2, startWorker: inProcessWorker() });
    try {
      const c = await app2.start('curve');
      assert.deepEqual(c?.state().weights, weights, 'the rounds of the last session are back');
      assert.equal(readFileSync(curveFile, 'utf8').trim().split('\n').length, 1, 'retraining on the same stored labels adds no point');
      assert.equal(readFileSync(join(dir, '.labelwise', 'labels.jsonl'), 'utf8'), labelsBefore, 'the label store is not rewritten');
    } finally {
      app2.dispose();
    }
  });

  test('orphaned labels are listed in the review view (reason "orphan") as well as in the output channel', async () => {
    const store = app.openStore();
    store.append({
      id: 'orphan-1',
      source: { file: 'gone.txt', start: 0, end: 12, line: 2 },
      text: 'Lost words.',
      label: 'sport',
      spans: [],
      answer: 'accept',
      annotator: 'kim',
      strategy: null,
      score: null,
      ts: '2026-11-23T10:00:00.000Z',
    });
    const c = await app.start('review');
    const orphan = c?.state().contested.find((x) => x.reason === 'orphan');
    assert.ok(orphan, JSON.stringify(c?.state().contested));
    assert.equal(orphan.span.file, 'gone.txt');
    assert.equal(orphan.span.text, 'Lost words.');
    assert.deepEqual(orphan.detail, { label: 'sport', annotator: 'kim', problem: 'file-missing' });
    assert.ok(surface.lines.some((l) => /gone\.txt:3: labeled span is in a file that is gone/.test(l)), surface.lines.join('\n'));
  });
});

describe('settings changes during a session', () => {
  test('a new budget applies at once; a new label set asks to restart the session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-app-'));
    for (const [f, lines] of Object.entries(TOPICS)) writeFileSync(join(dir, f), lines.join('\n') + '\n');
    const surface = new FakeSurface();
    surface.root = dir;
    surface.settings.set('labelwise.labels', ['sport', 'science']);
    surface.settings.set('labelwise.strategy', 'margin');
    const panel = new RecordingPanel();
    const app = new LabelwiseApp({ surface, openPanel: () => panel, startWorker: inProcessWorker() });
    try {
      const c = await app.start();
      assert.ok(c);
      await surface.updateSetting('labelwise.budget', 7);
      assert.equal(surface.items[0].text, '$(tag) 0/7');
      assert.equal(c.summary().budget, 7);
      assert.equal(surface.messages.length, 0);
      surface.buttonAnswers.push('Restart Session');
      await surface.updateSetting('labelwise.labels', ['sport', 'science', 'arts']);
      const ask = surface.messages.find((m) => m.actions.includes('Restart Session'));
      assert.match(ask?.text ?? '', /labelwise\.labels changed/);
      await until('the restarted session', () => (app.activeController && app.activeController !== c ? app.activeController : undefined));
      assert.deepEqual(app.activeController?.summary().labels.map((l) => l.name), ['sport', 'science', 'arts']);
    } finally {
      app.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('re-anchoring on activation', () => {
  test('labeled spans whose text is gone are listed with file:line in the output channel, never dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-anchor-'));
    try {
      writeFileSync(join(dir, 'a.txt'), 'Alpha one.\nBeta two.\n');
      const surface = new FakeSurface();
      surface.root = dir;
      surface.settings.set('labelwise.labels', ['x', 'y']);
      // No session runs: a short-lived engine worker does the reading.
      let workers = 0;
      const app = new LabelwiseApp({ surface, openPanel: () => new RecordingPanel(), startWorker: (logger) => (workers++, inProcessWorker()(logger)) });
      const store = app.openStore();
      const base = { spans: [], answer: 'accept' as const, annotator: 'kim', strategy: null, score: null, ts: '2026-11-23T10:00:00.000Z' };
      store.append({ ...base, id: 'a', source: { file: 'a.txt', start: 0, end: 10, line: 0 }, text: 'Alpha one.', label: 'x' });
      store.append({ ...base, id: 'b', source: { file: 'a.txt', start: 11, end: 20, line: 1 }, text: 'Beta two.', label: 'y' });
      writeFileSync(join(dir, 'a.txt'), 'New first line.\nAlpha one.\n');
      assert.equal(await app.checkAnchors(), 1);
      assert.equal(workers, 1);
      assert.ok(surface.lines.some((l) => /a\.txt:2: labeled span cannot be found after an edit \("Beta two\.", label y\); kept in the store/.test(l)), surface.lines.join('\n'));
      assert.ok(surface.lines.some((l) => /1 labeled spans moved after edits and were found again/.test(l)));
      assert.equal(readFileSync(join(dir, '.labelwise', 'labels.jsonl'), 'utf8').trim().split('\n').length, 2, 'the store is unchanged');
      app.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('one panel per window after a reload', () => {
  for (const order of ['start, then the serializer restores', 'the serializer restores, then start'] as const) {
    test(`${order}: one live panel, and a key in it reaches the store`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'labelwise-reload-'));
      for (const [f, lines] of Object.entries(TOPICS)) writeFileSync(join(dir, f), lines.join('\n') + '\n');
      const surface = new FakeSurface();
      surface.root = dir;
      surface.settings.set('labelwise.labels', ['sport', 'science']);
      surface.settings.set('labelwise.strategy', 'margin');
      const created: RecordingPanel[] = [];
      const app = new LabelwiseApp({
        surface,
        openPanel: () => {
          const p = new RecordingPanel();
          created.push(p);
          return p;
        },
        startWorker: inProcessWorker(),
      });
      const restored = new RecordingPanel();
      try {
        if (order === 'start, then the serializer restores') {
          const starting = app.start();
          const restoring = app.restorePanel(restored);
          await Promise.all([starting, restoring]);
        } else {
          const restoring = app.restorePanel(restored);
          const starting = app.start();
          await Promise.all([starting, restoring]);
        }
        // A second panel restored later (two were open before the reload) is closed too.
        const another = new RecordingPanel();
        await app.restorePanel(another);
        const all = [...created, restored, another];
        const live = all.filter((p) => !p.disposed);
        assert.equal(live.length, 1, `live panels: ${live.length} of ${all.length}`);
        const panel = live[0];
        assert.ok(panel.heard, 'the live panel is the one the session listens to');
        assert.ok(all.filter((p) => p !== panel).every((p) => !p.heard), 'no closed panel is listened to');
        panel.send(ReadyCommand.create({ restored: panel === restored }));
        const cur = await until('a span in the live panel', () => panel.lastState()?.current ?? undefined);
        panel.send(AnswerCommand.create({ spanId: cur.id, label: 'sport', answer: 'accept' }, 1));
        await until('the answer', () => panel.lastState()?.ackSeq === 1);
        const stored = readFileSync(join(dir, '.labelwise', 'labels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; label: string });
        assert.deepEqual(stored.map((l) => [l.id, l.label]), [[cur.id, 'sport']]);
      } finally {
        app.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
