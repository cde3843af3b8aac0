import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LabelEvent } from '../../../src/core/store/events';
import { colorSlot, decorationSlot, planDecorations } from '../../../src/extension/decorationPlan';
import { LABEL_COLOR_COUNT, labelColorSlot } from '../../../src/protocol';

function ev(over: Partial<LabelEvent> & { text: string; start: number }): LabelEvent {
  return {
    id: `id-${over.start}`,
    source: { file: 'a.txt', start: over.start, end: over.start + over.text.length },
    label: 'news',
    spans: [],
    answer: 'accept',
    annotator: 'kim',
    strategy: 'margin',
    score: 0.25,
    ts: '2026-11-23T10:00:00.000Z',
    ...over,
  };
}

describe('decorations of labeled spans', () => {
  const text = 'First sentence here. Second one there. Third.';

  test('labeled spans of the file are placed, with label, annotator and time in the hover', () => {
    const plan = planDecorations([ev({ text: 'Second one there.', start: 21 }), ev({ text: 'x', start: 0, source: { file: 'b.txt', start: 0, end: 1 } })], 'a.txt', text);
    assert.equal(plan.length, 1);
    assert.deepEqual({ start: plan[0].start, end: plan[0].end, label: plan[0].label }, { start: 21, end: 38, label: 'news' });
    assert.match(plan[0].hover, /\*\*news\*\* · labeled by kim · 2026\\-11\\-23 10:00:00 UTC/);
    assert.match(plan[0].hover, /chosen by margin \(score 0\.250\)/);
  });

  test('after an edit the span is found again by its text; a vanished span is not drawn', () => {
    const edited = 'New intro. ' + text;
    const plan = planDecorations([ev({ text: 'Second one there.', start: 21 }), ev({ text: 'Gone sentence.', start: 0 })], 'a.txt', edited);
    assert.deepEqual(plan.map((p) => [p.start, p.end]), [[32, 49]]);
  });

  test('in a JSONL file the highlight covers the record text in the raw JSON line, through its escapes', () => {
    const records = [{ text: 'Warm-up line.' }, { id: 7, text: 'He said "stop", then left\\right é.' }];
    const doc = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const text = records[1].text;
    const stored = ev({ text, start: 0, id: 'r2', source: { file: 'd.jsonl', start: 0, end: text.length, line: 1 } });
    const plan = planDecorations([stored], 'd.jsonl', doc);
    assert.equal(plan.length, 1);
    assert.equal(doc.slice(plan[0].start, plan[0].end), JSON.stringify(text).slice(1, -1));
    // A record inserted above: found again on its new line.
    const moved = planDecorations([stored], 'd.jsonl', '{"text": "New first."}\n' + doc);
    assert.equal(moved.length, 1);
    assert.equal(('{"text": "New first."}\n' + doc).slice(moved[0].start, moved[0].end), JSON.stringify(text).slice(1, -1));
  });

  test('"2." is drawn on the sentence "2.", never on the "2." inside "12.405" now at its old offset', () => {
    const before = 'Intro here.\n\n2.\n\nEnd.\n';
    const stored = ev({ text: '2.', start: before.indexOf('2.') });
    const after = 'The values: 12.405 seen.\n\n2.\n\nEnd.\n';
    assert.equal(after.slice(stored.source.start, stored.source.end), '2.', 'fixture: the old offset now holds the "2." of 12.405');
    const plan = planDecorations([stored], 'a.txt', after);
    assert.deepEqual(plan.map((p) => [p.start, p.end]), [[after.indexOf('\n2.') + 1, after.indexOf('\n2.') + 3]]);
  });

  test('skips, rejects and undone decisions are not highlighted', () => {
    const plan = planDecorations([ev({ text: 'Third.', start: 39, answer: 'ignore', label: null }), ev({ text: 'First sentence here.', start: 0, answer: 'reject', label: null })], 'a.txt', text);
    assert.deepEqual(plan, []);
  });

  test('each label keeps its colour: its place in the label set, a stable hash otherwise', () => {
    assert.equal(colorSlot('b', ['a', 'b'], 6), 1);
    assert.equal(colorSlot('h', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], 6), 1);
    assert.equal(colorSlot('zzz', [], 6), colorSlot('zzz', [], 6));
    assert.ok(colorSlot('zzz', [], 6) < 6);
  });
});

describe('decorations of multi-label and rejected decisions', () => {
  const text = 'First sentence here. Second one there. Third.';
  test('a label set is drawn in its first label, the hover lists the set; an empty set and a reject are not drawn', () => {
    const plan = planDecorations(
      [
        ev({ text: 'Second one there.', start: 21, label: null, labels: ['news', 'sport'] }),
        ev({ text: 'First sentence here.', start: 0, label: null, labels: [] }),
        ev({ text: 'Third.', start: 39, answer: 'reject' }),
      ],
      'a.txt',
      text,
    );
    assert.deepEqual(plan.map((p) => [p.start, p.label]), [[21, 'news']]);
    assert.match(plan[0].hover, /\*\*news\*\* \+ \*\*sport\*\*|\*\*news \+ sport\*\*/);
  });
});

describe('entity decorations (labelwise.task = spans)', () => {
  const text = 'First sentence here. Alice flew to Paris today. Third.';
  const sentence = 'Alice flew to Paris today.';
  const at = text.indexOf(sentence);
  const entityEvent = (start: number, spans: LabelEvent['spans']): LabelEvent => ev({ text: sentence, start, label: null, spans, annotator: 'kim' });
  const spans = [
    { start: 0, end: 5, label: 'PERSON' },
    { start: 14, end: 19, label: 'PLACE' },
  ];

  test('each entity is drawn over its own text, with its label and annotator in the hover', () => {
    const plan = planDecorations([entityEvent(at, spans)], 'a.txt', text);
    assert.deepEqual(plan.map((p) => [text.slice(p.start, p.end), p.label, p.entity]), [['Alice', 'PERSON', true], ['Paris', 'PLACE', true]]);
    assert.match(plan[0].hover, /\*\*PERSON\*\* · entity "Alice" · labeled by kim/);
    assert.match(plan[1].hover, /\*\*PLACE\*\* · entity "Paris"/);
  });

  test('a moved sentence keeps its entities: offsets are relative to its text', () => {
    const edited = 'A new first sentence. ' + text;
    const plan = planDecorations([entityEvent(at, spans)], 'a.txt', edited);
    assert.deepEqual(plan.map((p) => edited.slice(p.start, p.end)), ['Alice', 'Paris']);
  });

  test('in a JSONL record an entity after a JSON escape is drawn on its raw characters', () => {
    const text = 'He said "stop" to Bob.';
    const doc = JSON.stringify({ text }) + '\n';
    const at = text.indexOf('Bob');
    const stored = ev({ text, start: 0, label: null, spans: [{ start: at, end: at + 3, label: 'PERSON' }], source: { file: 'd.jsonl', start: 0, end: text.length, line: 0 } });
    const plan = planDecorations([stored], 'd.jsonl', doc);
    assert.deepEqual(plan.map((p) => doc.slice(p.start, p.end)), ['Bob']);
  });

  test('a sentence answered "no entities" draws nothing; an undone one neither', () => {
    assert.deepEqual(planDecorations([entityEvent(at, [])], 'a.txt', text), []);
    assert.deepEqual(planDecorations([{ ...entityEvent(at, spans), undo: true }], 'a.txt', text), []);
  });

  test('entity colours follow labelwise.spanLabels: the slot of the label\'s position, as the panel legend', () => {
    const labels = ['PLACE', 'sport'];
    const spanLabels = ['PERSON', 'ORG', 'PLACE'];
    const plan = planDecorations([entityEvent(at, spans)], 'a.txt', text);
    const place = plan.find((p) => p.label === 'PLACE');
    assert.ok(place);
    assert.equal(decorationSlot(place, labels, spanLabels, LABEL_COLOR_COUNT) + 1, labelColorSlot(spanLabels.indexOf('PLACE')));
    assert.equal(decorationSlot({ label: 'PLACE' }, labels, spanLabels, LABEL_COLOR_COUNT) + 1, labelColorSlot(0), 'a classification label keeps its labelwise.labels colour');
  });
});
