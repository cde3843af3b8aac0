import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { LabelEvent } from '../../../src/core/store/events';
import { confinedPath, reanchorWorkspace } from '../../../src/core/store/reanchorWorkspace';
import { spanId } from '../../../src/core/text/spanId';

function ev(file: string, text: string): LabelEvent {
  return { id: spanId(file, 0, text.length, text), source: { file, start: 0, end: text.length, line: 0 }, text, label: 'L', spans: [], answer: 'accept', annotator: 'a', strategy: null, score: null, ts: '2026-11-23T10:00:00.000Z' };
}

describe('re-anchoring reads only regular files inside the workspace', () => {
  test('absolute paths, "..", symbolic links out of the folder and FIFOs are never read; their spans are orphans with the reason', { timeout: 20_000 }, async () => {
    const base = mkdtempSync(join(tmpdir(), 'labelwise-confine-'));
    const root = join(base, 'ws');
    try {
      mkdirSync(root);
      writeFileSync(join(base, 'outside.txt'), 'Secret text.\n');
      writeFileSync(join(root, 'inside.txt'), 'Fine text.\n');
      symlinkSync(join(base, 'outside.txt'), join(root, 'link.txt'));
      execFileSync('mkfifo', [join(root, 'pipe.txt')]);
      assert.equal(await confinedPath(root, '../outside.txt'), undefined);
      assert.equal(await confinedPath(root, join(base, 'outside.txt')), undefined);
      assert.equal(await confinedPath(root, 'link.txt'), undefined);
      assert.equal(await confinedPath(root, 'inside.txt'), join(root, 'inside.txt'));
      const decisions = [ev('../outside.txt', 'Secret text.'), ev(join(base, 'outside.txt'), 'Secret text.'), ev('link.txt', 'Secret text.'), ev('pipe.txt', 'Piped.'), ev('inside.txt', 'Fine text.')];
      const t0 = Date.now();
      const r = await reanchorWorkspace(decisions, { root, granularity: 'sentence', maxFileSizeMB: 1 });
      assert.ok(Date.now() - t0 < 5000, 'a FIFO does not block the read');
      assert.deepEqual(r.anchored.map((e) => e.source.file), ['inside.txt']);
      assert.deepEqual(r.orphans.map((o) => [o.event.source.file, o.reason]), decisions.slice(0, 4).map((d) => [d.source.file, 'file-missing']));
      assert.match(r.orphans[0].detail ?? '', /leaves the workspace folder/);
      assert.match(r.orphans[2].detail ?? '', /leaves the workspace folder/);
      assert.match(r.orphans[3].detail ?? '', /pipe\.txt: not a regular file/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('a file over labelwise.maxFileSizeMB is not read; its spans are orphans saying so', async () => {
    const root = mkdtempSync(join(tmpdir(), 'labelwise-cap-'));
    try {
      writeFileSync(join(root, 'big.txt'), 'Big text. ' + 'x'.repeat(200_000) + '\n');
      const r = await reanchorWorkspace([ev('big.txt', 'Big text.')], { root, granularity: 'sentence', maxFileSizeMB: 0.1 });
      assert.equal(r.orphans.length, 1);
      assert.match(r.orphans[0].detail ?? '', /labelwise\.maxFileSizeMB/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
