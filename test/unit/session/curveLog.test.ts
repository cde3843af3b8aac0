import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { appendCurveLog, curveLine, parseCurveLog, readCurveLog } from '../../../src/core/session/curveLog';
import type { Logger } from '../../../src/core/types';

function recorder(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, logger: { info: () => undefined, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) } };
}

describe('learning-curve log (.labelwise/curve.jsonl)', () => {
  test('spans rounds: the span score is stored beside the weights, read back as a curve point, never as the accuracy; an insane one is dropped', () => {
    const { logger, warnings } = recorder();
    const line = curveLine({ round: 2, labels: 9, weights: { mnlp: 1 }, spanScore: { precision: 1, recall: 0.2, f1: 1 / 3, sentences: 3 }, millis: 1 }, 'T');
    assert.equal(line, `{"round":2,"labels":9,"weights":{"mnlp":1},"span":{"precision":1,"recall":0.2,"f1":${1 / 3},"sentences":3},"ts":"T"}\n`);
    const bad = '{"round":3,"labels":12,"weights":{"mnlp":1},"span":{"precision":1,"recall":0.2,"f1":1.5,"sentences":3}}\n';
    const h = parseCurveLog(line + bad, 'curve.jsonl', logger);
    assert.deepEqual(h.curve, [{ labels: 9, accuracy: 1 / 3, precision: 1, recall: 0.2, sentences: 3 }]);
    assert.equal(h.weights.length, 2, 'a round with a damaged span score keeps its weights');
    assert.equal(h.last?.estimatedAccuracy, undefined);
    assert.deepEqual(warnings, []);
  });

  test('rounds appended are read back as curve points and weights; a round without accuracy has only weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-curvelog-'));
    try {
      const file = join(dir, 'sub', 'curve.jsonl');
      const { logger, warnings } = recorder();
      await appendCurveLog(file, { round: 1, labels: 4, weights: { random: 1 }, millis: 2 }, logger, { now: () => 'T1' });
      await appendCurveLog(file, { round: 2, labels: 12, estimatedAccuracy: 0.5, weights: { margin: 0.7, egl: 0.3 }, millis: 2 }, logger, { now: () => 'T2' });
      assert.equal(readFileSync(file, 'utf8'), '{"round":1,"labels":4,"weights":{"random":1},"ts":"T1"}\n{"round":2,"labels":12,"accuracy":0.5,"weights":{"margin":0.7,"egl":0.3},"ts":"T2"}\n');
      const h = await readCurveLog(file, logger);
      assert.deepEqual(h.curve, [{ labels: 12, accuracy: 0.5 }]);
      assert.deepEqual(h.weights, [
        { round: 1, labels: 4, weights: { random: 1 } },
        { round: 2, labels: 12, weights: { margin: 0.7, egl: 0.3 } },
      ]);
      assert.equal(h.lastRound, 2);
      assert.equal(h.endsClean, true);
      assert.deepEqual(warnings, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing file is an empty history, silently', async () => {
    const { logger, warnings } = recorder();
    const h = await readCurveLog(join(tmpdir(), 'labelwise-no-such-dir', 'curve.jsonl'), logger);
    assert.deepEqual(h, { curve: [], weights: [], lastRound: 0, endsClean: true });
    assert.deepEqual(warnings, []);
  });

  test('bad lines are skipped with file:line and the reason; good ones are kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-curvelog-'));
    try {
      const file = join(dir, 'curve.jsonl');
      writeFileSync(
        file,
        [
          '[1, 2]',
          '{"round": 0, "labels": 3, "weights": {}}',
          '{"round": 1, "labels": 3, "accuracy": 1.5, "weights": {}}',
          '{"round": 1, "labels": 3, "weights": {"margin": "high"}}',
          '',
          curveLine({ round: 3, labels: 20, estimatedAccuracy: 0.8, weights: { kl: 1 }, millis: 1 }, 'T').trim(),
          '{"round": 4,',
        ].join('\n'),
      );
      const { logger, warnings } = recorder();
      const h = await readCurveLog(file, logger);
      assert.deepEqual(h.curve, [{ labels: 20, accuracy: 0.8 }]);
      assert.equal(h.lastRound, 3);
      assert.equal(h.endsClean, false);
      assert.equal(warnings.length, 5, warnings.join('\n'));
      assert.match(warnings[0], new RegExp(`${file.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}:1: .*not a JSON object`));
      assert.match(warnings[1], /:2: .*"round" must be a positive integer/);
      assert.match(warnings[2], /:3: .*"accuracy" must be a number in 0\.\.1/);
      assert.match(warnings[3], /:4: .*weight "margin" is not a number/);
      assert.match(warnings[4], /:7: .*not JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a write that fails is a warning, not an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-curvelog-'));
    try {
      const blocker = join(dir, 'file');
      writeFileSync(blocker, 'x');
      const { logger, warnings } = recorder();
      await appendCurveLog(join(blocker, 'curve.jsonl'), { round: 1, labels: 1, weights: {}, millis: 1 }, logger);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /could not record the learning curve/);
      assert.equal(readFileSync(blocker, 'utf8'), 'x');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('learning-curve log: the estimate\'s interval and the last round', () => {
  test('a round\'s interval is stored and read back with it; the round with the highest number is the last one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-curvelog-'));
    try {
      const file = join(dir, 'curve.jsonl');
      const { logger, warnings } = recorder();
      const interval = { low: 0.55, high: 0.84, n: 30, level: 0.95 };
      await appendCurveLog(file, { round: 1, labels: 30, estimatedAccuracy: 0.72, accuracyInterval: interval, weights: { margin: 1 }, millis: 2 }, logger, { now: () => 'T1' });
      await appendCurveLog(file, { round: 2, labels: 34, weights: { margin: 1 }, millis: 2 }, logger, { now: () => 'T2' });
      assert.match(readFileSync(file, 'utf8').split('\n')[0], /"accuracy":0\.72,"interval":\{"low":0\.55,"high":0\.84,"n":30,"level":0\.95\}/);
      const h = await readCurveLog(file, logger);
      assert.deepEqual(h.last, { round: 2, labels: 34 }, 'the newest round had no estimate: none is shown as current');
      writeFileSync(file, readFileSync(file, 'utf8').split('\n')[0] + '\n');
      assert.deepEqual((await readCurveLog(file, logger)).last, { round: 1, labels: 30, estimatedAccuracy: 0.72, accuracyInterval: interval });
      assert.deepEqual(warnings, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('lines without an interval (older files) and nonsense intervals keep their accuracy, without an interval', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-curvelog-'));
    try {
      const file = join(dir, 'curve.jsonl');
      const { logger } = recorder();
      writeFileSync(file, '{"round":1,"labels":20,"accuracy":0.6,"weights":{}}\n{"round":2,"labels":25,"accuracy":0.7,"interval":{"low":0.8,"high":0.9,"n":25},"weights":{}}\n');
      const h = await readCurveLog(file, logger);
      assert.deepEqual(h.last, { round: 2, labels: 25, estimatedAccuracy: 0.7 }, 'an interval that does not hold the estimate is dropped');
      assert.equal(h.curve.length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
