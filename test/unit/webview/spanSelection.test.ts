import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SpanView, TokenOffsets } from '../../../src/protocol';
import {
  assignLabel,
  entitiesPayload,
  moveSelection,
  rangeOf,
  removeSelected,
  selectedEntities,
  selectEntity,
  selectToken,
  startEdit,
  tokensOf,
  type SpanEdit,
} from '../../../src/webview/spanSelection';
import { entityTagText, spanCells, uncertainEntityRows } from '../../../src/webview/spanSegments';

//            0         1         2         3         4
//            0123456789012345678901234567890123456789012345
const TEXT = 'Ada Lovelace met Charles Babbage in London.';
/** Ada | Lovelace | met | Charles | Babbage | in | London | . */
const TOKENS: TokenOffsets[] = [
  { start: 0, end: 3 },
  { start: 4, end: 12 },
  { start: 13, end: 16 },
  { start: 17, end: 24 },
  { start: 25, end: 32 },
  { start: 33, end: 35 },
  { start: 36, end: 42 },
  { start: 42, end: 43 },
];

function sentence(extra: Partial<SpanView> = {}): SpanView {
  return { id: 'p1', file: 'a.txt', line: 0, start: 0, end: TEXT.length, text: TEXT, before: '', after: '', tokens: TOKENS, why: { strategy: 'mnlp', score: 1, votes: {} }, ...extra };
}

const LABELS = ['PERSON', 'ORG', 'PLACE'];
const empty: SpanEdit = { spanId: 'p1', entities: [], selection: null };
const text = (e: { start: number; end: number }): string => TEXT.slice(e.start, e.end);

describe('spans: tokens', () => {
  test("the host's tokens are used as sent", () => {
    assert.equal(tokensOf(sentence()), TOKENS);
  });

  test('without tokens (or with broken ones) the text is split into words and punctuation', () => {
    const words = tokensOf({ text: TEXT }).map(text);
    assert.deepEqual(words, ['Ada', 'Lovelace', 'met', 'Charles', 'Babbage', 'in', 'London', '.']);
    const broken = tokensOf({ text: TEXT, tokens: [{ start: 5, end: 2 }] }).map(text);
    assert.deepEqual(broken, words);
    assert.deepEqual(tokensOf({ text: "don't stop-gap 1" }).map((t) => "don't stop-gap 1".slice(t.start, t.end)), ["don't", 'stop-gap', '1']);
  });
});

describe('spans: selection snaps to tokens', () => {
  test('a click selects one word; Shift+click and drag extend from the anchor, either way', () => {
    let e = selectToken(empty, 3, false, TOKENS.length);
    assert.deepEqual(e.selection, { anchor: 3, focus: 3 });
    e = selectToken(e, 4, true, TOKENS.length);
    assert.deepEqual(rangeOf(e.selection!), { from: 3, to: 4 });
    e = selectToken(e, 1, true, TOKENS.length);
    assert.deepEqual(rangeOf(e.selection!), { from: 1, to: 3 }, 'extending back past the anchor');
    e = selectToken(e, 6, false, TOKENS.length);
    assert.deepEqual(e.selection, { anchor: 6, focus: 6 }, 'a plain click starts over');
    assert.deepEqual(selectToken(empty, 2, true, TOKENS.length).selection, { anchor: 2, focus: 2 }, 'Shift+click with nothing selected selects the word');
    assert.deepEqual(selectToken(empty, 99, false, TOKENS.length).selection, { anchor: 7, focus: 7 }, 'clamped to the last token');
    const resting = selectToken(empty, 2, false, TOKENS.length);
    assert.equal(selectToken(resting, 2, true, TOKENS.length), resting, 'a drag resting on its token changes nothing (no redraw)');
  });

  test('←/→ move between tokens, Shift+←/→ extend; nothing selected: → takes the first token, ← the last', () => {
    const n = TOKENS.length;
    assert.deepEqual(moveSelection(empty, 1, false, n).selection, { anchor: 0, focus: 0 });
    assert.deepEqual(moveSelection(empty, -1, false, n).selection, { anchor: 7, focus: 7 });
    let e = moveSelection(moveSelection(empty, 1, false, n), 1, false, n);
    assert.deepEqual(e.selection, { anchor: 1, focus: 1 });
    e = moveSelection(e, 1, true, n);
    e = moveSelection(e, 1, true, n);
    assert.deepEqual(rangeOf(e.selection!), { from: 1, to: 3 });
    assert.deepEqual(moveSelection(e, 1, false, n).selection, { anchor: 4, focus: 4 }, '→ leaves a range after its end');
    assert.deepEqual(moveSelection(e, -1, false, n).selection, { anchor: 0, focus: 0 }, '← leaves it before its start');
    assert.deepEqual(moveSelection({ ...empty, selection: { anchor: 7, focus: 7 } }, 1, true, n).selection, { anchor: 7, focus: 7 }, 'stops at the end');
    assert.deepEqual(moveSelection({ ...empty, selection: { anchor: 0, focus: 0 } }, -1, false, n).selection, { anchor: 0, focus: 0 }, 'stops at the start');
    assert.equal(moveSelection(empty, 1, false, 0), empty, 'no tokens, nothing to select');
  });
});

describe('spans: labels, overlap, removal, payload', () => {
  const at = (from: number, to: number): SpanEdit => ({ ...empty, selection: { anchor: from, focus: to } });

  test('a label on the selection makes an entity on whole tokens', () => {
    const e = assignLabel(at(4, 3), 'PERSON', TOKENS, false);
    assert.deepEqual(entitiesPayload(e), [{ start: 17, end: 32, label: 'PERSON' }]);
    assert.equal(text(e.entities[0]), 'Charles Babbage');
    assert.equal(assignLabel(empty, 'PERSON', TOKENS, false), empty, 'nothing selected: nothing happens');
  });

  test('without overlap, a new entity replaces every entity it touches; relabeling is select + other label', () => {
    let e = assignLabel(at(0, 1), 'PERSON', TOKENS, false);
    e = assignLabel({ ...e, selection: { anchor: 6, focus: 6 } }, 'PLACE', TOKENS, false);
    e = assignLabel({ ...e, selection: { anchor: 1, focus: 3 } }, 'ORG', TOKENS, false);
    assert.deepEqual(e.entities.map((x) => [text(x), x.label]), [
      ['Lovelace met Charles', 'ORG'],
      ['London', 'PLACE'],
    ]);
    e = assignLabel({ ...e, selection: { anchor: 6, focus: 6 } }, 'ORG', TOKENS, false);
    assert.deepEqual(e.entities.map((x) => [text(x), x.label]), [
      ['Lovelace met Charles', 'ORG'],
      ['London', 'ORG'],
    ]);
  });

  test('with overlap on, entities of different labels overlap; the same label still replaces', () => {
    let e = assignLabel(at(3, 4), 'PERSON', TOKENS, true);
    e = assignLabel({ ...e, selection: { anchor: 4, focus: 6 } }, 'ORG', TOKENS, true);
    e = assignLabel({ ...e, selection: { anchor: 3, focus: 4 } }, 'ORG', TOKENS, true);
    assert.deepEqual(e.entities.map((x) => [text(x), x.label]), [
      ['Charles Babbage', 'ORG'],
      ['Charles Babbage', 'PERSON'],
    ]);
    const same = assignLabel(e, 'ORG', TOKENS, true);
    assert.equal(same, e, 'the label it already has: unchanged');
  });

  test('Backspace removes the entity on exactly the selection, else the entities containing it; plain words: nothing', () => {
    let e = assignLabel(at(3, 4), 'PERSON', TOKENS, false);
    e = assignLabel({ ...e, selection: { anchor: 6, focus: 6 } }, 'PLACE', TOKENS, false);
    assert.deepEqual(removeSelected({ ...e, selection: { anchor: 6, focus: 6 } }, TOKENS)?.entities.map(text), ['Charles Babbage']);
    assert.deepEqual(selectedEntities({ ...e, selection: { anchor: 4, focus: 4 } }, TOKENS), [0], 'one word of a two-word entity designates it');
    assert.deepEqual(removeSelected({ ...e, selection: { anchor: 4, focus: 4 } }, TOKENS)?.entities.map(text), ['London']);
    assert.equal(removeSelected({ ...e, selection: { anchor: 0, focus: 1 } }, TOKENS), null);
    assert.equal(removeSelected({ ...e, selection: { anchor: 2, focus: 3 } }, TOKENS), null, 'a selection sticking out of an entity does not designate it');
    assert.equal(removeSelected({ ...e, selection: null }, TOKENS), null);
  });

  test('a click on an entity tag selects exactly its tokens', () => {
    const e = assignLabel(at(3, 4), 'PERSON', TOKENS, false);
    assert.deepEqual(selectEntity({ ...e, selection: null }, 0, TOKENS).selection, { anchor: 3, focus: 4 });
    assert.equal(selectEntity(e, 5, TOKENS), e, 'no such entity');
  });

  test('the payload drops confidences and keeps offsets into the text, sorted', () => {
    const start = startEdit(
      sentence({
        suggestions: [
          { start: 36, end: 42, label: 'PLACE', confidence: 0.6 },
          { start: 0, end: 12, label: 'PERSON', confidence: 0.9 },
        ],
      }),
      LABELS,
      false,
    );
    assert.deepEqual(entitiesPayload(start), [
      { start: 0, end: 12, label: 'PERSON' },
      { start: 36, end: 42, label: 'PLACE' },
    ]);
    assert.deepEqual(entitiesPayload(empty), [], 'no entities is an answer too');
  });
});

describe('spans: the starting answer is the model suggestion', () => {
  test('suggestions snap to whole tokens, labels outside the set are left out, overlaps keep the more confident', () => {
    const s = sentence({
      suggestions: [
        { start: 18, end: 30, label: 'PERSON', confidence: 0.7 }, // inside Charles … Babbage: snapped out
        { start: 25, end: 42, label: 'ORG', confidence: 0.8 }, // overlaps it, more confident
        { start: 0, end: 3, label: 'ANIMAL', confidence: 0.99 }, // not a label of the set
      ],
    });
    assert.deepEqual(
      startEdit(s, LABELS, false).entities.map((e) => [text(e), e.label, e.confidence]),
      [['Babbage in London', 'ORG', 0.8]],
    );
    assert.deepEqual(
      startEdit(s, LABELS, true).entities.map((e) => [text(e), e.label]),
      [
        ['Charles Babbage', 'PERSON'],
        ['Babbage in London', 'ORG'],
      ],
      'with overlap on both stay',
    );
    assert.equal(startEdit(sentence(), LABELS, false).selection, null);
  });

  test('a relabeled suggestion loses its confidence; re-pressing its own label keeps it a suggestion', () => {
    const s = startEdit(sentence({ suggestions: [{ start: 36, end: 42, label: 'PLACE', confidence: 0.55 }] }), LABELS, false);
    const sel = selectEntity(s, 0, TOKENS);
    assert.equal(assignLabel(sel, 'PLACE', TOKENS, false).entities[0].confidence, 0.55);
    const org = assignLabel(sel, 'ORG', TOKENS, false);
    assert.deepEqual(org.entities, [{ start: 36, end: 42, label: 'ORG' }]);
  });
});

describe('spans: rendering plan', () => {
  test('tokens and gaps cover the text; entities fill their tokens and the gaps inside them; tags follow the last token', () => {
    const entities = [
      { start: 17, end: 32, label: 'PERSON' },
      { start: 36, end: 42, label: 'PLACE', confidence: 0.42 },
    ];
    const cells = spanCells(TEXT, TOKENS, entities, { anchor: 4, focus: 2 });
    assert.equal(cells.map((c) => c.text).join(''), TEXT, 'nothing lost or doubled');
    const tok = (i: number) => cells.find((c) => c.kind === 'token' && c.index === i);
    assert.deepEqual(tok(3), { kind: 'token', index: 3, text: 'Charles', layers: [0], selected: true, starts: [0], ends: [] });
    assert.deepEqual(tok(4), { kind: 'token', index: 4, text: 'Babbage', layers: [0], selected: true, starts: [], ends: [0] });
    assert.deepEqual(tok(1)?.layers, []);
    assert.equal(tok(1)?.selected, false);
    const gaps = cells.filter((c) => c.kind === 'gap');
    assert.deepEqual(
      gaps.map((g) => [g.layers, g.selected]),
      [
        [[], false], // Ada_Lovelace
        [[], false], // Lovelace_met
        [[], true], // met_Charles: inside the selection 2..4
        [[0], true], // Charles_Babbage: inside PERSON
        [[], false], // Babbage_in
        [[], false], // in_London
      ],
    );
    assert.equal(entityTagText(entities[1]), 'PLACE 42%');
    assert.equal(entityTagText(entities[0]), 'PERSON');
  });

  test('overlapping entities: the shortest gives the fill, the other the underline', () => {
    const cells = spanCells(TEXT, TOKENS, [
      { start: 17, end: 42, label: 'ORG' },
      { start: 25, end: 32, label: 'PERSON' },
    ], null);
    const babbage = cells.find((c) => c.kind === 'token' && c.index === 4);
    assert.deepEqual(babbage?.layers, [1, 0]);
    assert.ok(cells.every((c) => !c.selected));
  });

  test('text outside every token (trailing spaces) is kept as a gap', () => {
    const cells = spanCells('Hi there  ', [{ start: 0, end: 2 }, { start: 3, end: 8 }], [], null);
    assert.deepEqual(cells.map((c) => [c.kind, c.text]), [
      ['token', 'Hi'],
      ['gap', ' '],
      ['token', 'there'],
      ['gap', '  '],
    ]);
  });

  test("the why view's unsure entities carry their text; broken offsets are left out", () => {
    const rows = uncertainEntityRows(TEXT, [
      { start: 36, end: 42, label: 'PLACE', confidence: 0.51 },
      { start: 40, end: 99, label: 'ORG', confidence: 0.5 },
      { start: 0, end: 3, label: 'PERSON', confidence: 0.45 },
    ]);
    assert.deepEqual(rows.map((r) => [r.text, r.label]), [
      ['London', 'PLACE'],
      ['Ada', 'PERSON'],
    ]);
  });
});
