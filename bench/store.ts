// Label store throughput: appends per second with fsync after every event, batched, and never,
// and the time to load the file back. Usage: node --import tsx bench/store.ts [events]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelStore } from '../src/core/store/labelStore';
import type { LabelEvent } from '../src/core/store/events';

const n = Number(process.argv[2] ?? 2000);
const text = 'A typical sentence of a corpus, about a hundred and twenty characters long, give or take a few words here and there.';

function event(i: number): LabelEvent {
  return {
    id: `span-${i}`,
    source: { file: 'data/corpus.txt', start: i * 120, end: i * 120 + text.length, line: i },
    text,
    label: i % 3 === 0 ? 'news' : 'sport',
    spans: [],
    answer: 'accept',
    annotator: 'bench',
    strategy: 'margin',
    score: 0.12,
    ts: new Date().toISOString(),
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelwise-bench-store-'));
try {
  for (const fsyncEvery of [1, 10, 0]) {
    const file = path.join(dir, `labels-${fsyncEvery}.jsonl`);
    const store = LabelStore.open(file, { fsyncEvery });
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) store.append(event(i));
    store.close();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`fsyncEvery=${fsyncEvery}: ${n} appends in ${s.toFixed(3)} s = ${Math.round(n / s)} appends/s (${((s / n) * 1e6).toFixed(0)} µs each)`);
  }
  const file = path.join(dir, 'labels-0.jsonl');
  const t0 = process.hrtime.bigint();
  const store = LabelStore.open(file);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`load: ${store.events().length} events (${(fs.statSync(file).size / 1e6).toFixed(2)} MB) in ${(s * 1000).toFixed(1)} ms`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
