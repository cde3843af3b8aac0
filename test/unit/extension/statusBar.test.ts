import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderStatus, StatusBar, STATUS_COMMAND, type StatusInfo } from '../../../src/extension/statusBar';
import { FakeSurface, type FakeColor, type FakeMarkdown } from './fakeSurface';

const base: StatusInfo = { labeled: 37, budget: 200, active: true, retraining: false, annotator: 'ann', strategy: 'meta', provider: 'cpu', spans: 500, rounds: 2 };

describe('status bar', () => {
  test('shows label budget progress with the tag icon', () => {
    assert.equal(renderStatus(base).text, '$(tag) 37/200');
  });

  test('adds the estimated accuracy once it is known', () => {
    assert.equal(renderStatus({ ...base, estimatedAccuracy: 0.814 }).text, '$(tag) 37/200 · 81%');
    assert.match(renderStatus({ ...base, estimatedAccuracy: 0.814 }).tooltip, /Estimated accuracy: \*\*81%\*\*/);
    assert.match(renderStatus(base).tooltip, /Estimated accuracy: not yet/);
  });

  test('warning background exactly when the budget is spent', () => {
    assert.equal(renderStatus({ ...base, labeled: 199 }).warning, false);
    assert.equal(renderStatus({ ...base, labeled: 200 }).warning, true);
    assert.equal(renderStatus({ ...base, labeled: 250 }).warning, true);
    assert.match(renderStatus({ ...base, labeled: 200 }).tooltip, /budget spent/);
  });

  test('tooltip details: strategy, annotator, spans, device; a spinner while retraining', () => {
    const r = renderStatus({ ...base, retraining: true });
    assert.match(r.text, /\$\(sync~spin\)$/);
    for (const part of ['Strategy: meta', 'Annotator: ann', 'Candidate spans: 500', 'Encoder on: CPU', 'Retrain rounds: 2', 'Retraining in the background']) {
      assert.ok(r.tooltip.includes(part), `tooltip lacks "${part}":\n${r.tooltip}`);
    }
    assert.match(renderStatus({ ...base, active: false }).tooltip, /start a labeling session/);
  });

  test('applies text, markdown tooltip, theme colour and click command to the item', () => {
    const surface = new FakeSurface();
    const bar = new StatusBar(surface);
    const item = surface.items[0];
    assert.equal(item.command, STATUS_COMMAND);
    bar.update({ ...base, labeled: 4 });
    assert.equal(item.text, '$(tag) 4/200');
    assert.equal(item.visible, true);
    assert.equal(item.backgroundColor, undefined);
    assert.match((item.tooltip as FakeMarkdown).markdown, /4 of 200 labels/);
    bar.update({ ...base, labeled: 200, budget: 200 });
    assert.deepEqual(item.backgroundColor as FakeColor | undefined, { themeColor: 'statusBarItem.warningBackground' });
    bar.update({ ...base, labeled: 3 });
    assert.equal(item.backgroundColor, undefined);
  });
});
