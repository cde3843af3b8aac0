import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { defaultSettings, type SpanSessionSettings } from '../../../src/core/settings';
import { SpanSession } from '../../../src/core/session/spanSession';
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
async function open(confidences?: number[]): Promise<SpanSession> {
  const deps = spanDeps(log);
  const createSpanEngine: typeof deps.createSpanEngine = (records, opts) => {
    const engine = fakeSpanEngine(records, opts, log);
    if (!confidences) return engine;
    const suggest = (i: number): SuggestedEntity[] =>
      records[i].tokens.tokens.slice(0, confidences.length).map((t, k) => ({ start: t.start, end: t.end, label: 'PERSON', confidence: confidences[k] }));
    return Object.assign(engine, { suggest });
  };
  const { session } = await SpanSession.open({ root: dir, settings, cacheDir: join(dir, 'cache'), decisions: [] }, { ...deps, createSpanEngine }, { logger });
  return session;
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
});
