import type { TokenVectors } from '../encoders/encoder';
import { spanTokens } from '../text/spanTokens';

/**
 * The encoder's per-token vectors of a text moved onto the tokens of the one span token splitter
 * (text/spanTokens.ts): the tokens the panel snaps selections to, the host checks answers against
 * and the CoNLL / Prodigy / Hugging Face exports write. An encoder's own tokens differ (GloVe's
 * word tokenizer, a Hugging Face model's word pieces); without this step an entity suggested on an
 * encoder token could fall inside a panel token, and an answer on panel tokens inside an encoder
 * token. Each span token gets the mean of the encoder tokens that overlap it (a word piece belongs
 * to the word it is part of); a span token no encoder token overlaps (a symbol the encoder's
 * tokenizer drops) gets a zero row, which the tagger's context and shape features still describe.
 */
export function alignTokenVectors(text: string, encoded: TokenVectors): TokenVectors {
  const tokens = spanTokens(text).map((t) => ({ start: t.start, end: t.end }));
  const dim = encoded.vectors.cols;
  const src = encoded.vectors.data;
  const data = new Float32Array(tokens.length * dim);
  const from = encoded.tokens;
  // Both token lists are in text order: one pass with a moving lower bound.
  let lo = 0;
  tokens.forEach((t, i) => {
    while (lo < from.length && from[lo].end <= t.start) lo++;
    let n = 0;
    for (let k = lo; k < from.length && from[k].start < t.end; k++) {
      if (from[k].end <= t.start || from[k].end === from[k].start) continue;
      n++;
      for (let d = 0; d < dim; d++) data[i * dim + d] += src[k * dim + d];
    }
    if (n > 1) for (let d = 0; d < dim; d++) data[i * dim + d] /= n;
  });
  return { tokens, vectors: { rows: tokens.length, cols: dim, data } };
}
