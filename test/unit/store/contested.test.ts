import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotatorDisagreements, mergeContested, resolutionEvent, voteEntropy, decisionKey } from '../../../src/core/store/contested';
import { LabelState } from '../../../src/core/store/labelState';
import { undoEvent, type LabelEvent } from '../../../src/core/store/events';

let clock = 0;
function ev(id: string, annotator: string, label: string | null, extra: Partial<LabelEvent> = {}): LabelEvent {
  clock++;
  return {
    id,
    source: { file: 'a.txt', start: 0, end: 4 },
    text: 'text',
    label,
    spans: [],
    answer: label === null ? 'reject' : 'accept',
    annotator,
    strategy: null,
    score: null,
    ts: new Date(Date.UTC(2026, 10, 23, 10, 0, clock)).toISOString(),
    ...extra,
  };
}

test('spans two annotators labeled differently are contested; agreement, skips and one annotator are not', () => {
  const state = new LabelState([
    ev('x', 'alice', 'news'),
    ev('x', 'bob', 'sport'),
    ev('y', 'alice', 'news'),
    ev('y', 'bob', 'news'),
    ev('z', 'alice', 'news'),
    ev('z', 'bob', null, { answer: 'ignore' }),
    ev('w', 'alice', 'news'),
    ev('w', 'alice', 'sport'),
    ev('v', 'alice', 'news'),
    ev('v', 'bob', null),
  ]);
  const d = annotatorDisagreements(state);
  assert.deepEqual(d.map((x) => [x.id, x.byAnnotator]), [
    ['v', { alice: 'news', bob: 'reject' }],
    ['x', { alice: 'news', bob: 'sport' }],
  ]);
});

test("an annotator's latest live decision is their opinion: relabeling or undo can end a disagreement", () => {
  const state = new LabelState([ev('x', 'alice', 'news'), ev('x', 'bob', 'sport')]);
  assert.equal(annotatorDisagreements(state).length, 1);
  state.apply(undoEvent(ev('x', 'bob', 'sport'), 'bob'));
  assert.equal(annotatorDisagreements(state).length, 0);
  state.apply(ev('x', 'bob', 'sport'));
  state.apply(ev('x', 'alice', 'sport'));
  assert.equal(annotatorDisagreements(state).length, 0);
});

test('a resolution event settles the disagreement and becomes the current decision; a later dissent reopens it', () => {
  const state = new LabelState([ev('x', 'alice', 'news'), ev('x', 'bob', 'sport')]);
  const [d] = annotatorDisagreements(state);
  const r = resolutionEvent(d.event, { label: 'sport' }, 'carol', '2026-11-23T11:00:00.000Z');
  assert.equal(r.resolves, true);
  assert.equal(r.annotator, 'carol');
  assert.equal(r.answer, 'accept');
  state.apply(r);
  assert.equal(state.current('x')?.label, 'sport');
  assert.equal(annotatorDisagreements(state).length, 0);
  state.apply(ev('x', 'alice', 'news'));
  assert.deepEqual(annotatorDisagreements(state)[0].byAnnotator, { carol: 'sport', alice: 'news' });
  assert.equal(resolutionEvent(d.event, { label: null }, 'carol').answer, 'reject');
});

test('entity-span decisions are compared by their spans', () => {
  const a = ev('s', 'alice', null, { answer: 'accept', spans: [{ start: 0, end: 2, label: 'PER' }] });
  const b = ev('s', 'bob', null, { answer: 'accept', spans: [{ start: 0, end: 3, label: 'PER' }] });
  assert.equal(decisionKey(a), 'PER[0:2]');
  assert.equal(annotatorDisagreements(new LabelState([a, b])).length, 1);
});

test('the review list: annotator disagreements first, then committee rows by score, each span once, limited', () => {
  const state = new LabelState([ev('x', 'alice', 'news'), ev('x', 'bob', 'sport'), ev('c', 'alice', 'news')]);
  const committee = [
    { id: 'a', votes: { news: 3, sport: 2 }, score: 0.9 },
    { id: 'x', votes: { news: 4, sport: 1 }, score: 0.5 },
    { id: 'b', votes: { news: 5, sport: 0 }, score: 0.1 },
    { id: 'c', votes: { news: 2, sport: 3 }, score: 0.95 },
  ];
  const list = mergeContested(annotatorDisagreements(state), committee, 3, (id) => state.current(id));
  assert.deepEqual(list.map((e) => [e.id, e.reason, e.score]), [
    ['x', 'annotators', 0.5],
    ['c', 'committee', 0.95],
    ['a', 'committee', 0.9],
  ]);
  assert.deepEqual(list[0].detail, { alice: 'news', bob: 'sport' });
  assert.deepEqual(list[1].detail, { news: 2, sport: 3 });
  assert.equal(list[1].event?.label, 'news');
  assert.equal(list[2].event, undefined);
});

test('vote entropy: 0 for unanimity, 1 for an even split', () => {
  assert.equal(voteEntropy({ a: 5, b: 0 }), 0);
  assert.equal(voteEntropy({ a: 2, b: 2 }), 1);
  assert.equal(voteEntropy({ a: 1, b: 0, c: 0 }), 0);
  const mid = voteEntropy({ a: 3, b: 1, c: 1 });
  assert.ok(mid > 0 && mid < 1);
});

test('a reject that keeps its rejected guess is still "reject": no label, and two rejects agree', () => {
  const state = new LabelState([
    ev('r', 'alice', 'news', { answer: 'reject' }),
    ev('r', 'bob', 'sport', { answer: 'reject' }),
    ev('s', 'alice', 'news'),
    ev('s', 'bob', 'news', { answer: 'reject' }),
    ev('t', 'alice', 'news'),
  ]);
  assert.equal(decisionKey(ev('r', 'alice', 'news', { answer: 'reject' })), 'reject');
  assert.deepEqual(annotatorDisagreements(state).map((x) => [x.id, x.byAnnotator]), [['s', { alice: 'news', bob: 'reject' }]]);
  // Counted by answer, never by label: only t's accept counts for "news".
  assert.deepEqual(state.counts().byLabel, { news: 1 });
  assert.equal(state.counts().byAnswer.reject, 2);
});
