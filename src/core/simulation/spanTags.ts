import type { GoldSpan } from '../text/dataset';
import { spanCounts } from '../text/spanMatch';

/**
 * BIO tags over tokens for entity labels: tag 0 is O, 2l+1 is B-label, 2l+2 is I-label, where l
 * indexes the sorted label list.
 */
export function tagCount(labels: number): number {
  return 1 + 2 * labels;
}

/** Gold tags of a text's tokens. A token belongs to a span when it lies inside it; a span no token fits in is lost. */
export function spansToTags(tokens: readonly { start: number; end: number }[], spans: readonly GoldSpan[], labels: readonly string[]): Int32Array {
  const tags = new Int32Array(tokens.length);
  for (const s of spans) {
    const l = labels.indexOf(s.label);
    let first = true;
    for (let k = 0; k < tokens.length; k++) {
      if (tokens[k].start >= s.start && tokens[k].end <= s.end) {
        tags[k] = first ? 2 * l + 1 : 2 * l + 2;
        first = false;
      }
    }
  }
  return tags;
}

/** Spans of a tag sequence (an I- without a B- before it starts a span, leniently). */
export function tagsToSpans(tokens: readonly { start: number; end: number }[], tags: ArrayLike<number>, labels: readonly string[]): GoldSpan[] {
  const out: GoldSpan[] = [];
  let cur: { start: number; end: number; l: number } | undefined;
  const close = (): void => {
    if (cur) out.push({ start: cur.start, end: cur.end, label: labels[cur.l] });
    cur = undefined;
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tags[k];
    if (t === 0) {
      close();
      continue;
    }
    const l = (t - 1) >> 1;
    const isB = (t - 1) % 2 === 0;
    if (isB || !cur || cur.l !== l) {
      close();
      cur = { start: tokens[k].start, end: tokens[k].end, l };
    } else {
      cur.end = tokens[k].end;
    }
  }
  close();
  return out;
}

/** Exact-match span precision, recall and F1 (micro over all texts). */
export function spanF1(gold: readonly (readonly GoldSpan[])[], pred: readonly (readonly GoldSpan[])[]): { precision: number; recall: number; f1: number } {
  let tp = 0;
  let np = 0;
  let ng = 0;
  gold.forEach((g, i) => {
    const c = spanCounts(pred[i], g);
    tp += c.tp;
    np += c.predicted;
    ng += c.gold;
  });
  const precision = np ? tp / np : 0;
  const recall = ng ? tp / ng : 0;
  return { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}
