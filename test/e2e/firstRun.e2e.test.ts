import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/package.mjs';
import { e2eLog, e2eRun } from './harness';
import { notificationTexts, pollUntil, runCommand, webviewFrame } from './workbench';

/**
 * First run in real VS Code: a workspace with no label set. Start Labeling Session asks for the
 * labels in an input box (which checks what is typed), writes labelwise.labels to the workspace
 * settings and starts the session with them; no error toast. See ../shared/E2E.md.
 */

const note = e2eLog('first run');

test('first run in real VS Code: Start asks for the labels, saves them to the workspace settings and starts', { timeout: 10 * 60_000 }, async () => {
  const t0 = Date.now();
  const run = await e2eRun('labelwise-e2e-first-', note);
  const workspace = join(run.dir, 'workspace');
  cpSync(join(repoRoot, 'samples', 'corpus'), workspace, { recursive: true });
  // The sample corpus as a new user has it: no label set yet.
  const settingsFile = join(workspace, '.vscode', 'settings.json');
  writeFileSync(settingsFile, `${JSON.stringify({ 'labelwise.annotator': 'e2e' }, null, 2)}\n`);

  try {
    const { page } = await run.open({ target: workspace });

    await runCommand(page, 'Labelwise: Start Labeling Session');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.quick-input-widget', { hasText: 'labelwise.labels' }).waitFor({ state: 'visible', timeout: 10_000 });
    note(`the input box asks for the labels after ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // One label is not a label set: the box says so and stays open.
    await input.fill('news');
    await page.locator('.quick-input-widget .quick-input-message', { hasText: 'at least two labels' }).waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('news, science, news');
    await page.locator('.quick-input-widget .quick-input-message', { hasText: '"news" is listed twice' }).waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('news, science, sports');
    await input.press('Enter');

    const panel = webviewFrame(page);
    for (const l of ['news', 'science', 'sports']) await panel.locator(`.label-button[data-label="${l}"]`).waitFor({ state: 'visible', timeout: 120_000 });
    await panel.locator('mark.span-text').first().waitFor({ state: 'visible', timeout: 120_000 });
    note(`the panel shows the new labels and a span after ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const saved = await pollUntil(`labelwise.labels in ${settingsFile}`, 30_000, () => {
      const s = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
      return s['labelwise.labels'] === undefined ? undefined : s;
    });
    assert.deepEqual(saved['labelwise.labels'], ['news', 'science', 'sports']);
    assert.equal(saved['labelwise.annotator'], 'e2e', 'the other workspace settings are kept');
    const errors = (await notificationTexts(page)).filter((t) => /error|cannot|fail|Open Settings/i.test(t));
    assert.deepEqual(errors, [], 'no error notification on first run');
  } catch (e) {
    await run.diagnose('firstRun-failure.png');
    throw e;
  } finally {
    await run.close();
    note(`wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
});
