import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistanceWithin, reanchor, type AnchorSource } from '../../../src/core/store/reanchor';
import { recordSpanId, spanId } from '../../../src/core/text/spanId';
import { fileSpans, locateSource } from '../../../src/core/text/spanLocator';
import type { LabelEvent } from '../../../src/core/store/events';

/** Files as they are now, cut by the span locator (line granularity, as these fixtures are). */
function now(files: Record<string, string>, granularity: 'line' | 'sentence' = 'line'): AnchorSource {
  return {
    file: (f) => (f in files ? { spans: fileSpans(f, files[f], granularity).spans, source: locateSource(f, files[f]) } : undefined),
    corpus: new Map(Object.entries(files).map(([f, c]) => [f, fileSpans(f, c, granularity).spans])),
  };
}

/** Zero-based line of offset `at` (fixtures store the line as the panel does). */
function lineOf(text: string, at: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
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

/** A decision on the candidate span of `file` whose text is `text`, as the panel stores it. */
function onSpan(file: string, content: string, text: string, label: string, granularity: 'line' | 'sentence' = 'sentence'): LabelEvent {
  const s = fileSpans(file, content, granularity).spans.find((x) => x.text === text);
  assert.ok(s, `fixture: span "${text}" in ${file}`);
  return { id: s.id, source: { file, start: s.start, end: s.end, line: s.line }, text, label, spans: [], answer: 'accept', annotator: 'ann', strategy: null, score: null, ts: '2026-11-23T10:00:00.000Z' };
}

test('"2." moves to the sentence "2.", never into "2.405" even when that is nearer the old offset', () => {
  const content = 'The value was 2.405 today.\n\n2.\n\nEnd.\n';
  const d = onSpan('n.txt', content, '2.', 'L');
  const after = 'A new opening paragraph, forty chars.\n\n' + content;
  const r = reanchor([d], now({ 'n.txt': after }, 'sentence'));
  assert.equal(r.moved.length, 1);
  const at = r.moved[0].rebased.source;
  assert.equal(after.slice(at.start, at.end), '2.');
  assert.equal(after.slice(at.start - 2, at.start), '\n\n', 'the stand-alone "2.", not the one inside 2.405');
  // With the stand-alone "2." deleted, it is an orphan rather than a piece of "2.405".
  const gone = reanchor([d], now({ 'n.txt': 'The value was 2.405 today.\n\nEnd.\n' }, 'sentence'));
  assert.equal(gone.orphans.length, 1);
});

test('a renamed file: its spans are found in the new file that holds most of their texts, with the ids the corpus reader gives', () => {
  const a = 'First sentence here. Second sentence there. Third one too.\n';
  const ds = ['First sentence here.', 'Second sentence there.', 'Third one too.'].map((t) => onSpan('a.txt', a, t, 'L'));
  const other = 'Unrelated text. First sentence here.\n';
  const r = reanchor(ds, now({ 'sub/renamed.txt': 'Intro. ' + a, 'b.txt': other }, 'sentence'));
  assert.equal(r.orphans.length, 0);
  assert.deepEqual(r.moved.map((m) => [m.rebased.source.file, m.match]), ds.map(() => ['sub/renamed.txt', 'renamed']));
  const spans = fileSpans('sub/renamed.txt', 'Intro. ' + a, 'sentence').spans;
  for (const m of r.moved) assert.ok(spans.some((s) => s.id === m.rebased.id && s.text === m.rebased.text));
});

test('a deleted sentence whose text is in an unlabeled file is found there only when that is the one place', () => {
  const a = 'Keep me here. Moved elsewhere now.\n';
  const ds = ['Keep me here.', 'Moved elsewhere now.'].map((t) => onSpan('a.txt', a, t, 'L'));
  const r = reanchor(ds, now({ 'a.txt': 'Keep me here.\n', 'c.txt': 'Moved elsewhere now.\n' }, 'sentence'));
  assert.deepEqual(r.moved.map((m) => m.rebased.source.file), ['c.txt']);
  const twice = reanchor(ds, now({ 'a.txt': 'Keep me here.\n', 'c.txt': 'Moved elsewhere now.\n', 'd.txt': 'Moved elsewhere now.\n' }, 'sentence'));
  assert.equal(twice.orphans.length, 1, 'two candidate files: ambiguous, reported');
});

test('text is compared NFC-normalised: an NFD file keeps its labels', () => {
  const nfc = 'Le café était animé. Personne ne parlait.\n';
  const d = onSpan('f.txt', nfc, 'Le café était animé.', 'L');
  const r = reanchor([d], now({ 'f.txt': nfc.normalize('NFD') }, 'sentence'));
  assert.equal(r.moved.length, 1);
  assert.equal(r.moved[0].match, 'normalised');
  assert.equal(r.moved[0].rebased.text, 'Le café était animé.'.normalize('NFD'));
});

test('a one-character typo fixed inside a long span keeps the label; a short or ambiguous one does not', () => {
  const before = 'The commitee approved the budget for next year. Short one.\n';
  const d = onSpan('t.txt', before, 'The commitee approved the budget for next year.', 'L');
  const fixed = 'The committee approved the budget for next year. Short one.\n';
  const r = reanchor([d], now({ 't.txt': fixed }, 'sentence'));
  assert.equal(r.moved.length, 1);
  assert.equal(r.moved[0].match, 'near');
  assert.equal(r.moved[0].rebased.text, 'The committee approved the budget for next year.');
  // Two spans within one edit: ambiguous, so an orphan rather than a guess.
  const two = 'The committee approved the budget for next year. The commitee approved the budget for next yeah.\n';
  assert.equal(reanchor([d], now({ 't.txt': two }, 'sentence')).orphans.length, 1);
  // Short spans are never matched approximately.
  const s = onSpan('t.txt', before, 'Short one.', 'L');
  assert.equal(reanchor([s], now({ 't.txt': 'The commitee approved the budget for next year. Short two.\n' }, 'sentence')).orphans.length, 1);
});

test('JSONL: a record moved to another line is found with its record id; one whose text changed by escapes only stays', () => {
  const recs = ['He said "stop".', 'Second record.'];
  const content = recs.map((text) => JSON.stringify({ text })).join('\n') + '\n';
  const d = onSpan('r.jsonl', content, 'He said "stop".', 'L');
  assert.equal(d.source.line, 0);
  const after = JSON.stringify({ text: 'New first record.' }) + '\n' + JSON.stringify({ meta: 1, text: 'He said "stop".' }) + '\n';
  const r = reanchor([d], now({ 'r.jsonl': after }, 'sentence'));
  assert.equal(r.moved.length, 1);
  assert.equal(r.moved[0].rebased.source.line, 1);
  assert.equal(r.moved[0].rebased.id, recordSpanId('r.jsonl', 1, 0, 15, 'He said "stop".'));
  const escaped = '{"text": "He said \\u0022stop\\u0022."}\n{"text": "Second record."}\n';
  assert.deepEqual(reanchor([d], now({ 'r.jsonl': escaped }, 'sentence')).anchored, [d]);
});

test('a deleted span does not jump to a look-alike on the other side of a labeled neighbour', () => {
  const before = 'Table one shows the results for the year. The middle sentence is labeled too. Table two shows the results for the year.\n';
  const gone = onSpan('w.txt', before, 'Table one shows the results for the year.', 'A');
  const middle = onSpan('w.txt', before, 'The middle sentence is labeled too.', 'B');
  const after = 'The middle sentence is labeled too. Table two shows the results for the year.\n';
  const r = reanchor([gone, middle], now({ 'w.txt': after }, 'sentence'));
  assert.deepEqual(r.orphans.map((o) => o.event.label), ['A'], 'the deleted span is an orphan, not placed on "Table two"');
});

test('an off-grid decision stays in place only on token boundaries: "2." is not read out of "12.405"', () => {
  const content = 'Values: 12.405 and more.\n';
  const d: LabelEvent = { ...onSpan('v.txt', 'Values: 12.405 and more.\n', 'Values: 12.405 and more.', 'L'), text: '2.', source: { file: 'v.txt', start: 9, end: 11, line: 0 }, id: 'x' };
  assert.equal(content.slice(9, 11), '2.');
  const r = reanchor([d], now({ 'v.txt': content }, 'sentence'));
  assert.equal(r.orphans.length, 1);
  // A whole word off the grid (an imported span) stays where it is.
  const w: LabelEvent = { ...d, text: 'Values', source: { file: 'v.txt', start: 0, end: 6, line: 0 }, id: 'y' };
  const kept = reanchor([w], now({ 'v.txt': content }, 'sentence'));
  assert.deepEqual(kept.moved.map((m) => [m.rebased.source.start, m.rebased.source.end, m.rebased.id]), [[0, 6, spanId('v.txt', 0, 6, 'Values')]]);
});

test('edit distance: a swap of two letters is one edit; the band gives up past k', () => {
  assert.equal(editDistanceWithin('the committee', 'teh committee', 1), 1);
  assert.equal(editDistanceWithin('kitten', 'sitting', 3), 3);
  assert.equal(editDistanceWithin('kitten', 'sitting', 2), 3);
  assert.equal(editDistanceWithin('same', 'same', 0), 0);
});

test('a span that only grew into a longer sentence (re-segmentation) is not a near match', () => {
  const before = 'The cities end their fiscal years in the month of June\n\n30. It was late.\n';
  const d = onSpan('m.txt', before, 'The cities end their fiscal years in the month of June', 'L');
  const after = 'Intro. The cities end their fiscal years in the month of June 30. It was late.\n';
  const r = reanchor([d], now({ 'm.txt': after }, 'sentence'));
  assert.deepEqual(r.moved, [], 'not placed on "... June 30."');
  assert.equal(r.orphans.length, 1);
});
