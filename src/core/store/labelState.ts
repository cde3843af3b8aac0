import type { Answer } from './answer';
import type { LabelEvent } from './events';
import { emptyRecord, toRecord } from '../record';

export interface LabelCounts {
  /** Events read or written, undo events included. */
  readonly events: number;
  /** Spans with a live decision. */
  readonly decisions: number;
  /** Live decisions by answer. */
  readonly byAnswer: Readonly<Record<Answer, number>>;
  /** Accepted live decisions by label (classification label, or each entity span's label). */
  readonly byLabel: Readonly<Record<string, number>>;
}

/**
 * The decisions a sequence of events amounts to, built by replaying them in order.
 *
 * Rules: a later decision on an id supersedes the earlier ones; an undo event withdraws the latest
 * live decision *by the same annotator* on that id, so the one before it (if any) is current
 * again. Undo is a stack: undoing twice walks back two decisions. The full history stays
 * available for review (annotator disagreement).
 */
export class LabelState {
  private readonly all = new Map<string, LabelEvent[]>();
  private readonly live = new Map<string, LabelEvent[]>();
  private eventCount = 0;

  constructor(events: Iterable<LabelEvent> = []) {
    for (const e of events) this.apply(e);
  }

  /** Adds one event at the end of the history. Returns the current decision on its id afterwards. */
  apply(e: LabelEvent): LabelEvent | undefined {
    this.eventCount++;
    let hist = this.all.get(e.id);
    if (!hist) this.all.set(e.id, (hist = []));
    hist.push(e);
    let stack = this.live.get(e.id);
    if (e.undo) {
      if (stack) {
        for (let i = stack.length - 1; i >= 0; i--) {
          if (stack[i].annotator === e.annotator) {
            stack.splice(i, 1);
            break;
          }
        }
        if (stack.length === 0) this.live.delete(e.id);
      }
    } else {
      if (!stack) this.live.set(e.id, (stack = []));
      stack.push(e);
    }
    return this.current(e.id);
  }

  /** The current decision on `id`: its latest live (not undone) event. */
  current(id: string): LabelEvent | undefined {
    const stack = this.live.get(id);
    return stack ? stack[stack.length - 1] : undefined;
  }

  /** Current decision of every decided span, in order of first decision. */
  decisions(): LabelEvent[] {
    const out: LabelEvent[] = [];
    for (const stack of this.live.values()) out.push(stack[stack.length - 1]);
    return out;
  }

  /** Live (not undone) decisions on `id`, oldest first; one per decision, several per annotator possible. */
  liveDecisions(id: string): readonly LabelEvent[] {
    return this.live.get(id) ?? [];
  }

  /** Every event on `id` in file order, undo events included. */
  history(id: string): readonly LabelEvent[] {
    return this.all.get(id) ?? [];
  }

  /** Ids with at least one event. */
  ids(): IterableIterator<string> {
    return this.all.keys();
  }

  counts(): LabelCounts {
    const byAnswer: Record<Answer, number> = { accept: 0, reject: 0, ignore: 0 };
    const byLabel = emptyRecord<number>();
    let decisions = 0;
    for (const stack of this.live.values()) {
      const e = stack[stack.length - 1];
      decisions++;
      byAnswer[e.answer]++;
      if (e.answer !== 'accept') continue;
      if (e.label !== null) byLabel[e.label] = (byLabel[e.label] ?? 0) + 1;
      for (const l of e.labels ?? []) byLabel[l] = (byLabel[l] ?? 0) + 1;
      for (const sp of e.spans) byLabel[sp.label] = (byLabel[sp.label] ?? 0) + 1;
    }
    return { events: this.eventCount, decisions, byAnswer, byLabel: toRecord(byLabel) };
  }
}
