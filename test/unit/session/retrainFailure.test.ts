import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEngine } from '../../../src/core/engine/createEngine';
import { LabelingSession, type SessionDeps } from '../../../src/core/session/labelingSession';
import type { StartParams } from '../../../src/core/session/workerProtocol';
import { defaultSettings, type StartableSettings } from '../../../src/core/settings';
import type { BatchSelector, Pick } from '../../../src/core/strategies/strategy';
import { spanView } from '../../../src/extension/views';
import { letterEncoder, lineCorpus, TOPICS, openWith } from './testCorpus';

const settings: StartableSettings = { ...defaultSettings, labels: ['sport', 'science'], annotator: 't', autoRetrainEvery: 0, committeeSize: 3, batchSize: 4, strategy: 'meta' };
const params: StartParams = { root: '/nowhere/ws', settings, cacheDir: '/nowhere/cache', decisions: [] };
const truth = (file: string): string => (file === 'sport.txt' ? 'sport' : 'science');

describe('a failed retrain does not break the session', () => {
  test('the session keeps answering with the previous model, and a later retrain works', async () => {
    // A meta-learner whose prior fails once, as a broken or refused prior would.
    let fail = false;
    const selector: BatchSelector = {
      name: 'flaky-meta',
      select: async (state, n): Promise<Pick[]> => Array.from(state.unlabeled.subarray(0, n), (row) => ({ row, strategy: 'margin', score: 0.5 })),
      feedback: (): void => {
        if (fail) throw new Error('the prior failed');
      },
    };
    const deps: SessionDeps = {
      loadEncoder: async () => letterEncoder(),
      openCorpus: openWith(() => lineCorpus(TOPICS), async (encoder, texts) => encoder.encode(texts)),
      createEngine: (X, opts, extra) => createEngine(X, opts, { ...extra, metaFactory: () => selector }),
    };
    const { session } = await LabelingSession.open(params, deps);
    try {
      for (const v of await session.query({ n: 4, exclude: [] })) session.decide({ id: v.id, label: truth(v.file), decided: true });
      await session.retrain();
      const shown = (await session.query({ n: 4, exclude: [] })).map((p) => spanView(p, settings));
      const guesses = (await session.explain(shown.map((v) => ({ id: v.id, strategy: v.why.strategy, score: v.why.score })))).map((p) => spanView(p, settings).why.predicted);
      assert.ok(guesses.every((g) => g !== undefined));
      for (const v of shown.slice(0, 2)) session.decide({ id: v.id, label: truth(v.file), decided: true });

      fail = true;
      await assert.rejects(session.retrain(), /the prior failed/);
      const after = (await session.explain(shown.map((v) => ({ id: v.id, strategy: v.why.strategy, score: v.why.score })))).map((p) => spanView(p, settings));
      assert.deepEqual(after.map((v) => v.why.predicted), guesses, 'the previous model answers as before');
      assert.equal((await session.query({ n: 3, exclude: [] })).length, 3);

      fail = false;
      const round = await session.retrain();
      assert.equal(round.labels, 6);
      assert.equal((await session.query({ n: 3, exclude: [] })).length, 3);
    } finally {
      await session.dispose();
    }
  });
});
