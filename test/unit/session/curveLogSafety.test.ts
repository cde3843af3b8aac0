import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { lastRecordedRound, readCurveLog } from '../../../src/core/session/curveLog';
import type { Logger } from '../../../src/core/types';

/**
 * `.labelwise/curve.jsonl` is committed with the corpus like the store, so it may be anything a
 * repository can hold: the status bar reads it on the extension host at activation. A symlink to a
 * device or a FIFO must be refused at once, never read (a read of /dev/zero never ends).
 */
describe('the learning-curve file is read only when it is a regular file', { timeout: 20_000 }, () => {
  const warnings: string[] = [];
  const logger: Logger = { info: () => undefined, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) };

  test('a symlink to /dev/zero gives no figures, at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-curve-'));
    try {
      mkdirSync(join(dir, '.labelwise'));
      const file = join(dir, '.labelwise', 'curve.jsonl');
      symlinkSync('/dev/zero', file);
      const t0 = Date.now();
      assert.equal(lastRecordedRound(file), undefined);
      const h = await readCurveLog(file, logger);
      assert.equal(h.lastRound, 0);
      assert.ok(Date.now() - t0 < 2000, 'refused without reading');
      assert.ok(warnings.some((w) => w.includes(file) && /regular file/.test(w)), warnings.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a FIFO does not block the read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-curve-'));
    try {
      const file = join(dir, 'curve.jsonl');
      execFileSync('mkfifo', [file]);
      assert.equal(lastRecordedRound(file), undefined);
      assert.equal((await readCurveLog(file, logger)).lastRound, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
