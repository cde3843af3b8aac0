import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { logTail } from '../../scripts/codeServer.mjs';
import { repoRoot } from '../../scripts/package.mjs';
import { readJsonLines } from './fixtures';
import { e2eLog, e2eRun, labelwiseLogs } from './harness';
import { awaitNotification, pollUntil, runCommand, webviewFrame } from './workbench';

const sampleCorpus = join(repoRoot, 'samples', 'corpus');
const labels = ['news', 'science', 'sports', 'fiction'];
const note = e2eLog('lexical');

/**
 * labelwise.lexicalFeatures in real VS Code: the session opens with the lexical block fitted on
 * the sample corpus (the log says so), labels go to the store, and a retrain on them succeeds.
 */
test('lexical features in real VS Code: the session fits them at open, labels and a retrain work', { timeout: 15 * 60_000 }, async () => {
  const run = await e2eRun('labelwise-e2e-lexical-', note);
  const workspace = join(run.dir, 'workspace');
  cpSync(sampleCorpus, workspace, { recursive: true });
  const settingsFile = join(workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(settingsFile, JSON.stringify({ ...settings, 'labelwise.lexicalFeatures': 24, 'labelwise.autoRetrainEvery': 0 }, null, 2));
  const store = join(workspace, '.labelwise', 'labels.jsonl');
  const logText = (): string =>
    labelwiseLogs(run.layout.userDataDir)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');

  try {
    const { page } = await run.open({ target: workspace });
    await runCommand(page, 'Labelwise: Start Labeling Session');
    const panel = webviewFrame(page);
    const spanText = panel.locator('mark.span-text').first();
    await spanText.waitFor({ state: 'visible', timeout: 120_000 });
    const fitted = await pollUntil('the log to report the lexical features fitted at open', 60_000, async () => logText().match(/lexical features: (\d+) columns fitted on (\d+) span texts in [\d.]+ s \(labelwise\.lexicalFeatures\)/) ?? undefined);
    note(`log: "${fitted[0]}"`);
    assert.equal(Number(fitted[1]), 24);
    assert.ok(Number(fitted[2]) > 24, 'every span of the sample corpus');

    await spanText.click();
    const keys = ['1', '2', '3', '4', '1', '2', '3', '4'];
    for (const key of keys) {
      const before = (await spanText.innerText()).trim();
      await page.keyboard.press(key);
      await pollUntil(`the panel to move past "${before.slice(0, 60)}" after key ${key}`, 30_000, async () => {
        const now = (await spanText.innerText().catch(() => '')).trim();
        return now !== '' && now !== before ? now : undefined;
      });
    }
    await pollUntil('the store to hold 8 decisions', 30_000, async () => (existsSync(store) && readJsonLines(store).length >= keys.length ? true : undefined));
    const lines = readJsonLines<{ label: string }>(store);
    assert.deepEqual(
      lines.map((l) => l.label),
      keys.map((k) => labels[Number(k) - 1]),
    );

    await runCommand(page, 'Labelwise: Retrain Model');
    const retrained = await awaitNotification(page, 'a notification that the model was retrained', 120_000, /fail|error/i, (texts) => texts.find((t) => /retrained/i.test(t)));
    note(`retrain: "${retrained}"`);
  } catch (e) {
    await run.diagnose('lexical-failure.png');
    for (const f of labelwiseLogs(run.layout.userDataDir)) note(`${relative(run.layout.root, f)} tail:\n${logTail(f, 40)}`);
    throw e;
  } finally {
    await run.close();
  }
});
