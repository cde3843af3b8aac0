import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath, folderUrl, installExtension, logTail, makeRunDirs, runEnv, runLayout, startCodeServer, writeUserSettings, type RunningCodeServer } from '../../scripts/codeServer.mjs';
import { aptHint, ensureCodeServer, missingAptPackages } from '../../scripts/installCodeServer.mjs';
import { ensureVsix, repoRoot } from '../../scripts/package.mjs';
import { notificationTexts, runCommand, sleep, statusBarTexts, webviewFrame, waitForWorkbench } from './workbench';

/**
 * First run in real VS Code: a workspace with no label set. Start Labeling Session asks for the
 * labels in an input box (which checks what is typed), writes labelwise.labels to the workspace
 * settings and starts the session with them; no error toast. See ../shared/E2E.md.
 */

const artifacts = join(repoRoot, 'test', 'e2e', 'artifacts');

function note(msg: string): void {
  process.stderr.write(`[e2e first run] ${msg}\n`);
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

test('first run in real VS Code: Start asks for the labels, saves them to the workspace settings and starts', { timeout: 10 * 60_000 }, async () => {
  const t0 = Date.now();
  const missing = missingAptPackages({ withChromium: true });
  assert.equal(missing.length, 0, `the e2e suite needs Debian packages that are not installed: ${missing.length > 0 ? aptHint(missing) : ''}`);
  assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: run .ci/run or apt-get install -y chromium`);
  const vsix = process.env.LABELWISE_VSIX ?? (await ensureVsix());
  const entry = await ensureCodeServer();

  const runDir = mkdtempSync(join(tmpdir(), 'labelwise-e2e-first-'));
  const layout = runLayout(join(runDir, 'cs'));
  const browserLayout = runLayout(join(runDir, 'browser'));
  const workspace = join(runDir, 'workspace');
  cpSync(join(repoRoot, 'samples', 'corpus'), workspace, { recursive: true });
  // The sample corpus as a new user has it: no label set yet.
  const settingsFile = join(workspace, '.vscode', 'settings.json');
  writeFileSync(settingsFile, `${JSON.stringify({ 'labelwise.annotator': 'e2e' }, null, 2)}\n`);
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
    if (page) {
      const shot = join(artifacts, 'firstRun-failure.png');
      await page.screenshot({ path: shot }).catch(() => undefined);
      note(`failure screenshot: ${relative(repoRoot, shot)}`);
      note(`status bar: ${JSON.stringify(await statusBarTexts(page).catch(() => []))}`);
      note(`notifications: ${JSON.stringify(await notificationTexts(page).catch(() => []))}`);
    }
    note(`code-server log tail (${layout.logFile}):\n${logTail(layout.logFile, 30)}`);
    throw e;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(runDir, { recursive: true, force: true });
    note(`wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
});
