import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { defaultDeps } from '../../../src/core/session/defaultDeps';
import { LabelingSession } from '../../../src/core/session/labelingSession';
import { defaultSettings, type StartableSettings } from '../../../src/core/settings';
import { readCorpus } from '../../../src/core/text/corpus';
import type { Vectors } from '../../../src/core/types';
import type { LabelEvent } from '../../../src/core/store/events';
import { isCompact, quantise } from '../../../src/core/features/compactVectors';
import { appendLexical } from '../../../src/core/features/lexicalPool';
import { loadEncoder } from '../../../src/core/encoders/loadEncoder';
import { InputError } from '../../../src/core/errors';
import { writeArrowShard } from '../../../src/core/vectorShards';
import { TOPICS } from './testCorpus';

/** The real dependencies, with every pool handed to the engine kept in `seen`. */
function capturingDeps(): { deps: ReturnType<typeof defaultDeps>; seen: Vectors[] } {
  const deps = defaultDeps();
  const seen: Vectors[] = [];
  const create = deps.createEngine;
  deps.createEngine = (X, opts, extra) => {
    seen.push(X);
    return create(X, opts, extra);
  };
  return { deps, seen };
}

describe('the worker’s real dependencies (corpus reader, embedded encoder, cache, engine)', () => {
  test('a workspace folder becomes a session; the second start takes every vector from the cache', async () => {
    const root = mkdtempSync(join(tmpdir(), 'labelwise-deps-'));
    try {
      mkdirSync(join(root, 'docs'));
      for (const [f, lines] of Object.entries(TOPICS)) writeFileSync(join(root, 'docs', f), lines.join(' ') + '\n');
      writeFileSync(join(root, 'docs', 'binary.txt'), Buffer.from([0, 1, 2, 0, 255, 0]));
      const logs: string[] = [];
      const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
      const params = {
        root,
        settings: { ...defaultSettings, labels: ['sport', 'science'], strategy: 'margin', device: 'cpu', committeeSize: 3 } satisfies StartableSettings,
        cacheDir: join(root, 'cache'),
        decisions: [],
      };
      const first = await LabelingSession.open(params, defaultDeps(), { logger });
      try {
        assert.equal(first.result.spans, 12, 'one span per sentence');
        assert.equal(first.result.files, 2);
        assert.equal(first.result.provider, 'cpu');
        assert.ok(first.result.problems.some((p) => p.startsWith('docs/binary.txt')), first.result.problems.join('\n'));
        const [v] = await first.session.views([(await first.session.query({ n: 1, exclude: [] }))[0].id]);
        assert.ok(v.before.length + v.after.length > 0, 'the span comes with its surrounding text');
        // The session keeps no span texts: they are read from the files, as the corpus reader cut them.
        const s = params.settings;
        const read = await readCorpus({ root, include: s.include, exclude: s.exclude, granularity: s.granularity, maxFileSizeMB: s.maxFileSizeMB });
        assert.deepEqual(await first.session.spans(), read.spans);
        assert.equal(v.text, read.spans.find((x) => x.id === v.id)?.text);
        assert.ok(logs.includes('embeddings: 0 from the cache, 12 encoded'), logs.join('\n'));
      } finally {
        await first.session.dispose();
      }
      const cacheFiles = readdirSync(join(root, 'cache'));
      assert.equal(cacheFiles.filter((n) => n.endsWith('.lwcache')).length, 1, cacheFiles.join(', '));
      assert.equal(cacheFiles.filter((n) => n.endsWith('.lwmanifest')).length, 1, cacheFiles.join(', '));
      logs.length = 0;
      const second = await LabelingSession.open(params, defaultDeps(), { logger });
      await second.session.dispose();
      assert.ok(logs.includes('embeddings: 12 from the cache, 0 encoded'), logs.join('\n'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('the engine gets exactly the pool it got before the streamed open: quantise() of the encoder’s vectors, first open and re-open alike', async () => {
    const root = mkdtempSync(join(tmpdir(), 'labelwise-deps-'));
    try {
      mkdirSync(join(root, 'docs'));
      for (const [f, lines] of Object.entries(TOPICS)) writeFileSync(join(root, 'docs', f), lines.join(' ') + '\n');
      // The encoder's vectors alone (the lexical block's test is below).
      const settings = { ...defaultSettings, labels: ['sport', 'science'], device: 'cpu', lexicalFeatures: 0 } satisfies StartableSettings;
      const params = { root, settings, cacheDir: join(root, 'cache'), decisions: [] };
      const read = await readCorpus({ root, include: settings.include, exclude: settings.exclude, granularity: settings.granularity, maxFileSizeMB: settings.maxFileSizeMB });
      const encoder = await loadEncoder({ model: settings.model, device: 'cpu' });
      const want = quantise(await encoder.encode(read.spans.map((x) => x.text)));
      await encoder.dispose();
      for (const open of ['first', 'again']) {
        const { deps, seen } = capturingDeps();
        const { session } = await LabelingSession.open(params, deps);
        await session.dispose();
        assert.equal(seen.length, 1);
        assert.ok(isCompact(seen[0]), `${open}: compact`);
        assert.deepEqual(seen[0], want, `${open}: bit for bit`);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('labelwise.lexicalFeatures: the engine gets the pool with the lexical block fitted on every span text, first open and re-open alike', async () => {
    const root = mkdtempSync(join(tmpdir(), 'labelwise-deps-'));
    try {
      mkdirSync(join(root, 'docs'));
      for (const [f, lines] of Object.entries(TOPICS)) writeFileSync(join(root, 'docs', f), lines.join(' ') + '\n');
      // A JSONL file too: its spans' texts come from their records.
      writeFileSync(join(root, 'docs', 'more.jsonl'), ['{"text": "The striker scored twice in the final."}', '{"text": "The telescope measured the faint galaxy."}'].join('\n') + '\n');
      const settings = { ...defaultSettings, labels: ['sport', 'science'], device: 'cpu', lexicalFeatures: 6 } satisfies StartableSettings;
      const params = { root, settings, cacheDir: join(root, 'cache'), decisions: [] };
      const read = await readCorpus({ root, include: settings.include, exclude: settings.exclude, granularity: settings.granularity, maxFileSizeMB: settings.maxFileSizeMB });
      const encoder = await loadEncoder({ model: settings.model, device: 'cpu' });
      const texts = read.spans.map((x) => x.text);
      const want = appendLexical(quantise(await encoder.encode(texts)), texts, 6);
      await encoder.dispose();
      assert.equal(want.dims, 6);
      for (const open of ['first', 'again']) {
        const { deps, seen } = capturingDeps();
        const logs: string[] = [];
        const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
        const { session } = await LabelingSession.open(params, deps, { logger });
        await session.dispose();
        assert.equal(seen.length, 1);
        assert.equal(seen[0].cols, 100 + 6, `${open}: the encoder's 100 columns and 6 lexical ones`);
        assert.deepEqual(seen[0], want.pool, `${open}: bit for bit`);
        // The first open fits the block; the re-open of the unchanged corpus takes it from the cache.
        const how = open === 'first' ? 'fitted on 14 span texts' : 'from the cache';
        assert.ok(logs.some((m) => new RegExp(`^lexical features: 6 columns ${how} in [\\d.]+ s \\(labelwise\\.lexicalFeatures\\)$`).test(m)), logs.join('\n'));
      }
      // A changed span: another key, a fresh fit (and still the pool of the new texts).
      writeFileSync(join(root, 'docs', 'more.jsonl'), ['{"text": "The striker scored three times in the final."}', '{"text": "The telescope measured the faint galaxy."}'].join('\n') + '\n');
      const logs: string[] = [];
      const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
      const { session } = await LabelingSession.open(params, defaultDeps(), { logger });
      await session.dispose();
      assert.ok(logs.some((m) => /^lexical features: 6 columns fitted on 14 span texts/.test(m)), logs.join('\n'));
      assert.equal(readdirSync(join(root, 'cache')).filter((n) => n.startsWith('lexical-')).length, 1, 'the older block is removed');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('labelwise.lexicalFeatures: a file changed between the read and the fit: its spans get a block row of no words, the log says so, and the block is not cached', async () => {
    const root = mkdtempSync(join(tmpdir(), 'labelwise-deps-'));
    try {
      mkdirSync(join(root, 'docs'));
      for (const [f, lines] of Object.entries(TOPICS)) writeFileSync(join(root, 'docs', f), lines.join(' ') + '\n');
      const settings = { ...defaultSettings, labels: ['sport', 'science'], device: 'cpu', lexicalFeatures: 6 } satisfies StartableSettings;
      const params = { root, settings, cacheDir: join(root, 'cache'), decisions: [] };
      const [changed, kept] = Object.keys(TOPICS);
      const { deps, seen } = capturingDeps();
      const open = deps.openCorpus;
      deps.openCorpus = async (...a) => {
        const opened = await open(...a);
        writeFileSync(join(root, 'docs', changed), 'Entirely new words here.\n');
        return opened;
      };
      const logs: string[] = [];
      const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
      const { session } = await LabelingSession.open(params, deps, { logger });
      const spans = await session.spans();
      await session.dispose();
      const n = TOPICS[changed].length;
      assert.ok(logs.includes(`${n} spans changed on disk while the corpus was opened: they get no lexical features until the next open`), logs.join('\n'));
      assert.ok(logs.includes('lexical features not cached: some span texts could not be read again; the next open fits them again'), logs.join('\n'));
      assert.deepEqual(readdirSync(join(root, 'cache')).filter((f) => f.startsWith('lexical-')), []);
      // The unchanged file's spans have their words' columns; the changed file's spans a row of none.
      const dense = (r: number): number[] => Array.from({ length: 6 }, (_, j) => (seen[0] as { codes: Int8Array }).codes[r * 106 + 100 + j]);
      const rows = (file: string): number[] => spans.map((x, r) => (x.file === `docs/${file}` ? r : -1)).filter((r) => r >= 0);
      for (const r of rows(changed)) assert.deepEqual(dense(r), [0, 0, 0, 0, 0, 0]);
      assert.ok(rows(kept).every((r) => dense(r).some((v) => v !== 0)));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('stored decisions at open: in place, and in a renamed file (found again through one read of the corpus)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'labelwise-deps-'));
    try {
      mkdirSync(join(root, 'docs'));
      for (const [f, lines] of Object.entries(TOPICS)) writeFileSync(join(root, 'docs', f), lines.join(' ') + '\n');
      const settings = { ...defaultSettings, labels: ['sport', 'science'], device: 'cpu' } satisfies StartableSettings;
      const read = await readCorpus({ root, include: settings.include, exclude: settings.exclude, granularity: settings.granularity, maxFileSizeMB: settings.maxFileSizeMB });
      const files = [...new Set(read.spans.map((x) => x.file))];
      const event = (x: (typeof read.spans)[number], label: string): LabelEvent => ({
        id: x.id,
        source: { file: x.file, start: x.start, end: x.end, line: x.line },
        text: x.text,
        label,
        spans: [],
        answer: 'accept',
        annotator: 'ann',
        strategy: null,
        score: null,
        ts: '2026-12-07T10:00:00.000Z',
      });
      const stay = read.spans.find((x) => x.file === files[0])!;
      const move = read.spans.find((x) => x.file === files[1])!;
      const decisions = [event(stay, 'sport'), event(move, 'science')];
      const params = { root, settings, cacheDir: join(root, 'cache'), decisions };
      const first = await LabelingSession.open(params, defaultDeps());
      await first.session.dispose();
      assert.equal(first.result.restored, 2);
      // The second file renamed: its decision is not in place, and is found in the new file.
      renameSync(join(root, files[1]), join(root, 'docs', 'renamed.txt'));
      const second = await LabelingSession.open(params, defaultDeps());
      try {
        assert.equal(second.result.restored, 2, JSON.stringify(second.result.anchors));
        const anchors = second.result.anchors;
        assert.ok(anchors);
        assert.equal(anchors.orphans.length, 0);
        assert.equal(anchors.anchored, 1);
        assert.equal(Object.values(anchors.moved).reduce((a, b) => a + b, 0), 1);
        assert.equal(second.session.labeled, 2);
      } finally {
        await second.session.dispose();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('JSONL records: span texts read from their record when shown, checked against the record span id', async () => {
    const root = mkdtempSync(join(tmpdir(), 'labelwise-deps-'));
    try {
      mkdirSync(join(root, 'data'));
      const lines = Object.values(TOPICS).flat();
      writeFileSync(join(root, 'data', 'records.jsonl'), lines.map((t, i) => JSON.stringify({ text: `${t} \"Quoted\" ${i}.`, n: i })).join('\n') + '\n');
      const settings = { ...defaultSettings, labels: ['sport', 'science'], strategy: 'margin', device: 'cpu', committeeSize: 3 } satisfies StartableSettings;
      const opened = await LabelingSession.open({ root, settings, cacheDir: join(root, 'cache'), decisions: [] }, defaultDeps());
      try {
        const read = await readCorpus({ root, include: settings.include, exclude: settings.exclude, granularity: settings.granularity, maxFileSizeMB: settings.maxFileSizeMB });
        assert.ok(read.spans.length >= lines.length);
        assert.deepEqual(await opened.session.spans(), read.spans);
        const picks = await opened.session.query({ n: 3, exclude: [] });
        for (const p of picks) assert.equal(p.text, read.spans.find((x) => x.id === p.id)?.text);
      } finally {
        await opened.session.dispose();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('labelwise.vectors: the session labels with precomputed Arrow shards, row by span id, and encodes nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'labelwise-shards-'));
    try {
      mkdirSync(join(root, 'docs'));
      for (const [f, lines] of Object.entries(TOPICS)) writeFileSync(join(root, 'docs', f), lines.join(' ') + '\n');
      // The shards' vectors alone (with the default lexical block, the engine's pool would have its columns after them).
      const settings = { ...defaultSettings, labels: ['sport', 'science'], strategy: 'margin', device: 'cpu', committeeSize: 3, vectors: 'vectors', lexicalFeatures: 0 } satisfies StartableSettings;
      const { spans } = await readCorpus({ root, include: settings.include, exclude: settings.exclude, granularity: settings.granularity, maxFileSizeMB: settings.maxFileSizeMB });
      // 7 dimensions (the embedded encoder has 100), a value that tells each span apart, and the
      // rows written in reverse over two shards, so only the ids can put them in corpus order.
      const cols = 7;
      const want = Float32Array.from({ length: spans.length * cols }, (_, i) => (i % cols) + Math.floor(i / cols) / 100);
      const rev = spans.map((_, i) => spans.length - 1 - i);
      mkdirSync(join(root, 'vectors'));
      for (const [k, part] of [rev.slice(0, 5), rev.slice(5)].entries()) {
        const data = new Float32Array(part.length * cols);
        part.forEach((r, j) => data.set(want.subarray(r * cols, (r + 1) * cols), j * cols));
        writeArrowShard(join(root, 'vectors', `part-${k}.arrow`), part.map((r) => spans[r].id), { rows: part.length, cols, data });
      }
      const logs: string[] = [];
      const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
      const { deps, seen } = capturingDeps();
      const params = { root, settings, cacheDir: join(root, 'cache'), decisions: [] };
      const opened = await LabelingSession.open(params, deps, { logger });
      try {
        assert.equal(opened.result.spans, 12);
        assert.equal(seen.length, 1);
        assert.deepEqual({ rows: seen[0].rows, cols: seen[0].cols }, { rows: 12, cols });
        assert.ok(!isCompact(seen[0]), 'shard vectors reach the engine as they are (it quantises them)');
        assert.deepEqual(seen[0].data, want);
        assert.equal((await opened.session.query({ n: 3, exclude: [] })).length, 3);
        assert.ok(logs.some((l) => /^vectors: 12×7 from 2 shards .*nothing encoded/.test(l)), logs.join('\n'));
        assert.equal(existsSync(join(root, 'cache')), false, 'neither the embedding cache nor the manifest is written');
      } finally {
        await opened.session.dispose();
      }
      // A corpus that has grown since the shards were written: the new span is named.
      writeFileSync(join(root, 'docs', 'sport.txt'), TOPICS['sport.txt'].join(' ') + ' A new sentence about the derby.\n');
      await assert.rejects(
        LabelingSession.open(params, defaultDeps(), { logger }),
        (e: unknown) => InputError.is(e) && /labelwise\.vectors \(.*vectors\): 1 of 13 spans have no vector in the shards, e\.g\. docs\/sport\.txt:1/.test(e.message),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
