import { join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import type { LabelStore } from '../core/store/labelStore';
import type { Disposable, Granularity } from '../core/types';
import { LABEL_COLOR_COUNT, labelColorIds } from '../protocol';
import { decorationSlot, planDecorations } from './decorationPlan';

/**
 * One decoration type per contributed label colour (package.json `contributes.colors`): the same
 * theme colours the panel's buttons and legend use, so a label looks the same in both places and
 * follows light, dark and high-contrast themes.
 */
const SLOTS = Array.from({ length: LABEL_COLOR_COUNT }, (_, i) => labelColorIds(i + 1));

/**
 * Highlights labeled spans in their source files by label colour, with a hover that says label,
 * annotator and time. Follows edits: spans are found again by their text in the live document.
 */
export class LabelDecorations implements Disposable {
  private readonly types = SLOTS.map((c) =>
    vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor(c.background),
      borderWidth: '0 0 2px 0',
      borderStyle: 'solid',
      borderColor: new vscode.ThemeColor(c.color),
      overviewRulerColor: new vscode.ThemeColor(c.color),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    }),
  );
  private store: LabelStore | undefined;
  private root: string | undefined;
  private labels: readonly string[] = [];
  private spanLabels: readonly string[] = [];
  private granularity: Granularity = 'sentence';
  private readonly subs: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    this.subs.push(
      vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.store && vscode.window.visibleTextEditors.some((ed) => ed.document === e.document)) this.schedule();
      }),
    );
  }

  /**
   * Uses this store from now on and redraws. `labels` colour classification decisions,
   * `spanLabels` the entities of the spans task (each by its place in its own list, as the panel).
   */
  setStore(store: LabelStore, root: string, labels: readonly string[], granularity: Granularity, spanLabels: readonly string[] = []): void {
    this.store = store;
    this.spanLabels = spanLabels;
    this.granularity = granularity;
    this.root = root;
    this.labels = labels;
    this.schedule();
  }

  refresh(): void {
    const store = this.store;
    const root = this.root;
    if (!store || !root) return;
    const decisions = store.state.decisions();
    for (const editor of vscode.window.visibleTextEditors) {
      const doc = editor.document;
      if (doc.uri.scheme !== 'file') continue;
      const rel = relative(root, doc.uri.fsPath);
      if (rel.startsWith('..') || rel === join('.labelwise', 'labels.jsonl')) continue;
      const plan = planDecorations(decisions, rel.split(sep).join('/'), doc.getText(), this.granularity);
      const perType: vscode.DecorationOptions[][] = this.types.map(() => []);
      for (const p of plan) {
        const md = new vscode.MarkdownString(p.hover);
        perType[decorationSlot(p, this.labels, this.spanLabels, this.types.length)].push({
          range: new vscode.Range(doc.positionAt(p.start), doc.positionAt(p.end)),
          hoverMessage: md,
        });
      }
      this.types.forEach((t, i) => editor.setDecorations(t, perType[i]));
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
    for (const t of this.types) t.dispose();
  }

  /** Coalesces bursts of edits and store writes into one redraw. */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, 150);
  }
}
