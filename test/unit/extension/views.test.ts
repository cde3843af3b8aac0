import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SpanPick } from '../../../src/core/session/spanPick';
import type { WorkerMethod, WorkerRequests } from '../../../src/core/session/workerProtocol';
import { committeeItem, spanView, viewingWorker, whyInfo } from '../../../src/extension/views';

const place = { id: 's1', file: 'a.txt', line: 2, start: 10, end: 20, text: 'some words', before: 'b ', after: ' a' };
const picked: SpanPick = {
  ...place,
  reason: {
    strategy: 'margin',
    score: 0.4,
    votes: { x: 0, y: 3, z: 2 },
    probabilities: [
      { label: 'x', probability: 0.2 },
      { label: 'y', probability: 0.5 },
      { label: 'z', probability: 0.5 },
    ],
    rank: 3,
    poolSize: 200,
  },
};

describe('domain picks as the panel shows them', () => {
  test('a spans pick keeps its tokens, suggestions and uncertain entities; a classification pick has none of them', () => {
    const unsure = [{ start: 5, end: 10, label: 'PLACE', confidence: 0.51 }];
    const spans: SpanPick = {
      ...place,
      tokens: [
        { start: 0, end: 4 },
        { start: 5, end: 10 },
      ],
      suggestions: [{ start: 0, end: 4, label: 'PERSON', confidence: 0.9 }],
      reason: { strategy: 'mnlp', score: 0.7, votes: {}, rank: 1, poolSize: 9, uncertainEntities: unsure },
    };
    const v = spanView(spans, { multiLabel: false });
    assert.deepEqual(v.tokens, spans.tokens);
    assert.deepEqual(v.suggestions, spans.suggestions);
    assert.deepEqual(v.why.uncertainEntities, unsure);
    assert.equal(v.why.strategy, 'mnlp');
    const plain = spanView(picked, { multiLabel: false });
    assert.ok(!('tokens' in plain) && !('suggestions' in plain) && !('uncertainEntities' in plain.why));
  });

  test('a meta-learner pick keeps its regime and why its strategy was chosen; others have neither', () => {
    const meta = whyInfo({ ...picked.reason!, regime: 'cold start: 3.0 labels per class (rarest 1)', armReason: 'typicality is favoured here' }, { multiLabel: false });
    assert.equal(meta.regime, 'cold start: 3.0 labels per class (rarest 1)');
    assert.equal(meta.armReason, 'typicality is favoured here');
    const plain = whyInfo(picked.reason, { multiLabel: false });
    assert.ok(!('regime' in plain) && !('armReason' in plain));
  });

  test('the guess and the two most likely labels, ties in label-set order; rank and pool size kept', () => {
    const why = whyInfo(picked.reason, { multiLabel: false });
    assert.deepEqual(why, {
      strategy: 'margin',
      score: 0.4,
      votes: { x: 0, y: 3, z: 2 },
      predicted: { label: 'y', probability: 0.5 },
      top: [
        { label: 'y', probability: 0.5 },
        { label: 'z', probability: 0.5 },
      ],
      rank: 3,
      poolSize: 200,
    });
  });

  test('multi-label: the labels with P ≥ 0.5 are named; single-label sessions do not name them', () => {
    assert.deepEqual(whyInfo(picked.reason, { multiLabel: true }).predictedLabels, ['y', 'z']);
    assert.equal(whyInfo(picked.reason, { multiLabel: false }).predictedLabels, undefined);
  });

  test('an untrained model states no guess; a span asked for by id shows as "review"', () => {
    const cold = whyInfo({ strategy: 'random', score: 0.1, votes: { x: 0, y: 0 } }, { multiLabel: true });
    assert.deepEqual(cold, { strategy: 'random', score: 0.1, votes: { x: 0, y: 0 } });
    assert.deepEqual(spanView(place, { multiLabel: false }), { ...place, why: { strategy: 'review', score: 0, votes: {} } });
  });

  test('a committee dispute lists the labels with at least one vote', () => {
    const item = committeeItem(picked, { multiLabel: false });
    assert.equal(item.reason, 'committee');
    assert.deepEqual(item.detail, { y: 3, z: 2 });
    assert.equal(item.span.id, 's1');
  });

  test('labels named like Object members keep their votes (a label set may name anything)', () => {
    const odd: SpanPick = { ...place, reason: { strategy: 'vote-entropy', score: 1, votes: JSON.parse('{"__proto__": 2, "constructor": 1, "toString": 0}') as Record<string, number> } };
    const item = committeeItem(odd, { multiLabel: false });
    assert.deepEqual(Object.entries(item.detail), [
      ['__proto__', 2],
      ['constructor', 1],
    ]);
    assert.deepEqual(Object.entries(item.span.why.votes), [
      ['__proto__', 2],
      ['constructor', 1],
      ['toString', 0],
    ]);
  });

  test('the controller\'s worker client maps query / views / explain / contested and passes the rest through', async () => {
    const results: Partial<Record<WorkerMethod, unknown>> = {
      query: [picked],
      views: [place],
      explain: [picked],
      contested: [picked],
      decide: { labeled: 1, retrainStarted: false },
    };
    const worker = viewingWorker(
      {
        request: async <M extends WorkerMethod>(method: M): Promise<WorkerRequests[M]['result']> => results[method] as WorkerRequests[M]['result'],
      },
      { multiLabel: false },
    );
    const [q] = await worker.request('query', { n: 1, exclude: [] });
    assert.equal(q.why.predicted?.label, 'y');
    const [v] = await worker.request('views', { ids: ['s1'] });
    assert.equal(v.why.strategy, 'review');
    const [e] = await worker.request('explain', { items: [] });
    assert.equal(e.why.rank, 3);
    const [c] = await worker.request('contested', { k: 1 });
    assert.deepEqual(c.detail, { y: 3, z: 2 });
    assert.deepEqual(await worker.request('decide', { id: 's1', label: 'y', decided: true }), { labeled: 1, retrainStarted: false });
  });
});
