import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createEngine } from '../../../src/core/engine/createEngine';
import { readCurveLog } from '../../../src/core/session/curveLog';
import { LabelingSession, type SessionDeps } from '../../../src/core/session/labelingSession';
import type { StartParams } from '../../../src/core/session/workerProtocol';
import { defaultSettings, type StartableSettings } from '../../../src/core/settings';
import { silentLogger } from '../../../src/core/types';
import { spanView } from '../../../src/extension/views';
import { letterEncoder, lineCorpus, TOPICS, openWith } from './testCorpus';

const deps: SessionDeps = {
  loadEncoder: async () => letterEncoder(),
  openCorpus: openWith(() => lineCorpus(TOPICS), async (encoder, texts) => encoder.encode(texts)),
  createEngine: (X, opts) => createEngine(X, opts),
};
const settings: StartableSettings = { ...defaultSettings, labels: ['sport', 'science', 'other'], annotator: 't', autoRetrainEvery: 0, committeeSize: 3, batchSize: 4, strategy: 'margin', diversity: false };
const params = (over: Partial<StartParams> = {}): StartParams => ({ root: '/nowhere', settings, cacheDir: '/nowhere/cache', decisions: [], ...over });
const truth = (file: string): string => (file === 'sport.txt' ? 'sport' : 'science');

describe('the "why" the session hands the panel', () => {
  test('after a retrain: the two most likely labels, most likely first, and the rank among the unlabeled pool', async () => {
    const { session } = await LabelingSession.open(params(), deps);
    try {
      const cold = (await session.query({ n: 4, exclude: [] })).map((p) => spanView(p, settings));
      for (const v of cold) {
        assert.equal(v.why.strategy, 'random');
        assert.equal(v.why.top, undefined, 'no guess before the model is trained');
        assert.equal(v.why.rank, undefined, 'a random pick has no rank');
      }
      for (const v of cold) session.decide({ id: v.id, label: truth(v.file), decided: true });
      await session.retrain();
      const batch = (await session.query({ n: 3, exclude: [] })).map((p) => spanView(p, settings));
      assert.equal(batch.length, 3);
      for (const v of batch) {
        const top = v.why.top;
        assert.ok(top !== undefined && top.length === 2, 'two labels');
        assert.ok(top[0].probability >= top[1].probability, 'most likely first');
        assert.notEqual(top[0].label, top[1].label);
        assert.deepEqual(v.why.predicted, top[0], 'the guess is the most likely label');
        assert.equal(v.why.poolSize, 12 - 4, 'ranked among the unlabeled spans');
      }
      // Without diversity margin hands out the top of its ranking, in order.
      assert.deepEqual(batch.map((v) => v.why.rank), [1, 2, 3]);
    } finally {
      await session.dispose();
    }
  });

  test('each round counts which strategy picked the spans it trains on, and the curve log keeps the counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-why-'));
    const curveFile = join(dir, 'curve.jsonl');
    try {
      const { session } = await LabelingSession.open(params({ curveFile }), deps);
      try {
        const cold = await session.query({ n: 4, exclude: [] });
        for (const v of cold) session.decide({ id: v.id, label: truth(v.file), decided: true });
        // A skipped span and an undone label are not trained on: not counted.
        session.decide({ id: cold[3].id, label: null, decided: false });
        const r1 = await session.retrain();
        assert.deepEqual(r1.picks, { random: 3 });
        const next = await session.query({ n: 3, exclude: [] });
        session.decide({ id: next[0].id, label: truth(next[0].file), decided: true });
        session.decide({ id: next[1].id, label: null, decided: true });
        const r2 = await session.retrain();
        assert.deepEqual(r2.picks, { margin: 1 });
        const weights = session.curveData().weights;
        assert.deepEqual(weights.map((w) => w.picks), [{ random: 3 }, { margin: 1 }]);
        // A round with no picked labels says nothing about picks.
        const r3 = await session.retrain();
        assert.equal(r3.picks, undefined);
      } finally {
        await session.dispose();
      }
      const restored = await readCurveLog(curveFile, silentLogger);
      assert.deepEqual(restored.weights.map((w) => w.picks), [{ random: 3 }, { margin: 1 }, undefined]);
      assert.match(readFileSync(curveFile, 'utf8').split('\n')[0], /"picks":\{"random":3\}/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
