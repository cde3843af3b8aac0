import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { clearCorpusManifests, openCorpusEncoded, type CorpusEncodeOptions, type EncodedCorpus } from '../../../src/core/cache/corpusManifest';
import type { Encoder } from '../../../src/core/encoders/encoder';
import { readCorpus, type CorpusOptions } from '../../../src/core/text/corpus';
import { quantise } from '../../../src/core/features/compactVectors';
import type { CandidateSpan, Granularity, Logger, Matrix } from '../../../src/core/types';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** A deterministic fake encoder that counts its calls and texts. */
class CountingEncoder implements Encoder {
  readonly provider = 'cpu' as const;
  calls = 0;
  texts = 0;
  constructor(
    readonly id: string,
    readonly dim = 6,
  ) {}
  async encode(texts: readonly string[]): Promise<Matrix> {
    this.calls++;
    this.texts += texts.length;
    const data = new Float32Array(texts.length * this.dim);
    texts.forEach((t, i) => {
      for (let k = 0; k < this.dim; k++) data[i * this.dim + k] = value(this.id, t, k);
    });
    return { rows: texts.length, cols: this.dim, data };
  }
  async dispose(): Promise<void> {}
}

function value(id: string, text: string, k: number): number {
  let h = 2166136261 ^ k;
  for (const c of id + '\u0000' + text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (h % 1000) / 1000;
}

/** Files written "long ago": the clock runs 10 s ahead, so none is racy. */
const later = (): number => Date.now() + 10_000;

interface Workspace {
  readonly root: string;
  readonly cacheDir: string;
  corpus(granularity?: Granularity): CorpusOptions;
}

function workspace(files: Record<string, string>): Workspace {
  const root = tmp('lw-manifest-ws-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  const cacheDir = join(tmp('lw-manifest-cache-'), 'cache');
  return {
    root,
    cacheDir,
    corpus: (granularity: Granularity = 'sentence') => ({ root, include: ['**/*.{txt,md}', '**/*.jsonl'], exclude: [], granularity, maxFileSizeMB: 1 }),
  };
}

const FILES = {
  'a.txt': 'The cat sat on the mat. It was warm.\n\nA second paragraph here. With two sentences.\n',
  'b.md': '# Title\n\nMarkdown text. More of it!\n',
  'sub/c.txt': 'Only one sentence in this file.\n',
  'd.jsonl': '{"text": "first record"}\nnot json\n{"text": "  second record  "}\n',
};

function open(ws: Workspace, encoder: Encoder, extra: Partial<CorpusEncodeOptions> = {}): Promise<EncodedCorpus> {
  return openCorpusEncoded({ corpus: ws.corpus(), encoder, cacheDir: ws.cacheDir, now: later, ...extra });
}

/** What readCorpus + a plain encode + the engine's quantise give: the manifest must give exactly this. */
async function expected(ws: Workspace, encoder: Encoder, granularity: Granularity = 'sentence'): Promise<{ spans: CandidateSpan[]; codes: Int8Array; scales: Float32Array; problems: string[] }> {
  const c = await readCorpus(ws.corpus(granularity));
  const plain = new CountingEncoder(encoder.id, encoder.dim);
  const m = quantise(await plain.encode(c.spans.map((s) => s.text)));
  return { spans: c.spans, codes: m.codes, scales: m.scales, problems: c.problems.map((p) => p.message) };
}

/** The result's spans as objects (places, no texts). */
function placesOf(r: EncodedCorpus): Omit<CandidateSpan, 'text'>[] {
  return Array.from({ length: r.spans.length }, (_, i) => r.spans.place(i));
}

/** Whether the result holds the span of the corpus (as read now) with this text. */
async function hasText(ws: Workspace, r: EncodedCorpus, text: string): Promise<boolean> {
  const s = (await readCorpus(ws.corpus())).spans.find((x) => x.text === text);
  return s !== undefined && r.spans.rowOf(s.id) !== undefined;
}

async function assertSameAsFresh(ws: Workspace, encoder: Encoder, r: EncodedCorpus, granularity: Granularity = 'sentence'): Promise<void> {
  const e = await expected(ws, encoder, granularity);
  assert.deepEqual(
    placesOf(r),
    e.spans.map(({ text: _, ...place }) => place),
  );
  // Bit for bit the engine's pool: quantise() of the float32 vectors, row for row.
  assert.deepEqual(Array.from(r.vectors.codes), Array.from(e.codes));
  assert.deepEqual(Array.from(r.vectors.scales), Array.from(e.scales));
  assert.equal(r.vectors.rows, r.spans.length);
  assert.deepEqual(
    r.problems.map((p) => p.message),
    e.problems,
  );
}

function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, n.name);
      if (n.isDirectory()) walk(p);
      else out.set(p, `${statSync(p).mtimeMs}:${readFileSync(p).toString('base64')}`);
    }
  };
  walk(root);
  return out;
}

describe('openCorpusEncoded (corpus manifest)', () => {
  test('an unchanged re-open reads no file and calls no encoder, with the same result', async () => {
    const ws = workspace(FILES);
    const enc = new CountingEncoder('enc-a');
    const first = await open(ws, enc);
    assert.equal(first.stats.manifest, 'missing');
    assert.equal(first.stats.filesRead, 4);
    assert.equal(first.stats.filesReused, 0);
    assert.equal(first.stats.misses, first.spans.length);
    assert.ok(first.stats.written);
    await assertSameAsFresh(ws, enc, first);
    assert.ok(first.problems.some((p) => p.message.startsWith('d.jsonl:2:')), 'the bad JSONL line is reported');

    const calls = enc.calls;
    const second = await open(ws, enc);
    assert.equal(enc.calls, calls, 'no encoder call');
    assert.deepEqual(
      { ...second.stats },
      { filesReused: 4, filesRead: 0, spansReused: first.spans.length, hits: 0, misses: 0, manifest: 'used', written: false },
    );
    await assertSameAsFresh(ws, enc, second);
    assert.deepEqual(second.files, first.files);
  });

  test('an edited file is re-read: new content of the same size, and even with its old mtime put back', async () => {
    const ws = workspace(FILES);
    const enc = new CountingEncoder('enc-a');
    await open(ws, enc);
    const file = join(ws.root, 'a.txt');
    const edited = FILES['a.txt'].replace('cat', 'dog');
    assert.equal(edited.length, FILES['a.txt'].length);
    writeFileSync(file, edited);
    const r = await open(ws, enc);
    assert.equal(r.stats.filesRead, 1);
    assert.equal(r.stats.filesReused, 3);
    assert.equal(r.stats.misses, 1, 'only the edited sentence is encoded');
    assert.ok(await hasText(ws, r, 'The dog sat on the mat.'));
    await assertSameAsFresh(ws, enc, r);

    // Same size and the same mtime (a whole second, so it is restored exactly): the ctime still tells.
    const T = 1_700_000_000;
    utimesSync(file, T, T);
    assert.equal((await open(ws, enc)).stats.filesRead, 1);
    assert.equal((await open(ws, enc)).stats.filesRead, 0, 'stored with mtime T');
    writeFileSync(file, FILES['a.txt'].replace('cat', 'cow'));
    utimesSync(file, T, T);
    assert.equal(statSync(file).mtimeMs, T * 1000);
    const r2 = await open(ws, enc);
    assert.equal(r2.stats.filesRead, 1);
    assert.ok(await hasText(ws, r2, 'The cow sat on the mat.'));
    await assertSameAsFresh(ws, enc, r2);
    const r3 = await open(ws, enc);
    assert.equal(r3.stats.filesRead, 0, 'the re-read file is reused next time');
    await assertSameAsFresh(ws, enc, r3);
  });

  test('added and removed files', async () => {
    const ws = workspace(FILES);
    const enc = new CountingEncoder('enc-a');
    await open(ws, enc);
    writeFileSync(join(ws.root, 'sub', 'new.txt'), 'A brand new file. Two sentences.\n');
    rmSync(join(ws.root, 'b.md'));
    const r = await open(ws, enc);
    assert.equal(r.stats.filesRead, 1);
    assert.equal(r.stats.filesReused, 3);
    assert.ok(!placesOf(r).some((s) => s.file === 'b.md'));
    assert.ok(placesOf(r).some((s) => s.file === 'sub/new.txt'));
    await assertSameAsFresh(ws, enc, r);
    rmSync(join(ws.root, 'sub', 'c.txt'));
    const r2 = await open(ws, enc);
    assert.equal(r2.stats.filesRead, 0);
    assert.equal(r2.stats.filesReused, 3);
    assert.ok(r2.stats.written, 'a removal rewrites the manifest');
    await assertSameAsFresh(ws, enc, r2);
  });

  test('another encoder id, granularity or include set never reuses entries', async () => {
    const ws = workspace(FILES);
    const a = new CountingEncoder('enc-a');
    await open(ws, a);
    const b = new CountingEncoder('enc-b');
    const rb = await open(ws, b);
    assert.equal(rb.stats.manifest, 'missing');
    assert.equal(rb.stats.filesReused, 0);
    assert.equal(b.texts, rb.spans.length, 'every span encoded by the other model');
    await assertSameAsFresh(ws, b, rb);

    const para = await open(ws, a, { corpus: ws.corpus('paragraph') });
    assert.equal(para.stats.filesReused, 0);
    await assertSameAsFresh(ws, a, para, 'paragraph');
    const onlyTxt = await open(ws, a, { corpus: { ...ws.corpus(), include: ['**/*.txt'] } });
    assert.equal(onlyTxt.stats.filesReused, 0);
    assert.deepEqual(onlyTxt.files, ['a.txt', 'sub/c.txt']);
    const otherDim = await open(ws, new CountingEncoder('enc-a', 3));
    assert.equal(otherDim.stats.filesReused, 0);
    assert.equal(otherDim.vectors.cols, 3);

    // Each key keeps its own manifest: the first one is still reused.
    const again = await open(ws, a);
    assert.equal(again.stats.filesReused, 4);
    await assertSameAsFresh(ws, a, again);
  });

  test('a damaged, truncated or foreign manifest is ignored and rebuilt, never a crash', async () => {
    const ws = workspace(FILES);
    const enc = new CountingEncoder('enc-a');
    await open(ws, enc);
    const name = readdirSync(ws.cacheDir).find((n) => n.endsWith('.lwmanifest'));
    assert.ok(name);
    const path = join(ws.cacheDir, name);
    const good = readFileSync(path);
    const warnings: string[] = [];
    const logger: Logger = { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined };
    const damage: Array<[string, () => void]> = [
      ['truncated', () => truncateSync(path, good.length - 10)],
      ['cut in its header', () => truncateSync(path, 12)],
      ['a flipped byte in the metadata', () => writeFileSync(path, Buffer.from(good).fill(0x41, 40, 41))],
      ['a zeroed page in the vectors', () => writeFileSync(path, Buffer.from(good).fill(0, good.length - 300, good.length - 100))],
      ['garbage', () => writeFileSync(path, 'not a manifest at all')],
      ['empty', () => writeFileSync(path, '')],
      // Format 1 (CRC-32 check) had the same layout: its magic alone must keep it from being misread.
      ['a format-1 manifest', () => writeFileSync(path, Buffer.concat([Buffer.from('LWCMAN01', 'latin1'), good.subarray(8)]))],
      // Format 2 (float32 vectors and texts): rebuilt compactly, and the log says why.
      ['a format-2 manifest', () => writeFileSync(path, Buffer.concat([Buffer.from('LWCMAN02', 'latin1'), good.subarray(8)]))],
      ['a flipped byte in the span offsets', () => writeFileSync(path, Buffer.from(good).fill(0x7f, good.indexOf(0x7d, 24) + 8, good.indexOf(0x7d, 24) + 9))],
      ['a flipped code in the vectors', () => writeFileSync(path, Buffer.from(good).fill(0x55, good.length - 8, good.length - 7))],
    ];
    for (const [what, hurt] of damage) {
      hurt();
      warnings.length = 0;
      const r = await open(ws, enc, { logger });
      assert.equal(r.stats.manifest, 'ignored', what);
      assert.equal(r.stats.filesReused, 0, what);
      assert.ok(r.stats.written, what);
      assert.ok(warnings.some((w) => w.includes(name) && w.includes('rebuilding')), `${what}: ${warnings.join(' | ')}`);
      if (what === 'a format-2 manifest') assert.ok(warnings.some((w) => w.includes('older Labelwise')), warnings.join(' | '));
      await assertSameAsFresh(ws, enc, r);
      const next = await open(ws, enc);
      assert.equal(next.stats.filesReused, 4, `${what}: rebuilt`);
    }
    assert.ok(!readdirSync(ws.cacheDir).some((n) => n.endsWith('.tmp')), 'no temp file left');
  });

  test('texts beyond latin1 (CJK, emoji) and within it (accents) come back exactly', async () => {
    for (const text of ['Café au lait. Crème brûlée.\n', 'Café. 日本語の文です。 Emoji 🎉 here. Ünïcode.\n']) {
      const ws = workspace({ 'x.txt': text });
      const enc = new CountingEncoder('enc-a');
      await open(ws, enc);
      const r = await open(ws, enc);
      assert.equal(r.stats.filesReused, 1);
      await assertSameAsFresh(ws, enc, r);
    }
  });

  test('user files are never changed', async () => {
    const ws = workspace(FILES);
    const before = snapshot(ws.root);
    const enc = new CountingEncoder('enc-a');
    await open(ws, enc);
    await open(ws, enc);
    await open(ws, enc, { corpus: ws.corpus('line') });
    assert.deepEqual(snapshot(ws.root), before);
    assert.ok(readdirSync(ws.cacheDir).length > 0);
  });

  test('a file modified within the timestamp window of its stat (racy) is read again next time', async () => {
    const ws = workspace(FILES);
    const enc = new CountingEncoder('enc-a');
    // The real clock: the files were written just now, so none is trusted yet.
    await open(ws, enc, { now: Date.now });
    const r = await open(ws, enc, { now: Date.now });
    assert.equal(r.stats.filesReused, 0);
    assert.equal(r.stats.misses, 0, 'their vectors still come from the embedding cache');
    await assertSameAsFresh(ws, enc, r);
  });

  test('an unusable cache folder: still the right result, a warning, no throw', async () => {
    const ws = workspace(FILES);
    const blocker = join(tmp('lw-manifest-block-'), 'file');
    writeFileSync(blocker, 'x');
    const warnings: string[] = [];
    const logger: Logger = { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined };
    const enc = new CountingEncoder('enc-a');
    const r = await openCorpusEncoded({ corpus: ws.corpus(), encoder: enc, cacheDir: join(blocker, 'cache'), logger, now: later });
    await assertSameAsFresh(ws, enc, r);
    assert.equal(r.stats.written, false);
    assert.ok(warnings.length > 0);
  });

  test('streamed in groups and batches: every group size and batch size gives the same spans and codes, reused files in between', async () => {
    const files: Record<string, string> = { ...FILES };
    for (let f = 0; f < 12; f++) files[`many/f${String(f).padStart(2, '0')}.txt`] = Array.from({ length: 1 + (f % 4) }, (_, i) => `File ${f} sentence ${i}.`).join(' ') + '\n';
    for (const [groupBytes, encodeBatch] of [[1, 1], [1, 5], [60, 3], [200, 7], [1 << 20, 2]]) {
      const ws = workspace(files);
      const enc = new CountingEncoder('enc-a');
      const first = await open(ws, enc, { groupBytes, encodeBatch });
      await assertSameAsFresh(ws, enc, first);
      assert.equal(first.stats.misses, first.spans.length);
      // Every other file edited: runs of reused files between runs of files read.
      for (let f = 0; f < 12; f += 2) writeFileSync(join(ws.root, `many/f${String(f).padStart(2, '0')}.txt`), `Edited ${f}. Now file ${f} has two sentences.\n`);
      const progress: Array<[number, number]> = [];
      const r = await open(ws, enc, { groupBytes, encodeBatch, onProgress: (done, total) => progress.push([done, total]) });
      assert.equal(r.stats.filesRead, 6, `group ${groupBytes}, batch ${encodeBatch}`);
      assert.equal(r.stats.misses, 12, 'only the edited sentences are encoded');
      await assertSameAsFresh(ws, enc, r);
      assert.deepEqual(progress[progress.length - 1], [r.spans.length, r.spans.length]);
      const again = await open(ws, enc, { groupBytes, encodeBatch });
      assert.equal(again.stats.filesReused, Object.keys(files).length);
      await assertSameAsFresh(ws, enc, again);
    }
  });

  test('clearCorpusManifests removes manifests only', async () => {
    const ws = workspace(FILES);
    await open(ws, new CountingEncoder('enc-a'));
    writeFileSync(join(ws.cacheDir, 'keep.txt'), 'x');
    assert.equal(await clearCorpusManifests(ws.cacheDir), 1);
    assert.ok(readdirSync(ws.cacheDir).includes('keep.txt'));
    assert.equal(await clearCorpusManifests(join(ws.cacheDir, 'missing')), 0);
  });
});
