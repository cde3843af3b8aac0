import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import { createEngine } from '../../../src/core/engine/createEngine';
import { metaSelectorFactory } from '../../../src/core/meta/metaSelectorFactory';
import type { MetaSelector } from '../../../src/core/meta/metaSelector';
import { defaultDeps } from '../../../src/core/session/defaultDeps';
import { LabelingSession, type SessionDeps } from '../../../src/core/session/labelingSession';
import type { StartParams } from '../../../src/core/session/workerProtocol';
import { defaultSettings, type StartableSettings } from '../../../src/core/settings';
import { silentLogger } from '../../../src/core/types';
import { letterEncoder, lineCorpus, TOPICS, openWith } from './testCorpus';

// Workspace folders named like the datasets the shipped prior was trained on (and held out from).
const BENCHMARK_NAMES = ['synthetic', 'brown-genre', 'sotu-era', 'spam-assassin'];

const settings: StartableSettings = { ...defaultSettings, labels: ['sport', 'science'], annotator: 't', autoRetrainEvery: 0, committeeSize: 3, batchSize: 4, strategy: 'meta' };
const truth = (file: string): string => (file === 'sport.txt' ? 'sport' : 'science');

function params(folder: string): StartParams {
  const root = join(tmpdir(), 'labelwise-ws', folder);
  return { root, settings, cacheDir: join(root, 'cache'), decisions: [] };
}

/** The real engine (as the worker builds it), with the corpus and encoder replaced by small fakes. */
function deps(createEngine: SessionDeps['createEngine'] = defaultDeps().createEngine): SessionDeps {
  return {
    loadEncoder: async () => letterEncoder(),
    openCorpus: openWith(() => lineCorpus(TOPICS), async (encoder, texts) => encoder.encode(texts)),
    createEngine,
  };
}

/** Labels six spans, retrains, and asks for the next batch: the first steps of any session. */
async function labelAndRetrain(session: LabelingSession): Promise<number> {
  const batch = await session.query({ n: 6, exclude: [] });
  for (const v of batch) session.decide({ id: v.id, label: truth(v.file), decided: true });
  await session.retrain();
  return (await session.query({ n: 4, exclude: [] })).length;
}

describe('a workspace folder name never selects or refuses a prior', () => {
  for (const folder of BENCHMARK_NAMES) {
    test(`a folder named "${folder}": the default meta strategy retrains and keeps answering`, async () => {
      const { session } = await LabelingSession.open(params(folder), deps());
      try {
        assert.equal(await labelAndRetrain(session), 4);
        await session.retrain();
        assert.equal((await session.query({ n: 2, exclude: [] })).length, 2);
      } finally {
        await session.dispose();
      }
    });
  }

  test('whatever the folder is called, the meta-learner runs with the shipped prior (prior.json)', async () => {
    const used: string[] = [];
    const spy: SessionDeps['createEngine'] = (X, opts, extra) =>
      createEngine(X, opts, {
        ...extra,
        metaFactory: async (ctx) => {
          const sel = (await metaSelectorFactory(silentLogger)(ctx)) as MetaSelector;
          used.push(basename(sel.priorFile ?? 'none'));
          return sel;
        },
      });
    for (const folder of BENCHMARK_NAMES) {
      const { session } = await LabelingSession.open(params(folder), deps(spy));
      try {
        await labelAndRetrain(session);
      } finally {
        await session.dispose();
      }
    }
    assert.deepEqual(used, BENCHMARK_NAMES.map(() => 'prior.json'));
  });
});
