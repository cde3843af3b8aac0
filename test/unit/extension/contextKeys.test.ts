import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { CONTEXT_KEYS } from '../../../src/extension/contextKeys';
import { LabelwiseApp } from '../../../src/extension/labelwiseApp';
import { chooseWorkspaceFolder, folderChoiceNote } from '../../../src/extension/workspaceFolders';
import { AnswerCommand, ReadyCommand } from '../../../src/protocol';
import { TOPICS } from '../session/testCorpus';
import { FakeSurface, type FakeMarkdown } from './fakeSurface';
import { RecordingPanel, inProcessWorker, until } from './inProcessApp';




describe('context keys, log channel, workspace folder (fake VS Code)', () => {
  let dir: string;
  let surface: FakeSurface;
  let panel: RecordingPanel;
  let app: LabelwiseApp | undefined;
  const makeApp = (): LabelwiseApp => {
    app = new LabelwiseApp({ surface, openPanel: () => panel, startWorker: inProcessWorker() });
    return app;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelwise-ctx-'));
    for (const [f, lines] of Object.entries(TOPICS)) writeFileSync(join(dir, f), lines.join('\n') + '\n');
    surface = new FakeSurface();
    surface.root = dir;
    surface.settings.set('labelwise.labels', ['sport', 'science']);
    surface.settings.set('labelwise.annotator', 'ann');
    panel = new RecordingPanel();
  });
  afterEach(() => {
    app?.dispose();
    app = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  test('labelwise.sessionActive is false until a session runs, true while it runs, false once it stops; set only on change', async () => {
    const a = makeApp();
    assert.equal(surface.contexts.get(CONTEXT_KEYS.sessionActive), false);
    assert.equal(surface.contexts.get(CONTEXT_KEYS.hasLabels), false);
    const c = await a.start();
    assert.ok(c, surface.lines.join('\n'));
    assert.equal(surface.contexts.get(CONTEXT_KEYS.sessionActive), true);

    panel.send(ReadyCommand.create({ restored: false }));
    for (let i = 0; i < 3; i++) {
      const cur = await until('a span', () => panel.lastState()?.current ?? undefined);
      panel.send(AnswerCommand.create({ spanId: cur.id, label: 'sport', answer: 'accept' }, i + 1));
      await until(`answer ${i + 1}`, () => panel.lastState()?.ackSeq === i + 1);
    }
    assert.equal(surface.contexts.get(CONTEXT_KEYS.hasLabels), true, 'the walkthrough step "label" completes');
    // Three labels refreshed the status three times; the workbench heard each key change once.
    assert.deepEqual(
      surface.contextCalls.filter((x) => x.key === CONTEXT_KEYS.sessionActive).map((x) => x.value),
      [false, true],
    );
    assert.deepEqual(
      surface.contextCalls.filter((x) => x.key === CONTEXT_KEYS.hasLabels).map((x) => x.value),
      [false, true],
    );
    a.stop();
    assert.equal(surface.contexts.get(CONTEXT_KEYS.sessionActive), false);
  });

  test('a session that fails to start leaves the session commands hidden', async () => {
    surface.settings.set('labelwise.labels', ['only-one']);
    surface.inputAnswers.push(undefined);
    const a = makeApp();
    assert.equal(await a.start(), undefined);
    assert.equal(surface.contexts.get(CONTEXT_KEYS.sessionActive), false);
    assert.ok(!surface.contextCalls.some((x) => x.key === CONTEXT_KEYS.sessionActive && x.value === true));
  });

  test('the output is a log channel: levels go to info/warn/error, no hand-made timestamps', async () => {
    const a = makeApp();
    a.logger.info('hello');
    a.logger.warn('careful');
    a.logger.error('broken');
    assert.deepEqual(surface.lines.slice(-3), ['info hello', 'warn careful', 'error broken']);
    await a.start();
    assert.ok(surface.lines.length > 3);
    for (const l of surface.lines) assert.doesNotMatch(l, /^\[\d\d:\d\d:\d\d\]/, l);
  });

  test('multi-root: the folder used is named in the output channel (once) and in the status tooltip', () => {
    const other = join(dir, 'other');
    mkdirSync(other);
    mkdirSync(join(dir, '.labelwise'));
    writeFileSync(join(dir, '.labelwise', 'labels.jsonl'), '');
    surface.folders = [
      { name: 'other', path: other },
      { name: 'corpus', path: dir },
    ];
    const a = makeApp();
    a.refreshStatus();
    a.refreshStatus();
    const notes = surface.lines.filter((l) => l.includes('Labelwise works in'));
    assert.equal(notes.length, 1, surface.lines.join('\n'));
    assert.match(notes[0], new RegExp(`^info Labelwise works in "corpus" \\(${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\), the first of the workspace's 2 folders with a label store .*; "other" is not read\\.$`));
    const tooltip = (surface.items[0].tooltip as FakeMarkdown).markdown;
    assert.ok(tooltip.includes('Labelwise works in "corpus"'), tooltip);
  });

  test('one folder: nothing to explain', () => {
    const a = makeApp();
    a.refreshStatus();
    assert.ok(!surface.lines.some((l) => l.includes('Labelwise works in')));
    assert.ok(!(surface.items[0].tooltip as FakeMarkdown).markdown.includes('Labelwise works in'));
  });

  test('a Labels view row opens its span in the workspace; a path outside it is refused', async () => {
    const a = makeApp();
    a.openSpan({ file: 'sport.txt', start: 0, end: 10 });
    a.openSpan({ file: '../outside.txt', start: 0, end: 3 });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(surface.opened, [{ file: 'sport.txt', start: 0, end: 10 }]);
    const error = surface.messages.find((m) => m.level === 'error');
    assert.ok(error, JSON.stringify(surface.messages));
    assert.match(error.text, /Cannot open \.\.\/outside\.txt/);
  });
});

describe('workspace folder choice', () => {
  const A = { name: 'a', path: '/w/a' };
  const B = { name: 'b', path: '/w/b' };
  const C = { name: 'c', path: '/w/c' };

  test('the first folder with a label store, else the first folder', () => {
    assert.equal(chooseWorkspaceFolder([A, B, C], (f) => f === B || f === C), B);
    assert.equal(chooseWorkspaceFolder([A, B, C], () => false), A);
    assert.equal(chooseWorkspaceFolder([], () => true), undefined);
  });

  test('the note names the folder used, why, and the ones left out', () => {
    assert.equal(folderChoiceNote([A], A.path), undefined);
    assert.equal(folderChoiceNote([A, B, C], A.path), 'Labelwise works in "a" (/w/a), the first of the workspace\'s 3 folders; "b", "c" are not read.');
    assert.equal(
      folderChoiceNote([A, B], B.path),
      'Labelwise works in "b" (/w/b), the first of the workspace\'s 2 folders with a label store (.labelwise/labels.jsonl); "a" is not read.',
    );
  });
});
