import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Locator } from 'playwright-core';
import { logTail } from '../../scripts/codeServer.mjs';
import { repoRoot } from '../../scripts/package.mjs';
import { readJsonLines } from './fixtures';
import { artifacts, e2eLog, e2eRun, logFiles } from './harness';
import { awaitNotification, pollUntil, runCommand, waitForStatusBarText, webviewFrame } from './workbench';

/**
 * The packaged extension in real VS Code: code-server (installed into a cache folder on first use)
 * serves the workbench, Debian's headless Chromium drives it through playwright-core. See
 * ../shared/E2E.md. No timed assertions: latency and wall time are printed, not checked.
 */

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

const note = e2eLog();

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** One computed style property of an element in the page (this file compiles without the DOM library). */
async function styleOf(loc: Locator, property: string): Promise<string> {
  return loc.evaluate((el, prop) => (globalThis as unknown as { getComputedStyle(e: unknown): { getPropertyValue(p: string): string } }).getComputedStyle(el).getPropertyValue(prop).trim(), property);
}

test('labeling in real VS Code: palette, keyboard labels, undo, status bar, label store, retrain', { timeout: 15 * 60_000 }, async () => {
  const t0 = Date.now();
  const run = await e2eRun('labelwise-e2e-', note);
  const { vsixSeconds, installSeconds, firstInstall } = run.prerequisites;
  const workspace = join(run.dir, 'workspace');
  cpSync(sampleCorpus, workspace, { recursive: true });
  const store = join(workspace, '.labelwise', 'labels.jsonl');

  try {
    const { page } = await run.open({ target: workspace });
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
      const l = readJsonLines<StoreLine>(store);
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
    const retrained = await awaitNotification(page, 'a notification that the model was retrained', 120_000, /fail|error/i, (texts) => texts.find((t) => /retrained/i.test(t)));
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
    await run.diagnose('failure.png');
    if (existsSync(store)) note(`${store}:\n${readFileSync(store, 'utf8')}`);
    for (const f of logFiles(run.layout.userDataDir, /remoteexthost\.log$|exthost\.log$|Labelwise.*\.log$/i)) note(`${relative(run.layout.root, f)} tail:\n${logTail(f, 30)}`);
    throw e;
  } finally {
    await run.close();
    note(
      `e2e wall time ${((Date.now() - t0) / 1000).toFixed(1)} s (packaging ${vsixSeconds.toFixed(1)} s, ` +
        `code-server ${firstInstall ? `install ${installSeconds.toFixed(1)} s` : 'cached'})`,
    );
  }
});
