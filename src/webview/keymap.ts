import type { LabelButton, PanelView } from '../protocol';

/** What a key (or a button) asks the panel to do. */
export type PanelAction =
  | { readonly kind: 'label'; readonly label: string }
  | { readonly kind: 'acceptSuggestion' }
  | { readonly kind: 'skip' }
  | { readonly kind: 'reject' }
  | { readonly kind: 'undo' }
  | { readonly kind: 'openSource' }
  | { readonly kind: 'retrain' }
  | { readonly kind: 'nextBatch' }
  | { readonly kind: 'help' }
  | { readonly kind: 'search' }
  | { readonly kind: 'escape' }
  | { readonly kind: 'view'; readonly view: PanelView }
  /** Spans task: ←/→ move the token selection, with Shift they extend it. */
  | { readonly kind: 'moveSelection'; readonly by: -1 | 1; readonly extend: boolean }
  /** Spans task: Backspace removes the selected entity (and undoes when nothing is selected). */
  | { readonly kind: 'deleteEntity' };

/** The parts of a KeyboardEvent the key map looks at (so it runs without a DOM). */
export interface KeyInput {
  readonly key: string;
  readonly ctrlKey?: boolean;
  readonly metaKey?: boolean;
  readonly altKey?: boolean;
  readonly shiftKey?: boolean;
  /** Auto-repeat of a held key: never labels twice. */
  readonly repeat?: boolean;
}

/** One row of the help overlay. */
export interface KeyHelp {
  readonly keys: string;
  readonly does: string;
}

export const KEY_HELP: readonly KeyHelp[] = [
  { keys: '1 – 9', does: 'Accept the span with that label' },
  { keys: '/', does: 'Find a label by name (labels past the ninth have no digit), Enter picks it' },
  { keys: 'Enter', does: "Accept the model's guess" },
  { keys: 's or Space', does: 'Skip (answer "ignore")' },
  { keys: 'x', does: "Reject (the span fits no label / the model's guess is wrong)" },
  { keys: 'Backspace or Ctrl+Z', does: 'Undo the last decision (repeat to go further back)' },
  { keys: 'o', does: 'Open the source file with the span selected' },
  { keys: 'n', does: 'Fetch the next batch' },
  { keys: 'r', does: 'Retrain the model now (labeling continues meanwhile)' },
  { keys: 'l / c / v', does: 'Label view / learning curve / review contested spans' },
  { keys: '?', does: 'Show or hide this help' },
  { keys: 'Escape', does: 'Close help or the label finder' },
];

/** The key help of a multi-label session: digits toggle, Enter accepts the toggled set. */
export const MULTI_LABEL_KEY_HELP: readonly KeyHelp[] = KEY_HELP.map((k) =>
  k.keys === '1 – 9'
    ? { keys: '1 – 9', does: 'Toggle that label on or off (several labels may apply)' }
    : k.keys === 'Enter'
      ? { keys: 'Enter', does: 'Accept the labels toggled on (none toggled: no label applies)' }
      : k,
);

/** The key help of a spans session (labelwise.task = spans): keys edit the entities, Enter accepts the sentence. */
export const SPANS_KEY_HELP: readonly KeyHelp[] = [
  { keys: '← →', does: 'Select the previous / next token (a click selects a word)' },
  { keys: 'Shift+← →', does: 'Extend the selection a token (or drag, or Shift+click)' },
  { keys: '1 – 9', does: 'Give the selection that label (replaces the entities it overlaps)' },
  { keys: 'Backspace', does: 'Remove the selected entity; with nothing selected, undo the last sentence' },
  { keys: 'Enter', does: 'Accept the sentence as it stands (no entities is an answer too)' },
  { keys: 'Escape', does: 'Clear the selection (or close help / the label finder)' },
  ...KEY_HELP.filter((k) => !['1 – 9', 'Enter', 'Backspace or Ctrl+Z', 'Escape'].includes(k.keys)),
  { keys: 'Ctrl+Z', does: 'Undo the last decision (repeat to go further back)' },
];

/** Which kind of session the keys are for. */
export interface KeyMode {
  /** labelwise.task = spans: arrows select tokens, Backspace removes an entity. */
  readonly spans?: boolean;
}

/**
 * Maps a key press to an action, or undefined for keys the panel leaves alone (so VS Code's own
 * shortcuts keep working). Digits follow the host's key assignment rather than list position, so
 * the button captions and the keys can never disagree.
 */
export function actionForKey(input: KeyInput, labels: readonly LabelButton[], mode: KeyMode = {}): PanelAction | undefined {
  const { key } = input;
  const mod = input.ctrlKey === true || input.metaKey === true;
  if (mod) {
    // Ctrl+Z / Cmd+Z is undo; every other chord belongs to VS Code.
    return !input.altKey && !input.shiftKey && key.toLowerCase() === 'z' ? { kind: 'undo' } : undefined;
  }
  if (input.altKey === true) return undefined;
  if (/^[1-9]$/.test(key)) {
    const hit = labels.find((l) => l.key === key);
    return hit ? { kind: 'label', label: hit.name } : undefined;
  }
  if (mode.spans === true) {
    if (key === 'ArrowLeft' || key === 'ArrowRight') return { kind: 'moveSelection', by: key === 'ArrowLeft' ? -1 : 1, extend: input.shiftKey === true };
    if (key === 'Backspace') return { kind: 'deleteEntity' };
  }
  switch (key) {
    case 'Enter':
      return { kind: 'acceptSuggestion' };
    case 's':
    case ' ':
      return { kind: 'skip' };
    case 'x':
      return { kind: 'reject' };
    case 'Backspace':
      return { kind: 'undo' };
    case 'o':
      return { kind: 'openSource' };
    case 'n':
      return { kind: 'nextBatch' };
    case 'r':
      return { kind: 'retrain' };
    case '?':
      return { kind: 'help' };
    case '/':
      return { kind: 'search' };
    case 'Escape':
      return { kind: 'escape' };
    case 'l':
      return { kind: 'view', view: 'label' };
    case 'c':
      return { kind: 'view', view: 'curve' };
    case 'v':
      return { kind: 'view', view: 'review' };
    default:
      return undefined;
  }
}

/** Labels whose name matches a finder query: prefix matches first, then substring, list order kept. */
export function matchLabels(query: string, labels: readonly LabelButton[]): LabelButton[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [...labels];
  const prefix = labels.filter((l) => l.name.toLowerCase().startsWith(q));
  const inner = labels.filter((l) => !l.name.toLowerCase().startsWith(q) && l.name.toLowerCase().includes(q));
  return [...prefix, ...inner];
}
