import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TokenVectors } from '../../../src/core/encoders/encoder';
import type { SpanRecord } from '../../../src/core/engine/spanEngine';
import { InputError, NotTrainedError } from '../../../src/core/errors';
import { createRng } from '../../../src/core/learners/rng';
import { createSpanEngine } from '../../../src/core/spans/createSpanEngine';
import { createSpanRound } from '../../../src/core/spans/spanRound';
import { SPAN_WORDING } from '../../../src/core/spans/spanRegimes';
import { spanStrategyFor } from '../../../src/core/spans/spanStrategies';
import type { EntityInText } from '../../../src/core/session/spanPick';

/** Records of five words; capitalised words are names (PER), words in CAPS are places (LOC). */
function toy(n: number, seed = 4): { records: SpanRecord[]; gold: EntityInText[][] } {
  const rng = createRng(seed);
  const words = ['the', 'cat', 'saw', 'a', 'dog', 'near', 'Ann', 'Bob', 'Cy', 'Dee', 'ROME', 'OSLO'];
  const vec = words.map(() => Array.from({ length: 6 }, () => rng() - 0.5));
  const records: SpanRecord[] = [];
  const gold: EntityInText[][] = [];
  for (let i = 0; i < n; i++) {
    const ws = Array.from({ length: 5 }, () => words[Math.floor(rng() * words.length)]);
    let text = '';
    const ts: { start: number; end: number }[] = [];
    const ents: EntityInText[] = [];
    for (const w of ws) {
      if (text) text += ' ';
      ts.push({ start: text.length, end: text.length + w.length });
      if (/^[A-Z][a-z]/.test(w)) ents.push({ start: text.length, end: text.length + w.length, label: 'PER' });
      if (/^[A-Z]{2,}$/.test(w)) ents.push({ start: text.length, end: text.length + w.length, label: 'LOC' });
      text += w;
    }
    const tokens: TokenVectors = { tokens: ts, vectors: { rows: 5, cols: 6, data: Float32Array.from(ws.flatMap((w) => vec[words.indexOf(w)])) } };
    records.push({ text, tokens });
    gold.push(ents);
  }
  return { records, gold };
}

const base = { labels: ['PER', 'LOC'], strategy: 'least-confidence' as const, committeeSize: 3, seed: 1, allowOverlap: false };

describe('createSpanEngine', () => {
  test('setLabel, undo and query exclusion; seeded random before the first retrain', async () => {
    const { records, gold } = toy(40);
    const e = createSpanEngine(records, base);
    assert.equal(e.trained, false);
    assert.deepEqual(e.suggest(0), []);
    e.setLabel(0, gold[0]);
    e.setLabel(1, []);
    assert.equal(e.labeledCount, 2);
    e.setLabel(1, null);
    assert.equal(e.labeledCount, 1);
    const q = await e.query(38, new Set([5, 6]));
    const got = new Set(q.map((x) => x.index));
    assert.equal(got.size, 37, 'every record but the labeled one and the two excluded');
    assert.ok(!got.has(0) && !got.has(5) && !got.has(6));
    assert.ok(q.every((x) => x.strategy === 'random' && x.uncertainEntities.length === 0));
    const again = await createSpanEngine(records, base).query(5);
    const first = await createSpanEngine(records, base).query(5);
    assert.deepEqual(again, first, 'same seed, same first batch');
    await assert.rejects(createSpanEngine(records, base).retrain(), (err: unknown) => err instanceof NotTrainedError);
  });

  test('after retraining, suggestions are valid entities with confidences, and predict tags new records', async () => {
    const { records, gold } = toy(80);
    const e = createSpanEngine(records, base);
    for (let i = 0; i < 30; i++) e.setLabel(i, gold[i]);
    const r = await e.retrain();
    assert.equal(r.labeled, 30);
    let right = 0;
    let total = 0;
    for (let i = 30; i < 80; i++) {
      const s = e.suggest(i);
      for (let k = 1; k < s.length; k++) assert.ok(s[k].start >= s[k - 1].end, 'no overlap without allowOverlap');
      for (const x of s) {
        assert.ok(x.confidence > 0 && x.confidence <= 1);
        assert.ok(records[i].tokens.tokens.some((t) => t.start === x.start) && records[i].tokens.tokens.some((t) => t.end === x.end), 'on token boundaries');
      }
      const key = (x: EntityInText): string => `${x.start}:${x.end}:${x.label}`;
      const g = new Set(gold[i].map(key));
      right += s.filter((x) => g.has(key(x))).length;
      total += g.size;
    }
    assert.ok(right / total > 0.9, `recall ${right}/${total}`);
    const fresh = toy(5, 9);
    const pred = e.predict(fresh.records);
    assert.equal(pred.length, 5);
    const picks = await e.query(5);
    assert.equal(picks.length, 5);
    assert.ok(picks.every((p) => p.index >= 30 && p.strategy === 'mnlp' && p.rank !== undefined));
    for (const p of picks) {
      const c = p.uncertainEntities.map((u) => Math.abs(u.confidence - 0.5));
      assert.deepEqual(c, [...c].sort((a, b) => a - b), 'most uncertain first');
    }
  });

  test('answers with no entities at all still train a tagger that suggests nothing; a record without tokens is fine', async () => {
    const { records } = toy(20);
    const empty: SpanRecord = { text: '   ', tokens: { tokens: [], vectors: { rows: 0, cols: 6, data: new Float32Array(0) } } };
    const e = createSpanEngine([...records, empty], base);
    for (let i = 0; i < 5; i++) e.setLabel(i, []);
    e.setLabel(20, []);
    await e.retrain();
    assert.deepEqual(e.suggest(7), []);
    assert.deepEqual(e.suggest(20), []);
    const picks = await e.query(3);
    assert.equal(picks.length, 3);
    const only = createSpanEngine([...records, empty], base);
    only.setLabel(20, []);
    await assert.rejects(only.retrain(), (err: unknown) => err instanceof NotTrainedError && /no tokens/.test(err.message));
  });

  test('entity edges snap outward to tokens; overlaps need allowOverlap; unknown labels are refused', () => {
    const { records } = toy(3);
    const text = records[0].text;
    const e = createSpanEngine(records, base);
    const t = records[0].tokens.tokens;
    // Inside the first token and the second's first character: snaps to tokens 0..1.
    e.setLabel(0, [{ start: t[0].start + 1, end: t[1].start + 1, label: 'PER' }]);
    assert.throws(() => e.setLabel(0, [{ start: 0, end: 1, label: 'ORG' }]), (err: unknown) => InputError.is(err) && /"ORG" is not one of the span labels/.test(err.message));
    assert.throws(() => e.setLabel(0, [{ start: 0, end: text.length + 1, label: 'PER' }]), (err: unknown) => InputError.is(err) && /not a range inside the text/.test(err.message));
    const overlapping = [
      { start: t[0].start, end: t[1].end, label: 'PER' },
      { start: t[1].start, end: t[2].end, label: 'LOC' },
    ];
    assert.throws(() => e.setLabel(1, overlapping), (err: unknown) => InputError.is(err) && /need labelwise.allowOverlap/.test(err.message));
    const o = createSpanEngine(records, { ...base, allowOverlap: true });
    o.setLabel(1, overlapping);
    assert.equal(o.labeledCount, 1);
    assert.throws(() => o.setLabel(1, [overlapping[0], { ...overlapping[1], label: 'PER' }]), (err: unknown) => InputError.is(err) && /same label may not overlap/.test(err.message));
  });

  test('with allowOverlap, each label is tagged apart and suggestions of different labels may overlap', async () => {
    // Every capitalised word is both a PER and a LOC: only overlapping suggestions can be right.
    const { records, gold } = toy(60);
    const both = gold.map((g) => g.flatMap((x) => (x.label === 'PER' ? [x, { ...x, label: 'LOC' }] : [])));
    const e = createSpanEngine(records, { ...base, allowOverlap: true });
    for (let i = 0; i < 40; i++) e.setLabel(i, both[i]);
    await e.retrain();
    const overlaps = records.slice(40).reduce((n, _, k) => {
      const s = e.suggest(40 + k);
      return n + s.filter((x) => x.label === 'PER' && s.some((y) => y.label === 'LOC' && y.start === x.start && y.end === x.end)).length;
    }, 0);
    assert.ok(overlaps > 5, `${overlaps} PER suggestions with a LOC on the same tokens`);
  });

  test('meta mixes the span strategies; its picks carry a regime and a reason', async () => {
    const { records, gold } = toy(80);
    const e = createSpanEngine(records, { ...base, strategy: 'meta' }, { batch: 5 });
    for (let i = 0; i < 10; i++) e.setLabel(i, gold[i]);
    const seen = new Set<string>();
    for (let round = 0; round < 4; round++) {
      await e.retrain();
      const picks = await e.query(5);
      for (const p of picks) {
        seen.add(p.strategy);
        assert.ok(p.regime && p.armReason, 'regime and reason');
        // The spans task's words: sentences and entities, never the classification task's labels per class.
        assert.match(p.regime, /sentence/);
        assert.doesNotMatch(`${p.regime} ${p.armReason}`, /per class|likeliest labels|rare labels|some labels are rare/);
        if (p.armReason.includes('is favoured here')) assert.ok(Object.values(SPAN_WORDING.rationale).some((t) => p.armReason!.includes(t)), p.armReason);
        e.setLabel(p.index, gold[p.index]);
      }
    }
    for (const s of seen) assert.ok(['random', 'mnlp', 'token-entropy', 'entity-disagreement'].includes(s), s);
    // expected-change, the weakest span strategy in bench:al:spans, is not one of the meta-learner's arms.
    assert.deepEqual(Object.keys(e.weights()).sort(), ['entity-disagreement', 'mnlp', 'random', 'token-entropy']);
  });
});

describe('span strategies', () => {
  test('MNLP and token entropy by hand on one-token records', () => {
    // Record 0: P(O) .9, P(B) .1; record 1: P(O) .5, P(B) .5 (I- cannot start a record).
    const probs = Float32Array.from([0.9, 0.1, 0, 0.5, 0.5, 0]);
    const tok: TokenVectors = { tokens: [{ start: 0, end: 1 }], vectors: { rows: 1, cols: 1, data: Float32Array.of(1) } };
    const memberProbs = [probs, Float32Array.from([0.2, 0.8, 0, 0.6, 0.4, 0])];
    const round = createSpanRound([{ labels: ['X'], T: 3 }], [tok, tok], Int32Array.of(0, 1, 2), { rows: 2, cols: 1, data: Float32Array.of(1, 1) }, {
      main: [probs],
      members: (rows) => [memberProbs.map((m) => Float32Array.from({ length: rows.length * 3 }, (_, i) => m[rows[Math.floor(i / 3)] * 3 + (i % 3)]))],
    });
    const both = Int32Array.of(0, 1);
    const [m0, m1] = round.mnlp(both);
    assert.ok(Math.abs(m0 + Math.log(0.9)) < 1e-6);
    assert.ok(Math.abs(m1 + Math.log(0.5)) < 1e-6);
    assert.ok(Math.abs(round.tokenEntropy(Int32Array.of(0))[0] + (0.9 * Math.log(0.9) + 0.1 * Math.log(0.1))) < 1e-6);
    assert.ok(Math.abs(round.anyEntity(1) - 0.5) < 1e-6);
    // Members: record 0 decoded O and B → the entity has one vote of two: entropy ln 2 per token.
    // Record 1: O and O → no entity proposed, no disagreement.
    const [d0, d1] = round.entityDisagreement(both);
    assert.ok(Math.abs(d0 - Math.log(2)) < 1e-6, `${d0}`);
    assert.equal(d1, 0);
    // EGL of record 1 > record 0 (less sure, same vector).
    const [e0, e1] = round.expectedChange(both);
    assert.ok(e1 > e0);
    assert.deepEqual(round.suggest(1).length, 0, 'P(B) .5 does not beat P(O) .5');
    assert.deepEqual(round.uncertainEntities(1).map((u) => [u.start, u.end, u.label, Number(u.confidence.toFixed(3))]), [[0, 1, 'X', 0.5]]);
  });

  test('spanStrategyFor maps every classification choice', () => {
    assert.equal(spanStrategyFor('meta'), 'meta');
    assert.equal(spanStrategyFor('least-confidence'), 'mnlp');
    assert.equal(spanStrategyFor('margin'), 'mnlp');
    assert.equal(spanStrategyFor('entropy'), 'token-entropy');
    assert.equal(spanStrategyFor('vote-entropy'), 'entity-disagreement');
    assert.equal(spanStrategyFor('egl'), 'expected-change');
    assert.equal(spanStrategyFor('random'), 'random');
    assert.equal(spanStrategyFor('typicality'), 'typicality');
  });
});
