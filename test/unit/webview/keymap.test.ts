import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clipAfter, clipBefore, formatScore, oneLine, sourceRef, voteRows } from '../../../src/webview/format';
import { KEY_HELP, actionForKey, matchLabels } from '../../../src/webview/keymap';
import { labelsOf } from './fakeTransport';

describe('key map', () => {
  const labels = labelsOf(['news', 'sports', 'science']);

  test('digits follow the key the host assigned, not the list position', () => {
    const shuffled = [
      { name: 'b', key: '2' },
      { name: 'a', key: '1' },
    ];
    assert.deepEqual(actionForKey({ key: '1' }, shuffled), { kind: 'label', label: 'a' });
    assert.deepEqual(actionForKey({ key: '3' }, labels), { kind: 'label', label: 'science' });
    assert.equal(actionForKey({ key: '4' }, labels), undefined);
  });

  test('every action has a key and the help lists each of them', () => {
    const cases: [string, string][] = [
      ['Enter', 'acceptSuggestion'],
      ['s', 'skip'],
      [' ', 'skip'],
      ['x', 'reject'],
      ['Backspace', 'undo'],
      ['o', 'openSource'],
      ['n', 'nextBatch'],
      ['r', 'retrain'],
      ['?', 'help'],
      ['/', 'search'],
      ['Escape', 'escape'],
      ['c', 'view'],
    ];
    for (const [key, kind] of cases) assert.equal(actionForKey({ key }, labels)?.kind, kind, key);
    const helpText = KEY_HELP.map((k) => k.keys).join(' ');
    for (const k of ['1 – 9', '/', 'Enter', 'Space', 'x', 'Backspace', 'Ctrl+Z', 'o', 'n', 'r', '?', 'Escape']) assert.ok(helpText.includes(k), k);
  });

  test('only Ctrl/Cmd+Z is taken from the chords', () => {
    assert.deepEqual(actionForKey({ key: 'z', ctrlKey: true }, labels), { kind: 'undo' });
    assert.deepEqual(actionForKey({ key: 'z', metaKey: true }, labels), { kind: 'undo' });
    assert.equal(actionForKey({ key: 'z', ctrlKey: true, shiftKey: true }, labels), undefined);
    assert.equal(actionForKey({ key: 's', ctrlKey: true }, labels), undefined);
    assert.equal(actionForKey({ key: 'x', altKey: true }, labels), undefined);
  });

  test('the label finder ranks prefix matches first', () => {
    const l = labelsOf(['person', 'location', 'organisation', 'misc']);
    assert.deepEqual(
      matchLabels('o', l).map((x) => x.name),
      ['organisation', 'person', 'location'],
    );
    assert.deepEqual(
      matchLabels(' LOC ', l).map((x) => x.name),
      ['location'],
    );
    assert.equal(matchLabels('', l).length, 4);
  });
});

describe('text helpers', () => {
  test('context is clipped at word boundaries next to the span', () => {
    const before = 'alpha beta gamma delta epsilon';
    assert.equal(clipBefore(before, 100), before);
    assert.equal(clipBefore(before, 14), '…delta epsilon');
    assert.equal(clipAfter(before, 14), 'alpha beta…');
  });

  test('list lines fold whitespace and cap length', () => {
    assert.equal(oneLine('a\n\n b   c', 10), 'a b c');
    assert.equal(oneLine('abcdefghijkl', 5), 'abcd…');
  });

  test('numbers and references read like an editor shows them', () => {
    assert.equal(sourceRef('a/b.txt', 0), 'a/b.txt:1');
    assert.equal(formatScore(0.123456), '0.123');
    assert.equal(formatScore(0.0000123), '1.23e-5');
    assert.equal(formatScore(0), '0');
  });

  test('vote rows: largest first, shares of the committee, zeros dropped', () => {
    assert.deepEqual(voteRows({ a: 1, b: 3, c: 0 }), [
      { label: 'b', votes: 3, share: 0.75 },
      { label: 'a', votes: 1, share: 0.25 },
    ]);
  });
});
