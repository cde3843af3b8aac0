import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PanelModel } from '../../../src/webview/panelModel';
import { accuracyText } from '../../../src/webview/accuracyText';
import { FakeTransport, hostState, stateMsg } from './fakeTransport';

const counts = { news: 6, sports: 3, science: 1 };

function labeling(): { model: PanelModel; t: FakeTransport } {
  const t = new FakeTransport();
  const model = new PanelModel(t);
  model.start();
  t.send(stateMsg(hostState(0, 10, { session: { ...hostState(0, 0).session, labeled: 10, perLabel: counts, decided: 12, candidates: 400 } })));
  return { model, t };
}

describe('panel progress: per-label counts move with the optimistic answers', () => {
  test('labels pressed ahead of the host count in the header, per label and in the decided spans at once', () => {
    const { model } = labeling();
    model.handleKey({ key: '2' });
    model.handleKey({ key: '2' });
    model.handleKey({ key: 's' });
    const s = model.display.session;
    assert.equal(s.labeled, 12);
    assert.deepEqual({ ...s.perLabel }, { news: 6, sports: 5, science: 1 });
    assert.equal(s.decided, 15, 'a skip is decided, not labeled');
    assert.equal(s.candidates, 400);
  });

  test('an undo takes its label back out; the host confirming the answers leaves the same figures', () => {
    const { model, t } = labeling();
    model.handleKey({ key: '3' });
    model.handleKey({ key: '1' });
    model.handleKey({ key: 'Backspace' });
    assert.deepEqual({ ...model.display.session.perLabel }, { news: 6, sports: 3, science: 2 });
    assert.equal(model.display.session.decided, 13);
    // The host applied all three: its counts now hold them, nothing is pending.
    t.send(stateMsg(hostState(1, 10, { ackSeq: 3, session: { ...hostState(0, 0).session, labeled: 11, perLabel: { ...counts, science: 2 }, decided: 13 } })));
    assert.equal(model.display.pending, 0);
    assert.deepEqual({ ...model.display.session.perLabel }, { news: 6, sports: 3, science: 2 });
    assert.equal(model.display.session.labeled, 11);
    assert.equal(model.display.session.decided, 13);
  });

  test('a host without the new fields (older host) keeps working without them', () => {
    const t = new FakeTransport();
    const model = new PanelModel(t);
    model.start();
    t.send(stateMsg(hostState(0, 5)));
    model.handleKey({ key: '1' });
    assert.equal(model.display.session.labeled, 11);
    assert.equal(model.display.session.perLabel, undefined);
    assert.equal(model.display.session.decided, undefined);
  });
});

describe('panel progress: the accuracy text names its interval', () => {
  const base = hostState(0, 0).session;
  test('not yet, before an estimate', () => {
    assert.equal(accuracyText(base).text, 'not yet');
  });
  test('estimate with the 95 % Wilson interval, and what it is in the tooltip', () => {
    const a = accuracyText({ ...base, estimatedAccuracy: 0.75, accuracyInterval: { low: 0.598, high: 0.858, n: 40, level: 0.95 }, accuracyLabels: 40, rounds: 3 });
    assert.equal(a.text, '75.0% (95%: 60%–86%)');
    assert.match(a.title, /Cross-validated on 40 labels, round 3/);
    assert.match(a.title, /95% Wilson score interval over those 40 held-out predictions/);
  });
});
