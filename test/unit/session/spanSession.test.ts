import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { defaultSettings, type SpanSessionSettings } from '../../../src/core/settings';
import { SpanSession } from '../../../src/core/session/spanSession';
import { lastRecordedRound } from '../../../src/core/session/curveLog';
import type { SuggestedEntity } from '../../../src/core/session/spanPick';
import type { Logger } from '../../../src/core/types';
import { fakeSpanEngine, newLog, PEOPLE, spanDeps, type FakeSpanEngineLog } from './spanFakes';

/** The spans session on its own (no host): decisions in, picks out. */

let dir: string;
let log: FakeSpanEngineLog;
const warnings: string[] = [];
const logger: Logger = { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined };
const settings: SpanSessionSettings = { ...defaultSettings, task: 'spans', spanLabels: ['PERSON', 'PLACE'], annotator: 't', autoRetrainEvery: 0 };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'labelwise-spansession-'));
  writeFileSync(join(dir, 'news.txt'), PEOPLE['news.txt'].join('\n') + '\n');
  log = newLog();
  warnings.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A session on PEOPLE; `confidences`: the engine suggests the first tokens as PERSON with these confidences. */
async function open(confidences?: number[], curveFile?: string): Promise<SpanSession> {
  const deps = spanDeps(log);
  const createSpanEngine: typeof deps.createSpanEngine = (records, opts) => {
    const engine = fakeSpanEngine(records, opts, log);
    if (!confidences) return engine;
    const suggest = (i: number): SuggestedEntity[] =>
      records[i].tokens.tokens.slice(0, confidences.length).map((t, k) => ({ start: t.start, end: t.end, label: 'PERSON', confidence: confidences[k] }));
    return Object.assign(engine, { suggest });
  };
  const { session } = await SpanSession.open({ root: dir, settings, cacheDir: join(dir, 'cache'), decisions: [], ...(curveFile ? { curveFile } : {}) }, { ...deps, createSpanEngine }, { logger });
  return session;
}

const PER = (start: number, end: number): { start: number; end: number; label: string } => ({ start, end, label: 'PERSON' });
const LOC = (start: number, end: number): { start: number; end: number; label: string } => ({ start, end, label: 'PLACE' });

/**
 * Labels "Alice moved to Paris last year." and retrains (the fake tagger then suggests "Alice" as
 * PERSON and "Paris" as PLACE wherever they occur), then shows the other three sentences.
 */
async function firstRound(s: SpanSession): Promise<string[]> {
  const [first] = await s.query({ n: 1, exclude: [] });
  s.decide({ id: first.id, label: null, decided: true, entities: [PER(0, 5), LOC(15, 20)] });
  const r1 = await s.retrain();
  assert.equal(r1.spanScore, undefined, 'the first sentence was shown without a trained model: nothing to compare');
  const picks = await s.query({ n: 3, exclude: [] });
  assert.deepEqual(picks.map((p) => p.text), ['Bob works in Berlin.', 'The weather was fine.', 'Alice met Bob in Rome.']);
  assert.deepEqual(picks[2].suggestions?.map((e) => [e.start, e.end, e.label]), [[0, 5, 'PERSON']]);
  return picks.map((p) => p.id);
}

describe('SpanSession', () => {
  test('entity labels outside labelwise.spanLabels are left out of training, with a warning', async () => {
    const s = await open();
    const [pick] = await s.query({ n: 1, exclude: [] });
    s.decide({ id: pick.id, label: null, decided: true, entities: [{ start: 0, end: 5, label: 'PERSON' }, { start: 15, end: 20, label: 'ORG' }] });
    assert.deepEqual(log.setLabel.at(-1)?.entities, [{ start: 0, end: 5, label: 'PERSON' }]);
    assert.match(warnings.join('\n'), /"ORG" are not in labelwise\.spanLabels/);
    assert.equal(s.labeled, 1);
    await s.dispose();
  });

  test('decided sentences are not picked again; an undo makes them pickable and forgets their entities', async () => {
    const s = await open();
    const [pick] = await s.query({ n: 1, exclude: [] });
    s.decide({ id: pick.id, label: null, decided: true, entities: [] });
    assert.ok(!(await s.query({ n: 10, exclude: [] })).some((p) => p.id === pick.id));
    s.decide({ id: pick.id, label: null, decided: false });
    assert.equal(log.setLabel.at(-1)?.entities, null);
    assert.equal(s.labeled, 0);
    assert.ok((await s.query({ n: 10, exclude: [] })).some((p) => p.id === pick.id));
    await s.dispose();
  });

  test('labelwise.vectors (one vector per span) is not used by the spans task, and the log says so', async () => {
    const deps = spanDeps(log);
    const { session } = await SpanSession.open({ root: dir, settings: { ...settings, vectors: 'vectors/' }, cacheDir: join(dir, 'cache'), decisions: [] }, deps, { logger });
    assert.match(warnings.join('\n'), /labelwise\.vectors is not used by labelwise\.task "spans"/);
    assert.ok(log.records && log.records.length > 0, 'tokens encoded by the model');
    await session.dispose();
  });

  test('explain: fresh suggestions, and as uncertain entities the least certain ones (0.1–0.9, closest to 0.5 first)', async () => {
    const s = await open([0.95, 0.3, 0.55, 0.05, 0.8]);
    await s.retrain();
    const [pick] = await s.views([(await s.query({ n: 1, exclude: [] }))[0].id]);
    const [x] = await s.explain([{ id: pick.id, strategy: 'mnlp', score: 0.4 }]);
    assert.equal(x.suggestions?.length, 5);
    assert.deepEqual(x.reason?.uncertainEntities?.map((e) => e.confidence), [0.55, 0.3, 0.8]);
    assert.equal(x.reason?.strategy, 'mnlp');
    await s.dispose();
  });

  test('a round scores the suggestions shown against the answers since the previous round, before training on them', async () => {
    const curveFile = join(dir, '.labelwise', 'curve.jsonl');
    const s = await open(undefined, curveFile);
    assert.deepEqual(s.curveData().curve, []);
    const [bob, weather, alice] = await firstRound(s);
    s.decide({ id: bob, label: null, decided: true, entities: [PER(0, 3), LOC(13, 19)] }); // suggested none: tp 0, predicted 0, gold 2
    s.decide({ id: weather, label: null, decided: true, entities: [] }); // nothing either side
    s.decide({ id: alice, label: null, decided: true, entities: [PER(0, 5), PER(10, 13), LOC(17, 21)] }); // tp 1, predicted 1, gold 3
    // Micro: tp 1, predicted 1, gold 5 over 3 sentences: P 1, R 0.2, F1 2/6.
    const r2 = await s.retrain();
    assert.equal(r2.spanScore?.sentences, 3);
    assert.equal(r2.spanScore?.precision, 1);
    assert.equal(r2.spanScore?.recall, 0.2);
    assert.ok(Math.abs((r2.spanScore?.f1 ?? 0) - 1 / 3) < 1e-12);
    assert.equal(r2.estimatedAccuracy, undefined, 'the status bar\'s "accuracy" never shows a span F1');
    const point = { labels: 4, accuracy: r2.spanScore?.f1, precision: 1, recall: 0.2, sentences: 3 };
    assert.deepEqual(s.curveData().curve, [point]);
    // The next round has no new answers: no point.
    await s.retrain();
    assert.equal(s.curveData().curve.length, 1);
    await s.dispose();
    // The point survives a restart through the curve log (and is not the status bar's accuracy).
    const again = await open(undefined, curveFile);
    assert.deepEqual(again.curveData().curve, [point]);
    assert.equal(lastRecordedRound(curveFile)?.estimatedAccuracy, undefined);
    await again.dispose();
  });

  test('an undone answer leaves the comparison', async () => {
    const s = await open();
    const [bob, weather, alice] = await firstRound(s);
    s.decide({ id: bob, label: null, decided: true, entities: [PER(0, 3), LOC(13, 19)] });
    s.decide({ id: weather, label: null, decided: true, entities: [] });
    s.decide({ id: alice, label: null, decided: true, entities: [PER(0, 5), PER(10, 13), LOC(17, 21)] });
    s.decide({ id: bob, label: null, decided: false });
    // Left: tp 1, predicted 1, gold 3 over 2 sentences: P 1, R 1/3, F1 2/4.
    const r = await s.retrain();
    assert.equal(r.spanScore?.sentences, 2);
    assert.equal(r.spanScore?.f1, 0.5);
    assert.equal(r.spanScore?.recall, 1 / 3);
    await s.dispose();
  });

  test('a sentence answered, trained on, then undone is not tested again on the model that saw it', async () => {
    const s = await open();
    const [, , alice] = await firstRound(s);
    s.decide({ id: alice, label: null, decided: true, entities: [PER(0, 5)] }); // tp 1, predicted 1, gold 1
    assert.equal((await s.retrain()).spanScore?.f1, 1);
    s.decide({ id: alice, label: null, decided: false });
    await s.views([alice]); // shown again by the model trained on its answer
    s.decide({ id: alice, label: null, decided: true, entities: [PER(0, 5), PER(10, 13)] });
    assert.equal((await s.retrain()).spanScore, undefined);
    await s.dispose();
  });
});
