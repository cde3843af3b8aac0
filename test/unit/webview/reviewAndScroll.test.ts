import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { annotatorAnswers, supportByLabel } from '../../../src/webview/annotatorAnswers';
import { scrollTopFor } from '../../../src/webview/spanInView';

describe('the span in its context box is scrolled into view', () => {
  test('a span below the fold is centred in the box', () => {
    // Box 128 px tall over 600 px of text; the span at 400..420.
    assert.equal(scrollTopFor({ height: 128, contentHeight: 600 }, { top: 400, height: 20 }), 346);
  });

  test('never scrolls past either end; no scrolling when everything fits', () => {
    assert.equal(scrollTopFor({ height: 128, contentHeight: 600 }, { top: 590, height: 10 }), 472);
    assert.equal(scrollTopFor({ height: 128, contentHeight: 600 }, { top: 10, height: 20 }), 0);
    assert.equal(scrollTopFor({ height: 128, contentHeight: 100 }, { top: 60, height: 20 }), 0);
  });

  test('a span taller than the box shows its start', () => {
    assert.equal(scrollTopFor({ height: 100, contentHeight: 900 }, { top: 300, height: 250 }), 296);
  });
});

describe('review cards: what each annotator answered', () => {
  test('labels, rejects and empty answers in words, sorted by annotator', () => {
    const rows = annotatorAnswers({ zoe: 'sports', ann: 'news', bob: 'reject', cy: '(none)' }, ['news', 'sports']);
    assert.deepEqual(rows, [
      { annotator: 'ann', label: 'news', text: 'news' },
      { annotator: 'bob', label: null, text: 'rejected (no label fits)' },
      { annotator: 'cy', label: null, text: 'no label' },
      { annotator: 'zoe', label: 'sports', text: 'sports' },
    ]);
  });

  test('how many backed each label: annotators counted, committee votes taken as they are, orphans none', () => {
    assert.deepEqual([...supportByLabel('annotators', { a: 'news', b: 'news', c: 'sports' })], [
      ['news', 2],
      ['sports', 1],
    ]);
    assert.deepEqual([...supportByLabel('committee', { news: 3, sports: 2, science: 0 })], [
      ['news', 3],
      ['sports', 2],
    ]);
    assert.equal(supportByLabel('orphan', { label: 'news', annotator: 'a', problem: 'file-missing' }).size, 0);
  });
});
