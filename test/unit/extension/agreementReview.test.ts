import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { defaultSettings, type LabelwiseSettings } from '../../../src/core/settings';
import type { LabelEvent } from '../../../src/core/store/events';
import { LabelStore, storePath } from '../../../src/core/store/labelStore';
import { LabelingController } from '../../../src/extension/labelingController';
import { OpenSourceCommand, ResolveContestedCommand, ShowViewCommand, type SpanView } from '../../../src/protocol';
import { FakeWorker } from './fakeWorker';

const settings: LabelwiseSettings = { ...defaultSettings, labels: ['a', 'b', 'c'], annotator: 'kim', batchSize: 3, budget: 50 };
const started = { spans: 50, files: 1, provider: 'cpu' as const, encoderId: 'fake', restored: 0, unmatched: 0, problems: [], labeled: 0, millis: 1 };

let clock = 0;
function ev(n: number, annotator: string, label: string): LabelEvent {
  clock++;
  return {
    id: `span-${n}`,
    source: { file: 'data/a.txt', start: n * 19, end: n * 19 + 18, line: n },
    text: `Sentence number ${n}.`,
    label,
    spans: [],
    answer: 'accept',
    annotator,
    strategy: null,
    score: null,
    ts: new Date(Date.UTC(2026, 10, 23, 10, 0, clock)).toISOString(),
  };
}

describe('review view: agreement between annotators', () => {
  let dir: string;
  let store: LabelStore;
  let opened: SpanView[];
  let c: LabelingController;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelwise-agree-'));
    store = LabelStore.open(storePath(dir));
    opened = [];
    c = new LabelingController({ settings, store, worker: new FakeWorker(), started, now: () => '2026-11-23T11:00:00.000Z', openSource: (s) => opened.push(s) });
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("two annotators: Cohen's κ overall and per label, the spans behind each disagreement open and resolve", async () => {
    // ann and bob on 6 spans: they agree on 0..3 (a, a, b, c), disagree on 4 (a vs b) and 5 (b vs c).
    const pairs: [string, string][] = [['a', 'a'], ['a', 'a'], ['b', 'b'], ['c', 'c'], ['a', 'b'], ['b', 'c']];
    pairs.forEach(([x, y], n) => {
      store.append(ev(n, 'ann', x));
      store.append(ev(n, 'bob', y));
    });
    await c.handle(ShowViewCommand.create({ view: 'review' }));
    await c.loadContested();
    const g = c.state().agreement;
    assert.ok(g, 'the review state carries the agreement');
    assert.equal(g.method, 'cohen-kappa');
    assert.deepEqual(g.annotators, ['ann', 'bob']);
    // pₒ = 4/6; ann: a 3, b 2, c 1; bob: a 2, b 2, c 2 → pₑ = (6 + 4 + 2) / 36 = 1/3; κ = (2/3 − 1/3) / (2/3) = 0.5.
    assert.ok(Math.abs((g.overall.value ?? NaN) - 0.5) < 1e-9, JSON.stringify(g.overall));
    assert.equal(g.overall.units, 6);
    assert.deepEqual(g.perLabel.map((l) => l.label), ['a', 'b', 'c']);
    assert.equal(g.disagreementCount, 2);
    assert.deepEqual(g.disagreements.map((d) => [d.span.id, d.byAnnotator, [...d.labels].sort()]).sort(), [
      ['span-4', { ann: 'a', bob: 'b' }, ['a', 'b']],
      ['span-5', { ann: 'b', bob: 'c' }, ['b', 'c']],
    ]);
    assert.deepEqual(g.disagreements.map((d) => [d.span.before, d.span.after]), [['', ''], ['', '']], 'the list carries no context');

    await c.handle(OpenSourceCommand.create({ spanId: 'span-5' }));
    assert.deepEqual(opened.map((s) => [s.id, s.start, s.end]), [['span-5', 500, 518]], 'a click opens the span (the engine knows where it is now)');

    await c.handle(ResolveContestedCommand.create({ spanId: 'span-4', label: 'b' }));
    const after = c.state().agreement;
    assert.equal(after?.disagreements.find((d) => d.span.id === 'span-4')?.resolvedAs, 'b');
    assert.equal(store.state.current('span-4')?.label, 'b');
    assert.equal(store.state.current('span-4')?.resolves, true);
    // The resolution is no third opinion: κ stays as it was when the view is loaded again.
    await c.loadContested();
    assert.ok(Math.abs((c.state().agreement?.overall.value ?? NaN) - 0.5) < 1e-9);
    assert.equal(c.state().agreement?.disagreements.find((d) => d.span.id === 'span-4')?.resolvedAs, 'b');
  });

  test('one annotator: the agreement says what it needs, with no figure', async () => {
    store.append(ev(0, 'kim', 'a'));
    store.append(ev(1, 'kim', 'b'));
    await c.showView('review');
    const g = c.state().agreement;
    assert.equal(g?.method, undefined);
    assert.equal(g?.overall.value, undefined);
    assert.equal(g?.overall.units, 0);
    assert.match(g?.overall.note ?? '', /two or more annotators/);
  });

  test('the agreement goes to the panel with the review view only (a state is sent at every key)', async () => {
    store.append(ev(0, 'ann', 'a'));
    store.append(ev(0, 'bob', 'b'));
    await c.showView('review');
    assert.ok(c.state().agreement);
    await c.showView('label');
    assert.equal(c.state().agreement, undefined);
  });
});
