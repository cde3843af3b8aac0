import { decisionKey } from './contested';
import type { LabelEvent } from './events';
import type { LabelState } from './labelState';
import { emptyRecord, toRecord } from '../record';

/**
 * Inter-annotator agreement from the label store: Cohen's κ when exactly two annotators labeled
 * spans in common, Krippendorff's α (nominal) when more did. Both correct the share of spans on
 * which annotators agree for the agreement their label frequencies would give by chance.
 *
 * What counts as an annotator's answer on a span: their latest live decision (an undone one is
 * gone), review resolutions excluded (a resolution settles a disagreement; it is not a further
 * independent judgement). The answer's category is what decisionKey() gives: the label, "reject",
 * or the entity spans as one string.
 * - accept with a label: that label.
 * - reject: the category "reject", whatever guess was rejected ("no, not this", which two
 *   annotators can agree on; a reject that names the rejected label still disagrees with an
 *   accept of it).
 * - ignore (skip): no answer at all, a missing value: a skip states no opinion about the span.
 * A span enters the figures once two or more annotators answered it.
 *
 * Per label, each answer becomes "this label" or "not this label" (for entity spans: whether the
 * answer has a span of that label), and the same coefficient is computed on those two categories.
 */

export type AgreementMethod = 'cohen-kappa' | 'krippendorff-alpha';

export interface Coefficient {
  /** κ or α; undefined when it cannot be computed (see `note`). */
  readonly value: number | undefined;
  /** Share of agreeing pairs (κ: of spans; α: of pairable values), undefined without units. */
  readonly observed: number | undefined;
  /** Agreement expected by chance from the label frequencies. */
  readonly expected: number | undefined;
  /** Units (spans) the figure is computed on. */
  readonly units: number;
  /** Why `value` is undefined: no units, or no variation (every answer the same category). */
  readonly note?: string;
}

/** Reliability data: one entry per unit, each annotator's category. */
export type ReliabilityUnit = ReadonlyMap<string, string>;

const NO_UNITS = 'no span was answered by two or more annotators';
const NO_VARIATION = 'every answer is the same category, so agreement cannot be told apart from chance';

/**
 * Cohen's κ (Cohen 1960) for two raters: κ = (pₒ − pₑ) / (1 − pₑ), pₒ the share of units both put
 * in the same category, pₑ = Σ_c p₁(c)·p₂(c) from each rater's own category shares.
 */
export function cohenKappa(pairs: readonly (readonly [string, string])[]): Coefficient {
  const n = pairs.length;
  if (n === 0) return { value: undefined, observed: undefined, expected: undefined, units: 0, note: NO_UNITS };
  const first = new Map<string, number>();
  const second = new Map<string, number>();
  let agree = 0;
  for (const [a, b] of pairs) {
    if (a === b) agree++;
    first.set(a, (first.get(a) ?? 0) + 1);
    second.set(b, (second.get(b) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [c, k] of first) pe += (k / n) * ((second.get(c) ?? 0) / n);
  if (1 - pe < 1e-12) return { value: undefined, observed: po, expected: pe, units: n, note: NO_VARIATION };
  return { value: (po - pe) / (1 - pe), observed: po, expected: pe, units: n };
}

/**
 * Krippendorff's α for nominal data with any number of coders and missing values (Krippendorff,
 * "Computing Krippendorff's Alpha-Reliability", 2011): from the coincidence matrix o_ck, where a
 * unit with m values adds 1/(m − 1) for each ordered pair of its values, α = 1 − (n − 1)·Σ_{c≠k} o_ck
 * / Σ_{c≠k} n_c·n_k, n_c the pairable values of category c and n their total. Units with fewer
 * than two values are not pairable and left out.
 */
export function krippendorffAlphaNominal(units: readonly (readonly string[])[]): Coefficient {
  const pairable = units.filter((u) => u.length >= 2);
  if (pairable.length === 0) return { value: undefined, observed: undefined, expected: undefined, units: 0, note: NO_UNITS };
  // Per category: n_c; and the total weight of ordered pairs that disagree.
  const nc = new Map<string, number>();
  let disagree = 0;
  for (const u of pairable) {
    const m = u.length;
    const count = new Map<string, number>();
    for (const v of u) count.set(v, (count.get(v) ?? 0) + 1);
    for (const [c, k] of count) {
      nc.set(c, (nc.get(c) ?? 0) + k);
      // Ordered pairs (c, x) with x ≠ c within the unit: k · (m − k), each weighted 1/(m − 1).
      disagree += (k * (m - k)) / (m - 1);
    }
  }
  let n = 0;
  for (const k of nc.values()) n += k;
  let sumSq = 0;
  for (const k of nc.values()) sumSq += k * k;
  const chance = n * n - sumSq; // Σ_{c≠k} n_c · n_k
  const observed = 1 - disagree / n;
  const expected = 1 - chance / (n * (n - 1));
  if (chance === 0) return { value: undefined, observed, expected, units: pairable.length, note: NO_VARIATION };
  return { value: 1 - ((n - 1) * disagree) / chance, observed, expected, units: pairable.length };
}

/** A span whose annotators did not all give the same answer. */
export interface AgreementDisagreement {
  readonly id: string;
  /** The latest of the annotators' answers (for the span's file, offsets and text). */
  readonly event: LabelEvent;
  /** Each annotator's answer, as decisionKey() gives it. */
  readonly byAnnotator: Readonly<Record<string, string>>;
  /** The labels (and "reject") the annotators' answers mention: the per-label rows it counts against. */
  readonly labels: readonly string[];
  /** The current decision when a review resolution settled the span (its decisionKey), else undefined. */
  readonly resolvedAs?: string;
}

export interface LabelAgreement extends Coefficient {
  readonly label: string;
}

export interface AgreementReport {
  /** Annotators who share at least one answered span with another annotator, sorted. */
  readonly annotators: readonly string[];
  /** Undefined with fewer than two such annotators. */
  readonly method: AgreementMethod | undefined;
  readonly overall: Coefficient;
  readonly perLabel: readonly LabelAgreement[];
  /** Spans answered differently, most annotators first, then newest first. */
  readonly disagreements: readonly AgreementDisagreement[];
}

/** The answer that stands for an annotator's view of a span, or undefined when they have none. */
function answersOn(state: LabelState, id: string): Map<string, LabelEvent> {
  const out = new Map<string, LabelEvent>();
  for (const e of state.liveDecisions(id)) {
    if (e.resolves) continue;
    // Oldest first: a later live decision by the same annotator replaces the earlier one; a skip
    // withdraws their opinion on the span.
    if (e.answer === 'ignore') out.delete(e.annotator);
    else out.set(e.annotator, e);
  }
  return out;
}

/** Whether an answer says "this label" for the per-label figure. */
function mentions(e: LabelEvent, label: string): boolean {
  if (label === 'reject') return e.answer === 'reject';
  return e.answer === 'accept' && (e.label === label || e.spans.some((s) => s.label === label));
}

function mentioned(e: LabelEvent): string[] {
  if (e.answer === 'reject') return ['reject'];
  const out = new Set<string>();
  if (e.label !== null) out.add(e.label);
  for (const s of e.spans) out.add(s.label);
  return [...out];
}

function coefficient(method: AgreementMethod, units: readonly Map<string, string>[], pair: readonly [string, string] | undefined): Coefficient {
  if (method === 'cohen-kappa' && pair) {
    const pairs: [string, string][] = [];
    for (const u of units) {
      const a = u.get(pair[0]);
      const b = u.get(pair[1]);
      if (a !== undefined && b !== undefined) pairs.push([a, b]);
    }
    return cohenKappa(pairs);
  }
  return krippendorffAlphaNominal(units.map((u) => [...u.values()]));
}

/**
 * Agreement over the whole store. `labels`: the label set, so every label gets a row (in that
 * order) even before anyone used it; labels found only in the store (and "reject") follow.
 */
export function agreementReport(state: LabelState, labels: readonly string[] = []): AgreementReport {
  const units: { id: string; answers: Map<string, LabelEvent> }[] = [];
  for (const id of state.ids()) {
    const answers = answersOn(state, id);
    if (answers.size >= 2) units.push({ id, answers });
  }
  const annotators = [...new Set(units.flatMap((u) => [...u.answers.keys()]))].sort();
  const method: AgreementMethod | undefined = annotators.length < 2 ? undefined : annotators.length === 2 ? 'cohen-kappa' : 'krippendorff-alpha';
  const pair = annotators.length === 2 ? ([annotators[0], annotators[1]] as const) : undefined;
  const keyed = units.map((u) => new Map([...u.answers].map(([who, e]) => [who, decisionKey(e)])));
  const overall: Coefficient = method ? coefficient(method, keyed, pair) : { value: undefined, observed: undefined, expected: undefined, units: 0, note: NO_UNITS };

  const rowLabels = [...labels];
  for (const u of units) for (const e of u.answers.values()) for (const l of mentioned(e)) if (!rowLabels.includes(l)) rowLabels.push(l);
  const perLabel: LabelAgreement[] = method
    ? rowLabels.map((label) => {
        const binary = units.map((u) => new Map([...u.answers].map(([who, e]) => [who, mentions(e, label) ? label : `not ${label}`])));
        return { label, ...coefficient(method, binary, pair) };
      })
    : [];

  const disagreements: AgreementDisagreement[] = [];
  units.forEach((u, i) => {
    const keys = keyed[i];
    if (new Set(keys.values()).size < 2) return;
    const events = [...u.answers.values()];
    const latest = events.reduce((a, b) => (b.ts > a.ts ? b : a));
    const cur = state.current(u.id);
    const byAnnotator = emptyRecord<string>();
    for (const [who, k] of keys) byAnnotator[who] = k;
    disagreements.push({
      id: u.id,
      event: latest,
      byAnnotator: toRecord(byAnnotator),
      labels: [...new Set(events.flatMap(mentioned))],
      ...(cur?.resolves ? { resolvedAs: decisionKey(cur) } : {}),
    });
  });
  disagreements.sort(
    (a, b) => Object.keys(b.byAnnotator).length - Object.keys(a.byAnnotator).length || b.event.ts.localeCompare(a.event.ts) || a.id.localeCompare(b.id),
  );
  return { annotators, method, overall, perLabel, disagreements };
}
