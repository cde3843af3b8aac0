import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath, folderUrl, installExtension, logTail, makeRunDirs, runEnv, runLayout, startCodeServer, writeUserSettings, type RunningCodeServer } from '../../scripts/codeServer.mjs';
import { aptHint, ensureCodeServer, isCodeServerInstalled, missingAptPackages } from '../../scripts/installCodeServer.mjs';
import { checkVsixEntries, ensureVsix, listZip, repoRoot } from '../../scripts/package.mjs';
import { notificationTexts, runCommand, sleep, statusBarTexts, waitForStatusBarText, webviewFrame, waitForWorkbench } from './workbench';

/**
 * The packaged extension in real VS Code: code-server (installed into a cache folder on first use)
 * serves the workbench, Debian's headless Chromium drives it through playwright-core. See
 * ../shared/E2E.md. No timed assertions: latency and wall time are printed, not checked.
 */

const artifacts = join(repoRoot, 'test', 'e2e', 'artifacts');
const sampleCorpus = join(repoRoot, 'samples', 'corpus');
const labels = ['news', 'science', 'sports', 'fiction'];
/** Keys pressed in order: one label each (1..4 = the labels above), then an undo. */
const labelKeys = ['1', '2', '3', '4', '1'];

interface StoreLine {
  readonly id: string;
  readonly source: { readonly file: string; readonly start: number; readonly end: number };
  readonly text: string;
  readonly label: string | null;
  readonly answer: string;
  readonly annotator: string;
  readonly undo?: boolean;
}

function note(msg: string): void {
  process.stderr.write(`[e2e] ${msg}\n`);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Log files of a code-server run whose tail helps when the extension misbehaved. */
function extensionLogs(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries: string[] = [];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/remoteexthost\.log$|exthost\.log$|Labelwise.*\.log$/i.test(e)) out.push(p);
    }
  };
  walk(dir);
  return out;
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

/** One computed style property of an element in the page (this file compiles without the DOM library). */
async function styleOf(loc: Locator, property: string): Promise<string> {
  return loc.evaluate((el, prop) => (globalThis as unknown as { getComputedStyle(e: unknown): { getPropertyValue(p: string): string } }).getComputedStyle(el).getPropertyValue(prop).trim(), property);
}

function readStore(file: string): StoreLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as StoreLine);
}

test('labeling in real VS Code: palette, keyboard labels, undo, status bar, label store, retrain', { timeout: 15 * 60_000 }, async () => {
  const t0 = Date.now();
  // Missing Chromium (or a package the code-server install needs) fails with the fix, never skips.
  const missing = missingAptPackages({ withChromium: true });
  assert.equal(missing.length, 0, `the e2e suite needs Debian packages that are not installed: ${missing.length > 0 ? aptHint(missing) : ''}`);
  assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: run .ci/run or apt-get install -y chromium`);

  const tVsix = Date.now();
  // LABELWISE_VSIX tests a given package (a CI artifact) instead of building one.
  const vsix = process.env.LABELWISE_VSIX ?? (await ensureVsix());
  const problems = checkVsixEntries(await listZip(vsix));
  assert.deepEqual(problems, [], `${relative(repoRoot, vsix)}: ${problems.join('; ')}`);
  const vsixSeconds = (Date.now() - tVsix) / 1000;

  const tInstall = Date.now();
  const firstInstall = !isCodeServerInstalled();
  const entry = await ensureCodeServer();
  const installSeconds = (Date.now() - tInstall) / 1000;

  const runDir = mkdtempSync(join(tmpdir(), 'labelwise-e2e-'));
  const layout = runLayout(join(runDir, 'cs'));
  const browserLayout = runLayout(join(runDir, 'browser'));
  const workspace = join(runDir, 'workspace');
  cpSync(sampleCorpus, workspace, { recursive: true });
  const store = join(workspace, '.labelwise', 'labels.jsonl');
  mkdirSync(artifacts, { recursive: true });

  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const consoleErrors: string[] = [];
  try {
    await installExtension(entry, layout, vsix);
    writeUserSettings(layout);
    server = await startCodeServer({ entry, layout, workspace });
    note(`code-server ${server.url} (pid ${server.pid}), workspace ${workspace}`);

    makeRunDirs(browserLayout);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [...chromiumArgs],
      env: runEnv(browserLayout) as Record<string, string>,
      timeout: 60_000,
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && !/vsda|Failed to load resource/.test(m.text())) consoleErrors.push(m.text());
    });
    page.setDefaultTimeout(30_000);

    await page.goto(folderUrl(server.url, workspace), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await waitForWorkbench(page, 120_000);
    note(`workbench ready after ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const attempts = await runCommand(page, 'Labelwise: Start Labeling Session');
    note(`Start Labeling Session ran (palette attempts: ${attempts})`);

    const panel = webviewFrame(page);
    for (const l of labels) await panel.locator(`.label-button[data-label="${l}"]`).waitFor({ state: 'visible', timeout: 120_000 });
    const spanText = panel.locator('mark.span-text').first();
    await spanText.waitFor({ state: 'visible', timeout: 120_000 });
    note(`panel shows the first span after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // Keys go to the focused frame: put the focus inside the panel, away from any control.
    await spanText.click();

    const labeledTexts: string[] = [];
    for (const key of labelKeys) {
      const before = (await spanText.innerText()).trim();
      labeledTexts.push(before);
      await page.keyboard.press(key);
      await pollUntil(`the panel to move past "${before.slice(0, 60)}" after key ${key}`, 30_000, async () => {
        const now = (await spanText.innerText().catch(() => '')).trim();
        return now !== '' && now !== before ? now : undefined;
      });
    }
    await waitForStatusBarText(page, `${labelKeys.length}/200`, 30_000);
    await page.keyboard.press('Backspace');
    const statusText = await waitForStatusBarText(page, '4/200', 30_000);
    note(`status bar after 5 labels and an undo: "${statusText}"`);
    // After the undo the panel shows the undone span again.
    await pollUntil('the undone span to come back', 30_000, async () => ((await spanText.innerText()).trim() === labeledTexts[4] ? true : undefined));

    // The label store: five decisions, then one undo event withdrawing the fifth.
    const lines = await pollUntil(`6 lines in ${store}`, 30_000, () => {
      const l = readStore(store);
      return l.length >= 6 ? l : undefined;
    });
    assert.equal(lines.length, 6, `expected 5 decisions + 1 undo in ${store}, got:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
    for (const [i, line] of lines.slice(0, 5).entries()) {
      assert.equal(line.undo ?? false, false, `line ${i + 1} should be a decision`);
      assert.equal(line.answer, 'accept', `line ${i + 1}`);
      assert.equal(line.label, labels[Number(labelKeys[i]) - 1], `line ${i + 1}: key ${labelKeys[i]}`);
      assert.equal(line.annotator, 'e2e', `line ${i + 1}: annotator from samples/corpus/.vscode/settings.json`);
      assert.equal(line.text.trim(), labeledTexts[i], `line ${i + 1}: the span shown when the key was pressed`);
      const source = readFileSync(join(workspace, line.source.file), 'utf8');
      assert.equal(source.slice(line.source.start, line.source.end), line.text, `line ${i + 1}: offsets point at the text in ${line.source.file}`);
    }
    assert.equal(new Set(lines.slice(0, 5).map((l) => l.id)).size, 5, 'five different spans were labeled');
    const undo = lines[5];
    assert.equal(undo.undo, true, 'line 6 is the undo event');
    assert.equal(undo.id, lines[4].id, 'the undo withdraws the fifth decision');
    assert.equal(undo.annotator, 'e2e');

    const latencies = ((await panel.locator('body').getAttribute('data-key-latencies')) ?? '')
      .split(',')
      .filter((s) => s !== '')
      .map(Number);

    await runCommand(page, 'Labelwise: Retrain Model');
    // Toasts can hide; the notification center lists every notification while it is open.
    await runCommand(page, 'Notifications: Show Notifications');
    const retrained = await pollUntil('a notification that the model was retrained', 120_000, async () => {
      const texts = await notificationTexts(page as Page);
      const failed = texts.find((t) => /fail|error/i.test(t));
      if (failed) throw new Error(`Retrain Model reported: ${failed}`);
      return texts.find((t) => /retrained/i.test(t));
    });
    note(`retrain: "${retrained}"`);
    await waitForStatusBarText(page, '4/200', 10_000);
    await runCommand(page, 'Notifications: Hide Notifications', 20_000).catch(() => undefined);

    // Label colours: VS Code hands the contributed theme colours to the webview as CSS variables,
    // and each label's button wears its own.
    const themed = await styleOf(panel.locator('#app'), '--vscode-labelwise-label1');
    note(`--vscode-labelwise-label1 in the panel: ${themed}`);
    assert.match(themed, /^#[0-9a-f]{6}/i, 'the webview sees the contributed colour labelwise.label1 as --vscode-labelwise-label1');
    const buttonColors: string[] = [];
    for (const l of labels) buttonColors.push(await styleOf(panel.locator(`.label-button[data-label="${l}"]`), 'border-left-color'));
    assert.equal(new Set(buttonColors).size, labels.length, `one colour per label: ${buttonColors.join(', ')}`);
    for (const l of labels) await panel.locator(`#legend .legend-item[data-label="${l}"]`).waitFor({ state: 'visible', timeout: 10_000 });
    // Prose in the workbench's proportional font, not the editor's.
    const contextFont = await styleOf(panel.locator('#current-span'), 'font-family');
    const bodyFont = await styleOf(panel.locator('body'), 'font-family');
    assert.equal(contextFont, bodyFont, 'the context uses --vscode-font-family');

    // The "why" in words. The spans kept across the retrain were random picks; the ones re-picked
    // by the trained model carry a rank in the pool: skip to the first of them.
    await spanText.click();
    const rank = panel.locator('#why .why-rank');
    // For the README picture, prefer a span from the top of its strategy's ranking when one comes soon.
    const topRanked = async (): Promise<boolean> => (await rank.isVisible()) && /^Top/.test(await rank.innerText());
    for (let i = 0; i < 10 && !(await topRanked()) && !(i >= 6 && (await rank.isVisible())); i++) {
      const before = (await spanText.innerText()).trim();
      await page.keyboard.press('s');
      await pollUntil('the next span after a skip', 30_000, async () => ((await spanText.innerText().catch(() => '')).trim() !== before ? true : undefined));
    }
    const rankText = await rank.innerText({ timeout: 30_000 });
    assert.match(rankText, /^(Top [\d.]+ % .+ of [\d,]+ unlabeled spans \(#[\d,]+\)|#[\d,]+ of [\d,]+ unlabeled spans, .+ first)$/);
    const likely = await panel.locator('#why .why-guess').innerText();
    note(`why: "${(await panel.locator('#why .why-saw').innerText()).trim()}" · "${rankText.trim()}" · most likely: ${likely.trim()}`);

    const shot = join(artifacts, 'labeling.png');
    await page.screenshot({ path: shot });
    note(`screenshot: ${relative(repoRoot, shot)}`);
    // The panel alone (colours, legend, why) for the README: LABELWISE_UPDATE_DOCS=1 also copies it to docs/panel.png.
    const panelShot = join(artifacts, 'panel.png');
    await page.locator('iframe.webview.ready').first().screenshot({ path: panelShot });
    if (process.env.LABELWISE_UPDATE_DOCS === '1') {
      mkdirSync(join(repoRoot, 'docs'), { recursive: true });
      cpSync(panelShot, join(repoRoot, 'docs', 'panel.png'));
      note('copied the panel screenshot to docs/panel.png');
    }
    // The strategy mix says in words where the round's labels came from.
    await page.keyboard.press('c');
    const caption = await panel.locator('#mix-caption').innerText({ timeout: 10_000 });
    assert.match(caption, /^Round \d+ \(\d+ labels\) learned from \d+ picked spans?: /);
    note(`strategy mix: "${caption}"`);
    await page.locator('iframe.webview.ready').first().screenshot({ path: join(artifacts, 'curve.png') });
    await page.keyboard.press('v');
    await panel.locator('#review-view').waitFor({ state: 'visible', timeout: 10_000 });
    await page.locator('iframe.webview.ready').first().screenshot({ path: join(artifacts, 'review.png') });

    assert.ok(latencies.length >= labelKeys.length, `the panel recorded ${latencies.length} key latencies in body[data-key-latencies] (expected ≥ ${labelKeys.length})`);
    note(`keypress → next span painted: median ${median(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms over ${latencies.length} keys [${latencies.join(', ')}]`);
  } catch (e) {
    if (page) {
      const shot = join(artifacts, 'failure.png');
      await page.screenshot({ path: shot }).catch(() => undefined);
      note(`failure screenshot: ${relative(repoRoot, shot)}`);
      note(`status bar: ${JSON.stringify(await statusBarTexts(page).catch(() => []))}`);
      note(`notifications: ${JSON.stringify(await notificationTexts(page).catch(() => []))}`);
    }
    if (consoleErrors.length > 0) note(`browser console errors:\n${consoleErrors.slice(-15).join('\n')}`);
    if (existsSync(store)) note(`${store}:\n${readFileSync(store, 'utf8')}`);
    note(`code-server log tail (${layout.logFile}):\n${logTail(layout.logFile, 30)}`);
    for (const f of extensionLogs(layout.userDataDir)) note(`${relative(layout.root, f)} tail:\n${logTail(f, 30)}`);
    throw e;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(runDir, { recursive: true, force: true });
    note(
      `e2e wall time ${((Date.now() - t0) / 1000).toFixed(1)} s (packaging ${vsixSeconds.toFixed(1)} s, ` +
        `code-server ${firstInstall ? `install ${installSeconds.toFixed(1)} s` : 'cached'})`,
    );
  }
});
