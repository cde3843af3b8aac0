import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createEngine } from '../../../src/core/engine/createEngine';
import type { Encoder } from '../../../src/core/encoders/encoder';
import { loadEncoder } from '../../../src/core/encoders/loadEncoder';
import { SettingError } from '../../../src/core/errors';
import { CancelledError } from '../../../src/core/session/cancelledError';
import { LEXICAL_FIT_ROWS, appendLexical } from '../../../src/core/features/lexicalPool';
import { LabelingSession, type SessionCorpus, type SessionDeps, type TableCorpus } from '../../../src/core/session/labelingSession';
import { SpanTable } from '../../../src/core/session/spanTable';
import type { Vectors } from '../../../src/core/types';
import type { StartParams } from '../../../src/core/session/workerProtocol';
import type { LabelEvent } from '../../../src/core/store/events';
import { defaultSettings, type StartableSettings } from '../../../src/core/settings';
import { committeeItem, spanView } from '../../../src/extension/views';
import { lineCorpus, letterEncoder, TOPICS, openWith } from './testCorpus';

const hasModel = existsSync(join(__dirname, '..', '..', '..', 'models', 'labelwise-glove100k.onnx'));

/** The test encoder's vectors of a corpus's spans. */
async function encodedSpans(corpus: SessionCorpus): Promise<Vectors> {
  const encoder = await deps(corpus).loadEncoder({ model: 'default', device: 'cpu' });
  try {
    return await encoder.encode(corpus.spans.map((x) => x.text));
  } finally {
    await encoder.dispose?.();
  }
}

function deps(corpus: SessionCorpus = lineCorpus(TOPICS)): SessionDeps {
  return {
    // The real embedded encoder when it has been built, else a small deterministic stand-in.
    loadEncoder: async (o): Promise<Encoder> => (hasModel ? loadEncoder({ ...o, device: 'cpu' }) : letterEncoder()),
    openCorpus: openWith(() => corpus),
    createEngine: (X, opts) => createEngine(X, opts),
  };
}

const settings: StartableSettings = { ...defaultSettings, labels: ['sport', 'science'], annotator: 't', autoRetrainEvery: 0, committeeSize: 3, batchSize: 4, strategy: 'margin' };
const params = (over: Partial<StartParams> = {}): StartParams => ({ root: '/nowhere', settings, cacheDir: '/nowhere/cache', decisions: [], ...over });
const truth = (file: string): string => (file === 'sport.txt' ? 'sport' : 'science');
/** A decision as the label store holds it: accepted with `label`, or skipped (label null). */
const storedEvent = (s: { id: string; file: string; start: number; end: number; text: string; line: number }, label: string | null): LabelEvent => ({
  id: s.id,
  source: { file: s.file, start: s.start, end: s.end, line: s.line },
  text: s.text,
  label,
  spans: [],
  answer: label === null ? 'ignore' : 'accept',
  annotator: 't',
  strategy: null,
  score: null,
  ts: '2026-11-23T10:00:00.000Z',
});

describe('labeling session (plain Node)', () => {
  test('labelwise.lexicalFeatures: the engine gets the encoder\'s vectors and the lexical block of the span texts, from the spans or read span by span', async () => {
    const corpus = lineCorpus(TOPICS);
    const texts = corpus.spans.map((x) => x.text);
    const lexical = { ...settings, lexicalFeatures: 5 };
    const seen: Vectors[] = [];
    const capture = (d: SessionDeps): SessionDeps => ({ ...d, createEngine: (X, opts) => (seen.push(X), createEngine(X, opts)) });
    // Fresh cache folders: each open below fits the block.
    const cacheDir = (): string => mkdtempSync(join(tmpdir(), 'labelwise-lexical-'));
    const opened = await LabelingSession.open(params({ settings: lexical, cacheDir: cacheDir() }), capture(deps(corpus)));
    await opened.session.dispose();
    const encoder = await deps(corpus).loadEncoder({ model: 'default', device: 'cpu' });
    const want = appendLexical(await encoder.encode(texts), texts, 5);
    await encoder.dispose?.();
    assert.equal(seen[0].cols, encoder.dim + 5);
    assert.deepEqual(seen[0], want.pool);
    // A corpus whose spans are a table and which cannot read all texts at once: read span by span.
    const table = new SpanTable(corpus.spans);
    const read: string[] = [];
    const tableCorpus: TableCorpus = {
      spans: table,
      files: corpus.files,
      problems: [],
      context: () => ({ before: '', after: '' }),
      text: async (place) => {
        const t = corpus.spans.find((x) => x.file === place.file && x.start === place.start)!.text;
        read.push(t);
        return t;
      },
    };
    const d = capture(deps(corpus));
    const again = await LabelingSession.open(params({ settings: lexical, cacheDir: cacheDir() }), { ...d, openCorpus: async (_root, _s, enc) => ({ corpus: tableCorpus, vectors: await enc.encode(texts) }) });
    await again.session.dispose();
    assert.deepEqual(read.slice(0, texts.length), texts, 'every span read once, in row order');
    assert.deepEqual(seen[1], want.pool);
    // Off (0): the encoder's vectors alone.
    const plain = await LabelingSession.open(params({ settings: { ...settings, lexicalFeatures: 0 } }), capture(deps(corpus)));
    await plain.session.dispose();
    assert.equal(seen[2].cols, encoder.dim);
    // The default: 100 columns asked for, as many as this small corpus's texts span.
    assert.equal(defaultSettings.lexicalFeatures, 100);
    const byDefault = await LabelingSession.open(params({ cacheDir: cacheDir() }), capture(deps(corpus)));
    await byDefault.session.dispose();
    assert.deepEqual(seen[3], appendLexical(await encodedSpans(corpus), texts, 100).pool);
  });

  test(`labelwise.lexicalFeatures: a corpus of more than ${LEXICAL_FIT_ROWS} spans gets the block simulate fits (a run at a time), re-opens from the cache, and a cancel mid-way caches nothing`, async () => {
    const lines = Array.from({ length: LEXICAL_FIT_ROWS + 1500 }, (_, i) => `span ${(i % 311).toString(36)} of a ${['large', 'long', 'big'][i % 3]} corpus`);
    const corpus = lineCorpus({ 'large.txt': lines });
    const texts = corpus.spans.map((x) => x.text);
    const logs: string[] = [];
    const logger = { info: (m: string) => void logs.push(m), warn: (m: string) => void logs.push(m), error: (m: string) => void logs.push(m) };
    const seen: Vectors[] = [];
    const d: SessionDeps = { loadEncoder: async () => letterEncoder(), openCorpus: openWith(() => corpus), createEngine: (X, opts) => (seen.push(X), createEngine(X, opts)) };
    const cacheDir = mkdtempSync(join(tmpdir(), 'labelwise-lexical-'));
    // Cancelled while projecting: no block in the cache folder, not even a part of one.
    const abort = new AbortController();
    const progress = (m: string): void => void (m.startsWith('Lexical features: projecting') && abort.abort());
    await assert.rejects(LabelingSession.open(params({ settings: { ...settings, lexicalFeatures: 6 }, cacheDir }), d, { logger, progress, signal: abort.signal }), CancelledError);
    assert.deepEqual(readdirSync(cacheDir), []);
    const want = appendLexical(await letterEncoder().encode(texts), texts, 6).pool;
    for (const how of [`fitted on ${LEXICAL_FIT_ROWS} of the ${lines.length} span texts, every span projected`, 'from the cache']) {
      const opened = await LabelingSession.open(params({ settings: { ...settings, lexicalFeatures: 6 }, cacheDir }), d, { logger });
      await opened.session.dispose();
      assert.deepEqual(seen.at(-1), want, how);
      assert.ok(logs.some((m) => m.startsWith(`lexical features: 6 columns ${how} in `)), logs.join('\n'));
    }
  });

  test('labelwise.lexicalFeatures: a corpus read a span a run (one file a span) reports at most a hundred progress steps, and the block is the same', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i % 37} about ${['cats', 'dogs', 'owls'][i % 3]}`);
    const corpus = lineCorpus({ 'many.txt': lines });
    const texts = corpus.spans.map((x) => x.text);
    const tableCorpus: TableCorpus = {
      spans: new SpanTable(corpus.spans),
      files: corpus.files,
      problems: [],
      context: () => ({ before: '', after: '' }),
      text: async () => assert.fail('read through textRuns'),
      textRuns: async function* () {
        for (const t of texts) yield [t];
      },
    };
    const seen: Vectors[] = [];
    const messages: string[] = [];
    const d: SessionDeps = {
      loadEncoder: async () => letterEncoder(),
      openCorpus: async (_root, _s, enc) => ({ corpus: tableCorpus, vectors: await enc.encode(texts) }),
      createEngine: (X, opts) => (seen.push(X), createEngine(X, opts)),
    };
    const opened = await LabelingSession.open(params({ settings: { ...settings, lexicalFeatures: 4 }, cacheDir: mkdtempSync(join(tmpdir(), 'labelwise-lexical-')) }), d, { progress: (m) => void messages.push(m) });
    await opened.session.dispose();
    const steps = messages.filter((m) => m.startsWith('Lexical features: reading'));
    assert.ok(steps.length >= 10 && steps.length <= 100, `${steps.length} progress steps`);
    assert.equal(steps.at(-1), 'Lexical features: reading 1000/1000');
    assert.deepEqual(seen[0], appendLexical(await letterEncoder().encode(texts), texts, 4).pool);
  });

  test('labelwise.semiSupervised: the engine gets the step (off: none; propagation by default); with labelwise.multiLabel it is ignored, and the log says so', async () => {
    const corpus = lineCorpus(TOPICS);
    const got: unknown[] = [];
    const logs: string[] = [];
    const logger = { info: (m: string) => void logs.push(m), warn: (m: string) => void logs.push(m), error: (m: string) => void logs.push(m) };
    const d: SessionDeps = { ...deps(corpus), createEngine: (X, opts, extra) => (got.push(opts.semiSupervised), createEngine(X, opts, extra)) };
    for (const semiSupervised of ['off', 'propagation', 'self-training'] as const) {
      const opened = await LabelingSession.open(params({ settings: { ...settings, lexicalFeatures: 0, semiSupervised } }), d, { logger });
      await opened.session.dispose();
    }
    assert.deepEqual(got, [undefined, { method: 'propagation' }, { method: 'self-training' }]);
    // The default: propagation (bench:al judged it, BENCHMARKS.md).
    const { semiSupervised: _, ...unset } = settings;
    const dflt = await LabelingSession.open(params({ settings: { ...defaultSettings, ...unset, lexicalFeatures: 0 } }), d, { logger });
    await dflt.session.dispose();
    assert.deepEqual(got.at(-1), { method: 'propagation' });
    assert.ok(logs.includes('semi-supervised learner: propagation (labelwise.semiSupervised)'), logs.join('\n'));
    const multi = await LabelingSession.open(params({ settings: { ...settings, lexicalFeatures: 0, multiLabel: true, semiSupervised: 'propagation' } }), d, { logger });
    await multi.session.dispose();
    assert.equal(got.at(-1), undefined);
    assert.ok(logs.includes('semi-supervised learner: none with labelwise.multiLabel (labelwise.semiSupervised propagation serves single-label classification only)'), logs.join('\n'));
  });

  test('multi-label: label sets (stored and new) train a one-vs-rest engine; the why lists the labels that apply', async () => {
    const multi = { ...settings, multiLabel: true };
    const corpus = lineCorpus(TOPICS);
    const stored: LabelEvent = { ...storedEvent(corpus.spans[0], null), answer: 'accept', labels: [truth(corpus.spans[0].file)] };
    const { session, result } = await LabelingSession.open(params({ settings: multi, decisions: [stored] }), deps(corpus));
    try {
      assert.equal(result.labeled, 1);
      for (const v of corpus.spans.slice(1, 8)) session.decide({ id: v.id, label: null, decided: true, labels: [truth(v.file)] });
      session.decide({ id: corpus.spans[8].id, label: null, decided: true, labels: [] });
      assert.equal(session.labeled, 9);
      const round = await session.retrain();
      assert.equal(round.labels, 9);
      const [v] = (await session.query({ n: 1, exclude: [] })).map((p) => spanView(p, multi));
      assert.ok(Array.isArray(v.why.predictedLabels), 'a trained multi-label model names the labels it says apply');
      assert.ok(v.why.predictedLabels!.every((l) => multi.labels.includes(l)));
      // Undo of a set; an unchanged set does not count as a new label.
      session.decide({ id: corpus.spans[8].id, label: null, decided: false });
      assert.equal(session.labeled, 8);
    } finally {
      await session.dispose();
    }
  });

  test('rejects reach the engine as negative evidence: stored ones at open, new ones and undos as they come', async () => {
    const calls: [number, number | null][] = [];
    const d: SessionDeps = {
      ...deps(),
      createEngine: (X, opts) => {
        const e = createEngine(X, opts);
        const set = e.setRejected!.bind(e);
        e.setRejected = (row, cls): void => {
          calls.push([row, cls]);
          set(row, cls);
        };
        return e;
      },
    };
    const corpus = lineCorpus(TOPICS);
    const [a, b, c] = corpus.spans;
    const rejectedA: LabelEvent = { ...storedEvent(a, 'science'), answer: 'reject' };
    const { session } = await LabelingSession.open(params({ decisions: [storedEvent(c, truth(c.file)), rejectedA] }), { ...d, openCorpus: openWith(() => corpus) });
    try {
      assert.deepEqual(calls, [[0, 1]], 'the stored reject of "science" on the first span');
      assert.equal(session.labeled, 1, 'a reject is not a label');
      session.decide({ id: b.id, label: null, decided: true, rejected: 'sport' });
      session.decide({ id: b.id, label: null, decided: true, rejected: 'not-a-label' });
      session.decide({ id: a.id, label: null, decided: false, rejected: null });
      assert.deepEqual(calls, [[0, 1], [1, 0], [1, null], [0, null]]);
      assert.equal(session.labeled, 1);
      assert.deepEqual((await session.query({ n: 20, exclude: [] })).map((v) => v.id).includes(b.id), false, 'a rejected span is decided');
    } finally {
      await session.dispose();
    }
  });

  test('start → batch with why → decisions → retrain → curve point and weights → undo', async () => {
    const progress: string[] = [];
    const { session, result } = await LabelingSession.open(params(), deps(), { progress: (m) => progress.push(m) });
    try {
      assert.equal(result.spans, 12);
      assert.equal(result.files, 2);
      assert.equal(result.labeled, 0);
      assert.ok(progress.some((m) => /Encoding spans 12\/12/.test(m)), progress.join(' | '));

      const batch = (await session.query({ n: 4, exclude: [] })).map((p) => spanView(p, settings));
      assert.equal(batch.length, 4);
      assert.equal(new Set(batch.map((b) => b.id)).size, 4);
      for (const v of batch) {
        assert.equal(typeof v.why.strategy, 'string');
        assert.ok(Number.isFinite(v.why.score));
        assert.deepEqual(Object.keys(v.why.votes).sort(), ['science', 'sport']);
        assert.ok(v.before.length > 0 || v.after.length > 0, 'context from the source file');
      }
      // Held spans are never handed out twice.
      const more = await session.query({ n: 4, exclude: batch.map((b) => b.id) });
      assert.equal(more.filter((m) => batch.some((b) => b.id === m.id)).length, 0);

      const all = await session.query({ n: 100, exclude: [] });
      assert.equal(all.length, 12);
      for (const v of all) session.decide({ id: v.id, label: truth(v.file), decided: true });
      assert.equal(session.labeled, 12);
      assert.deepEqual(await session.query({ n: 3, exclude: [] }), [], 'every span is decided');

      const round = await session.retrain();
      assert.equal(round.round, 1);
      assert.equal(round.labels, 12);
      assert.ok(round.estimatedAccuracy !== undefined && round.estimatedAccuracy >= 0 && round.estimatedAccuracy <= 1);
      const curve = session.curveData();
      assert.deepEqual(curve.curve, [{ labels: 12, accuracy: round.estimatedAccuracy }]);
      assert.equal(curve.weights.length, 1);
      assert.equal(curve.weights[0].round, 1);

      // Undo: the span has no decision any more and can be queried again; a later batch shows "why" with a guess.
      const undone = all[0];
      session.decide({ id: undone.id, label: null, decided: false });
      assert.equal(session.labeled, 11);
      const again = (await session.query({ n: 5, exclude: [] })).map((p) => spanView(p, settings));
      assert.deepEqual(again.map((v) => v.id), [undone.id]);
      assert.ok(again[0].why.predicted, 'a trained model states its guess');
      assert.ok(['sport', 'science'].includes(again[0].why.predicted.label));

      const contested = (await session.contested(5)).map((p) => committeeItem(p, settings));
      for (const c of contested) assert.equal(c.reason, 'committee');
    } finally {
      await session.dispose();
    }
  });

  test('an automatic retrain starts every autoRetrainEvery labels and reports its round', async () => {
    const rounds: number[] = [];
    let started = 0;
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const { session } = await LabelingSession.open(params({ settings: { ...settings, autoRetrainEvery: 3 } }), deps(), {
      events: { onRetrainStarted: () => started++, onRetrained: (r) => (rounds.push(r.labels), done()), onRetrainFailed: (e) => assert.fail(String(e)) },
    });
    try {
      const batch = await session.query({ n: 3, exclude: [] });
      const r1 = session.decide({ id: batch[0].id, label: truth(batch[0].file), decided: true });
      const r2 = session.decide({ id: batch[1].id, label: 'sport', decided: true });
      assert.equal(r1.retrainStarted || r2.retrainStarted, false);
      const r3 = session.decide({ id: batch[2].id, label: 'science', decided: true });
      assert.equal(r3.retrainStarted, true);
      await finished;
      assert.equal(started, 1);
      assert.deepEqual(rounds, [3]);
    } finally {
      await session.dispose();
    }
  });

  test('stored decisions are restored and trained on; a decision whose file is gone is an orphan, not dropped', async () => {
    const corpus = lineCorpus(TOPICS);
    const decisions = corpus.spans.slice(0, 4).map((s) => storedEvent(s, truth(s.file)));
    decisions.push(storedEvent({ id: 'gone', file: 'x.txt', start: 0, end: 3, text: 'abc', line: 0 }, 'sport'));
    decisions.push(storedEvent(corpus.spans[11], null));
    const { session, result } = await LabelingSession.open(params({ decisions }), deps(corpus));
    try {
      assert.equal(result.restored, 5);
      assert.equal(result.unmatched, 0);
      assert.deepEqual(result.anchors?.orphans.map((o) => [o.event.id, o.reason]), [['gone', 'file-missing']]);
      assert.equal(result.labeled, 4);
      const ids = new Set((await session.query({ n: 100, exclude: [] })).map((v) => v.id));
      assert.equal(ids.size, 12 - 5, 'labeled and skipped spans are not queried again');
    } finally {
      await session.dispose();
    }
  });

  test('bad settings and an empty corpus are reported by setting name', async () => {
    const reject = async (p: StartParams, d: SessionDeps, setting: string): Promise<void> => {
      await assert.rejects(LabelingSession.open(p, d), (e: unknown) => SettingError.is(e) && e.setting === setting && e.message.includes(setting));
    };
    await reject(params(), deps(lineCorpus({})), 'labelwise.include');
  });

  test('a cancelled start stops with CancelledError', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(LabelingSession.open(params(), deps(), { signal: ac.signal }), (e: unknown) => CancelledError.is(e));
  });

  test('explain: the spans already shown get the new model\'s guess after a retrain, in the order asked', async () => {
    const { session } = await LabelingSession.open(params(), deps());
    try {
      const shown = (await session.query({ n: 3, exclude: [] })).map((p) => spanView(p, settings));
      assert.ok(shown.every((v) => v.why.predicted === undefined), 'no guess before training');
      const rest = (await session.query({ n: 100, exclude: shown.map((v) => v.id) })).slice(0, 6);
      for (const v of rest) session.decide({ id: v.id, label: truth(v.file), decided: true });
      await session.retrain();
      const items = shown.map((v) => ({ id: v.id, strategy: v.why.strategy, score: v.why.score }));
      const fresh = (await session.explain([...items, { id: 'not-in-pool', strategy: 'margin', score: 1 }])).map((p) => spanView(p, settings));
      assert.deepEqual(fresh.map((v) => v.id), shown.map((v) => v.id), 'unknown ids are left out, order kept');
      for (const v of fresh) {
        assert.ok(v.why.predicted && ['sport', 'science'].includes(v.why.predicted.label), 'a trained model states its guess');
        assert.ok(v.why.predicted.probability > 0 && v.why.predicted.probability <= 1);
        assert.equal(Object.values(v.why.votes).reduce((a, b) => a + b, 0), settings.committeeSize, 'every member votes');
        assert.ok(v.before.length > 0 || v.after.length > 0, 'context is kept');
      }
      // A margin pick is rescored by the new model: 1 - (p1 - p2), in 0..1.
      const margin = (await session.explain([{ id: shown[0].id, strategy: 'margin', score: -5 }])).map((p) => spanView(p, settings));
      assert.notEqual(margin[0].why.score, -5);
      assert.equal(margin[0].why.strategy, 'margin');
      // A random pick keeps its score (rescoring would draw from the engine's generator).
      const random = (await session.explain([{ id: shown[0].id, strategy: 'random', score: 0.125 }])).map((p) => spanView(p, settings));
      assert.equal(random[0].why.score, 0.125);
    } finally {
      await session.dispose();
    }
  });

  test('the learning curve is kept in curveFile and restored by the next session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-curve-'));
    const curveFile = join(dir, '.labelwise', 'curve.jsonl');
    try {
      const first = await LabelingSession.open(params({ curveFile }), deps());
      const all = await first.session.query({ n: 100, exclude: [] });
      const decisions = all.slice(0, 8).map((v) => storedEvent(v, truth(v.file)));
      for (const d of decisions) first.session.decide({ id: d.id, label: d.label, decided: true });
      const r1 = await first.session.retrain();
      await first.session.dispose();
      const stored = readFileSync(curveFile, 'utf8').trim().split('\n');
      assert.equal(stored.length, 1);
      assert.deepEqual(JSON.parse(stored[0]).weights, r1.weights);
      const curve1 = first.session.curveData();

      // Restart: the rounds come back; retraining on the same stored labels is not a new point.
      const second = await LabelingSession.open(params({ curveFile, decisions }), deps());
      try {
        assert.deepEqual(second.session.curveData(), curve1);
        assert.equal(readFileSync(curveFile, 'utf8').trim().split('\n').length, 1);
        const more = await second.session.query({ n: 2, exclude: [] });
        for (const v of more) second.session.decide({ id: v.id, label: truth(v.file), decided: true });
        const r2 = await second.session.retrain();
        assert.equal(r2.round, 2, 'round numbers go on from the stored ones');
        const w = second.session.curveData().weights;
        assert.deepEqual(w.map((p) => [p.round, p.labels]), [[1, 8], [2, 10]]);
      } finally {
        await second.session.dispose();
      }
      assert.equal(readFileSync(curveFile, 'utf8').trim().split('\n').length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a damaged curve file is skipped with a warning naming file and line; the session starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-curve-'));
    const curveFile = join(dir, 'curve.jsonl');
    writeFileSync(curveFile, '{"round": 1, "labels": 5, "accuracy": 0.5, "weights": {"margin": 1}}\n{not json\n{"round": 2, "labels": 9, "accura');
    const warnings: string[] = [];
    const logger = { info: (): void => undefined, warn: (m: string): void => void warnings.push(m), error: (m: string): void => void warnings.push(m) };
    try {
      const { session } = await LabelingSession.open(params({ curveFile }), deps(), { logger });
      try {
        assert.deepEqual(session.curveData().curve, [{ labels: 5, accuracy: 0.5 }]);
        assert.ok(warnings.some((w) => w.includes(`${curveFile}:2:`)), warnings.join('\n'));
        assert.ok(warnings.some((w) => w.includes(`${curveFile}:3:`)), warnings.join('\n'));
        const all = await session.query({ n: 6, exclude: [] });
        for (const v of all) session.decide({ id: v.id, label: truth(v.file), decided: true });
        await session.retrain();
      } finally {
        await session.dispose();
      }
      // The partial last line is left alone; the new round starts on a line of its own.
      const lines = readFileSync(curveFile, 'utf8').split('\n');
      assert.equal(JSON.parse(lines[3]).round, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
