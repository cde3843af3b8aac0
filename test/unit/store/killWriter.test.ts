import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { parseEventLog } from '../../../src/core/store/eventLog';
import { serializeEvent } from '../../../src/core/store/labelStore';
import type { LabelEvent } from '../../../src/core/store/events';
import { killWriterText } from '../../fixtures/store/killWriterText';

const RUNS = 20;
const MAX_TEXT = 64_000;

/** Deterministic pseudo-random numbers (mulberry32), so a failing run can be replayed by seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function expected(run: string, seq: number): LabelEvent {
  return {
    id: `${run}-${seq}`,
    source: { file: 'data/a.txt', start: seq, end: seq + 1 },
    text: killWriterText(run, seq, MAX_TEXT),
    label: 'news',
    spans: [],
    answer: 'accept',
    annotator: run,
    strategy: null,
    score: null,
    ts: new Date(0).toISOString(),
  };
}

/** Runs the writer until it has acknowledged `acks` events, waits `delayMs` more, SIGKILLs it; resolves to the acknowledged count. */
function runAndKill(script: string, file: string, run: string, acks: number, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, file, run, String(MAX_TEXT)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killing = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      if (!killing && out.split('\n').length - 1 >= acks) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') {
        reject(new Error(`writer ended by itself (code ${code}): ${err}`));
        return;
      }
      const lines = out.split('\n').filter((l) => l !== '');
      lines.forEach((l, i) => assert.equal(l, String(i), 'acknowledgements arrive in order'));
      resolve(lines.length);
    });
  });
}

test('a writer killed at random moments, 20 times, loses at most the event being written and never damages earlier ones', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelwise-kill-'));
  try {
    // Bundled once so that each child starts in a fraction of the time tsx needs.
    const script = path.join(dir, 'killWriter.cjs');
    buildSync({ entryPoints: [path.join(__dirname, '../../fixtures/store/killWriter.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'silent' });
    const file = path.join(dir, '.labelwise', 'labels.jsonl');
    const random = rng(20261124);
    const acked: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      acked.push(await runAndKill(script, file, `r${r}`, 1 + Math.floor(random() * 12), Math.floor(random() * 8)));
    }

    const text = fs.readFileSync(file, 'utf8');
    const log = parseEventLog(text, file);
    const lines = text.split('\n');
    // Every event of every run is intact and in order; a run wrote what it acknowledged, or one more.
    const byRun = new Map<string, LabelEvent[]>();
    for (const { event } of log.events) {
      const list = byRun.get(event.annotator) ?? [];
      list.push(event);
      byRun.set(event.annotator, list);
    }
    let valid = 0;
    for (let r = 0; r < RUNS; r++) {
      const run = `r${r}`;
      const got = byRun.get(run) ?? [];
      assert.ok(got.length === acked[r] || got.length === acked[r] + 1, `${run}: ${got.length} events for ${acked[r]} acknowledged`);
      got.forEach((e, seq) => assert.deepEqual(e, expected(run, seq), `${run} event ${seq} is intact`));
      valid += got.length;
    }
    const total = acked.reduce((a, b) => a + b, 0);
    assert.ok(valid >= total && valid <= total + RUNS);
    // Bad lines can only be writes cut short: a prefix of the next event a run would have written,
    // each on its own line (the next writer started on a fresh line), at most one per kill.
    assert.ok(log.problems.length <= RUNS);
    for (const p of log.problems) {
      const fragment = lines[p.line - 1];
      const run = /^\{"id":"(r\d+)-/.exec(fragment)?.[1];
      assert.ok(run, `line ${p.line} starts like an event`);
      const next = serializeEvent(expected(run, byRun.get(run)?.length ?? 0));
      assert.ok(next.startsWith(fragment) && fragment !== next, `line ${p.line} is a cut-short write of ${run}`);
    }
    process.stdout.write(`# kill test: ${RUNS} kills, ${total} acknowledged, ${valid} valid events, ${log.problems.length} torn lines\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
