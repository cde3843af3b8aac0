import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { answerEvent, undecidedEvent } from '../../../../src/extension/controller/decisionEvents';
import { spanView as viewOf } from '../../../../src/extension/views';
import { spanPick } from '../fakeWorker';

/** The panel's view of the fake worker's i-th pick, as the controller gets it. */
const spanView = (i: number): ReturnType<typeof viewOf> => viewOf(spanPick(i), { multiLabel: false });

const settings = { labels: ['a', 'b', 'c'], multiLabel: false, annotator: 'kim' };
const ts = '2026-12-06T00:00:00.000Z';

describe('store events from panel answers (controller/decisionEvents.ts)', () => {
  test('an accept stores its label with the span place, the strategy and score of its why', () => {
    const r = answerEvent(spanView(2), { label: 'b', answer: 'accept' }, settings, ts);
    assert.ok('event' in r);
    assert.deepEqual(r.event, {
      id: 'span-2',
      source: { file: 'data/a.txt', start: 200, end: 218, line: 2 },
      text: 'Sentence number 2.',
      label: 'b',
      spans: [],
      answer: 'accept',
      annotator: 'kim',
      strategy: 'margin',
      score: 0.48,
      ts,
    });
  });

  test('a reject keeps a guess from the label set only; an accept outside the set is an error naming the set', () => {
    const kept = answerEvent(spanView(0), { label: 'c', answer: 'reject' }, settings, ts);
    const dropped = answerEvent(spanView(0), { label: 'zzz', answer: 'reject' }, settings, ts);
    assert.ok('event' in kept && 'event' in dropped);
    assert.equal(kept.event.label, 'c');
    assert.equal(dropped.event.label, null);
    assert.deepEqual(answerEvent(spanView(0), { label: 'zzz', answer: 'accept' }, settings, ts), { error: '"zzz" is not in labelwise.labels (a, b, c)' });
  });

  test('multi-label: the set in label-set order, no single label; a missing set or a foreign label is an error', () => {
    const multi = { ...settings, multiLabel: true };
    const r = answerEvent(spanView(1), { label: null, answer: 'accept', labels: ['c', 'a'] }, multi, ts);
    assert.ok('event' in r);
    assert.deepEqual([r.event.label, r.event.labels], [null, ['a', 'c']]);
    assert.match((answerEvent(spanView(1), { label: null, answer: 'accept' }, multi, ts) as { error: string }).error, /sent no label set/);
    assert.match((answerEvent(spanView(1), { label: null, answer: 'accept', labels: ['a', 'q'] }, multi, ts) as { error: string }).error, /"q" not in labelwise\.labels/);
  });

  test('a resolution on an undecided span is stored on an "ignore" at its place', () => {
    const e = undecidedEvent(spanView(3), 'ann', ts);
    assert.deepEqual([e.id, e.answer, e.label, e.annotator, e.source.start], ['span-3', 'ignore', null, 'ann', 300]);
  });
});
