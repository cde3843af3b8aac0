/**
 * What each annotator answered on a span they disagree about (ContestedItem.detail for reason
 * 'annotators': annotator → decision key, as src/core/store/contested.ts writes it: a label name,
 * "reject", "(none)", or entity spans "LABEL[start:end] …").
 */
export interface AnnotatorAnswer {
  readonly annotator: string;
  /** A label of the set when the answer is one, for its colour. */
  readonly label: string | null;
  /** The answer in words. */
  readonly text: string;
}

export function annotatorAnswers(detail: Readonly<Record<string, string | number>>, labels: readonly string[]): AnnotatorAnswer[] {
  return Object.entries(detail)
    .map(([annotator, raw]) => {
      const v = String(raw);
      if (labels.includes(v)) return { annotator, label: v, text: v };
      if (v === 'reject') return { annotator, label: null, text: 'rejected (no label fits)' };
      if (v === '(none)') return { annotator, label: null, text: 'no label' };
      return { annotator, label: null, text: v };
    })
    .sort((a, b) => a.annotator.localeCompare(b.annotator));
}

/** How many annotators (or committee votes) chose each label: shown as a count on "Resolve as" buttons. */
export function supportByLabel(reason: 'committee' | 'annotators' | 'orphan', detail: Readonly<Record<string, string | number>>): Map<string, number> {
  const out = new Map<string, number>();
  if (reason === 'annotators') for (const v of Object.values(detail)) out.set(String(v), (out.get(String(v)) ?? 0) + 1);
  else if (reason === 'committee') for (const [k, v] of Object.entries(detail)) if (Number(v) > 0) out.set(k, Number(v));
  return out;
}
