import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath, folderUrl, installExtension, logTail, makeRunDirs, runEnv, runLayout, startCodeServer, writeUserSettings, type RunningCodeServer } from '../../scripts/codeServer.mjs';
import { aptHint, ensureCodeServer, missingAptPackages } from '../../scripts/installCodeServer.mjs';
import { ensureVsix, repoRoot } from '../../scripts/package.mjs';
import { notificationTexts, runCommand, sleep, statusBarTexts, waitForStatusBarText, webviewFrame, waitForWorkbench } from './workbench';

/**
 * labelwise.multiLabel in real VS Code: the digit keys toggle labels on the panel's buttons (shown
 * as pressed), Enter accepts the set, the store records `labels: [...]`, and the status bar counts
 * the span as one label. See ../shared/E2E.md.
 */

const sampleCorpus = join(repoRoot, 'samples', 'corpus');
const labels = ['news', 'science', 'sports', 'fiction'];

function note(msg: string): void {
  process.stderr.write(`[e2e multi-label] ${msg}\n`);
}

async function pollUntil<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

function storeLines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('multi-label labeling in real VS Code: toggles shown on the buttons, Enter stores the set', { timeout: 15 * 60_000 }, async () => {
  const t0 = Date.now();
  const missing = missingAptPackages({ withChromium: true });
  assert.equal(missing.length, 0, `the e2e suite needs Debian packages that are not installed: ${missing.length > 0 ? aptHint(missing) : ''}`);
  const vsix = process.env.LABELWISE_VSIX ?? (await ensureVsix());
  const entry = await ensureCodeServer();

  const runDir = mkdtempSync(join(tmpdir(), 'labelwise-e2e-multi-'));
  const layout = runLayout(join(runDir, 'cs'));
  const browserLayout = runLayout(join(runDir, 'browser'));
  const workspace = join(runDir, 'workspace');
  cpSync(sampleCorpus, workspace, { recursive: true });
  const settingsFile = join(workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(settingsFile, JSON.stringify({ ...settings, 'labelwise.multiLabel': true }, null, 2));
  const store = join(workspace, '.labelwise', 'labels.jsonl');

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
      const l = storeLines(store);
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
    if (page) {
      const shot = join(repoRoot, 'test', 'e2e', 'artifacts', 'multiLabel-failure.png');
      await page.screenshot({ path: shot }).catch(() => undefined);
      note(`failure screenshot: ${relative(repoRoot, shot)}`);
      note(`status bar: ${JSON.stringify(await statusBarTexts(page).catch(() => []))}`);
      note(`notifications: ${JSON.stringify(await notificationTexts(page).catch(() => []))}`);
    }
    if (existsSync(store)) note(`${store}:\n${readFileSync(store, 'utf8')}`);
    note(`code-server log tail:\n${logTail(layout.logFile, 30)}`);
    throw e;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
});
