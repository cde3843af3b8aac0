import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ALL_COMMANDS } from '../../../src/extension/commands/allCommands';
import { LabelwiseApp } from '../../../src/extension/labelwiseApp';
import { registerCommands } from '../../../src/extension/registerCommands';
import { AnswerCommand, NoticeNotification, OpenSourceCommand, ReadyCommand, UndoCommand } from '../../../src/protocol';
import { TOPICS } from '../session/testCorpus';
import { FakeSurface } from './fakeSurface';
import { RecordingPanel, inProcessWorker, until } from './inProcessApp';

/** Item 6-9 of issue 7 at the extension's surface: exports, imports, store write errors, "Open". */




let dir: string;
let surface: FakeSurface;
let panel: RecordingPanel;
let app: LabelwiseApp;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'labelwise-storeio-'));
  for (const [f, lines] of Object.entries(TOPICS)) writeFileSync(join(dir, f), lines.join('\n') + '\n');
  surface = new FakeSurface();
  surface.root = dir;
  surface.settings.set('labelwise.labels', ['sport', 'science']);
  surface.settings.set('labelwise.strategy', 'margin');
  panel = new RecordingPanel();
  app = new LabelwiseApp({ surface, openPanel: () => panel, startWorker: inProcessWorker() });
  registerCommands(ALL_COMMANDS, { app, surface });
});
afterEach(() => {
  app.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function importGood(): Promise<void> {
  const good = join(dir, 'good.jsonl');
  writeFileSync(good, '{"text": "fine", "label": "sport"}\n{"text": "awful", "label": "science"}\n');
  surface.openAnswer = good;
  await surface.commands.get('labelwise.importLabels')?.();
  rmSync(good);
}

describe('Export Labels', () => {
  test('refuses the label store as target, and any other file in .labelwise/ but exports/', async () => {
    await importGood();
    const storeFile = join(dir, '.labelwise', 'labels.jsonl');
    const before = readFileSync(storeFile, 'utf8');
    for (const target of [storeFile, join(dir, '.labelwise', 'curve.jsonl')]) {
      surface.pickAnswers.push((items) => items.find((i) => i.label === 'Labelwise JSONL'));
      surface.saveAnswer = target;
      await surface.commands.get('labelwise.exportLabels')?.();
      const err = surface.messages.filter((m) => m.level === 'error').at(-1);
      assert.match(err?.text ?? '', /export refused/, target);
    }
    assert.equal(readFileSync(storeFile, 'utf8'), before, 'the store is untouched');
    assert.equal(app.openStore().events().length, 2);
    assert.equal(existsSync(join(dir, '.labelwise', 'curve.jsonl')), false);
  });

  test('defaults to .labelwise/exports/ and records the export so the corpus reader skips it', async () => {
    await importGood();
    surface.pickAnswers.push((items) => items.find((i) => i.label === 'Prodigy JSONL'));
    surface.saveAnswer = join(dir, 'elsewhere.jsonl');
    await surface.commands.get('labelwise.exportLabels')?.();
    assert.equal(surface.lastSave?.defaultPath, join(dir, '.labelwise', 'exports', 'labels-prodigy.jsonl'));
    const registry = JSON.parse(readFileSync(join(dir, '.labelwise', 'exports.json'), 'utf8')) as { exports: { file: string; format: string }[] };
    assert.deepEqual(registry.exports.map((e) => [e.file, e.format]), [['elsewhere.jsonl', 'prodigy']]);
  });
});

describe('Import Labels', () => {
  test('invalid UTF-8 is reported as file:line, in the output and as a warning', async () => {
    const f = join(dir, 'latin1.jsonl');
    writeFileSync(f, Buffer.concat([Buffer.from('{"text": "fine", "label": "sport"}\n{"text": "caf'), Buffer.from([0xe9]), Buffer.from('", "label": "science"}\n')]));
    surface.openAnswer = f;
    await surface.commands.get('labelwise.importLabels')?.();
    assert.ok(surface.lines.some((l) => /latin1\.jsonl:2: not valid UTF-8/.test(l)), surface.lines.join('\n'));
    assert.match(surface.messages.find((m) => m.level === 'warning')?.text ?? '', /latin1\.jsonl:2/);
  });
});

describe('store write errors during labeling', () => {
  test('a label that hits ENOSPC is reported in the panel and as a notification, and the store is unchanged', async () => {
    const c = await app.start();
    assert.ok(c);
    panel.send(ReadyCommand.create({ restored: false }));
    const cur = await until('a span', () => panel.lastState()?.current ?? undefined);
    const store = app.openStore();
    const storeFile = store.file;
    const before = existsSync(storeFile) ? readFileSync(storeFile) : Buffer.alloc(0);
    Object.assign(store, {
      write: (): number => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    });
    panel.send(AnswerCommand.create({ spanId: cur.id, label: 'sport', answer: 'accept' }, 1));
    const notice = await until('a notice', () => panel.posted.find((m) => NoticeNotification.is(m)));
    const text = (notice.params as { message: string }).message;
    assert.ok(text.includes(storeFile), text);
    assert.match(text, /disk is full \(ENOSPC\); this label was NOT saved/);
    const toast = surface.messages.find((m) => m.level === 'error');
    assert.ok(toast?.text.includes(storeFile), JSON.stringify(surface.messages));
    assert.deepEqual(existsSync(storeFile) ? readFileSync(storeFile) : Buffer.alloc(0), before);
    assert.equal(panel.lastState()?.current?.id, cur.id, 'the span stays on screen, unlabeled');
    assert.equal(store.state.current(cur.id), undefined);
  });

  test('an undo that hits EROFS is an error notification, and the undo can be retried', async () => {
    await app.start();
    panel.send(ReadyCommand.create({ restored: false }));
    const cur = await until('a span', () => panel.lastState()?.current ?? undefined);
    const store = app.openStore();
    panel.send(AnswerCommand.create({ spanId: cur.id, label: 'sport', answer: 'accept' }, 1));
    await until('the label stored', () => store.state.current(cur.id));
    const before = readFileSync(store.file);
    const realWrite = (store as unknown as { write: unknown }).write;
    Object.assign(store, {
      write: (): number => {
        throw Object.assign(new Error('EROFS: read-only file system, write'), { code: 'EROFS' });
      },
    });
    panel.send(UndoCommand.create({}, 2));
    const toast = await until('an error toast', () => surface.messages.find((m) => m.level === 'error'));
    assert.ok(toast.text.includes(store.file), toast.text);
    assert.match(toast.text, /read-only \(EROFS\)/);
    assert.deepEqual(readFileSync(store.file), before);
    Object.assign(store, { write: realWrite });
    panel.send(UndoCommand.create({}, 3));
    await until('the undo stored', () => (store.state.current(cur.id) === undefined ? true : undefined));
  });
});

describe('"Open" never opens a file outside the workspace', () => {
  test('an orphan whose file is a symlink out of the workspace is refused with a message', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'labelwise-outside-'));
    try {
      writeFileSync(join(outside, 'secret.txt'), 'private text\n');
      symlinkSync(join(outside, 'secret.txt'), join(dir, 'link.txt'));
      app.openStore().append({
        id: 'orphan-1',
        source: { file: 'link.txt', start: 0, end: 11, line: 0 },
        text: 'Lost words.',
        label: 'sport',
        spans: [],
        answer: 'accept',
        annotator: '',
        strategy: null,
        score: null,
        ts: '2026-11-23T10:00:00.000Z',
      });
      const c = await app.start('review');
      const orphan = c?.state().contested.find((x) => x.span.id === 'orphan-1');
      assert.ok(orphan, JSON.stringify(c?.state().contested));
      panel.send(OpenSourceCommand.create({ spanId: 'orphan-1' }));
      await until('a message', () => surface.messages.find((m) => m.level === 'error'));
      assert.deepEqual(surface.opened, []);
      assert.match(surface.messages.find((m) => m.level === 'error')?.text ?? '', /Cannot open link\.txt: .*outside the workspace/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
