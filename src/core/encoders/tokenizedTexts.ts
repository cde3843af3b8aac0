import type { WordTokenizer } from './wordTokenizer';

/**
 * Known words kept per text. A mean over the first 16k words of a very long text is close to the
 * mean over all of it, and the cap bounds a batch row to 16k × 100 floats (6.5 MB).
 */
export const MAX_TOKENS_PER_TEXT = 16_384;

/** Token ids of many texts, back to back: text i is ids[offsets[i] .. offsets[i+1]). */
export interface TokenizedTexts {
  readonly ids: Int32Array;
  readonly offsets: Int32Array;
}

export function tokenizeAll(tokenizer: WordTokenizer, texts: readonly string[]): TokenizedTexts {
  let ids = new Int32Array(Math.max(1024, texts.length * 32));
  const offsets = new Int32Array(texts.length + 1);
  let pos = 0;
  for (let i = 0; i < texts.length; i++) {
    let end = tokenizer.idsInto(texts[i], ids, pos);
    while (end < 0) {
      const bigger = new Int32Array(ids.length * 2 + texts[i].length);
      bigger.set(ids.subarray(0, pos));
      ids = bigger;
      end = tokenizer.idsInto(texts[i], ids, pos);
    }
    pos = Math.min(end, offsets[i] + MAX_TOKENS_PER_TEXT);
    offsets[i + 1] = pos;
  }
  return { ids: ids.subarray(0, pos), offsets };
}
