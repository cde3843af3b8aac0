import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runSimulate, type SimulateOptions } from '../../../src/cli/simulate';
import { SettingError } from '../../../src/core/errors';
import { fitLexical } from '../../../src/core/features/lexical';
import { writeNpy } from '../../../src/core/npy';
import { withLexicalBlock } from '../../../src/core/simulation/lexicalVectors';
import { simulationVectors } from '../../../src/core/simulation/simulationVectors';
import { defaultSettings } from '../../../src/core/settings';
import { fitCommonComponents } from '../../../src/core/features/commonComponents';
import { planRun } from '../../../src/core/simulation/runPlan';
import { simulate } from '../../../src/core/simulation/simulate';
import type { GoldDataset } from '../../../src/core/text/dataset';
import { silentLogger, type Matrix } from '../../../src/core/types';
import { runCli } from '../runCli';
import { syntheticDataset } from './synthetic';

/** The synthetic dataset with texts whose words say the class (and some noise words). */
function wordyDataset(): { data: GoldDataset; vectors: ReturnType<typeof syntheticDataset>['vectors'] } {
  const { data, vectors } = syntheticDataset(3, 30, 2);
  const words = [
    ['apple', 'pear', 'plum'],
    ['oak', 'elm', 'ash'],
    ['cod', 'eel', 'carp'],
  ];
  const records = data.records.map((r, i) => {
    const c = data.classes.indexOf(r.label!);
    return { ...r, text: `${words[c][i % 3]} ${words[(c + 1) % 3][(i * 7) % 3]} item ${i}` };
  });
  return { data: { ...data, records }, vectors };
}

const rowsOf = (m: { rows: number; cols: number; data: Float32Array }, from: number, to: number): number[][] =>
  Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols + from, i * m.cols + to)));

describe('a simulation with the lexical block (withLexicalBlock, labelwise simulate --lexical)', () => {
  const { data, vectors } = wordyDataset();
  const settings = { data, seed: 4, init: 10, batch: 10, budget: 40, testFraction: 0.3 };

  test('the vectors come first; the block is fitted on the pool of the seed\'s split and projects the test split', () => {
    const X = withLexicalBlock(settings, vectors, 4);
    const plan = planRun(settings, data.records.map((r) => data.classes.indexOf(r.label!)), silentLogger);
    const { model, features } = fitLexical(plan.poolIds.map((i) => data.records[i].text), { dims: 4 });
    assert.equal(X.cols, vectors.cols + model.dims);
    assert.deepEqual(rowsOf(X, 0, vectors.cols), rowsOf(vectors, 0, vectors.cols));
    const block = rowsOf(X, vectors.cols, X.cols);
    plan.poolIds.forEach((id, p) => assert.deepEqual(block[id], Array.from(features.data.subarray(p * model.dims, (p + 1) * model.dims))));
    const test = model.transform(plan.testIds.map((i) => data.records[i].text));
    plan.testIds.forEach((id, t) => assert.deepEqual(block[id], Array.from(test.data.subarray(t * model.dims, (t + 1) * model.dims))));
  });

  test('no test text takes part in the fit: changing every test text leaves the pool rows as they were', () => {
    const plan = planRun(settings, data.records.map((r) => data.classes.indexOf(r.label!)), silentLogger);
    const isTest = new Set(plan.testIds);
    const changed: GoldDataset = { ...data, records: data.records.map((r, i) => (isTest.has(i) ? { ...r, text: `zebra quokka ${r.text} plum plum` } : r)) };
    const a = withLexicalBlock(settings, vectors, 4);
    const b = withLexicalBlock({ ...settings, data: changed }, vectors, 4);
    for (const id of plan.poolIds) assert.deepEqual(rowsOf(b, 0, b.cols)[id], rowsOf(a, 0, a.cols)[id]);
    assert.notDeepEqual(rowsOf(b, 0, b.cols)[plan.testIds[0]], rowsOf(a, 0, a.cols)[plan.testIds[0]]);
  });

  test('a block of 0 columns is refused with the flag named', () => {
    assert.throws(() => withLexicalBlock(settings, vectors, 0), (e: unknown) => SettingError.is(e) && /--lexical must be an integer ≥ 1/.test(e.message));
  });

  test('simulationVectors: no block leaves the vectors and the common components to simulate(); with one, the components are removed from the encoder\'s columns only, fitted on the pool', () => {
    assert.deepEqual(simulationVectors(settings, vectors, { commonComponents: 1, lexical: 0 }), { vectors, commonComponents: 1 });
    assert.deepEqual(simulationVectors(settings, vectors, { commonComponents: 0, lexical: 4 }), { vectors: withLexicalBlock(settings, vectors, 4), commonComponents: 0 });
    const got = simulationVectors(settings, vectors, { commonComponents: 1, lexical: 4 });
    assert.equal(got.commonComponents, 0);
    const plan = planRun(settings, data.records.map((r) => data.classes.indexOf(r.label!)), silentLogger);
    const gather = (ids: readonly number[]): Matrix => ({ rows: ids.length, cols: vectors.cols, data: Float32Array.from(ids.flatMap((i) => Array.from(vectors.data.subarray(i * vectors.cols, (i + 1) * vectors.cols)))) });
    const cc = fitCommonComponents(gather(plan.poolIds), 1);
    const pool = cc.remove(gather(plan.poolIds));
    const test = cc.remove(gather(plan.testIds));
    const rows = rowsOf(got.vectors, 0, vectors.cols);
    plan.poolIds.forEach((id, p) => assert.deepEqual(rows[id], Array.from(pool.data.subarray(p * vectors.cols, (p + 1) * vectors.cols))));
    plan.testIds.forEach((id, t) => assert.deepEqual(rows[id], Array.from(test.data.subarray(t * vectors.cols, (t + 1) * vectors.cols))));
    // The block's columns are the block fitted on the texts, untouched by the transform.
    assert.deepEqual(rowsOf(got.vectors, vectors.cols, got.vectors.cols), rowsOf(withLexicalBlock(settings, vectors, 4), vectors.cols, got.vectors.cols));
  });

  describe('labelwise simulate --lexical', () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-lex-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const dataFile = join(dir, 'toy.jsonl');
    writeFileSync(dataFile, data.records.map((r) => JSON.stringify({ text: r.text, label: r.label })).join('\n') + '\n');
    const npy = join(dir, 'toy.npy');
    writeNpy(npy, vectors);
    // Without the semi-supervised step (simulateCli.test.ts covers it): the block is what is under test.
    const base: SimulateOptions = { data: dataFile, strategy: 'margin', seed: 4, init: 10, batch: 10, budget: 40, testFraction: 0.3, model: 'default', device: 'cpu', vectors: npy, committee: 5, diversity: true, semiSupervised: 'off' };

    test('runs the engine on the vectors with the block appended, as simulate() on withLexicalBlock\'s matrix', async () => {
      const out = join(dir, 'lex.json');
      await runSimulate({ ...base, lexical: 4, out });
      const got = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
      const file = { ...data, file: dataFile };
      const want = JSON.parse(JSON.stringify(await simulate({ ...settings, data: file, vectors: withLexicalBlock({ ...settings, data: file }, vectors, 4), strategy: 'margin', committeeSize: 5, diversity: true }))) as Record<string, unknown>;
      delete got.seconds;
      delete want.seconds;
      assert.deepEqual(got, want);
      const plainOut = join(dir, 'plain.json');
      await runSimulate({ ...base, out: plainOut, lexical: 0 });
      const plain = JSON.parse(readFileSync(plainOut, 'utf8')) as Record<string, unknown>;
      assert.notDeepEqual(plain.curve, got.curve, 'the block changes what the learner sees');
      delete plain.seconds;
      const alone = JSON.parse(JSON.stringify(await simulate({ ...settings, data: file, vectors, strategy: 'margin', committeeSize: 5, diversity: true }))) as Record<string, unknown>;
      delete alone.seconds;
      assert.deepEqual(plain, alone, '--lexical 0: the vectors alone');
    });

    test('without --lexical the block has the editor\'s default size (labelwise.lexicalFeatures)', async () => {
      const out = join(dir, 'default.json');
      await runSimulate({ ...base, out });
      const got = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
      const file = { ...data, file: dataFile };
      const want = JSON.parse(JSON.stringify(await simulate({ ...settings, data: file, vectors: withLexicalBlock({ ...settings, data: file }, vectors, defaultSettings.lexicalFeatures), strategy: 'margin', committeeSize: 5, diversity: true }))) as Record<string, unknown>;
      delete got.seconds;
      delete want.seconds;
      assert.deepEqual(got, want);
    });

    test('with default-sif the common component comes off the encoder\'s columns only, as in the editor (not off the block\'s too)', async () => {
      const out = join(dir, 'sif.json');
      await runSimulate({ ...base, model: 'default-sif', lexical: 4, out });
      const got = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
      const file = { ...data, file: dataFile };
      const run = { ...settings, data: file, strategy: 'margin' as const, committeeSize: 5, diversity: true };
      const want = JSON.parse(JSON.stringify(await simulate({ ...run, ...simulationVectors(run, vectors, { commonComponents: 1, lexical: 4 }) }))) as Record<string, unknown>;
      const overBoth = JSON.parse(JSON.stringify(await simulate({ ...run, vectors: withLexicalBlock(run, vectors, 4), commonComponents: 1 }))) as Record<string, unknown>;
      for (const r of [got, want, overBoth]) delete r.seconds;
      assert.deepEqual(got, want);
      assert.notDeepEqual(overBoth.curve, want.curve, 'removing it from the block too changes the run on this data');
    });

    test('--lexical -1 is refused with the flag named; --lexical 0 runs an entity-span dataset', async () => {
      await assert.rejects(runSimulate({ ...base, lexical: -1, out: join(dir, 'neg.json') }), (e: unknown) => SettingError.is(e) && /--lexical must be an integer ≥ 0/.test(e.message) && /got -1/.test(e.message));
      const f = join(dir, 'names0.jsonl');
      writeFileSync(f, Array.from({ length: 30 }, (_, i) => JSON.stringify({ text: `Ann met Bob ${i} times`, spans: [{ start: 0, end: 3, label: 'NAME' }] })).join('\n') + '\n');
      await runSimulate({ ...base, data: f, vectors: undefined, lexical: 0, init: 5, budget: 10, batch: 5, out: join(dir, 'names0.json') });
      assert.ok(existsSync(join(dir, 'names0.json')));
    });

    test('on an entity-span dataset --lexical is refused with the flag named', async () => {
      const f = join(dir, 'names.jsonl');
      writeFileSync(f, '{"text": "Ann met Bob", "spans": [{"start": 0, "end": 3, "label": "NAME"}]}\n');
      await assert.rejects(runSimulate({ ...base, data: f, vectors: undefined, lexical: 4 }), (e: unknown) => SettingError.is(e) && /--lexical/.test(e.message) && /entity spans/.test(e.message));
    });

    test('the command line parses --lexical and names it when it is not an integer', async () => {
      const r = await runCli(['simulate', '--data', dataFile, '--vectors', npy, '--lexical', 'many', '--out', join(dir, 'x.json')]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /--lexical must be an integer, got "many"/);
    });
  });
});
