import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotatorDisagreements } from '../../../src/core/store/contested';
import { LabelState } from '../../../src/core/store/labelState';
import type { LabelEvent } from '../../../src/core/store/events';

let clock = 0;
function ev(id: string, annotator: string, label: string): LabelEvent {
  clock++;
  return {
    id,
    source: { file: 'a.txt', start: 0, end: 4 },
    text: 'text',
    label,
    spans: [],
    answer: 'accept',
    annotator,
    strategy: null,
    score: null,
    ts: new Date(Date.UTC(2026, 10, 23, 10, 0, clock)).toISOString(),
  };
}

test('labels named like Object.prototype members are counted like any other label', () => {
  const state = new LabelState([ev('a', 'x', 'constructor'), ev('b', 'x', 'constructor'), ev('c', 'x', 'toString'), ev('d', 'x', '__proto__')]);
  const byLabel = state.counts().byLabel;
  assert.equal(byLabel.constructor, 2);
  assert.equal(byLabel.toString, 1);
  assert.deepEqual(Object.keys(byLabel).sort(), ['__proto__', 'constructor', 'toString']);
  assert.equal(byLabel['__proto__'], 1);
});

test('an annotator named __proto__ still takes part in disagreements', () => {
  const state = new LabelState([ev('s', 'alice', 'news'), ev('s', '__proto__', 'sport')]);
  const d = annotatorDisagreements(state);
  assert.equal(d.length, 1);
  assert.deepEqual(Object.keys(d[0].byAnnotator).sort(), ['__proto__', 'alice']);
});
