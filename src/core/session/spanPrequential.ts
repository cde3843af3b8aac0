import { spanCounts, type SpanCounts } from '../text/spanMatch';
import type { EntityInText } from './spanPick';

export { spanCounts, type SpanCounts };

/**
 * A prequential ("test, then train") estimate of the entity tagger (labelwise.task = spans): the
 * entities a trained model suggested for a sentence when it was shown are compared with the
 * entities the user then answered, before the tagger learns from that answer. Each retrain round
 * takes the sentences answered since the previous one: span precision, recall and F1 of models
 * that had not seen them. Exact match (start, end, label); micro over sentences.
 *
 * Biases it carries, which the panel states: the sentences are those the meta-learner picked
 * (harder than average, so the estimate is pessimistic), and the suggestions are the answer's
 * starting point (a user may keep a wrong one, so it is optimistic there).
 */

/** A round's estimate: micro precision, recall and F1 over `sentences` answered sentences. */
export interface SpanScore {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly sentences: number;
}

/**
 * Micro scores over sentences; undefined when there is nothing to measure (no sentence, or no
 * entity suggested nor answered in any). Precision is 0 when nothing was suggested, recall 0 when
 * nothing was answered (F1 = 2·tp / (predicted + gold) either way).
 */
export function spanScore(counts: readonly SpanCounts[]): SpanScore | undefined {
  let tp = 0;
  let predicted = 0;
  let gold = 0;
  for (const c of counts) {
    tp += c.tp;
    predicted += c.predicted;
    gold += c.gold;
  }
  if (counts.length === 0 || predicted + gold === 0) return undefined;
  return { precision: predicted > 0 ? tp / predicted : 0, recall: gold > 0 ? tp / gold : 0, f1: (2 * tp) / (predicted + gold), sentences: counts.length };
}

/** Per sentence (row): the suggestions shown, then, once answered, its counts until the next round takes them. */
export class PrequentialSpans {
  private readonly shownByRow = new Map<number, readonly EntityInText[]>();
  private readonly pending = new Map<number, SpanCounts>();

  /** A trained model's suggestions were sent to the panel for an unanswered sentence (the latest ones count). */
  shown(row: number, suggestions: readonly EntityInText[]): void {
    this.shownByRow.set(row, suggestions.map((e) => ({ start: e.start, end: e.end, label: e.label })));
  }

  /** The user answered the sentence with `gold`: compared with what was shown, if anything was. */
  answered(row: number, gold: readonly EntityInText[]): void {
    const shown = this.shownByRow.get(row);
    if (shown === undefined) return;
    this.shownByRow.delete(row);
    this.pending.set(row, spanCounts(shown, gold));
  }

  /** The answer was undone (or replaced by a skip): it leaves the pending comparison. */
  undone(row: number): void {
    this.pending.delete(row);
  }

  /** The sentences answered since the last call, and forgotten (give them back with `restore` if the round fails). */
  take(): Map<number, SpanCounts> {
    const taken = new Map(this.pending);
    this.pending.clear();
    return taken;
  }

  /** A failed round's sentences wait for the next one (those answered again since keep their new counts). */
  restore(taken: ReadonlyMap<number, SpanCounts>, stillLabeled: (row: number) => boolean): void {
    for (const [row, c] of taken) if (!this.pending.has(row) && stillLabeled(row)) this.pending.set(row, c);
  }
}
