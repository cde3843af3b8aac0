import { join } from 'node:path';
import * as vscode from 'vscode';
import { annotatorDisagreements } from '../core/store/contested';
import type { LabelStore } from '../core/store/labelStore';
import type { OrphanSpan } from '../core/store/reanchor';
import type { Granularity } from '../core/types';
import { ALL_COMMANDS } from './commands/allCommands';
import { LabelDecorations } from './decorations';
import { LabelwiseApp } from './labelwiseApp';
import { LabelsTree } from './labelsTree';
import { buildLabelsView, isSpanRef, OPEN_SPAN_COMMAND } from './labelsView';
import { createPanel, panelOptions, PANEL_VIEW_TYPE, wrapPanel } from './panelHost';
import { registerCommands } from './registerCommands';
import { createVscodeSurface } from './vscodeSurface';
import { processChannel, threadChannel, WorkerClient } from './workerClient';

export function activate(context: vscode.ExtensionContext): void {
  const surface = createVscodeSurface();
  const workerScript = join(context.extensionPath, 'dist', 'worker.js');
  const decorations = new LabelDecorations();
  const labelsTree = new LabelsTree();
  let shown: { store: LabelStore; orphans: readonly OrphanSpan[] } | undefined;
  const labelSet = (): readonly string[] => {
    try {
      return current.settings().labels;
    } catch {
      return [];
    }
  };
  const taskOf = (): 'classify' | 'spans' => {
    try {
      return current.settings().task;
    } catch {
      return 'classify';
    }
  };
  const spanLabelSet = (): readonly string[] => {
    try {
      return current.settings().spanLabels;
    } catch {
      return [];
    }
  };
  /** The Labels view follows the store (rebuilt after a pause, see labelsTree.ts). */
  const showLabels = (store: LabelStore, orphans: readonly OrphanSpan[]): void => {
    shown = { store, orphans };
    // A spans workspace lists entities under labelwise.spanLabels.
    const spans = taskOf() === 'spans';
    labelsTree.schedule(() =>
      buildLabelsView({
        labels: spans ? spanLabelSet() : labelSet(),
        ...(spans ? { labelSetting: 'labelwise.spanLabels' } : {}),
        decisions: store.state.decisions(),
        orphans,
        disagreements: annotatorDisagreements(store.state),
      }),
    );
  };
  const granularity = (): Granularity => {
    try {
      return current.settings().granularity;
    } catch {
      return 'sentence';
    }
  };
  const current = new LabelwiseApp({
    surface,
    openPanel: () => createPanel(context.extensionUri),
    cacheDir: () => join((context.storageUri ?? context.globalStorageUri).fsPath, 'embeddings'),
    modelStorageDir: () => join(context.globalStorageUri.fsPath, 'models'),
    startWorker: (logger) => new WorkerClient(() => threadChannel(workerScript), logger, () => processChannel(workerScript)),
    onStoreChanged: (store, root, orphans) => {
      decorations.setStore(store, root, labelSet(), granularity(), spanLabelSet());
      showLabels(store, orphans);
    },
  });
  context.subscriptions.push(current, decorations, labelsTree, ...registerCommands(ALL_COMMANDS, { app: current, surface }));
  context.subscriptions.push(
    // A row of the Labels view opens its span; the app confines it to the workspace.
    surface.registerCommand(OPEN_SPAN_COMMAND, (ref: unknown) => {
      if (!isSpanRef(ref)) return;
      try {
        current.openSpan(ref);
      } catch (e) {
        current.report(e, `Cannot open ${ref.file}`);
      }
    }),
    // The label set names the view's groups; the label sets' order gives the highlights' colours.
    surface.onSettingsChanged(() => {
      if (!shown) return;
      showLabels(shown.store, shown.orphans);
      const root = surface.workspaceRoot();
      if (root) decorations.setStore(shown.store, root, labelSet(), granularity(), spanLabelSet());
    }),
  );
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
        panel.webview.options = panelOptions(context.extensionUri);
        await current.restorePanel(wrapPanel(panel, context.extensionUri));
      },
    }),
  );
  // Load the store on activation: labeled spans are decorated and counted before a session starts.
  const root = surface.workspaceRoot();
  if (root) {
    try {
      const store = current.openStore();
      current.logger.info(`label store ${store.file}: ${store.state.counts().decisions} decisions`);
      decorations.setStore(store, root, current.settings().labels, granularity(), spanLabelSet());
      showLabels(store, []);
      current.refreshStatus();
      // Re-anchoring reads the labeled files: in the engine worker, after activation has returned.
      // Nothing to re-anchor in an empty store (the Labels view can activate Labelwise in any folder).
      if (store.state.counts().decisions > 0) {
        setTimeout(() => {
          current.checkAnchors().then(
            (orphans) => {
              if (orphans > 0) current.output.show(true);
            },
            (e: unknown) => current.report(e, 'Cannot check the labeled spans'),
          );
        }, 0);
      }
    } catch (e) {
      current.report(e, 'Cannot load the label store');
    }
  }
}

export function deactivate(): void {
  // Nothing to do: the app (worker, store, panel) is in context.subscriptions, which VS Code disposes.
}
