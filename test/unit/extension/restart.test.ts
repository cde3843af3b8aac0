import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createEngine } from '../../../src/core/engine/createEngine';
import type { SessionDeps } from '../../../src/core/session/labelingSession';
import type { LabelEvent } from '../../../src/core/store/events';
import { storePath } from '../../../src/core/store/labelStore';
import { readCorpus } from '../../../src/core/text/corpus';
import type { CandidateSpan, Granularity } from '../../../src/core/types';
import { LabelwiseApp } from '../../../src/extension/labelwiseApp';
import { WorkerClient } from '../../../src/extension/workerClient';
import { memoryChannel } from '../session/memoryChannel';
import { letterEncoder, openWith } from '../session/testCorpus';
import { FakeSurface } from './fakeSurface';

/**
 * Restarting on a workspace with labels: the session re-anchors the stored decisions and trains on
 * every one whose text is still there, whatever the file's encoding or format, and after the
 * edits users make (rename, re-wrap, NFD, moves past look-alike text).
 */

/** The real corpus reader behind the worker; a small encoder that needs no model files. */
const deps: SessionDeps = {
  loadEncoder: async () => letterEncoder(),
  openCorpus: openWith(
    async (root, settings) => {
      const c = await readCorpus({ root, include: settings.include, exclude: settings.exclude, granularity: settings.granularity, maxFileSizeMB: settings.maxFileSizeMB });
      return { spans: c.spans, files: c.files.length, problems: c.problems.map((p) => p.message), context: () => ({ before: '', after: '' }) };
    },
    async (encoder, texts, progress) => {
      progress(texts.length, texts.length);
      return encoder.encode(texts);
    },
  ),
  createEngine: (X, opts) => createEngine(X, opts),
};

const LABELS = ['pos', 'neg'];

function event(s: CandidateSpan, label: string): LabelEvent {
  return {
    id: s.id,
    source: { file: s.file, start: s.start, end: s.end, line: s.line },
    text: s.text,
    label,
    spans: [],
    answer: 'accept',
    annotator: 'kim',
    strategy: 'margin',
    score: 0.5,
    ts: '2026-11-23T10:00:00.000Z',
  };
}

const utf16le = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const bom = (s: string): Buffer => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)]);

describe('restart with labeled spans', () => {
  let dir: string;
  let surface: FakeSurface;
  let app: LabelwiseApp | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelwise-restart-'));
    surface = new FakeSurface();
    surface.root = dir;
    surface.settings.set('labelwise.labels', LABELS);
    surface.settings.set('labelwise.annotator', 'kim');
    surface.settings.set('labelwise.strategy', 'margin');
    surface.settings.set('labelwise.autoRetrainEvery', 0);
  });
  afterEach(() => {
    app?.dispose();
    app = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  function write(files: Record<string, string | Buffer>): void {
    for (const [f, c] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      writeFileSync(join(dir, f), c);
    }
  }

  /** Labels the corpus spans `pick` chooses, as the panel would have stored them. */
  async function label(pick: (s: CandidateSpan) => boolean, granularity: Granularity = 'sentence'): Promise<LabelEvent[]> {
    const c = await readCorpus({ root: dir, include: ['**/*.{txt,md}', '**/*.jsonl'], exclude: ['**/.labelwise/**'], granularity, maxFileSizeMB: 10 });
    const events = c.spans.filter(pick).map((s, i) => event(s, LABELS[i % 2]));
    mkdirSync(dirname(storePath(dir)), { recursive: true });
    writeFileSync(storePath(dir), events.map((e) => JSON.stringify(e) + '\n').join(''));
    return events;
  }

  async function restart(): Promise<{ restored: number; trainedOn: number; orphanLines: string[] }> {
    app = new LabelwiseApp({ surface, openPanel: () => ({ post: () => undefined, reveal: () => undefined, onMessage: () => ({ dispose: () => undefined }), onDidDispose: () => ({ dispose: () => undefined }), dispose: () => undefined }), startWorker: (logger) => new WorkerClient(() => memoryChannel(deps), logger) });
    const c = await app.start();
    assert.ok(c, surface.lines.join('\n'));
    const round = await app.retrain();
    return { restored: c.started.restored, trainedOn: round?.labels ?? 0, orphanLines: surface.lines.filter((l) => /labeled span (cannot be found|is in a file)/.test(l)) };
  }

  test('labels in JSONL records with quotes, a UTF-8 BOM file and a UTF-16 LE file are all trained on', async () => {
    const records = [
      'The "best" film I have seen this year.',
      'A dull, "lifeless" script.',
      'She said: "I loved it," twice.',
      'Terrible \\ awful acting, with a tab\there.',
      'Héllo wörld, “curly” quotes and 😀.',
      'Plain record without quotes.',
    ];
    const sentences = (tag: string): string => records.map((r, i) => `${tag} sentence ${i} says "${r.replace(/["\\\t]/g, '')}" indeed.`).join(' ') + '\n';
    write({
      'data.jsonl': records.map((text, i) => JSON.stringify({ id: i, text })).join('\n') + '\n',
      'bom.txt': bom(sentences('Bom')),
      'utf16.txt': utf16le(sentences('Wide')),
    });
    const events = await label(() => true);
    assert.equal(events.length, 18);
    const r = await restart();
    assert.deepEqual(r.orphanLines, [], 'no false "cannot be found" warnings');
    assert.equal(r.restored, 18);
    assert.equal(r.trainedOn, 18, 'the retrain uses every stored label');
  });

  test('a renamed file keeps its labels', async () => {
    write({ 'a.txt': 'The first sentence is here. The second one follows it. A third closes the text.\n', 'b.txt': 'Another file with words. And more of them.\n' });
    await label((s) => s.file === 'a.txt');
    mkdirSync(join(dir, 'moved'));
    renameSync(join(dir, 'a.txt'), join(dir, 'moved', 'renamed.txt'));
    const r = await restart();
    assert.deepEqual(r.orphanLines, []);
    assert.equal(r.restored, 3);
    assert.equal(r.trainedOn, 3);
  });

  test('"2." is found as its own sentence after an edit, never inside "2.405"', async () => {
    write({ 'n.txt': 'The value was 2.405 today and rising.\n\n2.\n\nThe end of the list is here.\n', 'o.txt': 'Other words here. More words there.\n' });
    await label((s) => s.text === '2.' || s.text.startsWith('The end'));
    write({ 'n.txt': 'A new and much longer opening paragraph.\n\nThe value was 2.405 today and rising.\n\n2.\n\nThe end of the list is here.\n' });
    const r = await restart();
    assert.deepEqual(r.orphanLines, []);
    assert.equal(r.restored, 2);
    assert.equal(r.trainedOn, 2);
  });

  test('re-wrapping a plain .txt file so that a line starts with "1990." keeps the sentence whole', async () => {
    const para = 'Prices rose sharply in the spring of 1990. Analysts were surprised by the speed of it. Nobody had expected such a turn.';
    write({ 'p.txt': para + '\n', 'q.txt': 'Unrelated words here. And more of them.\n' });
    await label((s) => s.file === 'p.txt');
    // Re-wrapped at a narrower width: a line now begins with "1990." (an ordered-list marker in Markdown).
    write({ 'p.txt': 'Prices rose sharply in the spring of\n1990. Analysts were surprised by the\nspeed of it. Nobody had expected such\na turn.\n' });
    const r = await restart();
    assert.deepEqual(r.orphanLines, []);
    assert.equal(r.restored, 3);
    assert.equal(r.trainedOn, 3);
  });

  test('a file saved in NFD keeps the labels of NFC text', async () => {
    const nfc = 'Le café était très animé ce soir-là. Les élèves révisaient leurs leçons. Personne ne parlait.\n';
    write({ 'f.txt': nfc, 'g.txt': 'Other words here. More words there.\n' });
    await label((s) => s.file === 'f.txt');
    write({ 'f.txt': nfc.normalize('NFD') });
    assert.notEqual(readFileSync(join(dir, 'f.txt'), 'utf8'), nfc);
    const r = await restart();
    assert.deepEqual(r.orphanLines, []);
    assert.equal(r.restored, 3);
    assert.equal(r.trainedOn, 3);
  });

  test('a deleted sentence is reported as an orphan with file:line, and kept in the store', async () => {
    write({ 'd.txt': 'Keep this sentence here.\nDrop this other sentence.\n', 'e.txt': 'Other words here. More words there.\n' });
    await label((s) => s.file === 'd.txt');
    write({ 'd.txt': 'Keep this sentence here.\n' });
    const r = await restart();
    assert.equal(r.restored, 1);
    assert.equal(r.orphanLines.length, 1);
    assert.match(r.orphanLines[0], /d\.txt:2: labeled span cannot be found after an edit \("Drop this other sentence\.", label neg\)/);
    assert.equal(readFileSync(storePath(dir), 'utf8').trim().split('\n').length, 2);
  });
});
