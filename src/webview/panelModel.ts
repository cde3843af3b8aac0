import {
  AnswerCommand,
  DismissContestedCommand,
  NextBatchCommand,
  NoticeNotification,
  OpenSourceCommand,
  ReadyCommand,
  ResolveContestedCommand,
  RetrainCommand,
  ShowViewCommand,
  StateNotification,
  UndoCommand,
  type Answer,
  type ContestedItem,
  type EntityInText,
  type LabelButton,
  type PanelState,
  type PanelView,
  type SessionSummary,
  type SpanView,
  type TokenOffsets,
} from '../protocol';
import { actionForKey, matchLabels, type KeyInput, type PanelAction } from './keymap';
import {
  assignLabel,
  clearSelection,
  entitiesPayload,
  moveSelection,
  removeSelected,
  selectedEntities,
  selectEntity,
  selectToken,
  startEdit,
  tokensOf,
  type SpanEdit,
} from './spanSelection';
import type { Disposable, Transport } from './transport';

/** One labeling decision made in this panel, newest last. */
export interface Decision {
  readonly seq: number;
  readonly span: SpanView;
  readonly label: string | null;
  readonly answer: Answer;
  /** Multi-label sessions: the accepted set (label null). */
  readonly labels?: readonly string[];
  /** Spans sessions: the entities accepted (label null; empty: "no entities"). */
  readonly entities?: readonly EntityInText[];
}

/**
 * A command posted to the host whose effect the host has not confirmed yet. The panel shows the
 * host's last state with these applied on top, so the next span appears at once.
 */
export type PendingOp =
  | { readonly kind: 'answer'; readonly seq: number; readonly decision: Decision }
  | { readonly kind: 'undo'; readonly seq: number; readonly decision: Decision | null };

export interface Notice {
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
}

export interface LabelSearch {
  readonly query: string;
  readonly matches: readonly LabelButton[];
  /** Index into `matches` that Enter picks. */
  readonly index: number;
}

/** What the DOM layer draws: the host's state with the local, optimistic changes applied. */
export interface PanelDisplay {
  /** False until the first state arrives (from the host or restored after a reload). */
  readonly connected: boolean;
  readonly view: PanelView;
  readonly session: SessionSummary;
  readonly current: SpanView | null;
  readonly queue: readonly SpanView[];
  readonly undoDepth: number;
  readonly canUndo: boolean;
  readonly retraining: boolean;
  readonly busyMessage: string | undefined;
  readonly curve: PanelState['curve'];
  readonly weights: PanelState['weights'];
  readonly contested: readonly ContestedItem[];
  /** Agreement between annotators (review view), once the host sent it. */
  readonly agreement: PanelState['agreement'];
  /** Recent decisions, newest first, at most `HISTORY_SHOWN`. */
  readonly history: readonly Decision[];
  readonly help: boolean;
  readonly search: LabelSearch | null;
  readonly notice: Notice | null;
  /** Decisions sent but not yet confirmed by the host. */
  readonly pending: number;
  /**
   * Multi-label sessions: the labels toggled on for the current span (what Enter accepts), in
   * label-set order. A span starts with the model's guess (why.predictedLabels) toggled on.
   * Always empty in single-label sessions.
   */
  readonly toggled: readonly string[];
  /** Spans sessions (session.task = 'spans'): the current sentence's tokens, entities and selection. */
  readonly spans: SpanEditView | null;
}

/** The spans task's editing state of the span on screen. */
export interface SpanEditView {
  readonly tokens: readonly TokenOffsets[];
  /** The entities as they stand (what Enter accepts) and the token selection. */
  readonly edit: SpanEdit;
  /** Indices into `edit.entities` of the entities the selection designates (Backspace removes them). */
  readonly selected: readonly number[];
}

/** What a key press did; `advanced` means a new span became current (the latency the e2e measures). */
export type KeyOutcome = 'ignored' | 'handled' | 'advanced';

/** Shape saved with `setState` so that a window reload restores the panel as it was. */
export interface PersistedPanel {
  readonly version: 1;
  readonly host: PanelState | null;
  readonly view: PanelView;
  readonly history: readonly Decision[];
  readonly pending: readonly PendingOp[];
  readonly resolved: readonly string[];
  readonly nextSeq: number;
  readonly help: boolean;
  /** The span on screen when the state was saved (absent in states saved by older panels). */
  readonly pinned?: SpanView | null;
  /** Spans sessions: the entities edited on the span on screen, not yet accepted. */
  readonly spanEdit?: SpanEdit | null;
}

/** Local undo memory. The host keeps its own undo stack; this one drives the display and must cover at least 20. */
export const HISTORY_LIMIT = 50;
export const HISTORY_SHOWN = 20;
/** Spans received and not answered that the panel keeps to show when the host's queue is empty (the host queues 100 ahead). */
export const SPARE_LIMIT = 200;

const EMPTY_SESSION: SessionSummary = { labels: [], budget: 0, labeled: 0, annotator: '', strategy: '' };

/**
 * The panel's logic without a DOM: holds the host's state, applies key presses optimistically,
 * posts commands through the transport and persists itself for window reloads.
 */
export class PanelModel {
  private host: PanelState | null = null;
  private view: PanelView = 'label';
  private history: Decision[] = [];
  private pending: PendingOp[] = [];
  /** Contested spans resolved here and not yet gone from the host's list. */
  private resolved = new Set<string>();
  private nextSeq = 1;
  private help = false;
  private search: { query: string; index: number } | null = null;
  /** Multi-label: the toggles the user made on one span (absent: the span starts from the model's guess). */
  private toggles: { readonly spanId: string; readonly labels: readonly string[] } | null = null;
  /**
   * Spans sessions: the entities of the span on screen as edited here. Fixed when the span is first
   * drawn (from the model's suggestions), so a host state with newer suggestions never changes the
   * answer under the user's eyes; an undo brings back the entities the span was accepted with.
   */
  private spanEdit: SpanEdit | null = null;
  private notice: Notice | null = null;
  private restored = false;
  /**
   * The span on screen. A host state never replaces it while it is unanswered: the host reorders
   * or trims its queue (after a retrain, "next batch") without knowing how far ahead the panel is,
   * and a key must label the span the user is looking at. Only an answer, an undo or a new host
   * session moves it.
   */
  private pinned: SpanView | null = null;
  /**
   * Every span received from this host session and not answered here, oldest first: when the host's
   * queue is momentarily empty (its refill still on the way) the panel shows one of these rather
   * than an empty state. The host still knows them (its `known` map), so answers are stored.
   */
  private spare = new Map<string, SpanView>();
  /** Spans answered here in this host session (until undone): never shown again from `spare`. */
  private done = new Set<string>();
  private cached: PanelDisplay | null = null;
  private readonly listeners = new Set<(d: PanelDisplay) => void>();
  private subscription: Disposable | null = null;

  constructor(private readonly transport: Transport) {}

  /** Restores the saved state (if any), listens to the host, and tells it the panel is ready. */
  start(): void {
    const saved = this.transport.getState<unknown>();
    if (isPersistedPanel(saved)) {
      this.host = saved.host;
      this.view = saved.view;
      this.history = [...saved.history];
      this.pending = [...saved.pending];
      this.resolved = new Set(saved.resolved);
      this.nextSeq = saved.nextSeq;
      this.help = saved.help;
      this.pinned = saved.pinned !== undefined && saved.pinned !== null && isSpanView(saved.pinned) ? saved.pinned : null;
      this.spanEdit = isSpanEdit(saved.spanEdit) ? saved.spanEdit : null;
      for (const op of this.pending) if (op.kind === 'answer') this.done.add(op.decision.span.id);
      this.restored = true;
    }
    this.subscription = this.transport.onMessage((msg) => this.receive(msg));
    this.transport.post(ReadyCommand.create({ restored: this.restored }));
    this.changed(false);
  }

  dispose(): void {
    this.subscription?.dispose();
    this.subscription = null;
    this.listeners.clear();
  }

  /** True when the panel came back from a saved state (a window reload). */
  get wasRestored(): boolean {
    return this.restored;
  }

  onChange(listener: (d: PanelDisplay) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get display(): PanelDisplay {
    this.cached ??= this.compute();
    return this.cached;
  }

  /** A message from the host. Anything that is not a protocol notification is ignored. */
  receive(msg: unknown): void {
    if (StateNotification.is(msg)) {
      if (!isPanelState(msg.params)) return;
      this.applyHostState(msg.params);
      this.changed(true);
    } else if (NoticeNotification.is(msg)) {
      const p = msg.params as Partial<Notice> | undefined;
      if (p && typeof p.message === 'string' && (p.level === 'info' || p.level === 'warning' || p.level === 'error')) {
        this.notice = { level: p.level, message: p.message };
        this.changed(false);
      }
    }
  }

  clearNotice(): void {
    if (this.notice === null) return;
    this.notice = null;
    this.changed(false);
  }

  /** Handles a key press; the DOM layer calls preventDefault unless the outcome is 'ignored'. */
  handleKey(input: KeyInput): KeyOutcome {
    if (this.search !== null) return this.searchKey(input);
    const d = this.display;
    const action = actionForKey(input, d.session.labels, { spans: d.spans !== null });
    if (action === undefined) return 'ignored';
    // A held key must not label the next span, and the next, and the next (a held arrow moves on).
    if (input.repeat === true && action.kind !== 'undo' && action.kind !== 'moveSelection') return 'handled';
    return this.perform(action);
  }

  /** Runs an action from a key or a button. */
  perform(action: PanelAction): KeyOutcome {
    switch (action.kind) {
      case 'label':
        return this.answer(action.label, 'accept');
      case 'acceptSuggestion': {
        if (this.display.spans !== null) return this.acceptSpans();
        if (this.display.session.multiLabel === true) return this.acceptSet();
        const guess = this.display.current?.why.predicted?.label;
        if (guess === undefined || !this.display.session.labels.some((l) => l.name === guess)) return 'ignored';
        return this.answer(guess, 'accept');
      }
      case 'skip':
        return this.answer(null, 'ignore');
      case 'reject':
        // Prodigy's meaning: "no" to the span as offered, i.e. to the model's guess when there is one.
        return this.answer(this.display.current?.why.predicted?.label ?? null, 'reject');
      case 'undo':
        return this.undo();
      case 'openSource':
        return this.openSource();
      case 'retrain':
        this.transport.post(RetrainCommand.create({}));
        return 'handled';
      case 'nextBatch':
        this.transport.post(NextBatchCommand.create({}));
        return 'handled';
      case 'help':
        this.help = !this.help;
        this.changed(true);
        return 'handled';
      case 'search':
        if (this.view !== 'label' || this.display.current === null) return 'ignored';
        this.search = { query: '', index: 0 };
        this.changed(false);
        return 'handled';
      case 'escape':
        if (!this.help && this.search === null) return this.clearTokenSelection();
        this.help = false;
        this.search = null;
        this.changed(true);
        return 'handled';
      case 'view':
        return this.showView(action.view);
      case 'moveSelection':
        return this.editSpan((edit, tokens) => moveSelection(edit, action.by, action.extend, tokens.length));
      case 'deleteEntity':
        return this.deleteEntity();
    }
  }

  /**
   * Labels (or skips, or rejects) the current span and advances to the next one at once. In a
   * multi-label session a label (digit key, button, finder) toggles it instead; acceptSet() accepts.
   */
  answer(label: string | null, answer: Answer): KeyOutcome {
    const d = this.display;
    if (d.spans !== null && answer === 'accept' && label !== null) return this.assignEntity(label);
    if (d.session.multiLabel === true && answer === 'accept' && label !== null) return this.toggle(label);
    return this.decide(label, answer);
  }

  // ---- spans sessions (session.task = 'spans') ------------------------------------------------

  /** A click (or the start of a drag) on a token; `extend`: Shift+click or dragging over it. */
  selectToken(index: number, extend: boolean): KeyOutcome {
    return this.editSpan((edit, tokens) => selectToken(edit, index, extend, tokens.length));
  }

  /** A click on an entity's tag: selects its tokens (a digit then relabels it, Backspace removes it). */
  selectEntity(index: number): KeyOutcome {
    return this.editSpan((edit, tokens) => selectEntity(edit, index, tokens));
  }

  /** Gives the selected tokens a label (a digit key or a label button); nothing selected: says so. */
  assignEntity(label: string): KeyOutcome {
    const d = this.display;
    if (d.spans === null || !d.session.labels.some((l) => l.name === label)) return 'ignored';
    if (d.spans.edit.selection === null) {
      this.notice = { level: 'info', message: `Select a word first (click it, or use ← →), then press the label's key to mark it "${label}".` };
      this.changed(false);
      return 'handled';
    }
    return this.editSpan((edit, tokens) => assignLabel(edit, label, tokens, d.session.allowOverlap === true));
  }

  /** The × of an entity in the list: removes it. */
  removeEntityAt(index: number): KeyOutcome {
    return this.editSpan((edit) => (index >= 0 && index < edit.entities.length ? { ...edit, entities: edit.entities.filter((_, i) => i !== index), selection: null } : edit));
  }

  /** Backspace: removes the entity the selection designates; with nothing to remove, undoes as before. */
  deleteEntity(): KeyOutcome {
    const s = this.display.spans;
    if (s === null) return this.undo();
    const next = removeSelected(s.edit, s.tokens);
    if (next !== null) return this.editSpan(() => next);
    // A selection on plain words: nothing to remove, and not an undo of the previous sentence.
    return s.edit.selection === null ? this.undo() : 'handled';
  }

  /** Enter: accepts the sentence with its entities as they stand (none: "no entities"). */
  acceptSpans(): KeyOutcome {
    const s = this.display.spans;
    if (s === null) return 'ignored';
    return this.decide(null, 'accept', undefined, entitiesPayload(s.edit));
  }

  private clearTokenSelection(): KeyOutcome {
    const s = this.display.spans;
    if (s === null || s.edit.selection === null) return 'ignored';
    return this.editSpan((edit) => clearSelection(edit));
  }

  private editSpan(change: (edit: SpanEdit, tokens: readonly TokenOffsets[]) => SpanEdit): KeyOutcome {
    const d = this.display;
    if (this.view !== 'label' || d.spans === null) return 'ignored';
    const next = change(d.spans.edit, d.spans.tokens);
    if (next !== d.spans.edit) {
      this.spanEdit = next;
      this.search = null;
      this.changed(false);
    }
    return 'handled';
  }

  /** Multi-label: turns one label on or off for the current span. */
  toggle(label: string): KeyOutcome {
    const d = this.display;
    if (this.view !== 'label' || !d.connected || d.current === null || !d.session.labels.some((l) => l.name === label)) return 'ignored';
    const on = d.toggled.includes(label) ? d.toggled.filter((l) => l !== label) : [...d.toggled, label];
    this.toggles = { spanId: d.current.id, labels: d.session.labels.map((l) => l.name).filter((n) => on.includes(n)) };
    this.search = null;
    this.changed(false);
    return 'handled';
  }

  /** Multi-label: accepts the toggled set (empty: "none of the labels applies") and advances. */
  acceptSet(): KeyOutcome {
    return this.decide(null, 'accept', this.display.toggled);
  }

  private decide(label: string | null, answer: Answer, labels?: readonly string[], entities?: readonly EntityInText[]): KeyOutcome {
    const d = this.display;
    if (this.view !== 'label' || !d.connected) return 'ignored';
    if (d.current === null) {
      // Nothing on screen to apply it to: say so rather than drop the key without a word.
      this.notice = { level: 'warning', message: 'No span on screen: that key was not applied.' };
      this.changed(false);
      return 'handled';
    }
    if (label !== null && answer === 'accept' && !d.session.labels.some((l) => l.name === label)) return 'ignored';
    const seq = this.nextSeq++;
    const extra = labels !== undefined ? { labels: [...labels] } : entities !== undefined ? { entities: [...entities] } : {};
    const decision: Decision = { seq, span: d.current, label, answer, ...extra };
    this.transport.post(AnswerCommand.create({ spanId: d.current.id, label, answer, ...extra }, seq));
    this.toggles = null;
    this.spanEdit = null;
    this.done.add(d.current.id);
    this.spare.delete(d.current.id);
    // The next span comes from the host's queue (or the spare ones) in compute().
    this.pinned = null;
    this.pending.push({ kind: 'answer', seq, decision });
    this.history.push(decision);
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    this.search = null;
    this.changed(true);
    return 'advanced';
  }

  /** Undoes the newest decision: its span comes back as the current one. */
  undo(): KeyOutcome {
    const d = this.display;
    if (!d.canUndo) return 'ignored';
    const seq = this.nextSeq++;
    const decision = this.history.pop() ?? null;
    this.transport.post(UndoCommand.create({}, seq));
    this.pending.push({ kind: 'undo', seq, decision });
    if (decision !== null) {
      this.done.delete(decision.span.id);
      // Spans: the sentence comes back with the entities it was accepted with, to correct them.
      this.spanEdit = decision.entities !== undefined ? { spanId: decision.span.id, entities: decision.entities, selection: null } : null;
      // The undone span comes back in front of the one shown now.
      this.pinned = null;
    }
    this.search = null;
    this.changed(true);
    return decision === null ? 'handled' : 'advanced';
  }

  openSource(spanId?: string): KeyOutcome {
    const id = spanId ?? this.display.current?.id;
    if (id === undefined) return 'ignored';
    this.transport.post(OpenSourceCommand.create({ spanId: id }));
    return 'handled';
  }

  showView(view: PanelView): KeyOutcome {
    if (this.view === view) return 'handled';
    this.view = view;
    this.search = null;
    this.transport.post(ShowViewCommand.create({ view }));
    this.changed(true);
    return 'handled';
  }

  resolveContested(spanId: string, label: string): KeyOutcome {
    const item = this.display.contested.find((c) => c.span.id === spanId);
    if (item === undefined || !this.display.session.labels.some((l) => l.name === label)) return 'ignored';
    this.transport.post(ResolveContestedCommand.create({ spanId, label }));
    this.resolved.add(spanId);
    this.done.add(spanId);
    this.spare.delete(spanId);
    if (this.pinned?.id === spanId) this.pinned = null;
    this.changed(true);
    return 'handled';
  }

  /** Hides a review item (an orphan the user has seen) for this session; the host stores nothing. */
  dismissContested(spanId: string): KeyOutcome {
    if (!this.display.contested.some((c) => c.span.id === spanId)) return 'ignored';
    this.transport.post(DismissContestedCommand.create({ spanId }));
    this.resolved.add(spanId);
    this.changed(true);
    return 'handled';
  }

  /** Picks a label in the finder by its position among the matches (mouse use). */
  pickSearchMatch(index: number): KeyOutcome {
    const match = this.display.search?.matches[index];
    if (match === undefined) return 'ignored';
    return this.answer(match.name, 'accept');
  }

  // -------------------------------------------------------------------------------------------

  private searchKey(input: KeyInput): KeyOutcome {
    const s = this.search;
    if (s === null) return 'ignored';
    if (input.ctrlKey === true || input.metaKey === true || input.altKey === true) return 'ignored';
    const matches = this.display.search?.matches ?? [];
    switch (input.key) {
      case 'Escape':
        this.search = null;
        break;
      case 'Enter':
        return this.pickSearchMatch(s.index);
      case 'Backspace':
        this.search = { query: s.query.slice(0, -1), index: 0 };
        break;
      case 'ArrowDown':
        this.search = { query: s.query, index: Math.min(s.index + 1, Math.max(0, matches.length - 1)) };
        break;
      case 'ArrowUp':
        this.search = { query: s.query, index: Math.max(0, s.index - 1) };
        break;
      default:
        if (input.key.length !== 1) return 'ignored';
        this.search = { query: s.query + input.key, index: 0 };
    }
    this.changed(false);
    return 'handled';
  }

  private applyHostState(next: PanelState): void {
    const previous = this.host;
    // The host switches views only on purpose (a command like "Show Learning Curve"); a state that
    // merely repeats its old view must not undo a switch the user just made here.
    if (previous === null ? !this.restored : next.view !== previous.view) this.view = next.view;
    // Another host session (a restart, a reloaded window) does not know the spans of this one.
    if ((previous !== null || this.restored) && next.sessionId !== previous?.sessionId) {
      this.pinned = null;
      this.spare.clear();
      this.done.clear();
    }
    this.host = next;
    this.confirmPending(next);
    for (const s of spansOf(next)) if (!this.done.has(s.id)) this.spare.set(s.id, s);
    for (const id of this.spare.keys()) {
      if (this.spare.size <= SPARE_LIMIT) break;
      this.spare.delete(id);
    }
    if (next.ackSeq !== undefined && next.ackSeq >= this.nextSeq) this.nextSeq = next.ackSeq + 1;
    const hostContested = new Set(next.contested.map((c) => c.span.id));
    for (const id of this.resolved) if (!hostContested.has(id)) this.resolved.delete(id);
    // The host is the authority on how far back undo reaches.
    if (this.pending.length === 0 && this.history.length > next.undoDepth) {
      this.history.splice(0, this.history.length - next.undoDepth);
    }
  }

  /** Drops the optimistic operations the host has already applied. */
  private confirmPending(next: PanelState): void {
    if (this.pending.length === 0) return;
    const last = this.pending[this.pending.length - 1];
    const ack = next.ackSeq;
    if (ack !== undefined) {
      this.pending = this.pending.filter((op) => op.seq > ack);
      this.followHostUndo(last, next);
      return;
    }
    // Without ackSeq: the host applies commands in order, so the newest operation with visible
    // evidence confirms itself and everything before it.
    const hostIds = new Set(spansOf(next).map((s) => s.id));
    let confirmedThrough = -1;
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const op = this.pending[i];
      const evident =
        op.kind === 'answer'
          ? !hostIds.has(op.decision.span.id)
          : op.decision === null || next.current?.id === op.decision.span.id;
      if (evident) {
        confirmedThrough = i;
        break;
      }
    }
    this.pending = this.pending.slice(confirmedThrough + 1);
    this.followHostUndo(last, next);
  }

  /**
   * An undo of a decision this panel does not remember (made before a reload, or deeper than the
   * local history) brings back a span only the host knows: once the host has applied it, and
   * nothing was pressed since, its front span is the one to show.
   */
  private followHostUndo(last: PendingOp, next: PanelState): void {
    if (last.kind !== 'undo' || last.decision !== null || this.pending.includes(last)) return;
    this.pinned = null;
    if (next.current !== null) this.done.delete(next.current.id);
  }

  private compute(): PanelDisplay {
    const host = this.host;
    let list = host === null ? [] : spansOf(host);
    let labeledDelta = 0;
    let undoDelta = 0;
    // Per label and decided spans move with the optimistic answers too: the progress section and
    // the header count the same decisions.
    const labelDelta = new Map<string, number>();
    const bump = (d: Decision | null, by: number): void => {
      if (d !== null && d.answer === 'accept' && d.label !== null) labelDelta.set(d.label, (labelDelta.get(d.label) ?? 0) + by);
    };
    for (const op of this.pending) {
      bump(op.decision, op.kind === 'answer' ? 1 : -1);
      // Like the host's label count: only accepted labels spend the budget.
      const counts = op.decision !== null && op.decision.answer === 'accept' ? 1 : 0;
      if (op.kind === 'answer') {
        list = list.filter((s) => s.id !== op.decision.span.id);
        labeledDelta += counts;
        undoDelta += 1;
      } else {
        if (op.decision !== null) {
          const back = op.decision.span;
          list = [back, ...list.filter((s) => s.id !== back.id)];
        }
        labeledDelta -= counts;
        undoDelta -= 1;
      }
    }
    // The span on screen stays until it is answered; when the host's queue is empty meanwhile, a
    // span received earlier and not answered is shown rather than nothing.
    const open = (s: SpanView): boolean => !this.done.has(s.id) && !this.resolved.has(s.id);
    const pinned = this.pinned;
    const fresh = (s: SpanView): SpanView => this.spare.get(s.id) ?? list.find((l) => l.id === s.id) ?? s;
    let current: SpanView | null = pinned !== null && open(pinned) ? fresh(pinned) : (list.find(open) ?? null);
    if (current === null && host !== null) current = [...this.spare.values()].find(open) ?? null;
    const queue = list.filter((s) => s.id !== current?.id);
    const session = host?.session ?? EMPTY_SESSION;
    const undoDepth = Math.max(0, (host?.undoDepth ?? 0) + undoDelta);
    const search = this.search;
    let searchView: LabelSearch | null = null;
    if (search !== null) {
      const matches = matchLabels(search.query, session.labels);
      searchView = { query: search.query, matches, index: Math.min(search.index, Math.max(0, matches.length - 1)) };
    }
    return {
      connected: host !== null,
      view: this.view,
      session: withDeltas(session, labeledDelta, undoDelta, labelDelta),
      current,
      queue,
      undoDepth,
      canUndo: undoDepth > 0 || this.history.length > 0,
      retraining: host?.busy.retraining ?? false,
      busyMessage: host?.busy.message,
      curve: host?.curve ?? [],
      weights: host?.weights ?? [],
      contested: (host?.contested ?? []).filter((c) => !this.resolved.has(c.span.id)),
      agreement: host?.agreement,
      history: this.history.slice(-HISTORY_SHOWN).reverse(),
      help: this.help,
      search: searchView,
      notice: this.notice,
      pending: this.pending.filter((op) => op.kind === 'answer').length,
      toggled: session.multiLabel === true && current !== null ? (this.toggles?.spanId === current.id ? this.toggles.labels : session.labels.map((b) => b.name).filter((n) => current.why.predictedLabels?.includes(n) === true)) : [],
      spans: session.task === 'spans' && current !== null ? this.spanEditView(current, session) : null,
    };
  }

  private spanEditView(current: SpanView, session: SessionSummary): SpanEditView {
    const tokens = tokensOf(current);
    const edit =
      this.spanEdit?.spanId === current.id
        ? this.spanEdit
        : startEdit(
            current,
            session.labels.map((l) => l.name),
            session.allowOverlap === true,
          );
    return { tokens, edit, selected: selectedEntities(edit, tokens) };
  }

  private changed(persist: boolean): void {
    this.cached = null;
    const d = this.display;
    // What is computed here is what the DOM draws (synchronously, see main.ts): pin it, and in a
    // spans session the entities it starts with.
    this.pinned = d.current;
    if (d.spans !== null) this.spanEdit = d.spans.edit;
    if (persist) this.persist();
    for (const l of this.listeners) l(d);
  }

  private persist(): void {
    const state: PersistedPanel = {
      version: 1,
      host: this.host,
      view: this.view,
      history: this.history,
      pending: this.pending,
      resolved: [...this.resolved],
      nextSeq: this.nextSeq,
      help: this.help,
      pinned: this.pinned,
      spanEdit: this.spanEdit,
    };
    this.transport.setState(state);
  }
}

/** The host's summary with this panel's unconfirmed decisions counted in. */
function withDeltas(session: SessionSummary, labeled: number, decided: number, perLabel: ReadonlyMap<string, number>): SessionSummary {
  const out: { -readonly [K in keyof SessionSummary]: SessionSummary[K] } = { ...session, labeled: Math.max(0, session.labeled + labeled) };
  if (session.decided !== undefined) out.decided = Math.max(0, session.decided + decided);
  if (session.perLabel !== undefined && perLabel.size > 0) {
    const counts: Record<string, number> = { ...session.perLabel };
    for (const [label, by] of perLabel) counts[label] = Math.max(0, (counts[label] ?? 0) + by);
    out.perLabel = counts;
  }
  return out;
}

function spansOf(state: PanelState): SpanView[] {
  return state.current === null ? [...state.queue] : [state.current, ...state.queue];
}

const VIEWS: readonly string[] = ['label', 'curve', 'review'];

/** Guards against a host (or an older panel's saved state) sending something of another shape. */
export function isPanelState(v: unknown): v is PanelState {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  const session = s.session as Record<string, unknown> | null | undefined;
  return (
    typeof s.view === 'string' &&
    VIEWS.includes(s.view) &&
    typeof session === 'object' &&
    session !== null &&
    Array.isArray(session.labels) &&
    typeof session.budget === 'number' &&
    typeof session.labeled === 'number' &&
    (s.current === null || isSpanView(s.current)) &&
    Array.isArray(s.queue) &&
    s.queue.every(isSpanView) &&
    typeof s.undoDepth === 'number' &&
    typeof s.busy === 'object' &&
    s.busy !== null &&
    Array.isArray(s.curve) &&
    Array.isArray(s.weights) &&
    Array.isArray(s.contested)
  );
}

function isSpanView(v: unknown): v is SpanView {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s.id === 'string' && typeof s.text === 'string' && typeof s.why === 'object' && s.why !== null;
}

function isSpanEdit(v: unknown): v is SpanEdit {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  const sel = e.selection as Record<string, unknown> | null | undefined;
  return (
    typeof e.spanId === 'string' &&
    Array.isArray(e.entities) &&
    e.entities.every((x: unknown) => {
      const en = x as Record<string, unknown> | null;
      return typeof en === 'object' && en !== null && Number.isInteger(en.start) && Number.isInteger(en.end) && typeof en.label === 'string';
    }) &&
    (sel === null || (typeof sel === 'object' && Number.isInteger(sel.anchor) && Number.isInteger(sel.focus)))
  );
}

export function isPersistedPanel(v: unknown): v is PersistedPanel {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return (
    p.version === 1 &&
    (p.host === null || isPanelState(p.host)) &&
    typeof p.view === 'string' &&
    VIEWS.includes(p.view) &&
    Array.isArray(p.history) &&
    Array.isArray(p.pending) &&
    Array.isArray(p.resolved) &&
    typeof p.nextSeq === 'number' &&
    typeof p.help === 'boolean'
  );
}
