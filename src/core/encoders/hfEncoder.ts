import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { ModelError } from '../errors';
import { openSession, type RuntimeSession, type Tensor } from '../runtime/session';
import { silentLogger, type Matrix } from '../types';
import { planBatches } from './batchPlan';
import type { Encoder, EncoderOptions, TokenVectors } from './encoder';

/**
 * A Hugging Face encoder in the transformers.js layout (config.json, tokenizer.json,
 * onnx/model.onnx — e.g. a MiniLM or BERT exported with optimum). The tokenizer is built from
 * tokenizer.json by @huggingface/tokenizers; the graph runs on our own runtime session,
 * so device selection, CUDA → CPU fallback and session reuse are the same as for every model.
 * Sentence vectors are the mean of the last hidden states over the attention mask, L2-normalised.
 */

/** The ONNX graph, in the order transformers.js prefers them (fp32, then int8); one is needed. */
export const HF_MODEL_FILES = ['onnx/model.onnx', 'onnx/model_quantized.onnx'] as const;

/** The files the folder must hold, relative to it (the graph: either of HF_MODEL_FILES). */
export const HF_REQUIRED_FILES = ['config.json', 'tokenizer.json', join('onnx', 'model.onnx')] as const;

/** The graph the folder holds: onnx/model.onnx, else onnx/model_quantized.onnx; undefined when neither. */
export function hfModelFile(folder: string): string | undefined {
  return HF_MODEL_FILES.map((f) => join(folder, ...f.split('/'))).find((f) => existsSync(f));
}

/** The part of a tokenizer this encoder uses. */
export interface HfTokenizer {
  encode(text: string): number[];
  /** Ids of a piece of text without the special tokens (per-word encoding for encodeTokens). */
  encodePiece?(text: string): number[];
  readonly model_max_length?: number;
}

/**
 * Word tokens for entity spans: runs of letters and digits (with inner apostrophes and hyphens:
 * "O'Neill", "well-known"), every other visible character alone. Offsets are UTF-16.
 */
export function wordTokens(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}]+(?:['\u2019-][\p{L}\p{N}\p{M}]+)*|[^\s\p{L}\p{N}\p{M}]/gu)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** Checks the folder before anything is loaded; errors name the folder and what is missing. */
export function checkHfFolder(folder: string): { config: Record<string, unknown> } {
  const where = `labelwise.model: the model folder ${folder}`;
  if (!existsSync(folder)) throw new ModelError(`${where} does not exist (use "default" or a folder in the transformers.js layout)`);
  if (!statSync(folder).isDirectory()) throw new ModelError(`${where} is not a folder`);
  const missing = HF_REQUIRED_FILES.filter((f) => !existsSync(join(folder, f)) && !(f.startsWith('onnx') && hfModelFile(folder))).map((f) =>
    f.startsWith('onnx') ? `${f} (or ${join('onnx', 'model_quantized.onnx')})` : f,
  );
  if (missing.length > 0) throw new ModelError(`${where} is missing ${missing.join(', ')} (expected the transformers.js layout: ${HF_REQUIRED_FILES.join(', ')})`);
  return { config: readJsonObject(join(folder, 'config.json')) };
}

function folderHash(folder: string, modelFile: string): string {
  const h = createHash('sha256');
  for (const f of [modelFile, join(folder, 'tokenizer.json'), join(folder, 'config.json')]) h.update(readFileSync(f));
  return h.digest('hex').slice(0, 16);
}

/** Reads one JSON object of the model folder; errors name the file. */
function readJsonObject(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ModelError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ModelError(`${file}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * The tokenizer of tokenizer.json (with tokenizer_config.json, optional, as transformers.js reads
 * it), built by @huggingface/tokenizers: the pure-JS library transformers.js itself tokenizes with,
 * without the rest of transformers.js (its ONNX Runtime Web copy and sharp's image libraries).
 */
export function loadTokenizer(folder: string): HfTokenizer {
  const tokenizerFile = join(folder, 'tokenizer.json');
  const json = readJsonObject(tokenizerFile);
  const configFile = join(folder, 'tokenizer_config.json');
  const config = existsSync(configFile) ? readJsonObject(configFile) : {};
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(json, config);
  } catch (e) {
    throw new ModelError(`${tokenizerFile}: cannot load the tokenizer (${(e as Error).message.split('\n')[0]})`);
  }
  const maxLength = typeof config.model_max_length === 'number' ? config.model_max_length : undefined;
  // transformers.js's PreTrainedTokenizer.encode: the ids of the text with its special tokens.
  return {
    encode: (text: string): number[] => tok.encode(text).ids,
    encodePiece: (text: string): number[] => tok.encode(text, { add_special_tokens: false }).ids,
    model_max_length: maxLength,
  };
}

/** One padded batch: the feeds and, per row, the text it holds and its token count. */
export interface HfBatch {
  readonly rows: number;
  readonly seq: number;
  readonly feeds: Record<string, Tensor>;
  readonly textIndex: Int32Array;
  readonly lengths: Int32Array;
}

/** Batches of ~16k padded tokens: a transformer's activations grow with rows × seq × hidden. */
const HF_LIMITS = { tokenBudget: 16_384, maxRows: 256 } as const;

export class HfEncoder implements Encoder {
  private constructor(
    readonly id: string,
    readonly dim: number,
    private readonly tokenizer: HfTokenizer,
    readonly session: RuntimeSession,
    private readonly output: string,
    private readonly pooled: boolean,
    readonly maxLength: number,
  ) {}

  get provider(): 'cuda' | 'cpu' {
    return this.session.provider;
  }

  static async load(folderArg: string, opts: EncoderOptions): Promise<HfEncoder> {
    const folder = resolve(folderArg);
    const { config } = checkHfFolder(folder);
    const tokenizer = loadTokenizer(folder);
    const modelFile = hfModelFile(folder) ?? join(folder, 'onnx', 'model.onnx');
    const session = await openSession(modelFile, { device: opts.device, logger: opts.logger ?? silentLogger });
    const outputs = session.outputNames;
    // Prefer token states (pooled here over the mask, as the spec asks); accept a graph that
    // already pools when that is all it exposes.
    const output = ['last_hidden_state', 'token_embeddings'].find((o) => outputs.includes(o)) ?? (outputs.includes('sentence_embedding') ? 'sentence_embedding' : undefined);
    if (!output || !session.inputNames.includes('input_ids')) {
      await session.release();
      throw new ModelError(`${modelFile}: expected an "input_ids" input and a "last_hidden_state" output; found inputs ${session.inputNames.join(', ')} and outputs ${outputs.join(', ')}`);
    }
    const hidden = typeof config.hidden_size === 'number' ? config.hidden_size : typeof config.dim === 'number' ? config.dim : 0;
    const positions = typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : 512;
    const tokMax = typeof tokenizer.model_max_length === 'number' && tokenizer.model_max_length < 1e6 ? tokenizer.model_max_length : positions;
    const enc = new HfEncoder(`hf:${basename(folder)}@${folderHash(folder, modelFile)}`, hidden, tokenizer, session, output, output === 'sentence_embedding', Math.min(positions, tokMax, 512));
    if (hidden <= 0) {
      // No hidden size in config.json: learn it from one run.
      const probe = await enc.encode(['a']);
      return new HfEncoder(enc.id, probe.cols, tokenizer, session, output, enc.pooled, enc.maxLength);
    }
    return enc;
  }

  private tokenize(text: string): number[] {
    const ids = this.tokenizer.encode(text);
    if (ids.length <= this.maxLength) return ids;
    // Keep the closing special token ([SEP]) the model was trained to see last.
    return [...ids.slice(0, this.maxLength - 1), ids[ids.length - 1]];
  }

  /** Tokenises and pads the texts into model batches (shortest first); see runBatch. */
  prepareBatches(texts: readonly string[]): HfBatch[] {
    const seqs = texts.map((t) => this.tokenize(t));
    const plan = planBatches(seqs.map((s) => s.length), HF_LIMITS);
    const withTypes = this.session.inputNames.includes('token_type_ids');
    const withMask = this.session.inputNames.includes('attention_mask');
    return plan.batches.map((b) => {
      const rows = b.to - b.from;
      const seq = b.seq;
      const ids = new BigInt64Array(rows * seq);
      const mask = new BigInt64Array(rows * seq);
      // Ids are small non-negative integers: write the low 32-bit word of each little-endian
      // int64 instead of converting every id to a BigInt.
      const ids32 = new Int32Array(ids.buffer);
      const mask32 = new Int32Array(mask.buffer);
      const textIndex = plan.order.slice(b.from, b.to);
      const lengths = new Int32Array(rows);
      for (let r = 0; r < rows; r++) {
        const s = seqs[textIndex[r]];
        lengths[r] = s.length;
        for (let j = 0; j < s.length; j++) {
          ids32[2 * (r * seq + j)] = s[j];
          mask32[2 * (r * seq + j)] = 1;
        }
      }
      const dims = [rows, seq];
      const feeds: Record<string, Tensor> = { input_ids: { data: ids, dims } };
      if (withMask) feeds.attention_mask = { data: mask, dims };
      if (withTypes) feeds.token_type_ids = { data: new BigInt64Array(rows * seq), dims };
      return { rows, seq, feeds, textIndex, lengths };
    });
  }

  /** Runs one batch; returns the output (token states [rows, seq, h], or pooled [rows, h]). */
  async runBatch(b: HfBatch): Promise<Tensor> {
    return (await this.session.run(b.feeds, [this.output]))[this.output];
  }

  async encode(texts: readonly string[]): Promise<Matrix> {
    let dim = this.dim;
    let out = new Float32Array(texts.length * Math.max(dim, 0));
    for (const b of this.prepareBatches(texts)) {
      const res = await this.runBatch(b);
      const h = res.dims[res.dims.length - 1];
      if (dim <= 0) {
        dim = h;
        out = new Float32Array(texts.length * dim);
      }
      const data = res.data as Float32Array;
      for (let r = 0; r < b.rows; r++) {
        const row = out.subarray(b.textIndex[r] * dim, (b.textIndex[r] + 1) * dim);
        if (this.pooled) row.set(data.subarray(r * h, (r + 1) * h));
        else {
          // Mean over the real tokens (the mask); the 1/len cancels in the normalisation below.
          for (let j = 0; j < b.lengths[r]; j++) {
            const base = (r * b.seq + j) * h;
            for (let d = 0; d < h; d++) row[d] += data[base + d];
          }
        }
        let norm = 0;
        for (let d = 0; d < dim; d++) norm += row[d] * row[d];
        norm = Math.sqrt(norm);
        if (norm > 0) for (let d = 0; d < dim; d++) row[d] /= norm;
      }
    }
    return { rows: texts.length, cols: dim, data: out };
  }

  /**
   * Per-word vectors (labelwise.task = spans): each text is split into words (wordTokens), each
   * word into its word pieces — encoded with the whitespace before it, so byte-level BPE models
   * see "Ġword" as in running text while WordPiece ignores the space — and the model's last
   * hidden state is averaged over each word's pieces. A text longer than the model allows runs as
   * several windows of whole words, each with the special tokens around it.
   */
  async encodeTokens(texts: readonly string[]): Promise<TokenVectors[]> {
    if (this.pooled) throw new ModelError(`${this.id}: the model exposes only pooled sentence vectors, not the per-token states (last_hidden_state) entity spans need`);
    const piece = this.tokenizer.encodePiece;
    if (!piece) throw new ModelError(`${this.id}: the tokenizer cannot encode text without special tokens, which per-token vectors need`);
    // The special tokens around a sequence, as the tokenizer adds them to an empty text.
    const wrap = this.tokenizer.encode('');
    const head = wrap.slice(0, Math.max(0, wrap.length - 1));
    const tail = wrap.slice(Math.max(0, wrap.length - 1));
    const room = Math.max(1, this.maxLength - head.length - tail.length);
    const words = texts.map(wordTokens);
    // Windows of whole words: [text, first word, end word), with each word's pieces.
    const windows: { text: number; from: number; ids: number[]; spans: Int32Array }[] = [];
    words.forEach((ws, i) => {
      let cur: { ids: number[]; bounds: number[]; from: number } = { ids: [], bounds: [], from: 0 };
      const flush = (): void => {
        if (cur.bounds.length === 0) return;
        windows.push({ text: i, from: cur.from, ids: [...head, ...cur.ids, ...tail], spans: Int32Array.from(cur.bounds) });
      };
      ws.forEach((w, k) => {
        let ids = piece(texts[i].slice(k > 0 ? ws[k - 1].end : 0, w.end));
        if (ids.length === 0) ids = piece(texts[i].slice(w.start, w.end));
        if (ids.length > room) ids = ids.slice(0, room);
        if (cur.ids.length + ids.length > room) {
          flush();
          cur = { ids: [], bounds: [], from: k };
        }
        // Piece positions of this word inside the window (after the head tokens): [start, end).
        cur.bounds.push(head.length + cur.ids.length, head.length + cur.ids.length + ids.length);
        cur.ids.push(...ids);
      });
      flush();
    });
    const out: TokenVectors[] = words.map((ws) => ({ tokens: ws, vectors: { rows: ws.length, cols: this.dim, data: new Float32Array(ws.length * this.dim) } }));
    const plan = planBatches(windows.map((w) => w.ids.length), HF_LIMITS);
    const withTypes = this.session.inputNames.includes('token_type_ids');
    const withMask = this.session.inputNames.includes('attention_mask');
    for (const b of plan.batches) {
      const rows = b.to - b.from;
      const seq = b.seq;
      const ids = new BigInt64Array(rows * seq);
      const mask = new BigInt64Array(rows * seq);
      const ids32 = new Int32Array(ids.buffer);
      const mask32 = new Int32Array(mask.buffer);
      const at = plan.order.slice(b.from, b.to);
      for (let r = 0; r < rows; r++) {
        const w = windows[at[r]];
        for (let j = 0; j < w.ids.length; j++) {
          ids32[2 * (r * seq + j)] = w.ids[j];
          mask32[2 * (r * seq + j)] = 1;
        }
      }
      const dims = [rows, seq];
      const feeds: Record<string, Tensor> = { input_ids: { data: ids, dims } };
      if (withMask) feeds.attention_mask = { data: mask, dims };
      if (withTypes) feeds.token_type_ids = { data: new BigInt64Array(rows * seq), dims };
      const res = (await this.session.run(feeds, [this.output]))[this.output];
      const h = res.dims[res.dims.length - 1];
      const data = res.data as Float32Array;
      for (let r = 0; r < rows; r++) {
        const w = windows[at[r]];
        const v = out[w.text].vectors;
        for (let k = 0; k < w.spans.length / 2; k++) {
          const a = w.spans[2 * k];
          const e = w.spans[2 * k + 1];
          const o = (w.from + k) * v.cols;
          for (let j = a; j < e; j++) for (let d = 0; d < h; d++) v.data[o + d] += data[(r * seq + j) * h + d] / (e - a);
        }
      }
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
