import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ModelError } from '../errors';
import { openSession, type RuntimeSession } from '../runtime/session';
import { silentLogger, type Matrix } from '../types';
import { planBatches, type BatchLimits } from './batchPlan';
import type { Encoder, EncoderOptions, TokenVectors } from './encoder';
import { tokenizeAll, type TokenizedTexts } from './tokenizedTexts';
import type { WordTable } from './wordTable';
import { WordTokenizer, readVocabulary } from './wordTokenizer';

/** File names of the embedded model, built into models/ by `npm run build:models`. */
export const DEFAULT_MODEL_NAME = 'labelwise-glove100k';
export const DEFAULT_DIM = 100;

/**
 * How the embedded model pools word vectors into a span's vector: `mean` (the plain mean) or
 * `sif` (Zipf-weighted mean, then the pool's common component removed; models/README.md).
 */
export type DefaultPooling = 'mean' | 'sif';
/** The pooling of `labelwise.model: default`; `default-mean` and `default-sif` name one explicitly. */
export const DEFAULT_POOLING: DefaultPooling = 'mean';

const POOLINGS: Record<DefaultPooling, { readonly output: 'sentence_embedding' | 'sif_embedding'; readonly idSuffix: string; readonly commonComponents: number }> = {
  mean: { output: 'sentence_embedding', idSuffix: '', commonComponents: 0 },
  sif: { output: 'sif_embedding', idSuffix: '-sif', commonComponents: 1 },
};

/** Principal components a pooling removes from the pool's vectors (for vectors encoded elsewhere, e.g. `simulate --vectors`). */
export function poolingCommonComponents(pooling: DefaultPooling): number {
  return POOLINGS[pooling].commonComponents;
}

export interface DefaultModelFiles {
  readonly model: string;
  readonly vocab: string;
}

/**
 * models/ of the package: the source tree runs from src/core/encoders, the bundles from dist/, so
 * walk up from this file until a folder holds models/<name>.onnx.
 */
export function findDefaultModel(): DefaultModelFiles {
  const override = process.env.LABELWISE_MODELS_DIR;
  const candidates: string[] = override ? [resolve(override)] : [];
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    candidates.push(join(dir, 'models'));
    dir = dirname(dir);
  }
  for (const c of candidates) {
    const model = join(c, `${DEFAULT_MODEL_NAME}.onnx`);
    if (existsSync(model)) return { model, vocab: join(c, `${DEFAULT_MODEL_NAME}.vocab.txt`) };
  }
  throw new ModelError(`the embedded model models/${DEFAULT_MODEL_NAME}.onnx is missing (looked in ${candidates.join(', ')}); run "npm run build:models"`);
}

/** Batches of ~32k padded tokens: big enough to amortise a run, small enough for the cache. */
export const DEFAULT_LIMITS: BatchLimits = { tokenBudget: 32_768, maxRows: 4096, skipEmpty: true };

/** The feeds of one batch and the text each row belongs to. */
export interface ModelBatch {
  readonly rows: number;
  readonly seq: number;
  readonly inputIds: Int32Array;
  readonly attentionMask: Int32Array;
  readonly textIndex: Int32Array;
}

/**
 * Yields tokenised texts as padded model batches, shortest texts first. With `scratch`, every
 * batch is written into the same two growing buffers (each batch is then valid only until the
 * next one is taken): encode() runs one batch at a time, so it allocates almost nothing per call.
 */
export function* batchesOf(t: TokenizedTexts, limits: BatchLimits = DEFAULT_LIMITS, scratch?: { ids: Int32Array; mask: Int32Array }): Generator<ModelBatch> {
  const n = t.offsets.length - 1;
  const lengths = new Int32Array(n);
  for (let i = 0; i < n; i++) lengths[i] = t.offsets[i + 1] - t.offsets[i];
  const plan = planBatches(lengths, limits);
  for (const b of plan.batches) {
    const rows = b.to - b.from;
    const size = rows * b.seq;
    let inputIds: Int32Array;
    let attentionMask: Int32Array;
    if (scratch) {
      if (scratch.ids.length < size) {
        scratch.ids = new Int32Array(Math.max(size, limits.tokenBudget));
        scratch.mask = new Int32Array(scratch.ids.length);
      }
      inputIds = scratch.ids.subarray(0, size);
      attentionMask = scratch.mask.subarray(0, size);
    } else {
      inputIds = new Int32Array(size);
      attentionMask = new Int32Array(size);
    }
    const textIndex = plan.order.subarray(b.from, b.to);
    for (let r = 0; r < rows; r++) {
      const i = textIndex[r];
      const s = t.offsets[i];
      const len = t.offsets[i + 1] - s;
      const row = r * b.seq;
      // Plain loops: a subarray per row would allocate one object per text.
      const ids = t.ids;
      for (let j = 0; j < len; j++) {
        inputIds[row + j] = ids[s + j];
        attentionMask[row + j] = 1;
      }
      if (scratch) {
        for (let j = len; j < b.seq; j++) {
          inputIds[row + j] = 0;
          attentionMask[row + j] = 0;
        }
      }
    }
    yield { rows, seq: b.seq, inputIds, attentionMask, textIndex };
  }
}

/** All batches at once, each with its own buffers (for callers that keep them, e.g. the bench). */
export function makeBatches(t: TokenizedTexts, limits: BatchLimits = DEFAULT_LIMITS): ModelBatch[] {
  return [...batchesOf(t, limits)];
}

const vocabularies = new Map<string, WordTable>();
const modelHashes = new Map<string, string>();

function vocabularyOf(file: string): WordTable {
  let v = vocabularies.get(file);
  if (!v) {
    v = readVocabulary(file);
    vocabularies.set(file, v);
  }
  return v;
}

function hashOf(file: string): string {
  let h = modelHashes.get(file);
  if (!h) {
    h = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
    modelHashes.set(file, h);
  }
  return h;
}

/** The embedded GloVe encoder: word ids through the ONNX graph, pooled and normalised there. */
export class DefaultEncoder implements Encoder {
  readonly dim = DEFAULT_DIM;

  readonly commonComponents: number;

  private constructor(
    readonly id: string,
    readonly tokenizer: WordTokenizer,
    readonly session: RuntimeSession,
    readonly pooling: DefaultPooling,
  ) {
    this.commonComponents = POOLINGS[pooling].commonComponents;
  }

  /**
   * The id without opening the model: name, pooling and a hash of the model's bytes, so the caches
   * keep mean and SIF vectors apart, and a rebuilt, different model never reads another's vectors.
   */
  static idOf(pooling: DefaultPooling, files: DefaultModelFiles = findDefaultModel()): string {
    return `${DEFAULT_MODEL_NAME}${POOLINGS[pooling].idSuffix}@${hashOf(files.model)}`;
  }

  get provider(): 'cuda' | 'cpu' {
    return this.session.provider;
  }

  static async load(opts: EncoderOptions, files: DefaultModelFiles = findDefaultModel(), pooling: DefaultPooling = DEFAULT_POOLING): Promise<DefaultEncoder> {
    if (!existsSync(files.vocab)) throw new ModelError(`the vocabulary ${files.vocab} of the embedded model is missing; run "npm run build:models"`);
    const vocab = vocabularyOf(files.vocab);
    const id = DefaultEncoder.idOf(pooling, files);
    const session = await openSession(files.model, { device: opts.device, logger: opts.logger ?? silentLogger, threads: opts.threads ?? 0 });
    const missing = ['input_ids', 'attention_mask'].filter((n) => !session.inputNames.includes(n)).map((n) => `"${n}" input`);
    // A model built before the SIF output existed has no sif_embedding: say how to rebuild it.
    const output = POOLINGS[pooling].output;
    if (!session.outputNames.includes(output)) missing.push(`"${output}" output`);
    if (missing.length > 0) {
      await session.release();
      throw new ModelError(`${files.model}: the model has no ${missing.join(' and no ')}; rebuild it with "npm run build:models"`);
    }
    return new DefaultEncoder(id, new WordTokenizer(vocab), session, pooling);
  }

  async encode(texts: readonly string[]): Promise<Matrix> {
    const out = new Float32Array(texts.length * this.dim);
    // Tokenising here and running ONNX Runtime here too is deliberate: its Node binding runs a
    // session synchronously, and a tokenizer worker thread that overlapped the two measured no
    // faster on two cores (three busy threads for two cores) while adding a second bundle.
    await this.runTokenized(tokenizeAll(this.tokenizer, texts), out);
    return { rows: texts.length, cols: this.dim, data: out };
  }

  /** Sentence vectors of tokenised texts into out, text i at row i. */
  private async runTokenized(t: TokenizedTexts, out: Float32Array): Promise<void> {
    // Batches run one after the other, so one pair of buffers serves every batch of this call
    // (per call, not per encoder: concurrent calls must not write into each other's feeds).
    const scratch = { ids: new Int32Array(0), mask: new Int32Array(0) };
    const dim = this.dim;
    for (const b of batchesOf(t, DEFAULT_LIMITS, scratch)) {
      const res = await this.run(b, POOLINGS[this.pooling].output);
      for (let r = 0; r < b.rows; r++) {
        const from = r * dim;
        const to = b.textIndex[r] * dim;
        for (let d = 0; d < dim; d++) out[to + d] = res[from + d];
      }
    }
  }

  async encodeTokens(texts: readonly string[]): Promise<TokenVectors[]> {
    const tokens = texts.map((t) => this.tokenizer.tokenize(t));
    const ids = new Int32Array(tokens.reduce((a, t) => a + t.length, 0));
    const offsets = new Int32Array(texts.length + 1);
    let pos = 0;
    tokens.forEach((ts, i) => {
      for (const t of ts) ids[pos++] = t.id;
      offsets[i + 1] = pos;
    });
    const result: TokenVectors[] = tokens.map((ts) => ({ tokens: ts.map(({ start, end }) => ({ start, end })), vectors: { rows: ts.length, cols: this.dim, data: new Float32Array(ts.length * this.dim) } }));
    for (const b of makeBatches({ ids, offsets })) {
      const res = await this.run(b, 'token_embeddings');
      for (let r = 0; r < b.rows; r++) {
        const v = result[b.textIndex[r]].vectors;
        v.data.set(res.subarray(r * b.seq * this.dim, r * b.seq * this.dim + v.rows * this.dim));
      }
    }
    return result;
  }

  /** One batch through the graph; returns the requested output's data. */
  async run(b: ModelBatch, output: 'sentence_embedding' | 'sif_embedding' | 'token_embeddings'): Promise<Float32Array> {
    const dims = [b.rows, b.seq];
    const res = await this.session.run({ input_ids: { data: b.inputIds, dims }, attention_mask: { data: b.attentionMask, dims } }, [output]);
    return res[output].data as Float32Array;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
