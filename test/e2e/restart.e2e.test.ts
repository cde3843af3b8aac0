import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath, folderUrl, installExtension, logTail, makeRunDirs, runEnv, runLayout, startCodeServer, writeUserSettings, type RunningCodeServer } from '../../scripts/codeServer.mjs';
import { aptHint, ensureCodeServer, missingAptPackages } from '../../scripts/installCodeServer.mjs';
import { checkVsixEntries, ensureVsix, listZip, repoRoot } from '../../scripts/package.mjs';
import { readCorpus } from '../../src/core/text/corpus';
import { notificationTexts, runCommand, sleep, statusBarTexts, waitForStatusBarText, waitForWorkbench } from './workbench';

/**
 * Restart with labels in every kind of file: a workspace whose label store already holds labeled
 * spans in a JSONL file (records with quotes and escapes), a UTF-8 file with a BOM and a UTF-16 LE
 * file is opened in real VS Code (code-server); "Retrain Model" must train on every stored label,
 * before and after a window reload. The store is written as the panel writes it: span ids, offsets
 * and lines as the corpus reader gives them.
 */

const artifacts = join(repoRoot, 'test', 'e2e', 'artifacts');
const LABELS = ['positive', 'negative'];

function note(msg: string): void {
  process.stderr.write(`[e2e restart] ${msg}\n`);
}

async function pollUntil<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(250);
  }
}

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
  const write = (f: string, c: string | Buffer): void => {
    mkdirSync(dirname(join(workspace, f)), { recursive: true });
    writeFileSync(join(workspace, f), c);
  };
  write('reviews/records.jsonl', records.map((text, i) => JSON.stringify({ id: i, text })).join('\n') + '\n');
  write('reviews/bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sentences('Bom'))]));
  write('reviews/wide.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sentences('Wide'), 'utf16le')]));
  write('.vscode/settings.json', JSON.stringify({ 'labelwise.labels': LABELS, 'labelwise.annotator': 'e2e', 'labelwise.autoRetrainEvery': 0, 'labelwise.granularity': 'sentence' }, null, 2));
  const c = await readCorpus({ root: workspace, include: ['**/*.{txt,md}', '**/*.jsonl'], exclude: ['**/.labelwise/**', '**/.vscode/**'], granularity: 'sentence', maxFileSizeMB: 10 });
  const perFile = new Map<string, number>();
  for (const s of c.spans) perFile.set(s.file, (perFile.get(s.file) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(perFile), { 'reviews/bom.txt': 6, 'reviews/records.jsonl': 6, 'reviews/wide.txt': 6 }, 'fixture: six spans in each file');
  const events = c.spans.map((s, i) => ({
    id: s.id,
    source: { file: s.file, start: s.start, end: s.end, line: s.line },
    text: s.text,
    label: LABELS[i % 2],
    spans: [],
    answer: 'accept',
    annotator: 'e2e',
    strategy: 'margin',
    score: 0.5,
    ts: '2026-11-23T10:00:00.000Z',
  }));
  write('.labelwise/labels.jsonl', events.map((e) => JSON.stringify(e) + '\n').join(''));
  return events.length;
}

/** Runs Retrain Model and returns the label count of its "retrained on N labels" notification. */
async function retrainLabels(page: Page, seen: number): Promise<number> {
  // Retrain is in the palette only while a session runs (labelwise.sessionActive): start one (or
  // reveal the one a restored panel started), then wait for the command to appear.
  await runCommand(page, 'Labelwise: Start Labeling Session');
  await runCommand(page, 'Labelwise: Retrain Model', 180_000);
  await runCommand(page, 'Notifications: Show Notifications');
  const text = await pollUntil('a notification that the model was retrained', 180_000, async () => {
    const texts = await notificationTexts(page);
    const failed = texts.find((t) => /fail|error|cannot/i.test(t));
    if (failed) throw new Error(`Retrain Model reported: ${failed}`);
    const done = texts.filter((t) => /retrained on \d+ labels/.test(t));
    return done.length > seen ? done[done.length - 1] : undefined;
  });
  note(`retrain: "${text}"`);
  return Number(/retrained on (\d+) labels/.exec(text)?.[1]);
}

test('restart: labels stored in a .jsonl, a BOM .txt and a UTF-16 .txt are all used by the next retrain', { timeout: 15 * 60_000 }, async () => {
  const t0 = Date.now();
  const missing = missingAptPackages({ withChromium: true });
  assert.equal(missing.length, 0, `the e2e suite needs Debian packages that are not installed: ${missing.length > 0 ? aptHint(missing) : ''}`);
  assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: run .ci/run or apt-get install -y chromium`);
  const vsix = process.env.LABELWISE_VSIX ?? (await ensureVsix());
  const problems = checkVsixEntries(await listZip(vsix));
  assert.deepEqual(problems, [], `${relative(repoRoot, vsix)}: ${problems.join('; ')}`);
  const entry = await ensureCodeServer();

  const runDir = mkdtempSync(join(tmpdir(), 'labelwise-e2e-restart-'));
  const layout = runLayout(join(runDir, 'cs'));
  const browserLayout = runLayout(join(runDir, 'browser'));
  const workspace = join(runDir, 'workspace');
  const stored = await makeWorkspace(workspace);
  const storeFile = join(workspace, '.labelwise', 'labels.jsonl');
  const storeBefore = readFileSync(storeFile, 'utf8');
  mkdirSync(artifacts, { recursive: true });

  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  try {
    await installExtension(entry, layout, vsix);
    writeUserSettings(layout);
    server = await startCodeServer({ entry, layout, workspace });
    makeRunDirs(browserLayout);
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: [...chromiumArgs], env: runEnv(browserLayout) as Record<string, string>, timeout: 60_000 });
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(folderUrl(server.url, workspace), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await waitForWorkbench(page, 120_000);
    // Activation on workspaceContains:.labelwise/labels.jsonl counts the stored labels.
    await waitForStatusBarText(page, `${stored}/200`, 120_000);

    const first = await retrainLabels(page, 0);
    assert.equal(first, stored, `the retrain after opening the workspace used ${first} of the ${stored} stored labels`);

    // Reload the window: a new extension host, a new session, the same store.
    await runCommand(page, 'Developer: Reload Window');
    await sleep(2000);
    await waitForWorkbench(page, 120_000);
    await waitForStatusBarText(page, `${stored}/200`, 120_000);
    const second = await retrainLabels(page, 0);
    assert.equal(second, stored, `the retrain after a window reload used ${second} of the ${stored} stored labels`);
    assert.equal(readFileSync(storeFile, 'utf8'), storeBefore, 're-anchoring never writes the store');
    note(`wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    if (page) {
      await page.screenshot({ path: join(artifacts, 'restart-failure.png') }).catch(() => undefined);
      note(`status bar: ${JSON.stringify(await statusBarTexts(page).catch(() => []))}`);
      note(`notifications: ${JSON.stringify(await notificationTexts(page).catch(() => []))}`);
    }
    note(`code-server log tail (${layout.logFile}):\n${logTail(layout.logFile, 30)}`);
    throw e;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
});
