import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { defaultDeps } from '../../../src/core/session/defaultDeps';
import { LabelingSession } from '../../../src/core/session/labelingSession';
import { defaultSettings, type StartableSettings } from '../../../src/core/settings';
import { TOPICS } from './testCorpus';

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
});
