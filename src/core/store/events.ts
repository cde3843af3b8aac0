import type { Answer } from '../../protocol';

/** One line of `.labelwise/labels.jsonl` (DESIGN.md "The label store"). */
export interface LabelEvent {
  readonly id: string;
  readonly source: { readonly file: string; readonly start: number; readonly end: number; readonly line?: number };
  readonly text: string;
  readonly label: string | null;
  readonly spans: readonly { readonly start: number; readonly end: number; readonly label: string }[];
  readonly answer: Answer;
  readonly annotator: string;
  readonly strategy: string | null;
  readonly score: number | null;
  readonly ts: string;
  /** Set on an undo: this event withdraws the earlier decision on the same id. */
  readonly undo?: boolean;
}
