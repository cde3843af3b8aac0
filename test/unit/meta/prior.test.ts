import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { InputError, ModelError } from '../../../src/core/errors';
import { FEATURE_NAMES } from '../../../src/core/meta/features';
import { loadPriorJson, openPrior, priorDir, priorForward, resolvePriorPath } from '../../../src/core/meta/prior';
import { STRATEGY_NAMES } from '../../../src/core/strategies/strategy';
import { buildFixturePriors, randomPrior } from './fixturePrior';

const dir = buildFixturePriors({ prior: randomPrior(7), 'prior-without-toy': randomPrior(8, 4, 'toy') });
after(() => rmSync(dir, { recursive: true, force: true }));

describe('learned prior', () => {
  test('the ONNX graph run by ONNX Runtime equals the JSON weights computed in JS (within 1e-5)', async () => {
    const json = loadPriorJson(join(dir, 'prior.json'));
    const prior = await openPrior({ file: join(dir, 'prior.json') });
    try {
      assert.deepEqual([...prior.strategies], [...STRATEGY_NAMES]);
      for (let t = 0; t < 5; t++) {
        const x = Float32Array.from(FEATURE_NAMES, (_, j) => Math.sin(t * 7 + j) * (j + 1) * 0.3);
        const got = await prior.predict(x);
        const want = priorForward(json, x);
        assert.equal(got.length, STRATEGY_NAMES.length);
        want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= 1e-5 * Math.max(1, Math.abs(w)), `input ${t}, output ${i}: onnx ${got[i]} vs js ${w}`));
      }
      await assert.rejects(prior.predict(new Float32Array(3)), /expects 21 features/);
    } finally {
      await prior.release();
    }
  });

  test('building is deterministic: the same JSON gives the same ONNX bytes', () => {
    const again = buildFixturePriors({ prior: randomPrior(7) });
    try {
      assert.deepEqual(readFileSync(join(again, 'prior.onnx')), readFileSync(join(dir, 'prior.onnx')));
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  test('a held-out dataset resolves to its leave-one-out prior, and a missing one is an error naming the file', () => {
    assert.equal(resolvePriorPath('default', 'toy', dir), join(dir, 'prior-without-toy.json'));
    assert.equal(resolvePriorPath('default', undefined, dir), join(dir, 'prior.json'));
    assert.equal(resolvePriorPath('none', 'toy', dir), undefined);
    assert.throws(() => resolvePriorPath('default', 'brown-genre', dir), (e: unknown) => ModelError.is(e) && /prior-without-brown-genre\.json/.test(e.message));
  });

  test('bad prior files are rejected with the file and the field named', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "labelwise-prior/1", "features": ["a"], "strategies": ["margin"], "mean": [0], "std": [1], "layers": [{"weight": [[1, 2]], "bias": [0], "activation": "relu"}]}');
    assert.throws(() => loadPriorJson(bad), (e: unknown) => InputError.is(e) && e.message.includes(bad) && /layers\[0\]\.weight/.test(e.message));
    writeFileSync(bad, 'not json');
    assert.throws(() => loadPriorJson(bad), (e: unknown) => InputError.is(e) && e.message.includes(bad));
    writeFileSync(bad, JSON.stringify({ ...randomPrior(1), format: 'other' }));
    assert.throws(() => loadPriorJson(bad), /"format"/);
    // The buildPrior script refuses it too, naming the file.
    assert.throws(() => execFileSync(process.execPath, [join(__dirname, '..', '..', '..', 'models', 'buildPrior.mjs'), '--dir', dir], { stdio: 'pipe' }), /bad\.json/);
    rmSync(bad);
  });

  test('a prior whose ONNX graph was not built is a ModelError that says how to build it', async () => {
    const lone = join(dir, 'lone.json');
    writeFileSync(lone, JSON.stringify(randomPrior(3)));
    await assert.rejects(openPrior({ file: lone }), (e: unknown) => ModelError.is(e) && /build:models/.test(e.message));
    rmSync(lone);
  });

  test('every committed prior is valid and never lists its held-out dataset among its training sources', () => {
    const committed = priorDir();
    const files = existsSync(committed) ? readdirSync(committed).filter((f) => f.endsWith('.json')) : [];
    assert.ok(files.includes('prior.json'), `the shipped default prior is missing from ${committed}`);
    for (const f of files) {
      const p = loadPriorJson(join(committed, f));
      assert.deepEqual(p.features, [...FEATURE_NAMES], `${f}: feature order differs from features.ts`);
      const m = /^prior-without-(.+)\.json$/.exec(f);
      if (m) {
        assert.equal(p.heldOut, m[1], `${f}: heldOut field`);
        assert.ok(!p.trainedOn.includes(m[1]), `${f} was trained on ${m[1]}`);
      }
    }
  });
});
