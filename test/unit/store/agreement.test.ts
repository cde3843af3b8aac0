import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agreementReport, cohenKappa, krippendorffAlphaNominal } from '../../../src/core/store/agreement';
import { resolutionEvent } from '../../../src/core/store/contested';
import { undoEvent, type LabelEvent } from '../../../src/core/store/events';
import { LabelState } from '../../../src/core/store/labelState';

const near = (a: number | undefined, b: number, what = 'value', eps = 5e-4): void => assert.ok(a !== undefined && Math.abs(a - b) < eps, `${what}: ${a} vs ${b}`);

/** Pairs from a 2×2 table [[yy, yn], [ny, nn]] (rater 1 by row, rater 2 by column). */
function table(yy: number, yn: number, ny: number, nn: number): [string, string][] {
  const rows: [string, string][] = [];
  const add = (k: number, a: string, b: string): void => {
    for (let i = 0; i < k; i++) rows.push([a, b]);
  };
  add(yy, 'yes', 'yes');
  add(yn, 'yes', 'no');
  add(ny, 'no', 'yes');
  add(nn, 'no', 'no');
  return rows;
}

describe("Cohen's κ", () => {
  // The worked examples of the "Cohen's kappa" article (Wikipedia), which follow Cohen (1960):
  // 50 proposals read by two readers, yes/yes 20, yes/no 5, no/yes 10, no/no 15: pₒ = 0.7, pₑ = 0.5.
  test('two readers of 50 grant proposals: κ = 0.4', () => {
    const k = cohenKappa(table(20, 5, 10, 15));
    near(k.value, 0.4, 'κ');
    near(k.observed, 0.7, 'pₒ');
    near(k.expected, 0.5, 'pₑ');
    assert.equal(k.units, 50);
  });
  test('same pₒ = 0.60, different marginals: κ = 0.1304 and 0.2593', () => {
    near(cohenKappa(table(45, 15, 25, 15)).value, 0.1304);
    near(cohenKappa(table(25, 35, 5, 35)).value, 0.2593);
  });
  test('perfect agreement is 1; agreement no better than chance is 0', () => {
    near(cohenKappa(table(10, 0, 0, 10)).value, 1);
    near(cohenKappa(table(5, 5, 5, 5)).value, 0);
  });
  test('no pairs, or one category only, give no κ and say why', () => {
    assert.equal(cohenKappa([]).value, undefined);
    assert.match(cohenKappa([]).note ?? '', /two or more annotators/);
    const same = cohenKappa(table(8, 0, 0, 0));
    assert.equal(same.value, undefined);
    assert.equal(same.observed, 1);
    assert.match(same.note ?? '', /same category/);
  });
});

describe("Krippendorff's α (nominal)", () => {
  test('Krippendorff (2011), "Computing Krippendorff\'s Alpha-Reliability", C: 4 observers, 12 units, missing data: α = 0.743', () => {
    // Units 1..12, observers A..D; "." missing. Unit 12 has one value: not pairable.
    const A = '1 2 3 3 2 1 4 1 2 . . .';
    const B = '1 2 3 3 2 2 4 1 2 5 . 3';
    const C = '. 3 3 3 2 3 4 2 2 5 1 .';
    const D = '1 2 3 3 2 4 4 1 2 5 1 .';
    const rows = [A, B, C, D].map((r) => r.split(' '));
    const units = rows[0].map((_, u) => rows.map((r) => r[u]).filter((v) => v !== '.'));
    const a = krippendorffAlphaNominal(units);
    near(a.value, 0.743, 'α', 5e-4);
    assert.equal(a.units, 11);
  });
  test('Krippendorff (2011), A: two observers, binary data, 10 units: α = 0.095', () => {
    const o1 = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    const o2 = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    near(krippendorffAlphaNominal(o1.map((v, i) => [String(v), String(o2[i])])).value, 0.095, 'α', 5e-4);
  });
  test('perfect agreement is 1; a single value per unit or one category only gives no α', () => {
    near(krippendorffAlphaNominal([['a', 'a', 'a'], ['b', 'b'], ['c', 'c', 'c']]).value, 1);
    const lone = krippendorffAlphaNominal([['a'], ['b']]);
    assert.equal(lone.value, undefined);
    assert.equal(lone.units, 0);
    assert.equal(krippendorffAlphaNominal([['a', 'a'], ['a', 'a', 'a']]).value, undefined);
  });
});

let clock = 0;
function ev(id: string, annotator: string, label: string | null, extra: Partial<LabelEvent> = {}): LabelEvent {
  clock++;
  return {
    id,
    source: { file: 'a.txt', start: 0, end: 4 },
    text: `text of ${id}`,
    label,
    spans: [],
    answer: label === null ? 'ignore' : 'accept',
    annotator,
    strategy: null,
    score: null,
    ts: new Date(Date.UTC(2026, 10, 23, 10, 0, clock)).toISOString(),
    ...extra,
  };
}

describe('agreement from the label store', () => {
  test('two annotators: Cohen\'s κ overall and per label, from the same table as the 50-proposal example', () => {
    const events: LabelEvent[] = [];
    let i = 0;
    for (const [a, b] of table(20, 5, 10, 15)) {
      events.push(ev(`s${i}`, 'ann', a === 'yes' ? 'pos' : 'neg'), ev(`s${i}`, 'bob', b === 'yes' ? 'pos' : 'neg'));
      i++;
    }
    const r = agreementReport(new LabelState(events), ['pos', 'neg']);
    assert.equal(r.method, 'cohen-kappa');
    assert.deepEqual(r.annotators, ['ann', 'bob']);
    near(r.overall.value, 0.4);
    assert.deepEqual(r.perLabel.map((l) => l.label), ['pos', 'neg']);
    // With two labels, "pos or not" is the whole question: the same κ.
    near(r.perLabel[0].value, 0.4);
    assert.equal(r.disagreements.length, 15);
    assert.deepEqual(r.disagreements[0].labels.slice().sort(), ['neg', 'pos']);
  });

  test('more than two annotators: Krippendorff\'s α of the 2011 example, missing answers as skips', () => {
    const A = '1 2 3 3 2 1 4 1 2 . . .';
    const B = '1 2 3 3 2 2 4 1 2 5 . 3';
    const C = '. 3 3 3 2 3 4 2 2 5 1 .';
    const D = '1 2 3 3 2 4 4 1 2 5 1 .';
    const events: LabelEvent[] = [];
    [A, B, C, D].forEach((row, o) =>
      row.split(' ').forEach((v, u) => {
        // A missing value is written as a skip, as an annotator who passed on the span.
        events.push(ev(`u${u + 1}`, `coder${'ABCD'[o]}`, v === '.' ? null : `c${v}`));
      }),
    );
    const r = agreementReport(new LabelState(events), ['c1', 'c2', 'c3', 'c4', 'c5']);
    assert.equal(r.method, 'krippendorff-alpha');
    assert.equal(r.annotators.length, 4);
    near(r.overall.value, 0.743);
    assert.equal(r.overall.units, 11);
    // Units 2, 6 and 8 are the ones where the coders differ.
    assert.deepEqual(r.disagreements.map((d) => d.id).sort(), ['u2', 'u6', 'u8']);
    assert.deepEqual(r.disagreements.find((d) => d.id === 'u6')?.byAnnotator, { coderA: 'c1', coderB: 'c2', coderC: 'c3', coderD: 'c4' });
    // c3 alone: coder C said c3 on units 2 and 6 where the others did not.
    const c3 = r.perLabel.find((l) => l.label === 'c3');
    assert.ok(c3?.value !== undefined && c3.value < 1 && c3.value > 0.5, JSON.stringify(c3));
    near(r.perLabel.find((l) => l.label === 'c5')?.value, 1, 'c5: every coder who answered unit 10 said c5');
  });

  test('one annotator: no figure, no method; no overlap between two annotators: no figure either', () => {
    const one = agreementReport(new LabelState([ev('a', 'ann', 'x'), ev('b', 'ann', 'y')]), ['x', 'y']);
    assert.equal(one.method, undefined);
    assert.equal(one.overall.value, undefined);
    assert.match(one.overall.note ?? '', /two or more annotators/);
    assert.deepEqual(one.perLabel, []);
    const apart = agreementReport(new LabelState([ev('a', 'ann', 'x'), ev('b', 'bob', 'y')]), ['x', 'y']);
    assert.equal(apart.method, undefined);
    assert.deepEqual(apart.annotators, []);
    assert.equal(apart.overall.units, 0);
  });

  test('perfect agreement with variation is 1 and lists nothing; with one label only it cannot be told from chance', () => {
    const perfect = agreementReport(new LabelState([ev('a', 'ann', 'x'), ev('a', 'bob', 'x'), ev('b', 'ann', 'y'), ev('b', 'bob', 'y')]), ['x', 'y']);
    near(perfect.overall.value, 1);
    assert.deepEqual(perfect.disagreements, []);
    const flat = agreementReport(new LabelState([ev('a', 'ann', 'x'), ev('a', 'bob', 'x'), ev('b', 'ann', 'x'), ev('b', 'bob', 'x')]), ['x', 'y']);
    assert.equal(flat.overall.value, undefined);
    assert.equal(flat.overall.observed, 1);
    assert.match(flat.overall.note ?? '', /same category/);
  });

  test('how answers count: reject is a category of its own, a skip is no answer, undo and review resolutions are not answers', () => {
    const events = [
      // a: both reject (Prodigy-style, keeping the rejected guess): they agree.
      ev('a', 'ann', 'x', { answer: 'reject' }),
      ev('a', 'bob', 'y', { answer: 'reject' }),
      // b: reject vs accept of the same label: they disagree.
      ev('b', 'ann', 'x', { answer: 'reject' }),
      ev('b', 'bob', 'x'),
      // c: bob skipped after labeling: only ann has an answer, not a unit.
      ev('c', 'ann', 'x'),
      ev('c', 'bob', 'y'),
      ev('c', 'bob', null),
      // d: bob's label was undone: not a unit.
      ev('d', 'ann', 'x'),
      ev('d', 'bob', 'y'),
    ];
    const state = new LabelState(events);
    state.apply(undoEvent(events[8], 'bob'));
    // e: ann and bob disagree; carol's review resolution settles it but is no third opinion.
    state.apply(ev('e', 'ann', 'x'));
    state.apply(ev('e', 'bob', 'y'));
    state.apply(resolutionEvent(ev('e', 'ann', 'x'), { label: 'y' }, 'carol'));
    const r = agreementReport(state, ['x', 'y']);
    assert.equal(r.method, 'cohen-kappa');
    assert.deepEqual(r.annotators, ['ann', 'bob']);
    assert.equal(r.overall.units, 3, 'a, b and e');
    assert.deepEqual(r.disagreements.map((d) => [d.id, d.byAnnotator, d.resolvedAs]), [
      ['e', { ann: 'x', bob: 'y' }, 'y'],
      ['b', { ann: 'reject', bob: 'x' }, undefined],
    ]);
    assert.deepEqual(r.perLabel.map((l) => l.label), ['x', 'y', 'reject']);
  });

  test('entity spans: the whole set is the answer; per label, whether the answer has a span of that label', () => {
    const sp = (label: string, start: number): LabelEvent['spans'][number] => ({ start, end: start + 3, label });
    const state = new LabelState([
      ev('a', 'ann', null, { answer: 'accept', spans: [sp('PER', 0)] }),
      ev('a', 'bob', null, { answer: 'accept', spans: [sp('PER', 0), sp('LOC', 5)] }),
      ev('b', 'ann', null, { answer: 'accept', spans: [sp('LOC', 0)] }),
      ev('b', 'bob', null, { answer: 'accept', spans: [sp('LOC', 0)] }),
    ]);
    const r = agreementReport(state, ['PER', 'LOC']);
    assert.equal(r.disagreements.length, 1);
    assert.equal(r.disagreements[0].id, 'a');
    near(r.perLabel.find((l) => l.label === 'PER')?.value, 1, 'PER: both found it on a, neither on b');
    // LOC: bob marks it on both spans, ann on one: pₒ = 0.5 and pₑ = 0.5 · 1, no better than chance.
    near(r.perLabel.find((l) => l.label === 'LOC')?.value, 0, 'LOC');
  });
});
