import type { TokenVectors } from '../encoders/encoder';
import type { Matrix } from '../types';

/**
 * Shape features appended to each token's vector. The embedded GloVe encoder lowercases, so
 * capitalisation (the strongest cue for names) would otherwise be lost.
 */
const SHAPES = ['title', 'allCaps', 'lowerInitial', 'digit', 'first', 'prevTitle', 'nextTitle', 'punct'] as const;
export const SHAPE_FEATURES = SHAPES.length;

function isTitle(s: string): boolean {
  return /^\p{Lu}/u.test(s);
}

/**
 * One row per token of every text: the token's vector followed by shape features, so a softmax
 * over tags is a token tagger. Returns the matrix and each text's first row (offsets[i]..offsets[i+1]).
 */
export function tokenFeatureMatrix(texts: readonly string[], tokens: readonly TokenVectors[]): { X: Matrix; offsets: Int32Array } {
  const dim = tokens.find((t) => t.vectors.rows > 0)?.vectors.cols ?? 0;
  const cols = dim + SHAPE_FEATURES;
  const offsets = new Int32Array(texts.length + 1);
  tokens.forEach((t, i) => (offsets[i + 1] = offsets[i] + t.tokens.length));
  const data = new Float32Array(offsets[texts.length] * cols);
  tokens.forEach((t, i) => {
    const words = t.tokens.map((tok) => texts[i].slice(tok.start, tok.end));
    for (let k = 0; k < words.length; k++) {
      const o = (offsets[i] + k) * cols;
      data.set(t.vectors.data.subarray(k * dim, (k + 1) * dim), o);
      const w = words[k];
      const f = [
        isTitle(w),
        w.length > 1 && w === w.toUpperCase() && /\p{L}/u.test(w),
        /^\p{Ll}/u.test(w),
        /\d/.test(w),
        k === 0,
        k > 0 && isTitle(words[k - 1]),
        k + 1 < words.length && isTitle(words[k + 1]),
        !/[\p{L}\p{N}]/u.test(w),
      ];
      for (let s = 0; s < SHAPE_FEATURES; s++) data[o + dim + s] = f[s] ? 1 : 0;
    }
  });
  return { X: { rows: offsets[texts.length], cols, data }, offsets };
}
