import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { curveWording } from '../../../src/webview/curveData';

describe('curve view wording per task', () => {
  test('classification: cross-validated accuracy, no caveat', () => {
    const w = curveWording('classify', [{ labels: 30, accuracy: 0.75 }]);
    assert.equal(w.title, 'Estimated accuracy');
    assert.equal(w.summary, '75.0% after 30 labels (cross-validated on the labels so far).');
    assert.equal(w.yLabel, 'accuracy');
    assert.equal(w.caveat, undefined);
  });

  test('spans: span F1 on new answers before the tagger saw them, with P/R/n of the latest round and the caveat', () => {
    const w = curveWording('spans', [
      { labels: 9, accuracy: 0.5, precision: 1, recall: 1 / 3, sentences: 2 },
      { labels: 4, accuracy: 0.2 },
    ]);
    assert.equal(w.title, 'Span F1 on new answers (before the tagger saw them)');
    assert.equal(w.summary, '50.0% on the sentences answered before the round at 9 labeled sentences (precision 100%, recall 33.3%, 2 sentences).');
    assert.match(w.caveat ?? '', /picked, which are harder than average; the suggestions shown may anchor the answers/);
    assert.doesNotMatch(w.yLabel, /accuracy/);
    assert.equal(w.seriesName, 'Span F1 on new answers');
    assert.match(curveWording('spans', []).summary, /after a retrain/);
  });
});
