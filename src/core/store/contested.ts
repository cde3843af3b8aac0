import type { LabelEvent } from './events';
import type { LabelState } from './labelState';
import { emptyRecord, toRecord } from '../record';

/** What an annotator said about a span, as one comparable string: the label, "reject", or the entity spans. */
export function decisionKey(e: LabelEvent): string {
  if (e.answer === 'reject') return 'reject';
  if (e.spans.length > 0) {
    return [...e.spans]
      .sort((a, b) => a.start - b.start || a.end - b.end || a.label.localeCompare(b.label))
      .map((s) => `${s.label}[${s.start}:${s.end}]`)
      .join(' ');
  }
  if (e.labels !== undefined) return e.labels.length > 0 ? [...e.labels].sort().join(' + ') : '(none)';
  return e.label ?? '(none)';
}

/** A span that two or more annotators decided differently, and nobody has resolved since. */
export interface AnnotatorDisagreement {
  readonly id: string;
  /** The latest of the disagreeing decisions (for the span's file, offsets and text). */
  readonly event: LabelEvent;
  /** Each annotator's latest live decision, as decisionKey() gives it. */
  readonly byAnnotator: Readonly<Record<string, string>>;
}

/**
 * Spans that annotators labeled differently. Per span it looks at each annotator's latest live
 * decision made after the latest resolution (an event with `resolves: true`); skips ("ignore") do
 * not count as an opinion. Sorted by most annotators first, then by time of the latest decision.
 */
export function annotatorDisagreements(state: LabelState): AnnotatorDisagreement[] {
  const out: AnnotatorDisagreement[] = [];
  for (const id of state.ids()) {
    const live = state.liveDecisions(id);
    if (live.length < 2) continue;
    let from = 0;
    for (let i = live.length - 1; i >= 0; i--) {
      if (live[i].resolves) {
        from = i;
        break;
      }
    }
    const byAnnotator = emptyRecord<string>();
    let latest: LabelEvent | undefined;
    for (const e of live.slice(from)) {
      if (e.answer === 'ignore') continue;
      byAnnotator[e.annotator] = decisionKey(e);
      latest = e;
    }
    if (latest && new Set(Object.values(byAnnotator)).size > 1) out.push({ id, event: latest, byAnnotator: toRecord(byAnnotator) });
  }
  return out.sort(
    (a, b) =>
      Object.keys(b.byAnnotator).length - Object.keys(a.byAnnotator).length ||
      b.event.ts.localeCompare(a.event.ts) ||
      a.id.localeCompare(b.id),
  );
}

/** A span where the committee disagrees, as the engine reports it (EngineQuery mapped to span ids). */
export interface CommitteeRow {
  readonly id: string;
  /** Committee members voting for each label. */
  readonly votes: Readonly<Record<string, number>>;
  /** Disagreement score, higher = more contested (e.g. vote entropy). */
  readonly score: number;
}

export interface ContestedEntry {
  readonly id: string;
  readonly reason: 'annotators' | 'committee';
  /** For 'annotators': annotator → decision; for 'committee': label → votes. */
  readonly detail: Readonly<Record<string, string | number>>;
  /** Committee disagreement score where the committee voted on the span, else null. */
  readonly score: number | null;
  /** The stored decision this entry is about ('annotators'), or the span's current decision if any ('committee'). */
  readonly event?: LabelEvent;
}

/**
 * The review list: annotator disagreements first (people contradict each other: that needs a
 * human), then the committee's most contested spans by score. A span in both lists appears once,
 * as an annotator disagreement carrying the committee score. At most `limit` entries.
 */
export function mergeContested(
  disagreements: readonly AnnotatorDisagreement[],
  committee: readonly CommitteeRow[],
  limit: number = Number.POSITIVE_INFINITY,
  current?: (id: string) => LabelEvent | undefined,
): ContestedEntry[] {
  const committeeById = new Map(committee.map((r) => [r.id, r]));
  const seen = new Set<string>();
  const out: ContestedEntry[] = [];
  for (const d of disagreements) {
    seen.add(d.id);
    out.push({ id: d.id, reason: 'annotators', detail: d.byAnnotator, score: committeeById.get(d.id)?.score ?? null, event: d.event });
  }
  const rest = committee.filter((r) => !seen.has(r.id)).sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  for (const r of rest) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    const event = current?.(r.id);
    out.push({ id: r.id, reason: 'committee', detail: r.votes, score: r.score, ...(event ? { event } : {}) });
  }
  return out.slice(0, limit);
}

/**
 * The event that settles a contested span: `label` (or null with answer "reject") decided by
 * `annotator` in review. Appending it makes it the current decision and ends the disagreement.
 */
export function resolutionEvent(
  base: LabelEvent,
  decision: { readonly label: string | null; readonly spans?: LabelEvent['spans']; readonly answer?: LabelEvent['answer'] },
  annotator: string,
  ts: string = new Date().toISOString(),
): LabelEvent {
  return {
    id: base.id,
    source: base.source,
    text: base.text,
    label: decision.label,
    spans: decision.spans ?? [],
    answer: decision.answer ?? (decision.label === null && !(decision.spans && decision.spans.length > 0) ? 'reject' : 'accept'),
    annotator,
    strategy: 'review',
    score: null,
    ts,
    resolves: true,
  };
}

/** Vote entropy of a committee's votes, normalised to [0, 1]: a ready-made CommitteeRow score. */
export function voteEntropy(votes: Readonly<Record<string, number>>): number {
  const counts = Object.values(votes).filter((v) => v > 0);
  const total = counts.reduce((a, b) => a + b, 0);
  const k = Object.keys(votes).length;
  const most = Math.min(k, total);
  if (most < 2) return 0;
  let h = 0;
  for (const c of counts) h -= (c / total) * Math.log(c / total);
  return h / Math.log(most);
}
