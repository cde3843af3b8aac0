import * as vscode from 'vscode';
import { LABELS_VIEW_ID, OPEN_SPAN_COMMAND, type LabelsNode } from './labelsView';

/**
 * The Labels view's TreeDataProvider: a thin mapping of labelsView.ts's nodes to TreeItems. The
 * store changes on every label, so rebuilding waits for a pause (and for the view to be visible):
 * fast labeling never waits on the tree.
 */
export class LabelsTree implements vscode.TreeDataProvider<LabelsNode>, vscode.Disposable {
  private roots: readonly LabelsNode[] = [];
  private pending: (() => readonly LabelsNode[]) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly changed = new vscode.EventEmitter<LabelsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<LabelsNode>;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly delayMs = 300) {
    this.view = vscode.window.createTreeView(LABELS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.subs.push(
      this.view,
      this.changed,
      this.view.onDidChangeVisibility((e) => {
        if (e.visible) this.flush();
      }),
    );
  }

  /** Rebuilds the rows with `build` after a short pause, once the view is visible. */
  schedule(build: () => readonly LabelsNode[]): void {
    this.pending = build;
    if (this.timer === undefined) this.timer = setTimeout(() => this.flush(), this.delayMs);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending || !this.view.visible) return;
    const build = this.pending;
    this.pending = undefined;
    this.roots = build();
    this.changed.fire(undefined);
  }

  getTreeItem(n: LabelsNode): vscode.TreeItem {
    const state = n.children && n.children.length > 0 ? (n.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed) : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(n.label, state);
    item.id = n.id;
    if (n.description !== undefined) item.description = n.description;
    if (n.tooltip !== undefined) item.tooltip = n.tooltip;
    item.iconPath = new vscode.ThemeIcon(n.icon);
    if (n.open) item.command = { command: OPEN_SPAN_COMMAND, title: 'Open Span', arguments: [n.open] };
    return item;
  }

  getChildren(n?: LabelsNode): LabelsNode[] {
    return [...(n ? (n.children ?? []) : this.roots)];
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
  }
}
