import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadEncoder } from '../../../src/core/encoders/loadEncoder';
import type { Encoder } from '../../../src/core/encoders/encoder';
import { defaultDeps } from '../../../src/core/session/defaultDeps';
import type { OpenedCorpus } from '../../../src/core/session/labelingSession';
import { SpanTable } from '../../../src/core/session/spanTable';
import { isCompact, quantise } from '../../../src/core/features/compactVectors';
import { OpenPool, PARALLEL_ENCODE_CALL, ParallelOpen, openWorkerCount } from '../../../src/core/session/openPool';
import { defaultSettings, type StartableSettings } from '../../../src/core/settings';
import { readCorpus, type CorpusOptions } from '../../../src/core/text/corpus';
import type { Logger } from '../../../src/core/types';

const WORDS = 'river market engine violin harbour theorem pepper glacier lantern orbit canyon ledger meadow quartz saddle tundra'.split(' ');

/** Sentence `i`: distinct, of varied length (so the encoder's length-sorted batches differ between serial and parallel calls). */
function sentence(i: number): string {
  const n = 3 + (i % 11);
  const w: string[] = [];
  for (let k = 0; k < n; k++) w.push(WORDS[(i * 7 + k * 3 + (i >> 4)) % WORDS.length]);
  return `${w.join(' ')} number ${i}.`.replace(/^./, (c) => c.toUpperCase());
}

/**
 * A workspace of `files` text files (nested folders, names whose code-unit order differs from a
 * naive numeric one), `per` sentences each, plus files that must give problems: invalid UTF-8,
 * empty, and a JSONL file with a malformed line.
 */
function writeWorkspace(root: string, files: number, per: number): void {
  let i = 0;
  for (let f = 0; f < files; f++) {
    const dir = join(root, 'docs', `d${f % 3}`);
    mkdirSync(dir, { recursive: true });
    const lines: string[] = [];
    for (let k = 0; k < per; k++) lines.push(sentence(i++));
    writeFileSync(join(dir, `f${f}.txt`), lines.join(' ') + '\n');
  }
  writeFileSync(join(root, 'docs', 'd1', 'broken.txt'), Buffer.from([0x68, 0x69, 0x20, 0xc3, 0x28, 0x0a]));
  writeFileSync(join(root, 'docs', 'd2', 'empty.txt'), '');
  writeFileSync(join(root, 'docs', 'records.jsonl'), `{"text": "A record in a JSONL file."}\n{not json\n{"text": "Another record, after a bad line."}\n`);
}

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('the parallel first open (worker threads for reading and encoding)', () => {
  let root: string;
  let opts: CorpusOptions;
  let encoder: Encoder;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'labelwise-open-pool-'));
    writeWorkspace(root, 40, 60);
    opts = { root, include: defaultSettings.include, exclude: defaultSettings.exclude, granularity: 'sentence', maxFileSizeMB: 10 };
    encoder = await loadEncoder({ model: 'default', device: 'cpu' });
  });

  after(async () => {
    await encoder.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  test('reading over workers gives readCorpus’s spans, problems and files, in the same order', async () => {
    const serial = await readCorpus(opts);
    const pool = OpenPool.start(2);
    try {
      const parallel = await pool.readCorpus(opts);
      assert.ok(serial.spans.length > 2400, `${serial.spans.length} spans`);
      assert.deepEqual(parallel.files, serial.files);
      assert.deepEqual(parallel.problems, serial.problems);
      assert.deepEqual(parallel.spans, serial.spans);
    } finally {
      await pool.close();
    }
  });

  test('a bad file read by a worker is a problem that names the file, and the other files are still read', async () => {
    const pool = OpenPool.start(2);
    try {
      const c = await pool.readCorpus(opts);
      const broken = c.problems.filter((p) => p.file === 'docs/d1/broken.txt');
      assert.equal(broken.length, 1, JSON.stringify(c.problems));
      assert.equal(broken[0].severity, 'error');
      assert.match(broken[0].message, /^docs\/d1\/broken\.txt/);
      assert.ok(c.problems.some((p) => p.file === 'docs/records.jsonl' && p.line === 1 && p.message.includes('docs/records.jsonl:2')), JSON.stringify(c.problems));
      assert.ok(c.spans.some((s) => s.file === 'docs/records.jsonl'), 'the good records of the JSONL file are spans');
      assert.ok(!c.files.includes('docs/d1/broken.txt'));
    } finally {
      await pool.close();
    }
  });

  test('encoding over this thread and the workers gives the serial vectors, row for row', async () => {
    const { spans } = await readCorpus(opts);
    const texts = spans.map((s) => s.text);
    const serial = await encoder.encode(texts);
    const pool = OpenPool.start(2);
    try {
      const pooled = await pool.encoderFor(encoder, { model: 'default', device: 'cpu' }, silent);
      assert.ok(pooled, 'the workers loaded the same encoder');
      const parallel = await pooled.encode(texts);
      assert.equal(parallel.rows, serial.rows);
      assert.equal(parallel.cols, serial.cols);
      // Each lane quantises its own rows, exactly as the engine would quantise the serial vectors.
      const want = quantise(serial);
      assert.deepEqual(parallel.codes, want.codes);
      assert.deepEqual(parallel.scales, want.scales);
    } finally {
      await pool.close();
    }
  });

  test('workers that loaded another model are not used to encode (the reason is logged)', async () => {
    const pool = OpenPool.start(1);
    const warnings: string[] = [];
    try {
      const pooled = await pool.encoderFor(encoder, { model: 'default-sif', device: 'cpu' }, { ...silent, warn: (m: string) => warnings.push(m) });
      assert.equal(pooled, undefined);
      assert.match(warnings.join('\n'), /cannot encode .*loaded labelwise-glove100k-sif/);
    } finally {
      await pool.close();
    }
  });

  test('the session’s open with workers gives the same spans and vectors as on one thread', async () => {
    const settings = { ...defaultSettings, labels: ['a', 'b'], device: 'cpu' } as StartableSettings;
    const open = async (workers: string, cache: string): Promise<{ r: OpenedCorpus; logs: string[] }> => {
      const logs: string[] = [];
      const before = process.env.LABELWISE_OPEN_WORKERS;
      process.env.LABELWISE_OPEN_WORKERS = workers;
      try {
        const log = (m: string): number => logs.push(m);
        const r = await defaultDeps().openCorpus(root, settings, encoder, join(root, cache), () => undefined, { info: log, warn: log, error: log });
        return { r, logs };
      } finally {
        if (before === undefined) delete process.env.LABELWISE_OPEN_WORKERS;
        else process.env.LABELWISE_OPEN_WORKERS = before;
      }
    };
    const serial = await open('0', 'cache-serial');
    assert.ok(!serial.logs.some((l) => l.includes('worker thread')), serial.logs.join('\n'));
    // One worker reads a group ahead while this thread encodes; two also encode (their own encoders).
    for (const [workers, says] of [['1', 'this thread and 1 worker thread (reading ahead; this thread encodes)'], ['2', 'this thread and 2 worker threads']] as const) {
    const parallel = await open(workers, `cache-parallel-${workers}`);
    assert.ok(parallel.logs.some((l) => l.includes(says)), parallel.logs.join('\n'));
    assert.equal(parallel.logs.some((l) => l.includes('reading ahead')), workers === '1', parallel.logs.join('\n'));
    assert.ok(!parallel.logs.some((l) => l.includes('instead') || l.includes('cannot encode')), parallel.logs.join('\n'));
    const places = (r: OpenedCorpus): unknown[] => {
      const t = r.corpus.spans;
      assert.ok(t instanceof SpanTable, 'the real open gives columns');
      return Array.from({ length: t.length }, (_, i) => t.place(i));
    };
    assert.deepEqual(places(parallel.r), places(serial.r));
    assert.ok(places(serial.r).length > 0);
    assert.deepEqual(parallel.r.corpus.problems, serial.r.corpus.problems);
    assert.equal(parallel.r.vectors.rows, serial.r.vectors.rows);
    // Compact, and the same codes: the workers' float32 vectors equal this thread's, so their quantisation does too.
    assert.ok(isCompact(parallel.r.vectors) && isCompact(serial.r.vectors));
    assert.deepEqual(parallel.r.vectors.codes, serial.r.vectors.codes);
    assert.deepEqual(parallel.r.vectors.scales, serial.r.vectors.scales);
    }
  });

  test('without LABELWISE_OPEN_WORKERS, a small corpus is read and encoded on this thread alone', async () => {
    const logs: string[] = [];
    const log = (m: string): number => logs.push(m);
    const p = new ParallelOpen(encoder, { model: 'default', device: 'cpu' }, { info: log, warn: log, error: log }, {});
    try {
      const files = (await readCorpus(opts)).files;
      const c = await p.read({ ...opts, files }, 200_000);
      assert.ok(c.spans.length > 2400);
      await p.encode(c.spans.slice(0, 3000).map((s) => s.text));
      assert.deepEqual(logs, []);
    } finally {
      await p.close();
    }
  });

  test('one large encode call starts the workers even after a read on one thread, with the serial vectors', async () => {
    const logs: string[] = [];
    const log = (m: string): number => logs.push(m);
    // Encoders in the workers (the default from two workers on; one worker only reads ahead).
    const p = new ParallelOpen(encoder, { model: 'default', device: 'cpu' }, { info: log, warn: log, error: log }, {}, { encodeInWorkers: true });
    try {
      const texts = Array.from({ length: PARALLEL_ENCODE_CALL }, (_, i) => sentence(i));
      const got = await p.encode(texts);
      const want = await encoder.encode(texts);
      // Over the workers: compact, quantised in each lane. The encoder's float32 rows may differ in
      // the last bit with the call they were part of (as before), so a code may be one step off.
      const q = quantise(got);
      const d = want.cols;
      let worst = 0;
      for (let i = 0; i < want.rows; i++) {
        for (let j = 0; j < d; j++) worst = Math.max(worst, Math.abs(q.codes[i * d + j] * q.scales[i] - want.data[i * d + j]) / Math.max(q.scales[i], 1e-12));
      }
      assert.ok(worst <= 0.5 + 1e-3, `largest difference ${worst} steps`);
      if (openWorkerCount({}) >= 1) assert.ok(logs.some((l) => l.includes('worker thread')), logs.join('\n'));
      assert.ok(!logs.some((l) => l.includes('instead') || l.includes('cannot encode')), logs.join('\n'));
    } finally {
      await p.close();
    }
  });

  test('LABELWISE_OPEN_WORKERS sets the number of workers; without it, one per further core', () => {
    assert.equal(openWorkerCount({ LABELWISE_OPEN_WORKERS: '0' }), 0);
    assert.equal(openWorkerCount({ LABELWISE_OPEN_WORKERS: '3' }), 3);
    const auto = openWorkerCount({});
    assert.ok(auto >= 0 && auto <= 7, String(auto));
    assert.equal(openWorkerCount({ LABELWISE_OPEN_WORKERS: 'lots' }), auto);
  });
});
