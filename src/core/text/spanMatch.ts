/** An entity as both the store's answers and the gold datasets give it: offsets into a text and a label. */
export interface LabeledRange {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

/** Exact-match entity counts of one or more texts (same start, end and label). */
export interface SpanCounts {
  /** Predicted entities the gold has exactly. */
  readonly tp: number;
  readonly predicted: number;
  readonly gold: number;
}

const keyOf = (e: LabeledRange): string => `${e.start}:${e.end}:${e.label}`;

/** Exact-match counts of one text (duplicates count once). */
export function spanCounts(predicted: readonly LabeledRange[], gold: readonly LabeledRange[]): SpanCounts {
  const p = new Set(predicted.map(keyOf));
  const g = new Set(gold.map(keyOf));
  let tp = 0;
  for (const k of p) if (g.has(k)) tp++;
  return { tp, predicted: p.size, gold: g.size };
}
