import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { annotatorDisagreements } from '../../../src/core/store/contested';
import type { LabelEvent } from '../../../src/core/store/events';
import { LabelState } from '../../../src/core/store/labelState';
import type { OrphanSpan } from '../../../src/core/store/reanchor';
import { buildLabelsView, isSpanRef, rowText, SPANS_PER_GROUP, type LabelsNode } from '../../../src/extension/labelsView';

let n = 0;
function ev(over: Partial<LabelEvent> & { text: string }): LabelEvent {
  n++;
  return {
    id: over.id ?? `id${n}`,
    source: over.source ?? { file: 'data/a.txt', start: n * 10, end: n * 10 + over.text.length },
    text: over.text,
    label: over.label === undefined ? 'pos' : over.label,
    spans: over.spans ?? [],
    answer: over.answer ?? 'accept',
    annotator: over.annotator ?? 'ann',
    strategy: 'margin',
    score: 0.5,
    ts: over.ts ?? `2026-11-23T10:00:${String(n % 60).padStart(2, '0')}Z`,
  };
}

function byId(nodes: readonly LabelsNode[], id: string): LabelsNode {
  const node = nodes.find((x) => x.id === id);
  assert.ok(node, `${id} in ${nodes.map((x) => x.id).join(', ')}`);
  return node;
}

const none = { orphans: [] as OrphanSpan[], disagreements: [] };

describe('Labels view model', () => {
  test('an empty store gives no rows, so VS Code shows the welcome content', () => {
    assert.deepEqual(buildLabelsView({ labels: ['pos', 'neg'], decisions: [], ...none }), []);
  });

  test('one row per label of the set, in order, with its count and key; spans newest first, each opening its place', () => {
    const old = ev({ text: 'Old  news\nhere.', label: 'pos', ts: '2026-11-23T09:00:00Z' });
    const recent = ev({ text: 'Fresh news.', label: 'pos', ts: '2026-11-23T11:00:00Z', source: { file: 'data/r.jsonl', start: 0, end: 11, line: 4 } });
    const neg = ev({ text: 'Bad.', label: 'neg' });
    const roots = buildLabelsView({ labels: ['pos', 'neg', 'neutral'], decisions: [old, neg, recent], ...none });
    assert.deepEqual(roots.map((r) => [r.label, r.description]), [
      ['pos', '2 · key 1'],
      ['neg', '1 · key 2'],
      ['neutral', '0 · key 3'],
    ]);
    const pos = byId(roots, 'label/pos');
    assert.deepEqual(pos.children?.map((c) => c.label), ['Fresh news.', 'Old news here.']);
    assert.deepEqual(pos.children?.[0].open, { file: 'data/r.jsonl', start: 0, end: 11, line: 4 });
    assert.equal(pos.children?.[0].description, 'data/r.jsonl:5', 'a JSONL record is shown by its one-based line');
    assert.deepEqual(pos.children?.[1].open, { file: old.source.file, start: old.source.start, end: old.source.end });
  });

  test('the tenth label has no key; a stored label missing from the set is flagged', () => {
    const labels = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const roots = buildLabelsView({ labels, decisions: [ev({ text: 'x', label: 'j' }), ev({ text: 'y', label: 'gone' })], ...none });
    assert.equal(byId(roots, 'label/j').description, '1');
    const stray = byId(roots, 'label/gone');
    assert.equal(stray.icon, 'warning');
    assert.match(stray.description ?? '', /not in labelwise\.labels/);
  });

  test('entity spans count once per label they carry; rejects (with the rejected guess) and skips get their own groups', () => {
    const ents = ev({ text: 'Ada met Bob in Paris.', label: null, spans: [{ start: 0, end: 3, label: 'PER' }, { start: 8, end: 11, label: 'PER' }, { start: 15, end: 20, label: 'LOC' }] });
    const rej = ev({ text: 'Not sport.', label: 'sport', answer: 'reject' });
    const rejNone = ev({ text: 'Nothing fits.', label: null, answer: 'reject' });
    const skip = ev({ text: 'Unsure.', label: null, answer: 'ignore' });
    const roots = buildLabelsView({ labels: ['PER', 'LOC', 'sport'], decisions: [ents, rej, rejNone, skip], ...none });
    assert.equal(byId(roots, 'label/PER').description, '1 · key 1');
    assert.equal(byId(roots, 'label/LOC').description, '1 · key 2');
    assert.equal(byId(roots, 'label/sport').description, '0 · key 3', 'a rejected guess is not a label given');
    const rejected = byId(roots, 'rejected');
    assert.equal(rejected.description, '2');
    assert.ok(rejected.children?.some((c) => c.description?.startsWith('not sport')));
    assert.equal(byId(roots, 'skipped').description, '1');
  });

  test('a spans workspace groups entities under labelwise.spanLabels and lists "no entities" sentences', () => {
    const ents = ev({ text: 'Ada met Bob in Paris.', label: null, spans: [{ start: 0, end: 3, label: 'PER' }, { start: 15, end: 20, label: 'ORG' }] });
    const empty = ev({ text: 'The sky was grey.', label: null, spans: [] });
    const roots = buildLabelsView({ labels: ['PER', 'LOC'], labelSetting: 'labelwise.spanLabels', decisions: [ents, empty], ...none });
    assert.equal(byId(roots, 'label/PER').description, '1 · key 1');
    assert.equal(byId(roots, 'label/ORG').description, '1 · not in labelwise.spanLabels');
    const no = byId(roots, 'no-entities');
    assert.equal(no.description, '1');
    assert.equal(no.children?.[0].label, 'The sky was grey.');
  });

  test('contested spans show what each annotator said and open the span', () => {
    const a = ev({ id: 'same', text: 'Split vote.', label: 'pos', annotator: 'alice', ts: '2026-11-23T10:00:00Z' });
    const b = ev({ id: 'same', text: 'Split vote.', label: 'neg', annotator: 'bob', ts: '2026-11-23T10:05:00Z', source: a.source });
    const state = new LabelState([a, b]);
    const roots = buildLabelsView({ labels: ['pos', 'neg'], decisions: state.decisions(), orphans: [], disagreements: annotatorDisagreements(state) });
    const contested = byId(roots, 'contested');
    assert.equal(contested.description, '1');
    assert.equal(contested.expanded, true);
    assert.equal(contested.children?.[0].description, 'alice: pos · bob: neg');
    assert.deepEqual(contested.children?.[0].open, { file: a.source.file, start: a.source.start, end: a.source.end });
  });

  test('orphans are listed with their label and place; one whose file is gone opens nothing', () => {
    const edited = ev({ text: 'Moved away.', label: 'pos', source: { file: 'data/b.txt', start: 5, end: 16 } });
    const gone = ev({ text: 'In a deleted file.', label: 'neg', source: { file: 'data/gone.txt', start: 0, end: 18 } });
    const orphans: OrphanSpan[] = [
      { event: edited, reason: 'text-not-found' },
      { event: gone, reason: 'file-missing' },
    ];
    const roots = buildLabelsView({ labels: ['pos', 'neg'], decisions: [], orphans, disagreements: [] });
    const group = byId(roots, 'orphans');
    assert.equal(group.description, '2');
    const [e, g] = group.children ?? [];
    assert.equal(e.description, 'pos · data/b.txt');
    assert.deepEqual(e.open, { file: 'data/b.txt', start: 5, end: 16 });
    assert.match(e.tooltip ?? '', /cannot be found in the file after an edit/);
    assert.equal(g.open, undefined);
    assert.match(g.tooltip ?? '', /its file is gone/);
  });

  test(`a group lists at most ${SPANS_PER_GROUP} spans and counts the rest`, () => {
    const many = Array.from({ length: SPANS_PER_GROUP + 7 }, (_, i) => ev({ text: `Span ${i}.`, label: 'pos' }));
    const pos = byId(buildLabelsView({ labels: ['pos'], decisions: many, ...none }), 'label/pos');
    assert.equal(pos.description, `${SPANS_PER_GROUP + 7} · key 1`);
    assert.equal(pos.children?.length, SPANS_PER_GROUP + 1);
    assert.equal(pos.children?.at(-1)?.label, '… and 7 more');
    assert.equal(pos.children?.at(-1)?.open, undefined);
  });

  test('row ids are unique, so VS Code keeps what was expanded', () => {
    const shared = ev({ text: 'Both.', label: null, spans: [{ start: 0, end: 2, label: 'A' }, { start: 3, end: 4, label: 'B' }] });
    const roots = buildLabelsView({ labels: ['A', 'B'], decisions: [shared], ...none });
    const ids: string[] = [];
    const walk = (ns: readonly LabelsNode[]): void => {
      for (const x of ns) {
        ids.push(x.id);
        walk(x.children ?? []);
      }
    };
    walk(roots);
    assert.equal(new Set(ids).size, ids.length, ids.join(', '));
  });

  test('rowText puts a span on one line and cuts it to fit', () => {
    assert.equal(rowText('  a\n\tb  '), 'a b');
    assert.equal(rowText(''), '(empty span)');
    const long = rowText('x'.repeat(200));
    assert.equal(long.length, 80);
    assert.ok(long.endsWith('…'));
  });

  test('isSpanRef accepts a stored place and nothing else', () => {
    assert.ok(isSpanRef({ file: 'a.txt', start: 0, end: 3 }));
    assert.ok(isSpanRef({ file: 'a.jsonl', start: 0, end: 3, line: 2 }));
    for (const bad of [undefined, null, 'a.txt', { file: '', start: 0, end: 1 }, { file: 'a', start: -1, end: 1 }, { file: 'a', start: 0, end: 1.5 }, { file: 'a', start: 0, end: 1, line: 'x' }]) {
      assert.ok(!isSpanRef(bad), JSON.stringify(bad));
    }
  });
});
