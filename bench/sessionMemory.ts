// `node --expose-gc --import tsx bench/sessionMemory.ts [--rows N]`: a labeling session (the worker's
// LabelingSession) over N spans in N / 100 files, with a stand-in corpus reader (span objects as the
// real reader makes them, 24-hex ids, ~70-character texts, a `text` reader that cuts them from the
// generated files) and the dev dataset's vectors replicated (as bench/engineMemory.ts). Prints peak
// RSS and, after a retrain and a batch, warm RSS / heap / array buffers after GC: what a session
// holds beyond the encoder. On a commit whose session keeps span objects, the `text` reader is
// simply not used.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../src/core/engine/createEngine';
import { createRng } from '../src/core/learners/rng';
import { readNpy } from '../src/core/npy';
import { LabelingSession, type SessionCorpus } from '../src/core/session/labelingSession';
import { defaultSettings, type StartableSettings } from '../src/core/settings';
import { spanId } from '../src/core/text/spanId';
import type { CandidateSpan, Matrix } from '../src/core/types';

const args = process.argv.slice(2);
const N = Number(args[args.indexOf('--rows') + 1] ?? 100000) || 100000;
const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const PER_FILE = 100;

const sentence = (i: number): string => `Sentence ${i} says something about topic ${i % 13} in a few more words.`;

const fileText = (f: number): string => Array.from({ length: PER_FILE }, (_, k) => sentence(f * PER_FILE + k)).join('\n') + '\n';

/** The span objects in a function of their own: once the session has them, nothing else holds them. */
function makeCorpus(): SessionCorpus {
  const spans: CandidateSpan[] = [];
  for (let f = 0; f * PER_FILE < N; f++) {
    const file = `corpus/part-${f % 50}/file-${f}.txt`;
    let at = 0;
    for (let k = 0; k < PER_FILE && f * PER_FILE + k < N; k++) {
      const text = sentence(f * PER_FILE + k);
      spans.push({ id: spanId(file, at, at + text.length, text), file, start: at, end: at + text.length, text, line: k });
      at += text.length + 1;
    }
  }
  return {
    spans,
    files: Math.ceil(N / PER_FILE),
    problems: [],
    context: () => ({ before: '', after: '' }),
    text: async (s) => fileText(Number(/file-(\d+)/.exec(s.file)![1])).slice(s.start, s.end),
  };
}

async function main(): Promise<void> {
  gc();
  const rss0 = process.memoryUsage().rss;
  const dir = join(__dirname, '.cache', 'vectors');
  const base = readNpy(join(dir, readdirSync(dir).find((f) => f.startsWith('brown-genre.') && f.endsWith('.npy'))!));
  const d = base.cols;
  const data = new Float32Array(N * d);
  const rng = createRng(7);
  for (let r = 0; r < N; r++) for (let j = 0; j < d; j++) data[r * d + j] = base.data[(r % base.rows) * d + j] * (1 + 0.05 * (rng() - 0.5));
  let vectors: Matrix | undefined = { rows: N, cols: d, data };
  let corpus: SessionCorpus | undefined = makeCorpus();
  const settings: StartableSettings = { ...defaultSettings, labels: ['a', 'b', 'c', 'd', 'e', 'f'], annotator: 't', autoRetrainEvery: 0, committeeSize: 5, batchSize: 10, strategy: 'meta' };
  const opened = await LabelingSession.open(
    { root: '/nowhere', settings, cacheDir: '/nowhere/cache', decisions: [] },
    {
      loadEncoder: async () => ({ id: 'stand-in', dim: d, provider: 'cpu', encode: async () => ({ rows: 0, cols: d, data: new Float32Array(0) }), dispose: async () => undefined }),
      openCorpus: async () => {
        const out = { corpus: corpus!, vectors: vectors! };
        corpus = undefined;
        vectors = undefined;
        return out;
      },
      createEngine: (X, o) => createEngine(X, o),
    },
  );
  const session = opened.session;
  const picks = await session.query({ n: 10, exclude: [] });
  picks.forEach((p, i) => session.decide({ id: p.id, label: settings.labels[i % 6], decided: true }));
  await session.retrain();
  await session.query({ n: 10, exclude: [] });
  gc();
  const m = process.memoryUsage();
  console.log(`session over ${N} spans in ${Math.ceil(N / PER_FILE)} files (${d}-d vectors), meta, committee 5`);
  console.log(`RSS before ${mb(rss0)}; peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}; warm after GC: RSS ${mb(m.rss)}, heap ${mb(m.heapUsed)}, array buffers ${mb(m.arrayBuffers)}`);
  await session.dispose();
}

void main();
