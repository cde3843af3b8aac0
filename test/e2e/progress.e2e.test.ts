import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { acceptedLabel, sentenceSpans, writeIn } from './fixtures';
import { artifacts, e2eLog, e2eRun } from './harness';
import { pollUntil, reloadWindow, runCommand, waitForStatusBarText, webviewFrame } from './workbench';

/**
 * Progress and agreement in real VS Code: a workspace whose store holds labels by the user ("e2e")
 * and by two other annotators ("ann", "bob") on other spans, two of which they answered
 * differently. The panel's progress section shows the spans labeled of the candidates and the
 * estimate with its interval, the status bar counts what the panel counts while keys are pressed
 * back to back, and the review view shows Cohen's κ with the spans behind the disagreements.
 */

const LABELS = ['positive', 'negative'];
const OWN = 12;
const SHARED = 8;

const note = e2eLog('progress');

const good = ['a delight', 'wonderful', 'a joy to watch', 'moving and funny', 'brilliant', 'warm and clever'];
const bad = ['a bore', 'dreadful', 'a waste of time', 'dull and slow', 'awful', 'cold and empty'];

async function makeWorkspace(workspace: string): Promise<void> {
  const write = (f: string, c: string): void => writeIn(workspace, f, c);
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) lines.push(`Film number ${i + 1} was ${i % 2 === 0 ? good[i % good.length] : bad[i % bad.length]} from start to end.`);
  write('reviews/films.txt', lines.join(' ') + '\n');
  write('.vscode/settings.json', JSON.stringify({ 'labelwise.labels': LABELS, 'labelwise.annotator': 'e2e', 'labelwise.autoRetrainEvery': 0, 'labelwise.granularity': 'sentence' }, null, 2));
  const spans = await sentenceSpans(workspace, ['**/*.txt']);
  assert.equal(spans.length, 40, 'fixture: forty sentences');
  const event = (i: number, annotator: string, label: string, second: number): string => acceptedLabel(spans[i], label, annotator, `2026-11-23T10:00:${String(second).padStart(2, '0')}.000Z`);
  const truth = (i: number): string => (i % 2 === 0 ? 'positive' : 'negative');
  const events: string[] = [];
  for (let i = 0; i < OWN; i++) events.push(event(i, 'e2e', truth(i), i));
  for (let i = OWN; i < OWN + SHARED; i++) {
    events.push(event(i, 'ann', truth(i), i));
    // bob disagrees on the last two.
    events.push(event(i, 'bob', i >= OWN + SHARED - 2 ? (truth(i) === 'positive' ? 'negative' : 'positive') : truth(i), i + 1));
  }
  write('.labelwise/labels.jsonl', events.map((e) => e + '\n').join(''));
}

test('progress and agreement: counts, interval, status bar in step with the panel, κ in the review view', { timeout: 15 * 60_000 }, async () => {
  const t0 = Date.now();
  const run = await e2eRun('labelwise-e2e-progress-', note);
  const workspace = join(run.dir, 'workspace');
  await makeWorkspace(workspace);
  const stored = OWN + SHARED;

  try {
    const { page } = await run.open({ target: workspace });
    await waitForStatusBarText(page, `${stored}/200`, 120_000);

    await runCommand(page, 'Labelwise: Start Labeling Session');
    const panel = webviewFrame(page);
    const accuracy = panel.locator('#progress-accuracy');
    // The start retrains on the stored labels: the estimate and its interval, in the panel and the status bar.
    const accText = await pollUntil('the estimate with its interval in the progress section', 180_000, async () => {
      const t = (await accuracy.innerText().catch(() => '')).trim();
      return /\(95%: \d+%–\d+%\)/.test(t) ? t : undefined;
    });
    note(`progress accuracy: "${accText}" (title: "${await accuracy.getAttribute('title')}")`);
    assert.match((await accuracy.getAttribute('title')) ?? '', /Wilson score interval over those \d+ held-out predictions/);
    const statusWithAcc = await waitForStatusBarText(page, `${stored}/200 · `, 30_000);
    note(`status bar: "${statusWithAcc}"`);
    assert.match(await panel.locator('#progress-labeled').innerText(), new RegExp(`^${stored} of 40 candidate spans`));
    assert.equal(await panel.locator('#label-balance .balance-row').count(), 2);
    assert.ok(Number((await panel.locator('#progress-rounds').innerText()).trim()) >= 1);

    // Three labels back to back: the panel and the status bar end on the same count.
    const spanText = panel.locator('mark.span-text').first();
    await spanText.waitFor({ state: 'visible', timeout: 60_000 });
    await spanText.click();
    for (let i = 0; i < 3; i++) await page.keyboard.press('1');
    const after = stored + 3;
    await pollUntil('the panel header to count three more', 30_000, async () => ((await panel.locator('#budget-text').innerText()).trim() === `${after} / 200` ? true : undefined));
    await waitForStatusBarText(page, `${after}/200`, 30_000);
    assert.match(await panel.locator('#progress-labeled').innerText(), new RegExp(`^${after} of 40`));
    await page.screenshot({ path: join(artifacts, 'progress-label-view.png') }).catch(() => undefined);

    // The review view: Cohen's κ for ann and bob, per label, and the two spans they disagree on.
    await panel.locator('#tab-review').click();
    const overall = panel.locator('#agreement-overall');
    await overall.waitFor({ state: 'visible', timeout: 60_000 });
    const overallText = (await overall.innerText()).trim();
    note(`agreement: "${overallText}"`);
    assert.match(overallText, /Cohen's κ -?\d\.\d\d/);
    assert.match(overallText, /2 annotators \(ann, bob\) · 8 span\(s\) answered by two or more · 2 disagreement\(s\)/);
    const row = panel.locator('.agreement-label[data-label="positive"]');
    await row.locator('summary').click();
    const spans = row.locator('.agreement-span');
    await pollUntil('the disagreeing spans under "positive"', 10_000, async () => ((await spans.count()) === 2 ? true : undefined));
    assert.equal(await spans.first().locator('.resolve-button').count(), 2, 'still contested: both labels offered');
    await page.screenshot({ path: join(artifacts, 'progress-agreement.png') }).catch(() => undefined);
    // Resolve one: it says so, and the row stays unfolded across the redraw.
    await spans.first().locator('.resolve-button[data-label="positive"]').click();
    await pollUntil('the span to show its resolution', 30_000, async () => (/resolved as positive/.test(await spans.first().innerText()) ? true : undefined));

    // A window reload: the status bar shows the last figures again, and so does the restored panel.
    await reloadWindow(page);
    const reloaded = await waitForStatusBarText(page, `${after}/200 · `, 120_000);
    note(`status bar after the reload: "${reloaded}"`);
    const again = await pollUntil('the restored panel to show the estimate with its interval', 180_000, async () => {
      const t = (await webviewFrame(page).locator('#progress-accuracy').innerText().catch(() => '')).trim();
      return /\(95%: \d+%–\d+%\)/.test(t) ? t : undefined;
    });
    note(`progress accuracy after the reload: "${again}"`);
    note(`wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    await run.diagnose('progress-failure.png');
    throw e;
  } finally {
    await run.close();
  }
});
