import { isAbsolute, resolve } from 'node:path';
import { createEngine } from '../engine/createEngine';
import { createSpanEngine } from '../spans/createSpanEngine';
import type { Encoder } from '../encoders/encoder';
import { loadEncoder } from '../encoders/loadEncoder';
import { openCorpusEncoded } from '../cache/corpusManifest';
import { settingKeys } from '../settings';
import { contextOf, readCorpus, readFileSpans, readSpanSource, type Corpus, type CorpusOptions } from '../text/corpus';
import { gatherShardVectors, loadVectorShards } from '../vectorShards';
import type { CandidateSpan, Logger, Matrix, Vectors } from '../types';
import { isCompact, quantise } from '../features/compactVectors';
import { CancelledError } from './cancelledError';
import { ParallelOpen } from './openPool';
import type { EmbedProgress, OpenedCorpus, SessionCorpus, SessionDeps, TableCorpus } from './labelingSession';
import { SpanTable } from './spanTable';
import type { SpanSessionDeps } from './spanSession';

/** Characters of surrounding text shown on each side of a span. */
const CONTEXT_CHARS = 320;
/** Source texts kept in memory for context (the most recently used files). */
const SOURCE_CACHE_FILES = 32;
/**
 * Texts per encoder call: progress is reported, and cancellation checked, between chunks. The
 * encoder sorts a call's texts by length into batches of similar length, so a small call pads
 * much more: 256-text calls cost 2.1× the CPU of one call over 100 k texts, 2048-text calls 1.3×,
 * 16 k ~1.0×. The embedding cache hands over at most its own chunk (16 k), ~0.3 s of work; the
 * first open splits each call over its threads.
 */
const ENCODE_CHUNK = 16384;

/** Files the span texts of a table are read ahead of the run being handed over (textRuns). */
const READ_AHEAD_FILES = 4;

function corpusOptions(root: string, settings: CorpusSettings): CorpusOptions {
  return { root, include: settings.include, exclude: settings.exclude, granularity: settings.granularity, maxFileSizeMB: settings.maxFileSizeMB };
}

/** The session's view of a read corpus: its spans (objects or columns), and their surrounding text read on demand. */
function corpusView(root: string, settings: CorpusSettings, logger: Logger, corpus: Pick<Corpus, 'spans' | 'files' | 'problems'>): SessionCorpus;
function corpusView(root: string, settings: CorpusSettings, logger: Logger, corpus: Pick<Corpus, 'files' | 'problems'> & { spans: SpanTable }): TableCorpus;
function corpusView(root: string, settings: CorpusSettings, logger: Logger, corpus: Pick<Corpus, 'files' | 'problems'> & { spans: CandidateSpan[] | SpanTable }): SessionCorpus | TableCorpus {
  const sources = new Map<string, Promise<string>>();
  const source = (span: Pick<CandidateSpan, 'file' | 'line'>): Promise<string> => {
    // A JSONL span's offsets are into its record's text, so the key includes the line.
    const key = `${span.file}\u0000${span.file.endsWith('.jsonl') ? span.line : ''}`;
    let p = sources.get(key);
    if (p) {
      sources.delete(key);
      sources.set(key, p);
      return p;
    }
    p = readSpanSource(root, span.file, span.line, settings.maxFileSizeMB);
    sources.set(key, p);
    if (sources.size > SOURCE_CACHE_FILES) sources.delete(sources.keys().next().value as string);
    return p;
  };
  return {
    spans: corpus.spans as SpanTable,
    files: corpus.files.length,
    problems: corpus.problems.map((p) => p.message),
    // The panel's span text, read when shown (the session keeps none; it checks it against the id).
    text: async (span) => (await source(span)).slice(span.start, span.end),
    // Every span's text in row order, a file at a time (labelwise.lexicalFeatures): each file read
    // again by the same reader, its spans matched to the table's rows by span id. A span whose file
    // changed since the open gets '' (no lexical features until the next open), and the log says
    // how many.
    textRuns: async function* (): AsyncGenerator<readonly string[]> {
      const table = corpus.spans;
      if (!(table instanceof SpanTable)) {
        yield table.map((s) => s.text);
        return;
      }
      const opts = corpusOptions(root, settings);
      // The table's runs of rows from one file, read a few files ahead (as readCorpus reads them).
      const runs: { start: number; end: number; file: string }[] = [];
      for (let r = 0; r < table.length; ) {
        const file = table.file(r);
        let end = r + 1;
        while (end < table.length && table.file(end) === file) end++;
        runs.push({ start: r, end, file });
        r = end;
      }
      const reads: (Promise<CandidateSpan[]> | undefined)[] = [];
      const readAhead = (upto: number): void => {
        while (reads.length < Math.min(runs.length, upto)) reads.push(readFileSpans(opts, runs[reads.length].file));
      };
      let missing = 0;
      for (let k = 0; k < runs.length; k++) {
        readAhead(k + READ_AHEAD_FILES);
        const byId = new Map((await reads[k]!).map((s) => [s.id, s.text]));
        reads[k] = undefined;
        const run: string[] = [];
        for (let i = runs[k].start; i < runs[k].end; i++) {
          const t = byId.get(table.id(i));
          if (t === undefined) missing++;
          run.push(t ?? '');
        }
        yield run;
      }
      if (missing > 0) logger.warn(`${missing} spans changed on disk while the corpus was opened: they get no lexical features until the next open`);
    },
    async context(span: CandidateSpan): Promise<{ before: string; after: string }> {
      try {
        const c = contextOf(await source(span), span.start, span.end, CONTEXT_CHARS);
        return { before: (c.beforeTruncated ? '… ' : '') + c.before, after: c.after + (c.afterTruncated ? ' …' : '') };
      } catch (e) {
        logger.warn(`${span.file}:${span.line + 1}: no context for the span (${(e as Error).message})`);
        return { before: '', after: '' };
      }
    },
  };
}

type SessionDepsSettings = Parameters<SessionDeps['openCorpus']>[1];
/** What reading a corpus needs of the settings (either task). */
type CorpusSettings = Pick<SessionDepsSettings, 'include' | 'exclude' | 'granularity' | 'maxFileSizeMB'>;

/**
 * Encodes in chunks so progress is visible and a cancel takes effect within one chunk. The chunks
 * come back float32 or compact (the open's workers quantise): one chunk is returned as it is,
 * several are joined, compact if any of them is (quantise() leaves compact rows as they are).
 */
async function embedChunked(encode: (texts: readonly string[]) => Promise<Vectors>, texts: readonly string[], progress: EmbedProgress, signal?: AbortSignal): Promise<Vectors> {
  const parts: Vectors[] = [];
  progress(0, texts.length);
  for (let i = 0; i < texts.length; i += ENCODE_CHUNK) {
    if (signal?.aborted) throw new CancelledError('encoding the corpus was cancelled');
    parts.push(await encode(texts.slice(i, i + ENCODE_CHUNK)));
    progress(Math.min(texts.length, i + ENCODE_CHUNK), texts.length);
  }
  if (parts.length === 1) return parts[0];
  const cols = parts[0]?.cols ?? 0;
  if (parts.every((p) => !isCompact(p))) {
    const data = new Float32Array(texts.length * cols);
    let at = 0;
    for (const p of parts as Matrix[]) {
      data.set(p.data.subarray(0, p.rows * cols), at * cols);
      at += p.rows;
    }
    return { rows: texts.length, cols, data };
  }
  const codes = new Int8Array(texts.length * cols);
  const scales = new Float32Array(texts.length);
  let at = 0;
  for (const p of parts) {
    const q = quantise(p);
    codes.set(q.codes.subarray(0, q.rows * cols), at * cols);
    scales.set(q.scales.subarray(0, q.rows), at);
    at += q.rows;
  }
  return { rows: texts.length, cols, codes, scales };
}

/**
 * Corpus and vectors through the corpus manifest: files unchanged since the last open are neither
 * read nor encoded; the others go through the embedding cache, encoded in small chunks (progress,
 * cancellation) and persisted as they come, so a cancelled or crashed encode keeps what it
 * finished. Without a usable cache folder it encodes without one.
 */
async function openCorpus(root: string, settings: SessionDepsSettings, encoder: Encoder, cacheDir: string, progress: EmbedProgress, logger: Logger, signal?: AbortSignal): Promise<OpenedCorpus> {
  if (settings.vectors !== '') return openCorpusWithShards(root, settings, progress, logger);
  let base = 0;
  let total = 0;
  // Files to read and texts to encode spread over worker threads (openPool.ts); a re-open that
  // reuses every file from the manifest starts none.
  const parallel = new ParallelOpen(encoder, { model: settings.model, device: settings.device, baseDir: root }, logger);
  let r: Awaited<ReturnType<typeof openCorpusEncoded>>;
  try {
    r = await openCorpusEncoded({
      corpus: corpusOptions(root, settings),
      encoder,
      cacheDir,
      logger,
      read: (o, bytes) => parallel.readParts(o, bytes),
      encode: (t) => embedChunked((c) => parallel.encode(c), t, (done) => progress(base + done, total), signal),
      onProgress: (done, todo) => {
        base = done;
        total = todo;
        progress(done, todo);
      },
    });
  } finally {
    await parallel.close();
  }
  const s = r.stats;
  logger.info(`corpus manifest: ${s.filesReused} files unchanged (${s.spansReused} spans reused), ${s.filesRead} read`);
  logger.info(`embeddings: ${s.hits} from the cache, ${s.misses} encoded`);
  return { corpus: corpusView(root, settings, logger, r), vectors: r.vectors };
}

/**
 * Corpus read as usual, vectors from precomputed Arrow IPC or Parquet shards (labelwise.vectors) instead of
 * the encoder: each span's row found by its id. Shards that miss a span of the corpus, or hold a
 * row for no span of it, are refused with the shard and row named (vectorShards.ts).
 */
async function openCorpusWithShards(root: string, settings: SessionDepsSettings, progress: EmbedProgress, logger: Logger): Promise<OpenedCorpus> {
  const corpus = await readCorpus(corpusOptions(root, settings));
  const path = isAbsolute(settings.vectors) ? settings.vectors : resolve(root, settings.vectors);
  progress(0, corpus.spans.length);
  const t0 = performance.now();
  const shards = await loadVectorShards(path);
  const { spans } = corpus;
  const vectors = gatherShardVectors(shards, spans.map((s) => s.id), (i) => `${spans[i].file}:${spans[i].line + 1}`, `${settingKeys.vectors} (${path})`);
  progress(spans.length, spans.length);
  logger.info(`vectors: ${vectors.rows}×${vectors.cols} from ${shards.shardFiles.length} shard${shards.shardFiles.length === 1 ? '' : 's'} in ${((performance.now() - t0) / 1000).toFixed(2)} s (${settingKeys.vectors}); nothing encoded`);
  return { corpus: corpusView(root, settings, logger, corpus), vectors };
}

/**
 * The spans task's corpus: its sentences (or lines) as the same reader gives them, no sentence
 * vectors (the session encodes tokens, spanSession.ts).
 */
export async function openSpanCorpus(root: string, settings: CorpusSettings, logger: Logger): Promise<SessionCorpus> {
  return corpusView(root, settings, logger, await readCorpus(corpusOptions(root, settings)));
}

/** The real corpus reader, encoder, embedding cache and engines, as the worker uses them. */
export function defaultDeps(): SessionDeps & SpanSessionDeps {
  return {
    openSpanCorpus: (root, settings, logger) => openSpanCorpus(root, settings, logger),
    createSpanEngine: (records, opts, extra) => createSpanEngine(records, opts, { batch: extra.batch, logger: extra.logger }),
    loadEncoder: (opts) => loadEncoder(opts),
    openCorpus: (root, settings, encoder, cacheDir, progress, logger, signal) => openCorpus(root, settings, encoder, cacheDir, progress, logger, signal),
    createEngine: (X, opts, extra) => createEngine(X, opts, { batch: extra.batch, logger: extra.logger }),
  };
}
