import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { metaSelectorFactory } from '../../../src/core/meta/metaSelectorFactory';
import { simulate, type SimulateOptions } from '../../../src/core/simulation/simulate';
import { simulationVectors } from '../../../src/core/simulation/simulationVectors';
import type { Split } from '../../../src/core/simulation/split';
import { createEngine } from '../../../src/core/engine/createEngine';
import { defaultDeps } from '../../../src/core/session/defaultDeps';
import { LabelingSession, type SessionCorpus, type SessionDeps } from '../../../src/core/session/labelingSession';
import { defaultSettings, type StartableSettings } from '../../../src/core/settings';
import type { StrategyChoice } from '../../../src/core/strategies/strategy';
import { silentLogger, type CandidateSpan, type Matrix } from '../../../src/core/types';
import { letterEncoder } from '../session/testCorpus';
import { syntheticDataset } from './synthetic';

// One engine (issue 8): the editor's worker path — a LabelingSession, its decisions arriving in
// the order the spans were picked, a retrain after each batch — and `labelwise simulate` must ask
// for the very same records, batch by batch, for the same seed, labels and settings.

const { data, vectors } = syntheticDataset(4, 50, 3);
const N = data.records.length;
// A fixed split, so that both sides start from the same pool and the same initial labels.
const split: Split = { testIds: Array.from({ length: N }, (_, i) => i).filter((i) => i % 4 === 0), initIds: [1, 2, 3, 5, 6, 7, 9, 10] };
const poolIds = Array.from({ length: N }, (_, i) => i).filter((i) => i % 4 !== 0);
const run = { seed: 7, init: split.initIds!.length, batch: 6, budget: 56, committeeSize: 4 } as const;

function poolVectors(): Matrix {
  const d = vectors.cols;
  const out = new Float32Array(poolIds.length * d);
  poolIds.forEach((id, p) => out.set(vectors.data.subarray(id * d, (id + 1) * d), p * d));
  return { rows: poolIds.length, cols: d, data: out };
}

/** The pool as the editor sees it: one candidate span per pool record, in pool order. */
function poolCorpus(): SessionCorpus {
  const spans: CandidateSpan[] = poolIds.map((id, p) => ({ id: `record-${id}`, file: 'pool.txt', line: p, start: 0, end: data.records[id].text.length, text: data.records[id].text }));
  return { spans, files: 1, problems: [], context: () => ({ before: '', after: '' }) };
}

const recordOf = (spanId: string): number => Number(spanId.slice('record-'.length));

/** The records the simulation asks for, batch by batch. */
async function simulated(strategy: StrategyChoice): Promise<number[][]> {
  const batches: number[][] = [];
  // The features as `labelwise simulate` builds them by default: the lexical block of the editor's
  // default size fitted on the pool's texts, which here are the editor's whole corpus.
  const features = simulationVectors({ data, split, testFraction: 0.25, ...run }, vectors, { commonComponents: 0, lexical: defaultSettings.lexicalFeatures });
  assert.ok(features.vectors.cols > vectors.cols);
  const opts: SimulateOptions = {
    data,
    ...features,
    strategy,
    split,
    testFraction: 0.25,
    ...run,
    // A name no prior was trained on: both sides use the shipped prior.
    name: 'one-engine-test',
    // The editor's default semi-supervised step, as the session below runs it.
    ...(defaultSettings.semiSupervised === 'off' ? {} : { semiSupervised: { method: defaultSettings.semiSupervised } }),
    metaFactory: metaSelectorFactory(silentLogger),
    onQuery: (records) => batches.push([...records]),
  };
  await simulate(opts);
  return batches;
}

/** The records the editor's session asks for when every pick is answered with its gold label. */
async function edited(strategy: StrategyChoice, deps: SessionDeps): Promise<number[][]> {
  const settings: StartableSettings = {
    ...defaultSettings,
    labels: [data.classes[0], data.classes[1], ...data.classes.slice(2)],
    strategy,
    seed: run.seed,
    batchSize: run.batch,
    committeeSize: run.committeeSize,
    diversity: true,
    autoRetrainEvery: 0,
    annotator: 'gold',
  };
  const { session } = await LabelingSession.open({ root: '/nowhere', settings, cacheDir: '/nowhere/cache', decisions: [] }, deps);
  const answer = (record: number): void => void session.decide({ id: `record-${record}`, label: data.records[record].label!, decided: true });
  try {
    for (const id of split.initIds!) answer(id);
    await session.retrain();
    const batches: number[][] = [];
    while (session.labeled < run.budget) {
      const picks = await session.query({ n: Math.min(run.batch, run.budget - session.labeled), exclude: [] });
      const records = picks.map((p) => recordOf(p.id));
      batches.push(records);
      records.forEach(answer);
      await session.retrain();
    }
    return batches;
  } finally {
    await session.dispose();
  }
}

/** The worker's real dependencies, with this pool in place of a workspace's corpus and encoder. */
function editorDeps(engine: SessionDeps['createEngine'] = defaultDeps().createEngine): SessionDeps {
  const X = poolVectors();
  return {
    loadEncoder: async () => letterEncoder(),
    openCorpus: async () => ({ corpus: poolCorpus(), vectors: X }),
    createEngine: engine,
  };
}

describe('one engine: the editor and simulate ask for the same spans', () => {
  test('a fixed strategy (margin): same records, batch by batch', async () => {
    const sim = await simulated('margin');
    const ed = await edited('margin', editorDeps());
    assert.equal(sim.length, (run.budget - run.init) / run.batch);
    assert.deepEqual(ed, sim);
  });

  test('the meta-learner: same records, batch by batch, with its feedback between batches', async () => {
    // The editor has no label budget or initial count of a run: the meta-learner's horizon is set
    // as the simulation sets it, and everything else is the worker's engine as it builds it.
    const engine: SessionDeps['createEngine'] = (X, opts, extra) => createEngine(X, opts, { batch: extra.batch, logger: extra.logger, budget: run.budget, init: run.init });
    const sim = await simulated('meta');
    const ed = await edited('meta', editorDeps(engine));
    assert.equal(sim.length, (run.budget - run.init) / run.batch);
    assert.deepEqual(ed, sim);
  });
});
