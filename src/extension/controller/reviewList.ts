import type { AgreementFigure, AgreementView, ContestedItem, SpanView } from '../../protocol';
import { agreementReport, type Coefficient } from '../../core/store/agreement';
import { annotatorDisagreements } from '../../core/store/contested';
import type { LabelStore } from '../../core/store/labelStore';
import type { OrphanSpan } from '../../core/store/reanchor';
import type { Logger } from '../../core/types';
import { viewOfEvent, type WorkerViews } from './workerViews';

const CONTESTED_K = 30;
/** Spans behind disagreements sent to the review view (each with its context). */
const AGREEMENT_SPANS = 100;

export interface ReviewListOptions {
  readonly views: WorkerViews;
  readonly store: LabelStore;
  readonly labels: () => readonly string[];
  /** The spans the panel may open or resolve, by id (the queue model's `known`): review items join it. */
  readonly known: Map<string, SpanView>;
  /** Stored decisions whose spans cannot be found any more. */
  readonly orphans?: () => readonly OrphanSpan[];
  readonly logger: Logger;
}

/**
 * The review view's lists: spans annotators disagree on, spans the committee disputes, orphaned
 * decisions, and the agreement figures; with the items the user dismissed for this session.
 */
export class ReviewList {
  private items: ContestedItem[] = [];
  private figures: AgreementView | undefined;
  /** Review items the user dismissed (orphans seen): hidden for the rest of this session. */
  private readonly dismissed = new Set<string>();

  constructor(private readonly opts: ReviewListOptions) {}

  get contested(): ContestedItem[] {
    return this.items;
  }

  get agreement(): AgreementView | undefined {
    return this.figures;
  }

  /** Annotator disagreements from the store, then the spans the committee disputes most, then orphans. */
  async load(): Promise<ContestedItem[]> {
    const { store, known } = this.opts;
    const disagreements = annotatorDisagreements(store.state);
    const committee = await this.opts.views.contested(CONTESTED_K).catch((e: unknown) => {
      this.opts.logger.warn(`committee disagreement unavailable: ${(e as Error).message}`);
      return [] as ContestedItem[];
    });
    const report = agreementReport(store.state, this.opts.labels());
    const shown = report.disagreements.slice(0, AGREEMENT_SPANS);
    const ids = disagreements.map((d) => d.id);
    const wanted = [...new Set([...ids, ...shown.map((d) => d.id)])];
    const views = new Map((await this.opts.views.views(wanted).catch(() => [] as SpanView[])).map((v) => [v.id, v]));
    const people: ContestedItem[] = disagreements.map((d) => ({
      span: views.get(d.id) ?? viewOfEvent(d.event),
      reason: 'annotators',
      detail: { ...d.byAnnotator },
    }));
    const seen = new Set(ids);
    const items = [...people, ...committee.filter((c) => !seen.has(c.span.id))];
    for (const c of items) seen.add(c.span.id);
    const orphans = (this.opts.orphans?.() ?? [])
      .filter((o) => !seen.has(o.event.id))
      .map((o): ContestedItem => ({
        span: viewOfEvent(o.event),
        reason: 'orphan',
        detail: { label: o.event.label ?? o.event.labels?.join(' + ') ?? o.event.answer, annotator: o.event.annotator, problem: o.reason },
      }));
    this.items = [...items, ...orphans].filter((c) => !this.dismissed.has(c.span.id));
    for (const c of this.items) if (!known.has(c.span.id)) known.set(c.span.id, c.span);
    this.figures = {
      ...(report.method ? { method: report.method } : {}),
      annotators: report.annotators,
      overall: figure(report.overall),
      perLabel: report.perLabel.map((l) => ({ label: l.label, ...figure(l) })),
      disagreements: shown.map((d) => ({
        // The list shows the span's own text; its context stays in `known` for opening it.
        span: { ...(views.get(d.id) ?? known.get(d.id) ?? viewOfEvent(d.event)), before: '', after: '' },
        byAnnotator: d.byAnnotator,
        labels: d.labels,
        ...(d.resolvedAs !== undefined ? { resolvedAs: d.resolvedAs } : {}),
      })),
      disagreementCount: report.disagreements.length,
    };
    // A click on one of them opens it, and a resolution can be stored for it.
    for (const d of shown) {
      const v = views.get(d.id);
      if (!known.has(d.id)) known.set(d.id, v ?? viewOfEvent(d.event));
    }
    return this.items;
  }

  /** A resolution was stored for the span: it leaves the list and its disagreement shows the outcome. */
  resolved(spanId: string, resolvedAs: string): void {
    this.items = this.items.filter((c) => c.span.id !== spanId);
    if (this.figures) {
      this.figures = { ...this.figures, disagreements: this.figures.disagreements.map((d) => (d.span.id === spanId ? { ...d, resolvedAs } : d)) };
    }
  }

  /** Hides an item for the rest of the session; the store is not touched. */
  dismiss(spanId: string): void {
    this.dismissed.add(spanId);
    this.items = this.items.filter((c) => c.span.id !== spanId);
  }
}

/** A coefficient as the panel gets it (JSON: no undefined values). */
function figure(c: Coefficient): AgreementFigure {
  return {
    ...(c.value !== undefined ? { value: c.value } : {}),
    ...(c.observed !== undefined ? { observed: c.observed } : {}),
    ...(c.expected !== undefined ? { expected: c.expected } : {}),
    units: c.units,
    ...(c.note !== undefined ? { note: c.note } : {}),
  };
}
