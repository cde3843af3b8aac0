import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { simulateSpans } from '../../../src/core/simulation/simulateSpans';
import { spanF1, spansToTags, tagsToSpans } from '../../../src/core/simulation/spanTags';
import type { TokenVectors } from '../../../src/core/encoders/encoder';
import { InputError } from '../../../src/core/errors';
import { createRng } from '../../../src/core/learners/rng';
import type { GoldDataset, GoldSpan } from '../../../src/core/text/dataset';

// "Ann met Bob Lee ." tokens:
const toks = [
  { start: 0, end: 3 },
  { start: 4, end: 7 },
  { start: 8, end: 11 },
  { start: 12, end: 15 },
  { start: 16, end: 17 },
];

describe('BIO tags and span F1', () => {
  test('spans become B/I tags and back', () => {
    const spans: GoldSpan[] = [
      { start: 0, end: 3, label: 'NAME' },
      { start: 8, end: 15, label: 'NAME' },
    ];
    const tags = spansToTags(toks, spans, ['NAME']);
    assert.deepEqual([...tags], [1, 0, 1, 2, 0]);
    assert.deepEqual(tagsToSpans(toks, tags, ['NAME']), spans);
  });

  test('an I- tag without a B- starts a span; labels switch spans', () => {
    assert.deepEqual(tagsToSpans(toks, [0, 2, 2, 3, 0], ['A', 'B']), [
      { start: 4, end: 11, label: 'A' },
      { start: 12, end: 15, label: 'B' },
    ]);
  });

  test('exact-match F1: a partial span counts as a miss', () => {
    const gold = [[{ start: 0, end: 3, label: 'N' }, { start: 8, end: 15, label: 'N' }]];
    const pred = [[{ start: 0, end: 3, label: 'N' }, { start: 8, end: 11, label: 'N' }]];
    const s = spanF1(gold, pred);
    assert.equal(s.precision, 0.5);
    assert.equal(s.recall, 0.5);
    assert.equal(s.f1, 0.5);
  });
});

/** Texts of four words; capitalised words are names. Token vectors: a fixed random vector per word. */
function toyNames(n: number): { data: GoldDataset; tokens: TokenVectors[] } {
  const rng = createRng(4);
  const words = ['the', 'cat', 'saw', 'a', 'dog', 'near', 'Ann', 'Bob', 'Cy', 'Dee'];
  const vec = words.map(() => Array.from({ length: 4 }, () => rng() - 0.5));
  const records = [];
  const tokens: TokenVectors[] = [];
  for (let i = 0; i < n; i++) {
    const ws = Array.from({ length: 4 }, () => words[Math.floor(rng() * words.length)]);
    let text = '';
    const ts: { start: number; end: number }[] = [];
    const spans: GoldSpan[] = [];
    for (const w of ws) {
      if (text) text += ' ';
      ts.push({ start: text.length, end: text.length + w.length });
      if (/^[A-Z]/.test(w)) spans.push({ start: text.length, end: text.length + w.length, label: 'NAME' });
      text += w;
    }
    records.push({ index: i, text, spans });
    tokens.push({ tokens: ts, vectors: { rows: 4, cols: 4, data: Float32Array.from(ws.flatMap((w) => vec[words.indexOf(w)])) } });
  }
  return { data: { file: '/tmp/toy-names.jsonl', task: 'spans', records, classes: ['NAME'] }, tokens };
}

describe('simulateSpans', () => {
  const { data, tokens } = toyNames(120);
  const opts = { data, tokens, strategy: 'least-confidence' as const, seed: 1, init: 5, batch: 5, budget: 25, testFraction: 0.3 };

  test('learns to tag names and reports span F1 per round, deterministically', async () => {
    const a = await simulateSpans(opts);
    const b = await simulateSpans(opts);
    assert.equal(a.task, 'spans');
    assert.deepEqual(a.curve.map((c) => c.labels), [5, 10, 15, 20, 25]);
    assert.ok(a.curve[a.curve.length - 1].f1 > 0.9, `final F1 ${a.curve[a.curve.length - 1].f1}`);
    assert.ok(a.fullData.f1 > 0.9);
    assert.deepEqual({ ...a, seconds: 0, fullDataSeconds: 0 }, { ...b, seconds: 0, fullDataSeconds: 0 });
    assert.deepEqual(a.curve.map((c) => c.tokens), [20, 40, 60, 80, 100], "four tokens per record");
  });

  test('gold entities of one label that overlap are refused naming the file and line', async () => {
    const bad = { ...data, records: data.records.map((r) => ({ ...r, spans: [{ start: 0, end: r.text.length, label: 'NAME' }, { start: 0, end: 1, label: 'NAME' }] })) };
    await assert.rejects(simulateSpans({ ...opts, data: bad }), (e: unknown) => InputError.is(e) && /^\/tmp\/toy-names\.jsonl:\d+: entities 0\.\.\d+ \(NAME\) and .* overlap; entities of the same label may not overlap$/.test(e.message));
  });

  test('token vectors must match the records in count', async () => {
    await assert.rejects(simulateSpans({ ...opts, tokens: tokens.slice(1) }), (e: unknown) => InputError.is(e) && /119 texts but .* 120 records/.test(e.message));
  });
});
