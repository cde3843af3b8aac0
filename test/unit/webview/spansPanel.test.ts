import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AnswerCommand, UndoCommand, type PanelState, type SpanView } from '../../../src/protocol';
import { actionForKey, KEY_HELP, SPANS_KEY_HELP } from '../../../src/webview/keymap';
import { PanelModel } from '../../../src/webview/panelModel';
import { historyAnswer } from '../../../src/webview/decisionText';
import { FakeTransport, hostState, labelsOf, stateMsg } from './fakeTransport';

/**
 * The panel in a spans session (session.task = 'spans'): keys and clicks edit the entities of the
 * sentence on screen, Enter accepts them. Sentence i is "Ada Lovelace visited London i ." with
 * tokens [Ada, Lovelace, visited, London, i, .]; s1 comes with suggestions.
 */
const LABELS = ['PERSON', 'ORG', 'PLACE'];

function sentence(i: number): SpanView {
  const text = `Ada Lovelace visited London ${i} .`;
  const tokens = [...text.matchAll(/\S+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  return {
    id: `p${i}`,
    file: 'docs/people.txt',
    line: i,
    start: i * 40,
    end: i * 40 + text.length,
    text,
    before: '',
    after: '',
    tokens,
    suggestions: i === 1 ? [{ start: 0, end: 12, label: 'PERSON', confidence: 0.83 }, { start: 21, end: 27, label: 'ORG', confidence: 0.41 }] : undefined,
    why: { strategy: 'mnlp', score: 0.5, votes: {}, uncertainEntities: i === 1 ? [{ start: 21, end: 27, label: 'ORG', confidence: 0.41 }] : undefined },
  };
}

function spansState(from: number, to: number, extra: Partial<PanelState> = {}, allowOverlap = false): PanelState {
  const spans: SpanView[] = [];
  for (let i = from; i < to; i++) spans.push(sentence(i));
  const base = hostState(0, 0);
  return { ...base, session: { ...base.session, labels: labelsOf(LABELS), task: 'spans', allowOverlap }, current: spans[0] ?? null, queue: spans.slice(1), ...extra };
}

function spans(n = 6, allowOverlap = false): { model: PanelModel; t: FakeTransport } {
  const t = new FakeTransport();
  const model = new PanelModel(t);
  model.start();
  t.send(stateMsg(spansState(0, n, {}, allowOverlap)));
  return { model, t };
}

const answers = (t: FakeTransport): unknown[] => t.posted.filter((m) => AnswerCommand.is(m)).map((m) => m.params);
const entityTexts = (model: PanelModel): string[] => {
  const d = model.display;
  return (d.spans?.edit.entities ?? []).map((e) => `${e.label}:${d.current?.text.slice(e.start, e.end)}`);
};

describe('spans panel: keys', () => {
  test('Shift+→ extends, a digit labels the selection, Enter accepts the entities and advances', () => {
    const { model, t } = spans();
    assert.equal(model.handleKey({ key: 'ArrowRight' }), 'handled');
    assert.equal(model.handleKey({ key: 'ArrowRight', shiftKey: true }), 'handled');
    assert.equal(model.handleKey({ key: '1' }), 'handled');
    assert.equal(model.display.current?.id, 'p0', 'a label does not advance');
    assert.deepEqual(entityTexts(model), ['PERSON:Ada Lovelace']);
    model.handleKey({ key: 'ArrowRight' });
    model.handleKey({ key: 'ArrowRight' });
    model.handleKey({ key: '3' });
    assert.deepEqual(answers(t), [], 'nothing is sent before Enter');
    assert.equal(model.handleKey({ key: 'Enter' }), 'advanced');
    assert.deepEqual(answers(t), [
      {
        spanId: 'p0',
        label: null,
        answer: 'accept',
        entities: [
          { start: 0, end: 12, label: 'PERSON' },
          { start: 21, end: 27, label: 'PLACE' },
        ],
      },
    ]);
    assert.equal(model.display.current?.id, 'p1');
    assert.equal(model.display.spans?.edit.selection, null, 'the next sentence starts with nothing selected');
    assert.equal(historyAnswer(model.display.history[0]), 'PERSON “Ada Lovelace”, PLACE “London”');
  });

  test('Enter on a sentence with no entities sends an empty list: "no entities"', () => {
    const { model, t } = spans();
    model.handleKey({ key: 'Enter' });
    assert.deepEqual(answers(t), [{ spanId: 'p0', label: null, answer: 'accept', entities: [] }]);
    assert.equal(historyAnswer(model.display.history[0]), 'no entities');
    assert.equal(model.display.session.labeled, 11, 'an accepted sentence counts as labeled, as on the host');
  });

  test('suggestions are the starting answer; correct one (select its tag, other digit), remove one (Backspace), accept', () => {
    const { model, t } = spans();
    model.handleKey({ key: 'Enter' });
    assert.equal(model.display.current?.id, 'p1');
    assert.deepEqual(entityTexts(model), ['PERSON:Ada Lovelace', 'ORG:London']);
    assert.deepEqual(model.display.spans?.edit.entities.map((e) => e.confidence), [0.83, 0.41]);
    // Correct "London" from ORG to PLACE: select it (a click on its tag), press 3.
    model.selectEntity(1);
    model.handleKey({ key: '3' });
    assert.deepEqual(entityTexts(model), ['PERSON:Ada Lovelace', 'PLACE:London']);
    // Remove the person: click on one of its words, Backspace.
    model.selectToken(1, false);
    assert.deepEqual(model.display.spans?.selected, [0], 'a word of the entity designates it');
    assert.equal(model.handleKey({ key: 'Backspace' }), 'handled');
    assert.deepEqual(entityTexts(model), ['PLACE:London']);
    assert.equal(t.posted.filter((m) => UndoCommand.is(m)).length, 0, 'Backspace on an entity is not an undo');
    model.handleKey({ key: 'Enter' });
    assert.deepEqual(answers(t)[1], { spanId: 'p1', label: null, answer: 'accept', entities: [{ start: 21, end: 27, label: 'PLACE' }] });
  });

  test('Backspace with a selection on plain words does nothing; with nothing selected it undoes the last sentence', () => {
    const { model, t } = spans();
    model.handleKey({ key: 'Enter' });
    model.selectToken(2, false);
    assert.equal(model.handleKey({ key: 'Backspace' }), 'handled');
    assert.equal(model.display.current?.id, 'p1');
    assert.equal(t.posted.filter((m) => UndoCommand.is(m)).length, 0);
    assert.equal(model.handleKey({ key: 'Escape' }), 'handled', 'Escape clears the selection');
    assert.equal(model.display.spans?.edit.selection, null);
    assert.equal(model.handleKey({ key: 'Escape' }), 'ignored', 'nothing left for Escape: VS Code gets it');
    assert.equal(model.handleKey({ key: 'Backspace' }), 'advanced');
    assert.equal(t.posted.filter((m) => UndoCommand.is(m)).length, 1);
    assert.equal(model.display.current?.id, 'p0');
  });

  test('undo brings a sentence back with the entities it was accepted with, across sentences', () => {
    const { model } = spans();
    model.handleKey({ key: 'ArrowLeft' }); // the last token "."
    model.handleKey({ key: 'ArrowLeft' }); // "0"
    model.handleKey({ key: 'ArrowLeft' }); // London
    model.handleKey({ key: '3' });
    model.handleKey({ key: 'Enter' }); // p0: PLACE London
    model.handleKey({ key: 'Enter' }); // p1: its two suggestions
    model.handleKey({ key: 'Enter' }); // p2: none
    assert.equal(model.display.current?.id, 'p3');
    model.handleKey({ key: 'z', ctrlKey: true });
    assert.equal(model.display.current?.id, 'p2');
    assert.deepEqual(entityTexts(model), []);
    model.handleKey({ key: 'z', ctrlKey: true });
    assert.equal(model.display.current?.id, 'p1');
    assert.deepEqual(entityTexts(model), ['PERSON:Ada Lovelace', 'ORG:London'], 'the accepted suggestions come back');
    model.handleKey({ key: 'z', ctrlKey: true });
    assert.deepEqual(entityTexts(model), ['PLACE:London']);
    assert.equal(model.display.spans?.edit.entities[0].confidence, undefined);
  });

  test('a digit with nothing selected labels nothing and says how to select', () => {
    const { model, t } = spans();
    assert.equal(model.handleKey({ key: '1' }), 'handled');
    assert.deepEqual(entityTexts(model), []);
    assert.match(model.display.notice?.message ?? '', /Select a word first/);
    assert.deepEqual(answers(t), []);
  });

  test('overlap only where the session allows it', () => {
    for (const allow of [false, true]) {
      const { model } = spans(4, allow);
      model.selectToken(0, false);
      model.selectToken(1, true); // drag over "Ada Lovelace"
      model.handleKey({ key: '1' });
      model.selectToken(1, false);
      model.handleKey({ key: '2' }); // ORG on "Lovelace"
      assert.deepEqual(entityTexts(model), allow ? ['PERSON:Ada Lovelace', 'ORG:Lovelace'] : ['ORG:Lovelace'], `allowOverlap ${allow}`);
    }
  });

  test('a click on a label button labels the selection; the × of an entity removes it', () => {
    const { model } = spans();
    model.selectToken(3, false);
    model.answer('PLACE', 'accept'); // what a label button does
    assert.deepEqual(entityTexts(model), ['PLACE:London']);
    model.removeEntityAt(0);
    assert.deepEqual(entityTexts(model), []);
  });

  test('held arrows keep moving; a held Enter or Backspace does not act twice', () => {
    const { model, t } = spans();
    model.handleKey({ key: 'ArrowRight' });
    model.handleKey({ key: 'ArrowRight', shiftKey: true, repeat: true });
    model.handleKey({ key: 'ArrowRight', shiftKey: true, repeat: true });
    assert.deepEqual(model.display.spans?.edit.selection, { anchor: 0, focus: 2 });
    model.handleKey({ key: 'Enter' });
    model.handleKey({ key: 'Enter', repeat: true });
    assert.equal(answers(t).length, 1);
  });

  test('skip and reject still answer without entities', () => {
    const { model, t } = spans();
    model.handleKey({ key: 's' });
    model.handleKey({ key: 'x' });
    assert.deepEqual(answers(t), [
      { spanId: 'p0', label: null, answer: 'ignore' },
      { spanId: 'p1', label: null, answer: 'reject' },
    ]);
  });
});

describe('spans panel: the span on screen is the one answered', () => {
  test('a host state with newer suggestions does not change the entities on screen; Enter sends those', () => {
    const { model, t } = spans();
    model.handleKey({ key: 'Enter' });
    assert.deepEqual(entityTexts(model), ['PERSON:Ada Lovelace', 'ORG:London']);
    // A retrain re-picks: the host sends p1 again with other suggestions, and reorders.
    const next = spansState(1, 6);
    const p1 = { ...next.current!, suggestions: [{ start: 0, end: 3, label: 'ORG', confidence: 0.9 }] };
    t.send(stateMsg({ ...next, current: sentence(4), queue: [p1, sentence(2)] }));
    assert.equal(model.display.current?.id, 'p1', 'pinned');
    assert.deepEqual(entityTexts(model), ['PERSON:Ada Lovelace', 'ORG:London'], 'the answer on screen stays');
    model.handleKey({ key: 'Enter' });
    assert.deepEqual((answers(t)[1] as { entities: unknown }).entities, [
      { start: 0, end: 12, label: 'PERSON' },
      { start: 21, end: 27, label: 'ORG' },
    ]);
  });

  test('an edit survives a window reload (saved with the panel state)', () => {
    const { model, t } = spans();
    model.selectToken(3, false);
    model.handleKey({ key: '3' });
    model.perform({ kind: 'help' }); // anything that persists
    const t2 = new FakeTransport(t.saved);
    const reloaded = new PanelModel(t2);
    reloaded.start();
    t2.send(stateMsg(spansState(0, 6)));
    assert.deepEqual(entityTexts(reloaded), ['PLACE:London']);
  });

  test('classification sessions are unchanged: no spans state, arrows and Backspace as before', () => {
    const t = new FakeTransport();
    const model = new PanelModel(t);
    model.start();
    t.send(stateMsg(hostState(0, 5)));
    assert.equal(model.display.spans, null);
    assert.equal(model.handleKey({ key: 'ArrowRight' }), 'ignored');
    model.handleKey({ key: '1' });
    assert.equal(model.handleKey({ key: 'Backspace' }), 'advanced');
    assert.equal(t.posted.filter((m) => UndoCommand.is(m)).length, 1);
  });
});

describe('spans key map', () => {
  const labels = labelsOf(LABELS);
  test('arrows select and extend, Backspace removes an entity, digits and Enter as usual', () => {
    const spans = { spans: true };
    assert.deepEqual(actionForKey({ key: 'ArrowLeft' }, labels, spans), { kind: 'moveSelection', by: -1, extend: false });
    assert.deepEqual(actionForKey({ key: 'ArrowRight', shiftKey: true }, labels, spans), { kind: 'moveSelection', by: 1, extend: true });
    assert.deepEqual(actionForKey({ key: 'Backspace' }, labels, spans), { kind: 'deleteEntity' });
    assert.deepEqual(actionForKey({ key: '2' }, labels, spans), { kind: 'label', label: 'ORG' });
    assert.deepEqual(actionForKey({ key: 'Enter' }, labels, spans), { kind: 'acceptSuggestion' });
    assert.deepEqual(actionForKey({ key: 'z', ctrlKey: true }, labels, spans), { kind: 'undo' });
    assert.equal(actionForKey({ key: 'ArrowRight', ctrlKey: true }, labels, spans), undefined, 'word-jump chords stay VS Code’s');
    assert.equal(actionForKey({ key: 'ArrowRight' }, labels), undefined, 'classification: arrows are not the panel’s');
    assert.deepEqual(actionForKey({ key: 'Backspace' }, labels), { kind: 'undo' });
  });

  test('the spans help names the span keys and keeps the others', () => {
    const keys = SPANS_KEY_HELP.map((k) => k.keys);
    for (const k of ['← →', 'Shift+← →', '1 – 9', 'Backspace', 'Enter', 'Escape', 'Ctrl+Z', 's or Space', 'x', 'o', '?']) assert.ok(keys.includes(k), k);
    assert.equal(new Set(keys).size, keys.length, 'no key listed twice');
    assert.ok(KEY_HELP.every((k) => !k.keys.includes('←')), 'classification help unchanged');
  });
});
