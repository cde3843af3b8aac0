import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { acceptedLabel, sentenceSpans, writeIn } from './fixtures';
import { e2eLog, e2eRun, labelwiseLogs } from './harness';
import { pollUntil, runCommand, sleep, waitForStatusBarText } from './workbench';

/**
 * What a VS Code user expects around the panel, in real VS Code (code-server): session commands
 * absent from the palette until a session runs (labelwise.sessionActive), the panel's title-bar
 * icons, the Labels view in the Explorer (counts, contested spans, orphans; a click opens the
 * span), the walkthrough, and the output as a log channel.
 */

const LABELS = ['positive', 'negative'];
const SESSION_TITLES = /Next Batch|Retrain Model|Show Learning Curve|Review Contested/;

const note = e2eLog('nativeUi');

/** Writes a workspace whose store has labels, an annotator disagreement and an orphan. */
async function makeWorkspace(workspace: string): Promise<{ positive: number; negative: number }> {
  const write = (f: string, c: string): void => writeIn(workspace, f, c);
  write('reviews/good.txt', 'A warm and funny film. The cast is superb. I would watch it again.\n');
  write('reviews/bad.txt', 'A dull script. The plot makes no sense. Two hours lost.\n');
  write('.vscode/settings.json', JSON.stringify({ 'labelwise.labels': LABELS, 'labelwise.annotator': 'e2e', 'labelwise.autoRetrainEvery': 0 }, null, 2));
  const spans = await sentenceSpans(workspace, ['**/*.txt']);
  const ev = (s: (typeof spans)[number], label: string, annotator = 'e2e', ts = '2026-11-23T10:00:00.000Z'): string => acceptedLabel(s, label, annotator, ts);
  const good = spans.filter((s) => s.file === 'reviews/good.txt');
  const bad = spans.filter((s) => s.file === 'reviews/bad.txt');
  assert.equal(good.length, 3, 'fixture: three sentences in good.txt');
  const lines = [
    ...good.map((s) => ev(s, 'positive')),
    ev(bad[0], 'negative'),
    // A second annotator disagrees on bad.txt's second sentence: a contested span.
    ev(bad[1], 'negative', 'e2e', '2026-11-23T10:01:00.000Z'),
    ev(bad[1], 'positive', 'other', '2026-11-23T10:02:00.000Z'),
    // A label on a file that is gone: an orphan.
    JSON.stringify({ id: 'gone1', source: { file: 'reviews/deleted.txt', start: 0, end: 12 }, text: 'Lost review.', label: 'negative', spans: [], answer: 'accept', annotator: 'e2e', strategy: 'margin', score: 0.5, ts: '2026-11-23T10:03:00.000Z' }),
  ];
  write('.labelwise/labels.jsonl', lines.join('\n') + '\n');
  // Current decisions: good.txt ×3 and the contested span (its latest answer) positive; bad.txt's
  // first sentence and the orphan negative (an orphan stays in the store, and is listed as such).
  return { positive: 4, negative: 2 };
}

/**
 * Titles of the palette rows matching `query`, once `ready` is among them (the extension's
 * commands are registered); retried, since an open palette does not refresh its list.
 */
async function paletteTitles(page: Page, query: string, ready: string, timeoutMs = 90_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input.input');
  for (;;) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(`>${query}`, { timeout: 5000 });
      await page.locator('.quick-input-list .monaco-list-row', { hasText: ready }).first().waitFor({ state: 'visible', timeout: 2500 });
      const titles = (await page.locator('.quick-input-list .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      await page.keyboard.press('Escape');
      return titles;
    } catch {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`"${ready}" did not appear in the command palette within ${timeoutMs / 1000} s`);
      await sleep(1000);
    }
  }
}

/** Row texts of a tree: the label, a space, the description. */
async function rowTexts(rows: Locator): Promise<string[]> {
  return rows.evaluateAll((els) =>
    els.map((e) =>
      [e.querySelector('.monaco-icon-name-container'), e.querySelector('.label-description')]
        .map((x) => (x?.textContent ?? '').replace(/\s+/g, ' ').trim())
        .filter((x) => x !== '')
        .join(' '),
    ),
  );
}

/** What a test body gets: the page, the run's folders, and a note function. */
interface Workbench {
  readonly page: Page;
  readonly layoutRoot: string;
}

/**
 * Installs the .vsix into a fresh code-server, opens `target` (a folder, or a .code-workspace file
 * with `workspaceFile`) in headless Chromium, runs `body`, and always cleans up; a failure leaves a
 * screenshot in test/e2e/artifacts/.
 */
async function withWorkbench(name: string, setup: (runDir: string) => Promise<{ target: string; workspaceFile?: boolean }>, body: (w: Workbench) => Promise<void>): Promise<void> {
  const t0 = Date.now();
  const run = await e2eRun('labelwise-e2e-native-', note);
  const { target, workspaceFile } = await setup(run.dir);
  try {
    const { page } = await run.open({ target, workspaceFile });
    await body({ page, layoutRoot: run.layout.root });
    note(`${name}: wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    await run.diagnose(`nativeUi-${name}-failure.png`);
    throw e;
  } finally {
    await run.close();
  }
}

/** Every line of the Labelwise log files of the run. */
function logText(layoutRoot: string): string {
  return labelwiseLogs(layoutRoot)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

test('native UI: palette hidden without a session, panel title icons, Labels view, walkthrough, log channel', { timeout: 15 * 60_000 }, async () => {
  let counts = { positive: 0, negative: 0 };
  await withWorkbench(
    'folder',
    async (runDir) => {
      const workspace = join(runDir, 'workspace');
      counts = await makeWorkspace(workspace);
      return { target: workspace };
    },
    async ({ page, layoutRoot }) => {
      // Activation on workspaceContains:.labelwise/labels.jsonl counts the stored labels (the contested span once).
      await waitForStatusBarText(page, `${counts.positive + counts.negative}/200`, 120_000);

      // 1. No session: its commands are not in the palette; the others are.
      const before = await paletteTitles(page, 'Labelwise:', 'Start Labeling Session');
      note(`palette without a session: ${JSON.stringify(before)}`);
      assert.ok(before.some((t) => /Export Labels/.test(t)));
      assert.ok(!before.some((t) => SESSION_TITLES.test(t)), `session commands in the palette without a session: ${JSON.stringify(before)}`);

      // 2. The Labels view in the Explorer: collapsed at first; expanded, it lists the store.
      const header = page.locator('.pane-header[aria-label^="Labels"]').first();
      try {
        await header.waitFor({ state: 'visible', timeout: 30_000 });
      } catch {
        const headers = await page.locator('.pane-header').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
        assert.fail(`no Labels view in the Explorer; its sections: ${JSON.stringify(headers)}`);
      }
      if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
      const pane = page.locator('.pane', { has: header });
      const rows = pane.locator('.monaco-list-row');
      const roots = await pollUntil('the Labels view rows', 60_000, async () => {
        const t = await rowTexts(rows);
        return t.some((r) => r.startsWith('positive')) && t.some((r) => r.startsWith('Orphans')) ? t : undefined;
      });
      note(`Labels view: ${JSON.stringify(roots)}`);
      assert.ok(roots.includes(`positive ${counts.positive} · key 1`), JSON.stringify(roots));
      assert.ok(roots.includes(`negative ${counts.negative} · key 2`), JSON.stringify(roots));
      // Contested and Orphans open expanded: their rows are listed under them.
      assert.ok(roots.some((r) => r === 'Contested 1'), JSON.stringify(roots));
      assert.ok(roots.some((r) => /^The plot makes no sense\. e2e: negative · other: positive$/.test(r)), JSON.stringify(roots));
      assert.ok(roots.some((r) => r === 'Orphans 1'), JSON.stringify(roots));
      assert.ok(roots.some((r) => /^Lost review\. negative · reviews\/deleted\.txt$/.test(r)), JSON.stringify(roots));

      // 3. A click on a span row opens its file in an editor.
      await rows.filter({ hasText: /^\s*positive/ }).first().click();
      const span = rows.filter({ hasText: 'The cast is superb.' }).first();
      await span.waitFor({ state: 'visible', timeout: 15_000 });
      await span.click();
      const tab = page.locator('.tabs-container .tab', { hasText: 'good.txt' }).first();
      await tab.waitFor({ state: 'visible', timeout: 30_000 });
      note('a Labels view row opened reviews/good.txt');

      // 4. A session: its commands join the palette, and the panel's title bar has their icons.
      await runCommand(page, 'Labelwise: Start Labeling Session');
      await runCommand(page, 'Labelwise: Show Learning Curve', 180_000);
      const during = await paletteTitles(page, 'Labelwise:', 'Retrain Model');
      assert.ok(during.some((t) => /Next Batch/.test(t)) && during.some((t) => /Review Contested/.test(t)), JSON.stringify(during));
      const actions = page.locator('.editor-actions .action-label');
      const titleBar = await pollUntil('the session icons in the panel title bar', 30_000, async () => {
        const labels = await actions.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
        return ['Next Batch', 'Retrain Model', 'Show Learning Curve', 'Review Contested Spans'].every((t) => labels.some((l) => l.startsWith(t))) ? labels : undefined;
      });
      note(`panel title bar: ${JSON.stringify(titleBar)}`);

      // 5. The walkthrough is listed with the extension's title.
      await runCommand(page, 'Welcome: Open Walkthrough...');
      const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Label a corpus with Labelwise' }).first();
      await pick.waitFor({ state: 'visible', timeout: 30_000 });
      await pick.click();
      await page.locator('.getting-started-step', { hasText: 'Set your labels' }).first().waitFor({ state: 'visible', timeout: 30_000 });
      const steps = (await page.locator('.getting-started-step .step-title').allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '');
      note(`walkthrough steps: ${JSON.stringify(steps)}`);
      assert.deepEqual(steps, ['Set your labels', 'Start a labeling session', 'Label with the keys 1–9', 'Retrain the model', 'Export the labels']);

      // 6. The output is a log channel: VS Code writes its own time and level on each line.
      const text = logText(layoutRoot);
      const storeLine = text.split('\n').find((l) => /label store .*labels\.jsonl: \d+ decisions/.test(l));
      assert.ok(storeLine, `the log holds the store line:\n${text.slice(0, 2000)}`);
      assert.match(storeLine, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[info\] label store /, storeLine);
      note(`log line: ${storeLine}`);
    },
  );
});

test('multi-root: the first folder with a label store is used, said in the log, and its own corpus settings apply', { timeout: 15 * 60_000 }, async () => {
  await withWorkbench(
    'multiroot',
    async (runDir) => {
      const other = join(runDir, 'other');
      const corpus = join(runDir, 'corpus');
      mkdirSync(other, { recursive: true });
      writeFileSync(join(other, 'notes.txt'), 'Not a corpus. Nothing to label here.\n');
      const counts = await makeWorkspace(corpus);
      assert.equal(counts.positive + counts.negative, 6);
      // A resource-scoped setting in the folder itself: only .txt files (the .md file is left out).
      writeFileSync(join(corpus, 'reviews', 'readme.md'), 'This file is not part of the corpus. It has two sentences.\n');
      writeFileSync(join(corpus, '.vscode', 'settings.json'), JSON.stringify({ 'labelwise.include': ['**/*.txt'] }, null, 2));
      const file = join(runDir, 'two.code-workspace');
      // Window-scoped settings (the label set) live in the workspace file in a multi-root workspace.
      writeFileSync(file, JSON.stringify({ folders: [{ path: 'other' }, { path: 'corpus' }], settings: { 'labelwise.labels': LABELS, 'labelwise.annotator': 'e2e', 'labelwise.autoRetrainEvery': 0 } }, null, 2));
      return { target: file, workspaceFile: true };
    },
    async ({ page, layoutRoot }) => {
      // The store of the second folder is found: its six labels are counted.
      await waitForStatusBarText(page, '6/200', 120_000);
      const chosen = await pollUntil('the log line naming the folder used', 60_000, async () => logText(layoutRoot).split('\n').find((l) => l.includes('Labelwise works in')));
      note(`log: ${chosen}`);
      assert.match(chosen, /\[info\] Labelwise works in "corpus" \(.*corpus\), the first of the workspace's 2 folders with a label store \(\.labelwise\/labels\.jsonl\); "other" is not read\.$/);
      // A session reads the corpus folder with its own labelwise.include: two .txt files, no .md.
      await runCommand(page, 'Labelwise: Start Labeling Session');
      const ready = await pollUntil('the session to be ready', 180_000, async () => logText(layoutRoot).split('\n').find((l) => /session ready: \d+ spans in \d+ files/.test(l)));
      note(`log: ${ready}`);
      assert.match(ready, /session ready: 6 spans in 2 files/);
    },
  );
});
