import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PrequentialSpans, spanCounts, spanScore } from '../../../src/core/session/spanPrequential';

const e = (start: number, end: number, label: string): { start: number; end: number; label: string } => ({ start, end, label });

describe('span F1 before the tagger saw the answers (test, then train)', () => {
  test('exact match: same start, end and label; a wrong boundary or label is a miss', () => {
    // Suggested: A (right), B (boundary off), C (wrong label); answered: A, B', C', D.
    const c = spanCounts([e(0, 5, 'PER'), e(10, 13, 'PER'), e(20, 24, 'LOC')], [e(0, 5, 'PER'), e(10, 14, 'PER'), e(20, 24, 'ORG'), e(30, 33, 'LOC')]);
    assert.deepEqual(c, { tp: 1, predicted: 3, gold: 4 });
  });

  test('micro over sentences, hand-computed', () => {
    // tp 1+2+0 = 3, predicted 3+2+1 = 6, gold 4+2+0 = 6: P = 3/6, R = 3/6, F1 = 6/12.
    const s = spanScore([
      { tp: 1, predicted: 3, gold: 4 },
      { tp: 2, predicted: 2, gold: 2 },
      { tp: 0, predicted: 1, gold: 0 },
    ]);
    assert.deepEqual(s, { precision: 0.5, recall: 0.5, f1: 0.5, sentences: 3 });
    // Nothing suggested, two answered: P 0 (nothing to be right about), R 0, F1 0.
    assert.deepEqual(spanScore([{ tp: 0, predicted: 0, gold: 2 }]), { precision: 0, recall: 0, f1: 0, sentences: 1 });
    // One of one suggested right, of 5 answered: P 1, R 0.2, F1 = 2·1/(1+5) = 1/3.
    const t = spanScore([{ tp: 1, predicted: 1, gold: 5 }]);
    assert.equal(t?.precision, 1);
    assert.equal(t?.recall, 0.2);
    assert.ok(Math.abs((t?.f1 ?? 0) - 1 / 3) < 1e-12);
  });

  test('nothing to measure: no sentence, or no entity suggested nor answered', () => {
    assert.equal(spanScore([]), undefined);
    assert.equal(spanScore([{ tp: 0, predicted: 0, gold: 0 }]), undefined);
  });

  test('only sentences shown with suggestions count; an undo leaves the comparison; take forgets; restore gives back', () => {
    const p = new PrequentialSpans();
    p.answered(1, [e(0, 3, 'PER')]); // never shown with a trained model's suggestions
    p.shown(2, [e(0, 3, 'PER')]);
    p.answered(2, [e(0, 3, 'PER')]);
    p.shown(3, [e(0, 3, 'PER')]);
    p.answered(3, []);
    p.undone(3);
    const taken = p.take();
    assert.deepEqual([...taken], [[2, { tp: 1, predicted: 1, gold: 1 }]]);
    assert.equal(p.take().size, 0);
    p.restore(taken, (row) => row === 2);
    assert.deepEqual([...p.take().keys()], [2]);
  });
});
