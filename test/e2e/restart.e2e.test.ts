import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { acceptedLabel, sentenceSpans, writeIn } from './fixtures';
import { e2eLog, e2eRun } from './harness';
import { awaitNotification, reloadWindow, runCommand, waitForStatusBarText } from './workbench';

/**
 * Restart with labels in every kind of file: a workspace whose label store already holds labeled
 * spans in a JSONL file (records with quotes and escapes), a UTF-8 file with a BOM and a UTF-16 LE
 * file is opened in real VS Code (code-server); "Retrain Model" must train on every stored label,
 * before and after a window reload. The store is written as the panel writes it: span ids, offsets
 * and lines as the corpus reader gives them.
 */

const LABELS = ['positive', 'negative'];
const note = e2eLog('restart');

const records = [
  'The "best" film I have seen all year.',
  'A dull, "lifeless" script with a tab\there.',
  'She said: "I loved it," and meant it.',
  'Awful \\ terrible acting from start to end.',
  'Héllo wörld, “curly” quotes and an emoji 😀.',
  'A plain record without any quotes.',
];
const sentences = (tag: string): string =>
  records.map((r, i) => `${tag} review ${i + 1} says "${r.replace(/["\\\t]/g, '').replace(/\.$/, '')}" indeed.`).join(' ') + '\n';

/** Writes the workspace and a label store holding every candidate span of the three files. */
async function makeWorkspace(workspace: string): Promise<number> {
  const write = (f: string, c: string | Buffer): void => writeIn(workspace, f, c);
  write('reviews/records.jsonl', records.map((text, i) => JSON.stringify({ id: i, text })).join('\n') + '\n');
  write('reviews/bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sentences('Bom'))]));
  write('reviews/wide.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sentences('Wide'), 'utf16le')]));
  write('.vscode/settings.json', JSON.stringify({ 'labelwise.labels': LABELS, 'labelwise.annotator': 'e2e', 'labelwise.autoRetrainEvery': 0, 'labelwise.granularity': 'sentence' }, null, 2));
  const spans = await sentenceSpans(workspace, ['**/*.{txt,md}', '**/*.jsonl']);
  const perFile = new Map<string, number>();
  for (const s of spans) perFile.set(s.file, (perFile.get(s.file) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(perFile), { 'reviews/bom.txt': 6, 'reviews/records.jsonl': 6, 'reviews/wide.txt': 6 }, 'fixture: six spans in each file');
  const events = spans.map((s, i) => acceptedLabel(s, LABELS[i % 2], 'e2e', '2026-11-23T10:00:00.000Z'));
  write('.labelwise/labels.jsonl', events.map((e) => e + '\n').join(''));
  return events.length;
}

/** Runs Retrain Model and returns the label count of its "retrained on N labels" notification. */
async function retrainLabels(page: Page, seen: number): Promise<number> {
  // Retrain is in the palette only while a session runs (labelwise.sessionActive): start one (or
  // reveal the one a restored panel started), then wait for the command to appear.
  await runCommand(page, 'Labelwise: Start Labeling Session');
  await runCommand(page, 'Labelwise: Retrain Model', 180_000);
  const text = await awaitNotification(page, 'a notification that the model was retrained', 180_000, /fail|error|cannot/i, (texts) => {
    const done = texts.filter((t) => /retrained on \d+ labels/.test(t));
    return done.length > seen ? done[done.length - 1] : undefined;
  });
  note(`retrain: "${text}"`);
  return Number(/retrained on (\d+) labels/.exec(text)?.[1]);
}

test('restart: labels stored in a .jsonl, a BOM .txt and a UTF-16 .txt are all used by the next retrain', { timeout: 15 * 60_000 }, async () => {
  const t0 = Date.now();
  const run = await e2eRun('labelwise-e2e-restart-', note);
  const workspace = join(run.dir, 'workspace');
  const stored = await makeWorkspace(workspace);
  const storeFile = join(workspace, '.labelwise', 'labels.jsonl');
  const storeBefore = readFileSync(storeFile, 'utf8');

  try {
    const { page } = await run.open({ target: workspace });
    // Activation on workspaceContains:.labelwise/labels.jsonl counts the stored labels.
    await waitForStatusBarText(page, `${stored}/200`, 120_000);

    const first = await retrainLabels(page, 0);
    assert.equal(first, stored, `the retrain after opening the workspace used ${first} of the ${stored} stored labels`);

    // Reload the window: a new extension host, a new session, the same store.
    await reloadWindow(page);
    await waitForStatusBarText(page, `${stored}/200`, 120_000);
    const second = await retrainLabels(page, 0);
    assert.equal(second, stored, `the retrain after a window reload used ${second} of the ${stored} stored labels`);
    assert.equal(readFileSync(storeFile, 'utf8'), storeBefore, 're-anchoring never writes the store');
    note(`wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    await run.diagnose('restart-failure.png');
    throw e;
  } finally {
    await run.close();
  }
});
