import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ALL_COMMANDS } from '../../../src/extension/commands/allCommands';
import { parseLabelList } from '../../../src/extension/commands/editLabels';
import { budgetProblem } from '../../../src/extension/commands/setBudget';
import { LabelwiseApp } from '../../../src/extension/labelwiseApp';
import { registerCommands } from '../../../src/extension/registerCommands';
import { FakeSurface } from './fakeSurface';

interface Manifest {
  activationEvents: string[];
  contributes: { commands: { command: string; title: string; category: string }[] };
}
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;

const TITLES = [
  'Start Labeling Session',
  'Next Batch',
  'Retrain Model',
  'Set Label Budget',
  'Edit Label Set',
  'Export Labels',
  'Import Labels',
  'Show Learning Curve',
  'Review Contested Spans',
  'Select Model and Device',
];

describe('commands', () => {
  let dir: string;
  let surface: FakeSurface;
  let app: LabelwiseApp;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelwise-cmd-'));
    surface = new FakeSurface();
    surface.root = dir;
    app = new LabelwiseApp({
      surface,
      openPanel: () => {
        throw new Error('no panel in this test');
      },
      startWorker: () => {
        throw new Error('no worker in this test');
      },
    });
    registerCommands(ALL_COMMANDS, { app, surface });
  });
  afterEach(() => {
    app.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the ten palette commands exist with the titles of the issue', () => {
    assert.deepEqual(ALL_COMMANDS.map((c) => c.title), TITLES);
  });

  test('every command is registered, and package.json declares exactly these (category Labelwise, activated implicitly)', () => {
    assert.deepEqual([...surface.commands.keys()].sort(), ALL_COMMANDS.map((c) => c.id).sort());
    const declared = manifest.contributes.commands.map((c) => ({ id: c.command, title: c.title, category: c.category }));
    assert.deepEqual(declared, ALL_COMMANDS.map((c) => ({ id: c.id, title: c.title, category: 'Labelwise' })));
    // VS Code ^1.90 activates on contributed commands by itself (since 1.74): no onCommand events.
    for (const c of ALL_COMMANDS) assert.ok(!manifest.activationEvents.includes(`onCommand:${c.id}`), `no onCommand activation for ${c.id}`);
    assert.ok(manifest.activationEvents.includes('onWebviewPanel:labelwise.panel'));
  });

  test('without a label set, Start asks for one; cancelling the box starts nothing and shows nothing alarming', async () => {
    surface.inputAnswers.push(undefined);
    await surface.commands.get('labelwise.startSession')?.();
    await new Promise((r) => setImmediate(r));
    assert.ok(surface.lastInput, 'an input box asked for the labels');
    assert.deepEqual(surface.messages, []);
    assert.deepEqual(surface.settingsOpened, []);
    assert.deepEqual(surface.updates, []);
    assert.equal(app.activeController, undefined);
    assert.ok(surface.lines.some((l) => /no label set given; the labeling session was not started/.test(l)), surface.lines.join('\n'));
  });

  test('a bad setting is reported by name when a command runs', async () => {
    surface.settings.set('labelwise.budget', -4);
    await surface.commands.get('labelwise.setBudget')?.();
    const err = surface.messages.find((m) => m.level === 'error');
    assert.match(err?.text ?? '', /labelwise\.budget: must be a whole number/);
  });

  test('Set Label Budget validates the input and writes labelwise.budget', async () => {
    assert.equal(budgetProblem('0'), 'Enter a whole number of labels, at least 1');
    assert.equal(budgetProblem('abc'), 'Enter a whole number of labels, at least 1');
    assert.equal(budgetProblem(' 300 '), undefined);
    surface.inputAnswers.push('300');
    await surface.commands.get('labelwise.setBudget')?.();
    assert.deepEqual(surface.updates, [{ key: 'labelwise.budget', value: 300 }]);
    assert.equal(surface.items[0].text, '$(tag) 0/300');
  });

  test('Edit Label Set parses a comma list and writes labelwise.labels', async () => {
    assert.deepEqual(parseLabelList(' news, sports ,science'), { labels: ['news', 'sports', 'science'] });
    assert.deepEqual(parseLabelList('news'), { problem: 'Enter at least two labels, separated by commas' });
    assert.deepEqual(parseLabelList('a, b, a'), { problem: '"a" is listed twice' });
    surface.inputAnswers.push('pos, neg');
    await surface.commands.get('labelwise.editLabels')?.();
    assert.deepEqual(surface.updates, [{ key: 'labelwise.labels', value: ['pos', 'neg'] }]);
  });

  test('Import Labels refuses a malformed file by line and writes nothing; a good one lands in the store', async () => {
    surface.settings.set('labelwise.labels', ['pos', 'neg']);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"text": "fine", "label": "pos"}\n{not json\n');
    surface.openAnswer = bad;
    await surface.commands.get('labelwise.importLabels')?.();
    const err = surface.messages.find((m) => m.level === 'error');
    assert.match(err?.text ?? '', /bad\.jsonl:2/);
    assert.throws(() => readFileSync(join(dir, '.labelwise', 'labels.jsonl')));
    const good = join(dir, 'good.jsonl');
    writeFileSync(good, '{"text": "fine", "label": "pos"}\n{"text": "awful", "label": "neg"}\n');
    surface.openAnswer = good;
    await surface.commands.get('labelwise.importLabels')?.();
    const stored = readFileSync(join(dir, '.labelwise', 'labels.jsonl'), 'utf8').trim().split('\n');
    assert.equal(stored.length, 2);
    assert.equal(surface.items[0].text, '$(tag) 2/200');
  });

  test('Export Labels writes the chosen format', async () => {
    surface.settings.set('labelwise.labels', ['pos', 'neg']);
    const good = join(dir, 'good.jsonl');
    writeFileSync(good, '{"text": "fine", "label": "pos"}\n');
    surface.openAnswer = good;
    await surface.commands.get('labelwise.importLabels')?.();
    surface.pickAnswers.push((items) => items.find((i) => i.label === 'CSV'));
    surface.saveAnswer = join(dir, 'out.csv');
    await surface.commands.get('labelwise.exportLabels')?.();
    const csv = readFileSync(join(dir, 'out.csv'), 'utf8');
    assert.match(csv, /^id,file,start,end/);
    assert.match(csv, /fine/);
  });

  test('Export Labels lists the entity-span formats; brat writes the .txt and the .ann beside it', async () => {
    const text = 'Alice met Bob.';
    app.openStore().append({ id: 'x1', source: { file: 'a.txt', start: 0, end: text.length }, text, label: null, spans: [{ start: 0, end: 5, label: 'PER' }], answer: 'accept', annotator: '', strategy: null, score: null, ts: '2026-11-23T10:00:00.000Z' });
    let offered: string[] = [];
    surface.pickAnswers.push((items) => {
      offered = items.map((i) => i.label);
      return items.find((i) => i.label.startsWith('brat'));
    });
    surface.saveAnswer = join(dir, 'ner.txt');
    await surface.commands.get('labelwise.exportLabels')?.();
    assert.ok(['CoNLL BIO (entity spans)', 'spaCy JSONL (entity spans)', 'Hugging Face tokens + ner_tags (entity spans)'].every((l) => offered.includes(l)), offered.join('; '));
    assert.equal(readFileSync(join(dir, 'ner.txt'), 'utf8'), 'Alice met Bob.\n');
    assert.equal(readFileSync(join(dir, 'ner.ann'), 'utf8'), 'T1\tPER 0 5\tAlice\n');
    // hf-ner tag names come from the spans, not from the classification label set.
    surface.settings.set('labelwise.labels', ['pos', 'neg']);
    surface.pickAnswers.push((items) => items.find((i) => i.label.startsWith('Hugging Face tokens')));
    surface.saveAnswer = join(dir, 'ner.jsonl');
    await surface.commands.get('labelwise.exportLabels')?.();
    const names = JSON.parse(readFileSync(join(dir, 'ner.labels.json'), 'utf8')) as { label_names: string[] };
    assert.deepEqual(names.label_names, ['O', 'B-PER', 'I-PER']);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'ner.jsonl'), 'utf8')), { tokens: ['Alice', 'met', 'Bob', '.'], ner_tags: [1, 0, 0, 0], id: 'x1', file: 'a.txt', start: 0, end: 14 });
  });
});
