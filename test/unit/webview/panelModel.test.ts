import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AnswerCommand, DismissContestedCommand, ResolveContestedCommand, ShowViewCommand, UndoCommand, type ContestedItem } from '../../../src/protocol';
import { HISTORY_SHOWN, PanelModel, type PanelDisplay } from '../../../src/webview/panelModel';
import { FakeTransport, hostState, labelsOf, span, stateMsg } from './fakeTransport';

function started(saved?: unknown): { model: PanelModel; t: FakeTransport } {
  const t = new FakeTransport(saved);
  const model = new PanelModel(t);
  model.start();
  return { model, t };
}

/** A model already showing host state [s0 .. s(n-1)]. */
function labeling(n = 10): { model: PanelModel; t: FakeTransport } {
  const r = started();
  r.t.send(stateMsg(hostState(0, n)));
  return r;
}

const ids = (d: PanelDisplay): string[] => [d.current?.id ?? '-', ...d.queue.map((s) => s.id)];

describe('panel start and restore', () => {
  test('posts ready (not restored) and waits for the host', () => {
    const { model, t } = started();
    assert.deepEqual(t.posted, [{ method: 'ready', params: { restored: false } }]);
    assert.equal(model.display.connected, false);
    assert.equal(model.display.current, null);
    assert.equal(t.listening, true);
  });

  test('adopts the host state when it arrives', () => {
    const { model } = labeling(3);
    assert.equal(model.display.connected, true);
    assert.deepEqual(ids(model.display), ['s0', 's1', 's2']);
    assert.equal(model.display.session.budget, 100);
  });

  test('a window reload restores the view, the queue position and the undo history from getState', () => {
    const first = labeling(6);
    first.model.handleKey({ key: '1' });
    first.model.handleKey({ key: '2' });
    first.model.handleKey({ key: 'c' });
    const saved = first.t.saved;
    assert.ok(saved !== undefined, 'state was saved');

    const second = started(saved);
    assert.deepEqual(second.t.posted[0], { method: 'ready', params: { restored: true } });
    assert.equal(second.model.wasRestored, true);
    const d = second.model.display;
    assert.equal(d.view, 'curve');
    assert.equal(d.connected, true);
    assert.deepEqual(ids(d), ['s2', 's3', 's4', 's5']);
    assert.deepEqual(
      d.history.map((h) => [h.span.id, h.label]),
      [
        ['s1', 'sports'],
        ['s0', 'news'],
      ],
    );
    // Undo still reaches the decisions made before the reload.
    second.model.showView('label');
    assert.equal(second.model.handleKey({ key: 'Backspace' }), 'advanced');
    assert.equal(second.model.display.current?.id, 's1');
    // Sequence numbers continue, so the host's ackSeq stays meaningful.
    assert.equal(second.t.last()?.id, 3);
  });

  test('a restored view survives the first host state that repeats the old view', () => {
    const first = labeling(3);
    first.model.handleKey({ key: 'v' });
    const second = started(first.t.saved);
    second.t.send(stateMsg(hostState(0, 3, { view: 'label' })));
    assert.equal(second.model.display.view, 'review');
  });

  test('saved state of another shape is ignored, not trusted', () => {
    for (const bad of [null, 42, 'x', { version: 2 }, { version: 1, host: { view: 'label' }, view: 'label', history: [], pending: [], resolved: [], nextSeq: 1, help: false }]) {
      const { model, t } = started(bad);
      assert.deepEqual(t.posted[0], { method: 'ready', params: { restored: false } }, JSON.stringify(bad));
      assert.equal(model.display.connected, false);
    }
  });

  test('malformed host messages are ignored', () => {
    const { model, t } = labeling(3);
    t.send(null);
    t.send({ method: 'state' });
    t.send({ method: 'state', params: { view: 'label' } });
    t.send({ method: 'state', params: { ...hostState(5, 6), queue: [{ id: 3 }] } });
    t.send({ method: 'state', params: { ...hostState(5, 6), view: 'elsewhere' } });
    t.send({ method: 'notice', params: { level: 'loud', message: 'x' } });
    t.send({ method: 'somethingElse', params: {} });
    assert.deepEqual(ids(model.display), ['s0', 's1', 's2']);
    assert.equal(model.display.notice, null);
  });

  test('notices from the host are shown until cleared', () => {
    const { model, t } = labeling(2);
    t.send({ method: 'notice', params: { level: 'warning', message: 'Budget spent' } });
    assert.deepEqual(model.display.notice, { level: 'warning', message: 'Budget spent' });
    model.clearNotice();
    assert.equal(model.display.notice, null);
  });
});

describe('keys to messages', () => {
  test('digits accept with the label bound to that key and advance at once', () => {
    const { model, t } = labeling(4);
    const seen: string[] = [];
    model.onChange((d) => seen.push(d.current?.id ?? '-'));
    assert.equal(model.handleKey({ key: '2' }), 'advanced');
    assert.deepEqual(t.last(), AnswerCommand.create({ spanId: 's0', label: 'sports', answer: 'accept' }, 1));
    // The next span is shown synchronously, before any reply from the host.
    assert.deepEqual(seen, ['s1']);
    assert.deepEqual(ids(model.display), ['s1', 's2', 's3']);
  });

  test('skip, reject, accept-the-guess map to the right answers', () => {
    const { model, t } = labeling(6);
    model.handleKey({ key: 's' });
    model.handleKey({ key: ' ' });
    model.handleKey({ key: 'x' });
    model.handleKey({ key: 'Enter' });
    const answers = t.posted.filter((m) => AnswerCommand.is(m)).map((m) => m.params);
    assert.deepEqual(answers, [
      { spanId: 's0', label: null, answer: 'ignore' },
      { spanId: 's1', label: null, answer: 'ignore' },
      // Reject says no to the model's guess for that span.
      { spanId: 's2', label: 'news', answer: 'reject' },
      { spanId: 's3', label: 'news', answer: 'accept' },
    ]);
    assert.equal(model.display.current?.id, 's4');
  });

  test('Enter does nothing when the model has no guess, or guesses a label not in the set', () => {
    const { model, t } = started();
    t.send(stateMsg({ ...hostState(0, 0), current: span(0), queue: [span(1, 'poetry')] }));
    assert.equal(model.handleKey({ key: 'Enter' }), 'ignored');
    model.handleKey({ key: '1' });
    assert.equal(model.handleKey({ key: 'Enter' }), 'ignored');
    assert.equal(t.posted.filter((m) => AnswerCommand.is(m)).length, 1);
  });

  test('no action when there is no current span', () => {
    const { model, t } = started();
    for (const key of ['1', 's', 'x', 'Enter', ' ', 'o', '/']) assert.equal(model.handleKey({ key }), 'ignored', key);
    t.send(stateMsg(hostState(0, 0)));
    assert.equal(model.display.current, null);
    for (const key of ['Enter', 'o', '/']) assert.equal(model.handleKey({ key }), 'ignored', key);
    assert.equal(model.display.notice, null);
    // A labeling key with nothing on screen is not sent, and the panel says so.
    for (const key of ['1', 's', 'x', ' ']) assert.equal(model.handleKey({ key }), 'handled', key);
    assert.match((model.display as PanelDisplay).notice?.message ?? '', /No span on screen: that key was not applied/);
    assert.deepEqual(t.methods(), ['ready']);
    // Panel-level keys still work.
    assert.equal(model.handleKey({ key: 'n' }), 'handled');
    assert.equal(model.handleKey({ key: 'r' }), 'handled');
    assert.deepEqual(t.methods(), ['ready', 'nextBatch', 'retrain']);
  });

  test('the last span of a batch leaves the panel empty, waiting for the host', () => {
    const { model } = labeling(1);
    model.handleKey({ key: '1' });
    assert.equal(model.display.current, null);
    assert.equal(model.handleKey({ key: '1' }), 'handled');
    assert.equal(model.display.notice?.level, 'warning');
  });

  test('digits with no label, chords and unknown keys are left to VS Code', () => {
    const { model, t } = labeling(3);
    for (const k of [{ key: '7' }, { key: '0' }, { key: '1', ctrlKey: true }, { key: '1', altKey: true }, { key: 'z', ctrlKey: true, shiftKey: true }, { key: 'F5' }, { key: 'q' }]) {
      assert.equal(model.handleKey(k), 'ignored', JSON.stringify(k));
    }
    assert.deepEqual(t.methods(), ['ready']);
  });

  test('a held key does not label span after span', () => {
    const { model, t } = labeling(5);
    model.handleKey({ key: '1' });
    assert.equal(model.handleKey({ key: '1', repeat: true }), 'handled');
    assert.equal(model.handleKey({ key: '1', repeat: true }), 'handled');
    assert.equal(t.posted.filter((m) => AnswerCommand.is(m)).length, 1);
    assert.equal(model.display.current?.id, 's1');
  });

  test('o opens the current span, r retrains, n asks for the next batch', () => {
    const { model, t } = labeling(3);
    model.handleKey({ key: 'o' });
    model.handleKey({ key: 'r' });
    model.handleKey({ key: 'n' });
    assert.deepEqual(t.posted.slice(1), [
      { method: 'openSource', params: { spanId: 's0' } },
      { method: 'retrain', params: {} },
      { method: 'nextBatch', params: {} },
    ]);
  });

  test('labeling continues while the host retrains', () => {
    const { model, t } = started();
    t.send(stateMsg(hostState(0, 4, { busy: { retraining: true, message: 'Retraining…' } })));
    assert.equal(model.display.retraining, true);
    assert.equal(model.handleKey({ key: '1' }), 'advanced');
    assert.equal(model.display.current?.id, 's1');
  });
});

describe('undo', () => {
  test('Backspace and Ctrl+Z (or Cmd+Z) undo; the undone span comes back as current', () => {
    const { model, t } = labeling(5);
    model.handleKey({ key: '1' });
    model.handleKey({ key: '2' });
    model.handleKey({ key: '3' });
    assert.equal(model.handleKey({ key: 'Backspace' }), 'advanced');
    assert.equal(model.display.current?.id, 's2');
    assert.equal(model.handleKey({ key: 'z', ctrlKey: true }), 'advanced');
    assert.equal(model.display.current?.id, 's1');
    assert.equal(model.handleKey({ key: 'Z', metaKey: true }), 'advanced');
    assert.equal(model.display.current?.id, 's0');
    assert.deepEqual(ids(model.display), ['s0', 's1', 's2', 's3', 's4']);
    assert.deepEqual(
      t.posted.filter((m) => UndoCommand.is(m)).map((m) => m.id),
      [4, 5, 6],
    );
    // Nothing left to undo.
    assert.equal(model.handleKey({ key: 'Backspace' }), 'ignored');
  });

  test('undo reaches back at least 20 decisions', () => {
    const n = 25;
    const { model, t } = labeling(n + 1);
    for (let i = 0; i < n; i++) model.handleKey({ key: String((i % 3) + 1) });
    assert.equal(model.display.current?.id, `s${n}`);
    assert.equal(model.display.history.length, HISTORY_SHOWN);
    assert.ok(model.display.undoDepth >= 20);
    for (let i = n - 1; i >= 0; i--) {
      assert.equal(model.handleKey({ key: 'Backspace' }), 'advanced', `undo #${n - i}`);
      assert.equal(model.display.current?.id, `s${i}`);
    }
    assert.equal(t.posted.filter((m) => UndoCommand.is(m)).length, n);
  });

  test('after a reload with no local history, undo is still sent when the host can undo', () => {
    const { model, t } = started();
    t.send(stateMsg(hostState(3, 5, { undoDepth: 2 })));
    assert.equal(model.display.canUndo, true);
    assert.equal(model.handleKey({ key: 'Backspace' }), 'handled');
    assert.equal(t.last()?.method, 'undo');
    assert.equal(model.display.current?.id, 's3', 'unchanged until the host answers');
    t.send(stateMsg(hostState(2, 5, { undoDepth: 1, ackSeq: 1 })));
    assert.equal(model.display.current?.id, 's2');
  });

  test('the host decides how far back undo reaches', () => {
    const { model, t } = labeling(6);
    for (let i = 0; i < 4; i++) model.handleKey({ key: '1' });
    t.send(stateMsg(hostState(4, 6, { undoDepth: 2, ackSeq: 4 })));
    assert.equal(model.display.history.length, 2);
    model.handleKey({ key: 'Backspace' });
    model.handleKey({ key: 'Backspace' });
    t.send(stateMsg(hostState(2, 6, { undoDepth: 0, ackSeq: 6 })));
    assert.equal(model.display.canUndo, false);
    assert.equal(model.handleKey({ key: 'Backspace' }), 'ignored');
  });
});

describe('reconciling with the host', () => {
  test('with ackSeq, local decisions the host has not seen stay applied', () => {
    const { model, t } = labeling(8);
    model.handleKey({ key: '1' });
    model.handleKey({ key: '1' });
    model.handleKey({ key: '1' });
    assert.equal(model.display.current?.id, 's3');
    // The host has applied only the first answer.
    t.send(stateMsg(hostState(1, 8, { ackSeq: 1, undoDepth: 1, session: { ...hostState(0, 0).session, labeled: 11 } })));
    assert.deepEqual(ids(model.display), ['s3', 's4', 's5', 's6', 's7']);
    assert.equal(model.display.pending, 2);
    assert.equal(model.display.session.labeled, 13);
    assert.equal(model.display.undoDepth, 3);
    t.send(stateMsg(hostState(3, 8, { ackSeq: 3, undoDepth: 3, session: { ...hostState(0, 0).session, labeled: 13 } })));
    assert.deepEqual(ids(model.display), ['s3', 's4', 's5', 's6', 's7']);
    assert.equal(model.display.pending, 0);
    assert.equal(model.display.session.labeled, 13);
  });

  test('without ackSeq, spans still in the host queue mark the answers it has not applied', () => {
    const { model, t } = labeling(8);
    model.handleKey({ key: '1' });
    model.handleKey({ key: '2' });
    // A busy update sent before the host read either answer.
    t.send(stateMsg(hostState(0, 8, { busy: { retraining: true } })));
    assert.equal(model.display.current?.id, 's2');
    assert.equal(model.display.pending, 2);
    t.send(stateMsg(hostState(1, 8)));
    assert.equal(model.display.current?.id, 's2');
    assert.equal(model.display.pending, 1);
    t.send(stateMsg(hostState(2, 8)));
    assert.equal(model.display.current?.id, 's2');
    assert.equal(model.display.pending, 0);
  });

  test('a new batch from the host replaces the queue', () => {
    const { model, t } = labeling(2);
    model.handleKey({ key: '1' });
    model.handleKey({ key: '1' });
    assert.equal(model.display.current, null);
    t.send(stateMsg(hostState(50, 53, { ackSeq: 2 })));
    assert.deepEqual(ids(model.display), ['s50', 's51', 's52']);
  });

  test('an undo the host has not seen keeps the restored span current', () => {
    const { model, t } = labeling(5);
    model.handleKey({ key: '1' });
    model.handleKey({ key: 'Backspace' });
    t.send(stateMsg(hostState(1, 5, { ackSeq: 1, undoDepth: 1, session: { ...hostState(0, 0).session, labeled: 11 } })));
    assert.deepEqual(ids(model.display), ['s0', 's1', 's2', 's3', 's4']);
    assert.equal(model.display.session.labeled, 10, 'the local undo cancels the confirmed label in the count');
    t.send(stateMsg(hostState(0, 5, { ackSeq: 2, undoDepth: 0 })));
    assert.deepEqual(ids(model.display), ['s0', 's1', 's2', 's3', 's4']);
  });

  test('only accepted labels count toward the budget, as on the host', () => {
    const { model } = labeling(4);
    model.handleKey({ key: 's' });
    model.handleKey({ key: '1' });
    model.handleKey({ key: 'x' });
    assert.equal(model.display.session.labeled, 11);
    model.handleKey({ key: 'Backspace' });
    model.handleKey({ key: 'Backspace' });
    assert.equal(model.display.session.labeled, 10);
  });

  test('sequence numbers continue past the host ackSeq', () => {
    const { model, t } = started();
    t.send(stateMsg(hostState(0, 3, { ackSeq: 41 })));
    model.handleKey({ key: '1' });
    assert.equal(t.last()?.id, 42);
  });
});

describe('views, help and the label finder', () => {
  test('view keys switch locally and tell the host; labeling keys only act in the label view', () => {
    const { model, t } = labeling(3);
    assert.equal(model.handleKey({ key: 'c' }), 'handled');
    assert.equal(model.display.view, 'curve');
    assert.deepEqual(t.last(), ShowViewCommand.create({ view: 'curve' }));
    assert.equal(model.handleKey({ key: '1' }), 'ignored');
    assert.equal(model.display.current?.id, 's0');
    // A state that repeats the host's old view does not undo the user's switch...
    t.send(stateMsg(hostState(0, 3, { view: 'label' })));
    assert.equal(model.display.view, 'curve');
    // ...but the host can switch views on purpose (e.g. "Show Learning Curve").
    t.send(stateMsg(hostState(0, 3, { view: 'review' })));
    assert.equal(model.display.view, 'review');
    model.handleKey({ key: 'l' });
    assert.equal(model.display.view, 'label');
    assert.equal(model.handleKey({ key: '1' }), 'advanced');
  });

  test('? toggles help, Escape closes it, labeling keys keep working meanwhile', () => {
    const { model } = labeling(3);
    model.handleKey({ key: '?' });
    assert.equal(model.display.help, true);
    assert.equal(model.handleKey({ key: '1' }), 'advanced');
    assert.equal(model.handleKey({ key: 'Escape' }), 'handled');
    assert.equal(model.display.help, false);
    assert.equal(model.handleKey({ key: 'Escape' }), 'ignored');
  });

  test('labels past the ninth have no digit and are reached with / and typing', () => {
    const names = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'poetry', 'politics'];
    const { model, t } = started();
    t.send(stateMsg({ ...hostState(0, 3), session: { ...hostState(0, 0).session, labels: labelsOf(names) } }));
    assert.equal(model.handleKey({ key: '/' }), 'handled');
    assert.equal(model.display.search?.matches.length, 11);
    for (const key of 'po') model.handleKey({ key });
    assert.deepEqual(
      model.display.search?.matches.map((m) => m.name),
      ['poetry', 'politics'],
    );
    // While the finder is open, digits and letters type instead of labeling.
    model.handleKey({ key: 'ArrowDown' });
    assert.equal(model.handleKey({ key: 'Enter' }), 'advanced');
    assert.deepEqual(t.last(), AnswerCommand.create({ spanId: 's0', label: 'politics', answer: 'accept' }, 1));
    const finder = (): PanelDisplay['search'] => model.display.search;
    assert.equal(finder(), null);
    model.handleKey({ key: '/' });
    model.handleKey({ key: 'z' });
    model.handleKey({ key: '1' });
    assert.equal(finder()?.query, 'z1', 'a digit types into the finder');
    assert.equal(finder()?.matches.length, 0);
    assert.equal(model.handleKey({ key: 'Enter' }), 'ignored');
    model.handleKey({ key: 'Backspace' });
    model.handleKey({ key: 'Backspace' });
    assert.equal(finder()?.matches.length, 11);
    model.handleKey({ key: 'Escape' });
    assert.equal(finder(), null);
    assert.equal(t.posted.filter((m) => AnswerCommand.is(m)).length, 1);
  });

  test('resolving a contested span posts it and hides it until the host drops it', () => {
    const contested: ContestedItem[] = [
      { span: span(7), reason: 'committee', detail: { news: 3, sports: 2 } },
      { span: span(8), reason: 'annotators', detail: { ann: 'news', bob: 'sports' } },
    ];
    const { model, t } = started();
    t.send(stateMsg(hostState(0, 2, { contested, view: 'review' })));
    assert.equal(model.resolveContested('s7', 'nonsense'), 'ignored');
    assert.equal(model.resolveContested('s99', 'news'), 'ignored');
    assert.equal(model.resolveContested('s8', 'sports'), 'handled');
    assert.deepEqual(t.last(), ResolveContestedCommand.create({ spanId: 's8', label: 'sports' }));
    assert.deepEqual(
      model.display.contested.map((c) => c.span.id),
      ['s7'],
    );
    t.send(stateMsg(hostState(0, 2, { contested, view: 'review' })));
    assert.equal(model.display.contested.length, 1, 'still hidden while the host has not applied it');
    t.send(stateMsg(hostState(0, 2, { contested: [contested[0]], view: 'review' })));
    t.send(stateMsg(hostState(0, 2, { contested, view: 'review' })));
    assert.equal(model.display.contested.length, 2, 'contested again later: shown again');
  });

  test('dismissing an orphaned label posts it and hides it at once', () => {
    const contested: ContestedItem[] = [
      { span: span(7), reason: 'committee', detail: { news: 3, sports: 2 } },
      { span: span(9), reason: 'orphan', detail: { label: 'news', annotator: 'ann', problem: 'file-missing' } },
    ];
    const { model, t } = started();
    t.send(stateMsg(hostState(0, 2, { contested, view: 'review' })));
    assert.equal(model.dismissContested('s99'), 'ignored');
    assert.equal(model.dismissContested('s9'), 'handled');
    assert.deepEqual(t.last(), DismissContestedCommand.create({ spanId: 's9' }));
    assert.deepEqual(model.display.contested.map((c) => c.span.id), ['s7']);
    t.send(stateMsg(hostState(0, 2, { contested: [contested[0]], view: 'review' })));
    assert.deepEqual(model.display.contested.map((c) => c.span.id), ['s7']);
  });
});

describe('the span on screen is the span a key labels (fast typing across retrains)', () => {
  const answered = (t: FakeTransport): string[] =>
    t.posted.filter((m) => AnswerCommand.is(m)).map((m) => (m.params as { spanId: string }).spanId);

  test('a host state that reorders or trims its queue does not replace the span on screen', () => {
    const { model, t } = labeling(10);
    model.handleKey({ key: '1' });
    t.send(stateMsg(hostState(1, 10, { ackSeq: 1, sessionId: 'one' })));
    // Four keys back to back: the host has seen none of them when its retrain ends.
    for (let i = 0; i < 4; i++) model.handleKey({ key: '1' });
    assert.equal(shown(model), 's5');
    // After the retrain the host kept its first three (s1..s3) and picked s20.. behind them.
    const retrained = hostState(20, 26, { ackSeq: 1, sessionId: 'one' });
    t.send(stateMsg({ ...retrained, current: span(1, 'news'), queue: [span(2), span(3), ...spansOf(retrained)] }));
    assert.equal(shown(model), 's5', 'the span on screen stays');
    // Even a state that puts it last, or leaves it out, does not move it.
    t.send(stateMsg(hostState(20, 26, { ackSeq: 5, sessionId: 'one' })));
    assert.equal(shown(model), 's5');
    assert.equal(model.handleKey({ key: '2' }), 'advanced');
    assert.deepEqual(answered(t), ['s0', 's1', 's2', 's3', 's4', 's5'], 'each key labeled the span shown when it arrived');
    assert.equal((t.last()?.params as { label: string }).label, 'sports');
    assert.equal(shown(model), 's20', 'then the host order goes on');
  });

  test('the panel never shows an empty state while it holds unanswered spans; no key is lost', () => {
    const { model, t } = labeling(6);
    model.handleKey({ key: '1' });
    t.send(stateMsg(hostState(1, 6, { ackSeq: 1, sessionId: 'one' })));
    for (let i = 0; i < 3; i++) model.handleKey({ key: '1' });
    assert.equal(shown(model), 's4');
    // The retrain trimmed the host's queue to s1..s3 (answered here already); its refill is on the way.
    t.send(stateMsg(hostState(1, 4, { ackSeq: 1, sessionId: 'one' })));
    assert.equal(shown(model), 's4');
    assert.equal(model.handleKey({ key: '3' }), 'advanced');
    assert.equal(shown(model), 's5', 'a span received earlier is shown, not "no span"');
    assert.equal(model.handleKey({ key: '2' }), 'advanced');
    assert.deepEqual(answered(t), ['s0', 's1', 's2', 's3', 's4', 's5']);
    // Nothing left here and nothing from the host: now it is empty, until the refill arrives.
    assert.equal(shown(model), undefined);
    t.send(stateMsg(hostState(30, 35, { ackSeq: 6, sessionId: 'one' })));
    assert.equal(shown(model), 's30');
    // Answered spans never come back from the spare ones.
    t.send(stateMsg(hostState(0, 0, { ackSeq: 6, sessionId: 'one' })));
    assert.equal(shown(model), 's30');
    model.handleKey({ key: '1' });
    assert.ok(!['s0', 's1', 's2', 's3', 's4', 's5'].includes(shown(model) ?? ''), shown(model));
  });

  test('an undo brings its span back in front of the one on screen', () => {
    const { model, t } = labeling(6);
    model.handleKey({ key: '1' });
    model.handleKey({ key: '2' });
    assert.equal(shown(model), 's2');
    model.handleKey({ key: 'Backspace' });
    assert.equal(shown(model), 's1');
    t.send(stateMsg(hostState(1, 6, { ackSeq: 3, undoDepth: 1 })));
    assert.equal(shown(model), 's1');
    model.handleKey({ key: '3' });
    assert.equal(shown(model), 's2');
    assert.deepEqual(answered(t), ['s0', 's1', 's1']);
  });

  test('a new host session (restart, reload) releases the span on screen and the spare ones', () => {
    const { model, t } = started();
    t.send(stateMsg(hostState(0, 5, { sessionId: 'one' })));
    model.handleKey({ key: '1' });
    assert.equal(shown(model), 's1');
    // The restart's loading state (no session yet), then the new session's first state.
    t.send(stateMsg(hostState(0, 0)));
    assert.equal(shown(model), undefined, 'the old session\'s spans are not shown to the new one');
    t.send(stateMsg(hostState(40, 43, { sessionId: 'two' })));
    assert.equal(shown(model), 's40');
  });

  test('a reload keeps the span on screen for the same host session, not for another', () => {
    const first = labeling(6);
    first.t.send(stateMsg(hostState(0, 6, { sessionId: 'one' })));
    first.model.handleKey({ key: '1' });
    first.model.handleKey({ key: '1' });
    first.t.send(stateMsg(hostState(20, 25, { ackSeq: 2, sessionId: 'one' })));
    assert.equal(shown(first.model), 's2');
    const same = started(first.t.saved);
    assert.equal(shown(same.model), 's2', 'restored as it was');
    same.t.send(stateMsg(hostState(20, 25, { ackSeq: 2, sessionId: 'one' })));
    assert.equal(shown(same.model), 's2');
    const other = started(first.t.saved);
    other.t.send(stateMsg(hostState(20, 25, { sessionId: 'two' })));
    assert.equal(shown(other.model), 's20');
  });

  test('resolving the span on screen in the review view moves on', () => {
    const { model, t } = labeling(4);
    const item: ContestedItem = { span: span(0), reason: 'committee', detail: { news: 3 } };
    t.send(stateMsg(hostState(0, 4, { contested: [item] })));
    assert.equal(model.resolveContested('s0', 'news'), 'handled');
    assert.equal(shown(model), 's1');
  });
});

function spansOf(s: { current: ReturnType<typeof span> | null; queue: readonly ReturnType<typeof span>[] }): ReturnType<typeof span>[] {
  return s.current === null ? [...s.queue] : [s.current, ...s.queue];
}

/** The id of the span the panel shows (read through a call, so no assertion narrows it). */
function shown(model: PanelModel): string | undefined {
  return model.display.current?.id;
}

describe('multi-label sessions (labelwise.multiLabel)', () => {
  /** Host state in a multi-label session; s1 comes with the model's guess "news + science". */
  function multi(n = 5): { model: PanelModel; t: FakeTransport } {
    const r = started();
    const base = hostState(0, n);
    const spans = [base.current!, ...base.queue].map((s, i) => (i === 1 ? { ...s, why: { ...s.why, predictedLabels: ['science', 'news'] } } : s));
    r.t.send(stateMsg({ ...base, session: { ...base.session, multiLabel: true }, current: spans[0], queue: spans.slice(1) }));
    return r;
  }
  const answers = (t: FakeTransport): unknown[] => t.posted.filter((m) => AnswerCommand.is(m)).map((m) => m.params);

  test('digit keys toggle labels (shown, nothing sent); Enter accepts the set in label order and advances', () => {
    const { model, t } = multi();
    assert.deepEqual(model.display.toggled, []);
    assert.equal(model.handleKey({ key: '3' }), 'handled');
    assert.equal(model.handleKey({ key: '1' }), 'handled');
    assert.deepEqual(model.display.toggled, ['news', 'science']);
    assert.equal(model.display.current?.id, 's0', 'a toggle does not advance');
    assert.deepEqual(answers(t), []);
    model.handleKey({ key: '3' });
    assert.deepEqual(model.display.toggled, ['news'], 'a second press turns it off');
    model.handleKey({ key: '2' });
    assert.equal(model.handleKey({ key: 'Enter' }), 'advanced');
    assert.deepEqual(answers(t), [{ spanId: 's0', label: null, answer: 'accept', labels: ['news', 'sports'] }]);
    assert.equal(model.display.history[0].labels?.join('+'), 'news+sports');
  });

  test("a span starts with the model's guess toggled on; Enter with nothing on accepts the empty set", () => {
    const { model, t } = multi();
    model.handleKey({ key: 'Enter' }); // s0: no guess, nothing toggled → "no label applies"
    assert.deepEqual(model.display.current?.id, 's1');
    assert.deepEqual(model.display.toggled, ['news', 'science']);
    model.handleKey({ key: '1' });
    model.handleKey({ key: 'Enter' });
    assert.deepEqual(answers(t), [
      { spanId: 's0', label: null, answer: 'accept', labels: [] },
      { spanId: 's1', label: null, answer: 'accept', labels: ['science'] },
    ]);
    // Toggles belong to their span: the next one starts fresh, and undo brings s1 back from its guess.
    assert.deepEqual(model.display.toggled, []);
    model.handleKey({ key: 'Backspace' });
    assert.equal(model.display.current?.id, 's1');
    assert.deepEqual(model.display.toggled, ['news', 'science']);
  });

  test('skip and reject work as in single-label sessions; a toggled label counts once the set is accepted', () => {
    const { model, t } = multi();
    const before = model.display.session.labeled;
    model.handleKey({ key: '2' });
    model.handleKey({ key: 's' });
    model.handleKey({ key: 'x' });
    assert.deepEqual(answers(t), [
      { spanId: 's0', label: null, answer: 'ignore' },
      { spanId: 's1', label: 'news', answer: 'reject' },
    ]);
    assert.equal(model.display.session.labeled, before);
    model.handleKey({ key: 'Enter' });
    assert.equal(model.display.session.labeled, before + 1);
  });

  test('single-label sessions are unchanged: nothing is ever toggled', () => {
    const { model, t } = labeling(3);
    model.handleKey({ key: '1' });
    assert.deepEqual(model.display.toggled, []);
    assert.deepEqual(answers(t), [{ spanId: 's0', label: 'news', answer: 'accept' }]);
  });
});
