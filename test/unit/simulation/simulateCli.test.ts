import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { after, describe, test } from 'node:test';
import { runSimulate, spanSummary, strategiesOf, type SimulateOptions } from '../../../src/cli/simulate';
import type { SpanSimulationResult } from '../../../src/core/simulation/simulateSpans';
import { STRATEGY_CHOICES } from '../../../src/core/strategies/strategy';
import { simulate } from '../../../src/core/simulation/simulate';
import { InputError, ModelError, SettingError } from '../../../src/core/errors';
import { defaultSettings } from '../../../src/core/settings';
import { writeNpy } from '../../../src/core/npy';
import { jsonlSpans } from '../../../src/core/text/corpus';
import { writeArrowShard } from '../../../src/core/vectorShards';
import { runCli } from '../runCli';
import { syntheticDataset } from './synthetic';

/** What simulate() gets from the CLI when --semi-supervised is not given: the editor's default step. */
const defaultStep = defaultSettings.semiSupervised === 'off' ? {} : { semiSupervised: { method: defaultSettings.semiSupervised } };

describe('labelwise simulate (runSimulate)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labelwise-sim-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const { data, vectors } = syntheticDataset(3, 30, 2);
  const dataFile = join(dir, 'toy.jsonl');
  writeFileSync(dataFile, data.records.map((r) => JSON.stringify({ text: r.text, label: r.label })).join('\n') + '\n');
  const npy = join(dir, 'toy.npy');
  writeNpy(npy, vectors);
  const base: SimulateOptions = {
    data: dataFile,
    strategy: 'entropy',
    seed: 3,
    init: 10,
    batch: 10,
    budget: 40,
    testFraction: 0.3,
    model: 'default',
    device: 'cpu',
    vectors: npy,
    committee: 5,
    diversity: true,
  };

  test('writes the contract JSON to --out, the same for the same seed', async () => {
    const out1 = join(dir, 'r1.json');
    const out2 = join(dir, 'r2.json');
    await runSimulate({ ...base, out: out1 });
    await runSimulate({ ...base, out: out2 });
    const r1 = JSON.parse(readFileSync(out1, 'utf8')) as Record<string, unknown>;
    const r2 = JSON.parse(readFileSync(out2, 'utf8')) as Record<string, unknown>;
    assert.equal(r1.dataset, 'toy');
    assert.equal(r1.strategy, 'entropy');
    delete r1.seconds;
    delete r2.seconds;
    assert.deepEqual(r1, r2);
  });

  test('--vectors are the --model encoder\'s own: with default-sif the pool\'s common component is removed, as when it encodes', async () => {
    const run = async (model: string): Promise<Record<string, unknown>> => {
      const out = join(dir, `cc-${model}.json`);
      // Without the lexical block, whose own test (lexicalVectors.test.ts) covers it with the transform.
      await runSimulate({ ...base, model, out, lexical: 0 });
      const r = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
      delete r.seconds;
      return r;
    };
    const direct = async (commonComponents: number): Promise<Record<string, unknown>> => {
      const r = JSON.parse(JSON.stringify(await simulate({ data: { ...data, file: dataFile }, vectors, strategy: 'entropy', seed: 3, init: 10, batch: 10, budget: 40, testFraction: 0.3, committeeSize: 5, diversity: true, commonComponents, ...defaultStep }))) as Record<string, unknown>;
      delete r.seconds;
      return r;
    };
    assert.deepEqual(await run('default-sif'), await direct(1));
    assert.deepEqual(await run('default-mean'), await direct(0));
    assert.notDeepEqual(await direct(1), await direct(0), 'the transform changes the outcome on this data');
  });

  test('meta on a file that only shares a training dataset\'s name: refused by default, runs with --prior default', async () => {
    const named = join(dir, 'synthetic.jsonl');
    writeFileSync(named, readFileSync(dataFile, 'utf8'));
    const opts: SimulateOptions = { ...base, data: named, strategy: 'meta' };
    await assert.rejects(runSimulate({ ...opts, out: join(dir, 'refused.json') }), (e: unknown) => ModelError.is(e) && /trained on "synthetic"/.test(e.message) && /--prior default/.test(e.message));
    const out = join(dir, 'named.json');
    await runSimulate({ ...opts, prior: 'default', out });
    const r = JSON.parse(readFileSync(out, 'utf8')) as { dataset: string; strategy: string; curve: unknown[] };
    assert.equal(r.dataset, 'synthetic');
    assert.equal(r.strategy, 'meta');
    assert.ok(r.curve.length > 1);
  });

  test('a record without a label is an error naming the file and line', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"text": "a", "label": "x"}\n{"text": "b"}\n');
    await assert.rejects(runSimulate({ ...base, data: bad, vectors: undefined }), (e: unknown) => InputError.is(e) && e.message.startsWith(`${bad}:2:`));
  });

  test('a record without text is an error naming the file and line', async () => {
    const bad = join(dir, 'notext.jsonl');
    writeFileSync(bad, '{"text": "a", "label": "x"}\n{"text": "b", "label": "y"}\n{"label": "x"}\n');
    await assert.rejects(runSimulate({ ...base, data: bad, vectors: undefined }), (e: unknown) => InputError.is(e) && e.message.startsWith(`${bad}:3:`) && /"text"/.test(e.message));
  });

  test('vectors that do not match the records in count are an error naming the vectors file', async () => {
    const short = join(dir, 'short.npy');
    writeNpy(short, { rows: 5, cols: vectors.cols, data: vectors.data.slice(0, 5 * vectors.cols) });
    await assert.rejects(runSimulate({ ...base, vectors: short }), (e: unknown) => InputError.is(e) && e.message.startsWith(short) && /5 rows but .* 90 records/.test(e.message));
  });

  test('--vectors as Arrow shards: rows matched to records by span id, in any order and over several shards', async () => {
    // The ids the corpus reader gives the records of the --data file, from the current folder.
    const rel = relative(process.cwd(), dataFile).split(sep).join('/');
    const ids = jsonlSpans(rel, readFileSync(dataFile, 'utf8')).spans.map((s) => s.id);
    assert.equal(ids.length, vectors.rows);
    const shardDir = join(dir, 'shards');
    mkdirSync(shardDir);
    // Reversed, in two shards: only the ids can put the rows back in record order.
    const order = ids.map((_, i) => ids.length - 1 - i);
    const half = Math.floor(order.length / 2);
    for (const [k, part] of [order.slice(0, half), order.slice(half)].entries()) {
      const data = new Float32Array(part.length * vectors.cols);
      part.forEach((r, j) => data.set(vectors.data.subarray(r * vectors.cols, (r + 1) * vectors.cols), j * vectors.cols));
      writeArrowShard(join(shardDir, `part-${k}.arrow`), part.map((r) => ids[r]), { rows: part.length, cols: vectors.cols, data });
    }
    const fromNpy = join(dir, 'npy.json');
    const fromShards = join(dir, 'shards.json');
    await runSimulate({ ...base, out: fromNpy });
    await runSimulate({ ...base, vectors: shardDir, out: fromShards });
    const a = JSON.parse(readFileSync(fromNpy, 'utf8')) as Record<string, unknown>;
    const b = JSON.parse(readFileSync(fromShards, 'utf8')) as Record<string, unknown>;
    delete a.seconds;
    delete b.seconds;
    assert.deepEqual(b, a);
    // A shard that lacks a record's span names the record's file and line.
    const partial = join(dir, 'partial.arrow');
    writeArrowShard(partial, ids.slice(1), { rows: ids.length - 1, cols: vectors.cols, data: vectors.data.slice(vectors.cols) });
    await assert.rejects(runSimulate({ ...base, vectors: partial }), (e: unknown) => InputError.is(e) && e.message.startsWith(partial) && e.message.includes(`${dataFile}:1 (span id ${ids[0]})`));
  });

  test('a bad --split file is an error naming it', async () => {
    const split = join(dir, 'split.json');
    writeFileSync(split, JSON.stringify({ testIds: [0, 1, 500] }));
    await assert.rejects(runSimulate({ ...base, split }), (e: unknown) => InputError.is(e) && e.message.startsWith(split) && /testIds\[2\] = 500/.test(e.message));
  });

  // Refused by commander's choices before the command runs (exit 2, a usage error), naming the option.
  test('an unknown strategy or device lists the valid ones', async () => {
    const strategy = await runCli(['simulate', '--data', base.data, '--strategy', 'uncertainty']);
    assert.equal(strategy.code, 2);
    assert.match(strategy.stderr, /--strategy.*meta, random, least-confidence, margin, entropy, vote-entropy, egl, typicality, coverage, class-balance/);
    const device = await runCli(['simulate', '--data', base.data, '--device', 'tpu']);
    assert.equal(device.code, 2);
    assert.match(device.stderr, /--device.*auto, cpu, cuda/);
  });

  test('--semi-supervised propagation is simulate() with the semi-supervised step, and the default; off is without it; an unknown mode lists the valid ones', async () => {
    const out = join(dir, 'ssl.json');
    await runSimulate({ ...base, out, lexical: 0, semiSupervised: 'propagation' });
    const got = JSON.parse(readFileSync(out, 'utf8')) as { curve: unknown[] };
    const want = await simulate({ data, vectors, strategy: 'entropy', seed: 3, init: 10, batch: 10, budget: 40, testFraction: 0.3, committeeSize: 5, diversity: true, semiSupervised: { method: 'propagation' } });
    assert.deepEqual(got.curve, JSON.parse(JSON.stringify(want.curve)));
    // Without --semi-supervised: the editor's default, propagation.
    assert.equal(defaultSettings.semiSupervised, 'propagation');
    await runSimulate({ ...base, out, lexical: 0 });
    assert.deepEqual((JSON.parse(readFileSync(out, 'utf8')) as { curve: unknown[] }).curve, got.curve, 'the default is propagation');
    await runSimulate({ ...base, out, lexical: 0, semiSupervised: 'off' });
    const off = JSON.parse(readFileSync(out, 'utf8')) as { curve: unknown[] };
    assert.notDeepEqual(off.curve, got.curve, 'off is another run');
    const plain = await simulate({ data, vectors, strategy: 'entropy', seed: 3, init: 10, batch: 10, budget: 40, testFraction: 0.3, committeeSize: 5, diversity: true });
    assert.deepEqual(off.curve, JSON.parse(JSON.stringify(plain.curve)), 'off is simulate() without the step');
    const bad = await runCli(['simulate', '--data', base.data, '--semi-supervised', 'labelprop']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--semi-supervised.*off, propagation, self-training/);
  });

  test('a single-class dataset is a clear error', async () => {
    const one = join(dir, 'one.jsonl');
    writeFileSync(one, data.records.map((r) => JSON.stringify({ text: r.text, label: 'same' })).join('\n') + '\n');
    await assert.rejects(runSimulate({ ...base, data: one }), (e: unknown) => InputError.is(e) && /every record has the label "same"/.test(e.message));
  });
});

describe('labelwise simulate on entity spans', () => {
  test('--vectors (one row per record) is refused: entity spans need per-token vectors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-spans-'));
    try {
      const f = join(dir, 'names.jsonl');
      writeFileSync(f, '{"text": "Ann met Bob", "spans": [{"start": 0, "end": 3, "label": "NAME"}]}\n');
      await assert.rejects(
        runSimulate({ data: f, vectors: join(dir, 'v.npy'), strategy: 'margin', seed: 1, init: 1, batch: 1, budget: 2, testFraction: 0.3, model: 'default', device: 'cpu', committee: 5, diversity: true }),
        (e: unknown) => SettingError.is(e) && /per-token vectors/.test(e.message) && e.message.includes(f),
      );
      await assert.rejects(
        runSimulate({ data: f, strategy: 'margin', seed: 1, init: 1, batch: 1, budget: 2, testFraction: 0.3, model: 'default', device: 'cpu', committee: 5, diversity: true, semiSupervised: 'propagation' }),
        (e: unknown) => SettingError.is(e) && /--semi-supervised only serves text classification/.test(e.message) && e.message.includes(f),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('labelwise simulate --strategies', () => {
  test('strategiesOf: a checked list, "all", or --strategy alone; unknown names and repeats refused naming --strategies', () => {
    assert.deepEqual(strategiesOf({ strategy: 'margin' }), ['margin']);
    assert.deepEqual(strategiesOf({ strategy: 'margin', strategies: 'meta, random,entropy' }), ['meta', 'random', 'entropy']);
    assert.deepEqual(strategiesOf({ strategy: 'margin', strategies: 'all' }), [...STRATEGY_CHOICES]);
    assert.throws(() => strategiesOf({ strategy: 'meta', strategies: 'meta,mnlpx' }), (e: unknown) => SettingError.is(e) && /--strategies/.test(e.message) && /mnlpx/.test(e.message));
    assert.throws(() => strategiesOf({ strategy: 'meta', strategies: 'random,random' }), (e: unknown) => SettingError.is(e) && /random twice/.test(e.message));
    assert.throws(() => strategiesOf({ strategy: 'meta', strategies: 'random,' }), (e: unknown) => SettingError.is(e) && /comma-separated/.test(e.message));
  });

  test('on a span dataset: one result per strategy and meta, one per line, each as its own --strategy run gives it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-spans-'));
    try {
      const f = join(dir, 'people.jsonl');
      const names = ['Ann', 'Bob', 'Carla', 'Dev', 'Eve', 'Farid', 'Gus', 'Hana'];
      const lines: string[] = [];
      for (let i = 0; i < 80; i++) {
        const who = names[i % names.length];
        const text = i % 3 === 0 ? `The weather was mild on day ${i}.` : `Yesterday ${who} met the team at noon, said item ${i}.`;
        const spans = i % 3 === 0 ? [] : [{ start: 10, end: 10 + who.length, label: 'NAME' }];
        lines.push(JSON.stringify({ text, spans }));
      }
      writeFileSync(f, lines.join('\n') + '\n');
      const opts: SimulateOptions = { data: f, strategy: 'meta', seed: 2, init: 6, batch: 4, budget: 18, testFraction: 0.3, model: 'default', device: 'cpu', committee: 3, diversity: true };
      const out = join(dir, 'all.jsonl');
      await runSimulate({ ...opts, strategies: 'meta,random,entropy', out });
      const results = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { strategy: string; task: string; seconds?: number; curve: { labels: number; tokens: number }[] });
      assert.deepEqual(results.map((r) => r.strategy), ['meta', 'random', 'entropy']);
      for (const r of results) {
        assert.equal(r.task, 'spans');
        assert.equal(r.curve[r.curve.length - 1].labels, 18);
        for (let i = 1; i < r.curve.length; i++) assert.ok(r.curve[i].tokens > r.curve[i - 1].tokens, 'tokens labeled grow with every round');
      }
      const table = spanSummary(results as unknown as SpanSimulationResult[]).split('\n');
      assert.equal(table.length, 4);
      assert.match(table[0], /AULC %.*tokens \(full pool: span F1 \d+\.\d %\)/);
      assert.match(table[3], /^entropy \(token-entropy\) +\d+\.\d +\d+\.\d +18 +\d+$/, 'the span strategy that ran is named');
      const one = join(dir, 'entropy.json');
      await runSimulate({ ...opts, strategy: 'entropy', out: one });
      // Timings differ run to run (and the full-pool fit is memoised across strategies); the rest must not.
      const single = JSON.parse(readFileSync(one, 'utf8')) as { seconds?: number; fullDataSeconds?: number };
      const third = results[2] as { seconds?: number; fullDataSeconds?: number };
      for (const r of [single, third]) {
        delete r.seconds;
        delete r.fullDataSeconds;
      }
      assert.deepEqual(third, single);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
