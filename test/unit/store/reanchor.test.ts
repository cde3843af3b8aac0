import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reanchor, lineOf, type AnchorSource } from '../../../src/core/store/reanchor';
import { spanId } from '../../../src/core/text/spanId';
import { fileSpans, locateSource } from '../../../src/core/text/spanLocator';
import type { LabelEvent } from '../../../src/core/store/events';

/** Files as they are now, cut by the span locator (line granularity, as these fixtures are). */
function now(files: Record<string, string>, granularity: 'line' | 'sentence' = 'line'): AnchorSource {
  return {
    file: (f) => (f in files ? { spans: fileSpans(f, files[f], granularity).spans, source: locateSource(f, files[f]) } : undefined),
    corpus: new Map(Object.entries(files).map(([f, c]) => [f, fileSpans(f, c, granularity).spans])),
  };
}

function decision(file: string, content: string, text: string, label: string, from = 0): LabelEvent {
  const start = content.indexOf(text, from);
  assert.ok(start >= 0, `fixture: "${text}" in ${file}`);
  const end = start + text.length;
  return {
    id: spanId(file, start, end, text),
    source: { file, start, end, line: lineOf(content, start) },
    text,
    label,
    spans: [],
    answer: 'accept',
    annotator: 'ann',
    strategy: null,
    score: null,
    ts: '2026-11-23T10:00:00.000Z',
  };
}

const before = 'The cat sat.\nStocks fell sharply today.\nRain is coming.\nThe end.\n';

test('after an edit: an unchanged span stays, a moved span is found with a new id, a deleted span is an orphan', () => {
  const kept = decision('a.txt', before, 'The cat sat.', 'pets');
  const movedSpan = decision('a.txt', before, 'Stocks fell sharply today.', 'finance');
  const deleted = decision('a.txt', before, 'Rain is coming.', 'weather');
  // Insert text before the second sentence and delete the third one.
  const after = 'The cat sat.\nA new first line.\nStocks fell sharply today.\nThe end.\n';
  const result = reanchor([kept, movedSpan, deleted], now({ 'a.txt': after }));
  assert.deepEqual(result.anchored, [kept]);
  assert.equal(result.moved.length, 1);
  const m = result.moved[0];
  assert.equal(m.event, movedSpan);
  assert.equal(m.match, 'exact');
  assert.equal(after.slice(m.rebased.source.start, m.rebased.source.end), 'Stocks fell sharply today.');
  assert.equal(m.rebased.source.line, 2);
  assert.equal(m.rebased.id, spanId('a.txt', m.rebased.source.start, m.rebased.source.end, m.rebased.text));
  assert.notEqual(m.rebased.id, movedSpan.id);
  assert.equal(m.rebased.label, 'finance');
  assert.deepEqual(result.orphans, [{ event: deleted, reason: 'text-not-found' }]);
});

test('the occurrence nearest the old offset wins, and two decisions never claim the same one', () => {
  const content = 'Yes.\nfiller one\nYes.\nfiller two\nYes.\n';
  const first = decision('b.txt', content, 'Yes.', 'A', 0);
  const third = decision('b.txt', content, 'Yes.', 'C', 20);
  const after = 'intro\n' + content;
  const result = reanchor([first, third], now({ 'b.txt': after }));
  assert.equal(result.moved.length, 2);
  const byLabel = new Map(result.moved.map((m) => [m.rebased.label, m.rebased.source.start]));
  assert.equal(byLabel.get('A'), first.source.start + 6);
  assert.equal(byLabel.get('C'), third.source.start + 6);
});

test('a span whose whitespace changed is found by whitespace-normalised match, with the file text as it is now', () => {
  const d = decision('c.txt', 'x\n\nOne two three.\n\ny', 'One two three.', 'L');
  const after = 'zz\nx\n\nOne  two\n  three.\n\ny';
  const result = reanchor([d], now({ 'c.txt': after }, 'sentence'));
  assert.equal(result.moved.length, 1);
  assert.equal(result.moved[0].match, 'normalised');
  assert.equal(result.moved[0].rebased.text, 'One  two\n  three.');
  assert.equal(after.slice(result.moved[0].rebased.source.start, result.moved[0].rebased.source.end), 'One  two\n  three.');
});

test('spans of a missing file are orphans; free-standing imported events are kept apart', () => {
  const d = decision('gone.txt', 'Hello.', 'Hello.', 'L');
  const free: LabelEvent = { ...d, source: { file: 'imports/x.jsonl', start: 0, end: 6 }, imported: { format: 'plain', file: 'imports/x.jsonl', line: 1 } };
  const result = reanchor([d, free], now({}));
  assert.deepEqual(result.orphans, [{ event: d, reason: 'file-missing' }]);
  assert.deepEqual(result.freeStanding, [free]);
});

test('lineOf counts newlines before an offset', () => {
  assert.equal(lineOf('a\nb\nc', 0), 0);
  assert.equal(lineOf('a\nb\nc', 2), 1);
  assert.equal(lineOf('a\nb\nc', 4), 2);
});
