import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { LabelEvent } from '../../../src/core/store/events';
import type { Logger } from '../../../src/core/types';
import { ALL_COMMANDS } from '../../../src/extension/commands/allCommands';
import { LabelwiseApp } from '../../../src/extension/labelwiseApp';
import { registerCommands } from '../../../src/extension/registerCommands';
import { WorkerClient } from '../../../src/extension/workerClient';
import { memoryChannel } from '../session/memoryChannel';
import { newLog, spanDeps } from '../session/spanFakes';
import { FakeSurface } from './fakeSurface';
import { RecordingPanel } from './inProcessApp';

/** Issue 10 item 5 at the extension's surface: Export Labels and Import Labels in a spans workspace. */

let dir: string;
let surface: FakeSurface;
let app: LabelwiseApp;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'labelwise-spanio-'));
  writeFileSync(join(dir, 'news.txt'), 'Alice  moved to Paris last year.\nBob works in Berlin.\n');
  surface = new FakeSurface();
  surface.root = dir;
  surface.settings.set('labelwise.task', 'spans');
  surface.settings.set('labelwise.spanLabels', ['PERSON', 'PLACE']);
  // A classification label set too: span files used to be refused against it.
  surface.settings.set('labelwise.labels', ['sport', 'science']);
  surface.settings.set('labelwise.autoRetrainEvery', 0);
  const deps = spanDeps(newLog());
  app = new LabelwiseApp({ surface, openPanel: () => new RecordingPanel(), startWorker: (logger: Logger) => new WorkerClient(() => memoryChannel(deps), logger) });
  registerCommands(ALL_COMMANDS, { app, surface });
});
afterEach(() => {
  app.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function spanEvent(id: string, text: string, spans: LabelEvent['spans']): LabelEvent {
  return { id, source: { file: 'news.txt', start: 0, end: text.length, line: 0 }, text, label: null, spans, answer: 'accept', annotator: 'kim', strategy: 'random', score: 0, ts: '2026-12-07T00:00:00.000Z' };
}

async function importFile(name: string, content: string): Promise<void> {
  const f = join(dir, name);
  writeFileSync(f, content);
  surface.openAnswer = f;
  await surface.commands.get('labelwise.importLabels')?.();
}

function lastError(): string {
  return surface.messages.filter((m) => m.level === 'error').at(-1)?.text ?? '';
}

describe('Export Labels in a spans workspace', () => {
  beforeEach(() => {
    const store = app.openStore();
    store.append(spanEvent('s1', 'Bob works in Berlin.', [{ start: 0, end: 3, label: 'PERSON' }, { start: 13, end: 19, label: 'PLACE' }]));
    store.append(spanEvent('s2', 'The weather was fine.', []));
  });

  test('offers the entity formats, Prodigy and the store format', async () => {
    let offered: string[] = [];
    surface.pickAnswers.push((items) => {
      offered = items.map((i) => i.label);
      return undefined;
    });
    await surface.commands.get('labelwise.exportLabels')?.();
    assert.deepEqual(offered, [
      'CoNLL BIO (entity spans)',
      'spaCy JSONL (entity spans)',
      'Hugging Face tokens + ner_tags (entity spans)',
      'brat standoff (entity spans)',
      'Prodigy JSONL',
      'Labelwise JSONL',
    ]);
  });

  const exportAs = async (label: string, file: string): Promise<string> => {
    surface.pickAnswers.push((items) => items.find((i) => i.label === label));
    surface.saveAnswer = join(dir, file);
    await surface.commands.get('labelwise.exportLabels')?.();
    return readFileSync(join(dir, file), 'utf8');
  };

  test('CoNLL: BIO tags, "no entities" as a sentence of O', async () => {
    const out = await exportAs('CoNLL BIO (entity spans)', 'out.conll');
    assert.equal(out, 'Bob -X- _ B-PERSON\nworks -X- _ O\nin -X- _ O\nBerlin -X- _ B-PLACE\n. -X- _ O\n\nThe -X- _ O\nweather -X- _ O\nwas -X- _ O\nfine -X- _ O\n. -X- _ O\n\n');
  });

  test('Hugging Face ner_tags: tag names in labelwise.spanLabels order', async () => {
    await exportAs('Hugging Face tokens + ner_tags (entity spans)', 'out.jsonl');
    const sidecar = JSON.parse(readFileSync(join(dir, 'out.labels.json'), 'utf8')) as { label_names: string[] };
    assert.deepEqual(sidecar.label_names, ['O', 'B-PERSON', 'I-PERSON', 'B-PLACE', 'I-PLACE']);
  });

  test('spaCy, brat and Prodigy hold the entities', async () => {
    assert.match(await exportAs('spaCy JSONL (entity spans)', 'sp.jsonl'), /"entities":\[\[0,3,"PERSON"\],\[13,19,"PLACE"\]\]/);
    await exportAs('brat standoff (entity spans)', 'b.txt');
    assert.match(readFileSync(join(dir, 'b.ann'), 'utf8'), /T1\tPERSON 0 3\tBob\nT2\tPLACE 13 19\tBerlin/);
    const prodigy = (await exportAs('Prodigy JSONL', 'p.jsonl')).trim().split('\n').map((l) => JSON.parse(l) as { spans: { token_start: number; label: string }[] });
    assert.deepEqual(prodigy[0].spans.map((s) => [s.token_start, s.label]), [[0, 'PERSON'], [3, 'PLACE']]);
    assert.deepEqual(prodigy[1].spans, []);
  });
});

describe('Import Labels in a spans workspace', () => {
  const prodigy = (text: string, spans: unknown[], extra: Record<string, unknown> = {}): string => JSON.stringify({ text, spans, answer: 'accept', _annotator_id: 'pat', ...extra }) + '\n';

  test('Prodigy spans JSONL is checked against labelwise.spanLabels (not labelwise.labels) and stored', async () => {
    await importFile('in.jsonl', prodigy('Carol lives in Oslo.', [{ start: 0, end: 5, label: 'PERSON' }, { start: 15, end: 19, label: 'PLACE' }]) + prodigy('Nothing here.', []));
    assert.equal(lastError(), '');
    const events = app.openStore().state.decisions();
    assert.equal(events.length, 2);
    assert.deepEqual(events[0].spans, [{ start: 0, end: 5, label: 'PERSON' }, { start: 15, end: 19, label: 'PLACE' }]);
    assert.deepEqual(events[1].spans, []);
  });

  test('CoNLL is imported as entity-span decisions', async () => {
    await importFile('in.conll', 'Carol B-PERSON\nvisited O\nNew B-PLACE\nYork I-PLACE\n\nNothing O\n');
    assert.equal(lastError(), '');
    const events = app.openStore().state.decisions();
    assert.deepEqual(events.map((e) => [e.text, e.spans.map((s) => [e.text.slice(s.start, s.end), s.label])]), [
      ['Carol visited New York', [['Carol', 'PERSON'], ['New York', 'PLACE']]],
      ['Nothing', []],
    ]);
  });

  const bad: [string, string, string, RegExp][] = [
    ['an unknown entity label (Prodigy)', 'in.jsonl', prodigy('Carol lives in Oslo.', [{ start: 0, end: 5, label: 'PERSON' }]) + prodigy('Acme Corp.', [{ start: 0, end: 4, label: 'ORG' }]), /in\.jsonl:2: span label "ORG" is not in the entity label set, labelwise\.spanLabels \(PERSON, PLACE\)/],
    ['an unknown entity label (CoNLL)', 'in.conll', 'Carol B-PERSON\n\nAcme B-ORG\n', /in\.conll:3: span label "ORG" is not in the label set \(PERSON, PLACE\)/],
    ['a span out of range', 'in.jsonl', prodigy('Oslo.', [{ start: 0, end: 9, label: 'PLACE' }]), /in\.jsonl:1: .*past the end of the text/],
    ['overlapping spans with labelwise.allowOverlap off', 'in.jsonl', prodigy('New York City', [{ start: 0, end: 8, label: 'PLACE' }, { start: 4, end: 13, label: 'PERSON' }]), /in\.jsonl:1: spans 0-8 \(PLACE\) and 4-13 \(PERSON\) overlap/],
    ['tokens that do not match the text', 'in.jsonl', prodigy('Oslo is cold.', [{ start: 0, end: 4, label: 'PLACE', token_start: 0, token_end: 0 }], { tokens: [{ text: 'Bergen', start: 0, end: 4, id: 0 }] }), /in\.jsonl:1: tokens\[0\]/],
    ['malformed BIO', 'in.conll', 'Carol I-PERSON\n', /in\.conll:1: "I-PERSON" does not continue/],
  ];
  for (const [what, name, content, message] of bad) {
    test(`refuses ${what}: the whole file is checked first, nothing is stored, the reason is given as file:line`, async () => {
      await importFile(name, content);
      assert.match(lastError(), message);
      assert.match(lastError(), /nothing was imported/);
      assert.equal(app.openStore().state.decisions().length, 0);
      const storeFile = join(dir, '.labelwise', 'labels.jsonl');
      assert.equal(existsSync(storeFile) ? readFileSync(storeFile, 'utf8') : '', '');
    });
  }

  test('overlapping entities of different labels import with labelwise.allowOverlap on', async () => {
    surface.settings.set('labelwise.allowOverlap', true);
    await importFile('in.jsonl', prodigy('New York City', [{ start: 0, end: 8, label: 'PLACE' }, { start: 4, end: 13, label: 'PERSON' }]));
    assert.equal(lastError(), '');
    assert.equal(app.openStore().state.decisions()[0].spans.length, 2);
  });

  test('without labelwise.spanLabels a spans workspace refuses to import, naming the setting', async () => {
    surface.settings.set('labelwise.spanLabels', []);
    await importFile('in.jsonl', prodigy('Carol lives in Oslo.', [{ start: 0, end: 5, label: 'PERSON' }]));
    assert.match(lastError(), /labelwise\.spanLabels: set the entity labels before importing/);
    assert.equal(app.openStore().state.decisions().length, 0);
  });

  test('a record matched to a corpus sentence up to whitespace keeps its entities on the same words', async () => {
    await app.start();
    // The corpus sentence has two spaces after "Alice"; the record one.
    await importFile('in.jsonl', prodigy('Alice moved to Paris last year.', [{ start: 0, end: 5, label: 'PERSON' }, { start: 15, end: 20, label: 'PLACE' }]));
    assert.equal(lastError(), '');
    const e = app.openStore().state.decisions()[0];
    assert.equal(e.text, 'Alice  moved to Paris last year.', 'stored on the corpus sentence');
    assert.equal(e.source.file, 'news.txt');
    assert.deepEqual(e.spans.map((s) => [e.text.slice(s.start, s.end), s.label]), [['Alice', 'PERSON'], ['Paris', 'PLACE']]);
  });
});
