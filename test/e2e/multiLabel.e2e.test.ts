import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/package.mjs';
import { readJsonLines } from './fixtures';
import { e2eLog, e2eRun } from './harness';
import { pollUntil, runCommand, waitForStatusBarText, webviewFrame } from './workbench';

/**
 * labelwise.multiLabel in real VS Code: the digit keys toggle labels on the panel's buttons (shown
 * as pressed), Enter accepts the set, the store records `labels: [...]`, and the status bar counts
 * the span as one label. See ../shared/E2E.md.
 */

const sampleCorpus = join(repoRoot, 'samples', 'corpus');
const labels = ['news', 'science', 'sports', 'fiction'];
const note = e2eLog('multi-label');

test('multi-label labeling in real VS Code: toggles shown on the buttons, Enter stores the set', { timeout: 15 * 60_000 }, async () => {
  const t0 = Date.now();
  const run = await e2eRun('labelwise-e2e-multi-', note);
  const workspace = join(run.dir, 'workspace');
  cpSync(sampleCorpus, workspace, { recursive: true });
  const settingsFile = join(workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(settingsFile, JSON.stringify({ ...settings, 'labelwise.multiLabel': true }, null, 2));
  const store = join(workspace, '.labelwise', 'labels.jsonl');

  try {
    const { page } = await run.open({ target: workspace });
    await runCommand(page, 'Labelwise: Start Labeling Session');

    const panel = webviewFrame(page);
    const button = (l: string): ReturnType<typeof panel.locator> => panel.locator(`.label-button[data-label="${l}"]`);
    for (const l of labels) await button(l).waitFor({ state: 'visible', timeout: 120_000 });
    const spanText = panel.locator('mark.span-text').first();
    await spanText.waitFor({ state: 'visible', timeout: 120_000 });
    await spanText.click();
    // Before any training there is no guess: nothing is toggled, every button is a toggle.
    for (const l of labels) assert.equal(await button(l).getAttribute('aria-pressed'), 'false', `${l} starts off`);

    const first = (await spanText.innerText()).trim();
    await page.keyboard.press('1');
    await page.keyboard.press('3');
    await pollUntil('news and sports to show as toggled on', 10_000, async () =>
      (await button('news').getAttribute('aria-pressed')) === 'true' && (await button('sports').getAttribute('aria-pressed')) === 'true' ? true : undefined,
    );
    assert.equal(await button('science').getAttribute('aria-pressed'), 'false');
    assert.match(await button('news').getAttribute('class') ?? '', /is-toggled/);
    assert.equal((await spanText.innerText()).trim(), first, 'a toggle does not advance');
    assert.match(await panel.locator('#accept-set').innerText(), /news \+ sports/);

    await page.keyboard.press('Enter');
    await pollUntil('the next span after Enter', 30_000, async () => {
      const now = (await spanText.innerText().catch(() => '')).trim();
      return now !== '' && now !== first ? now : undefined;
    });
    // The next span starts with nothing toggled; Enter with nothing toggled stores "no label applies".
    assert.equal(await button('news').getAttribute('aria-pressed'), 'false');
    const second = (await spanText.innerText()).trim();
    await page.keyboard.press('Enter');
    await pollUntil('the span after the empty set', 30_000, async () => {
      const now = (await spanText.innerText().catch(() => '')).trim();
      return now !== '' && now !== second ? now : undefined;
    });

    const lines = await pollUntil(`2 lines in ${store}`, 30_000, () => {
      const l = readJsonLines<Record<string, unknown>>(store);
      return l.length >= 2 ? l : undefined;
    });
    assert.deepEqual(
      lines.map((l) => [String(l.text).trim(), l.label, l.labels, l.answer]),
      [
        [first, null, ['news', 'sports'], 'accept'],
        [second, null, [], 'accept'],
      ],
    );
    const status = await waitForStatusBarText(page, '2/200', 30_000);
    note(`status bar: "${status}"; wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    await run.diagnose('multiLabel-failure.png');
    if (existsSync(store)) note(`${store}:\n${readFileSync(store, 'utf8')}`);
    throw e;
  } finally {
    await run.close();
  }
});
