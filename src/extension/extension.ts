import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Granularity } from '../core/types';
import { ALL_COMMANDS } from './commands/allCommands';
import { LabelDecorations } from './decorations';
import { LabelwiseApp } from './labelwiseApp';
import { createPanel, panelOptions, PANEL_VIEW_TYPE, wrapPanel } from './panelHost';
import { registerCommands } from './registerCommands';
import { createVscodeSurface } from './vscodeSurface';
import { processChannel, threadChannel, WorkerClient } from './workerClient';

export function activate(context: vscode.ExtensionContext): void {
  const surface = createVscodeSurface();
  const workerScript = join(context.extensionPath, 'dist', 'worker.js');
  const decorations = new LabelDecorations();
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
    onStoreChanged: (store, root) => {
      let labels: readonly string[] = [];
      try {
        labels = current.settings().labels;
      } catch {
        labels = [];
      }
      decorations.setStore(store, root, labels, granularity());
    },
  });
  context.subscriptions.push(current, decorations, ...registerCommands(ALL_COMMANDS, { app: current, surface }));
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
      decorations.setStore(store, root, current.settings().labels, granularity());
      current.refreshStatus();
      // Re-anchoring reads the labeled files: in the engine worker, after activation has returned.
      setTimeout(() => {
        current.checkAnchors().then(
          (orphans) => {
            if (orphans > 0) current.output.show(true);
          },
          (e: unknown) => current.report(e, 'Cannot check the labeled spans'),
        );
      }, 0);
    } catch (e) {
      current.report(e, 'Cannot load the label store');
    }
  }
}

export function deactivate(): void {
  // Nothing to do: the app (worker, store, panel) is in context.subscriptions, which VS Code disposes.
}
