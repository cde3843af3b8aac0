import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveInWorkspace } from '../core/store/workspacePath';
import * as vscode from 'vscode';
import { LabelwiseError } from '../core/errors';
import { documentRange, locateSource } from '../core/text/spanLocator';
import type { Disposable } from '../core/types';
import { STORE_RELATIVE_PATH } from '../core/store/labelStore';
import type { ConfigTarget, InputBoxOptionsLike, LogOutputLike, ProgressLike, QuickPickItemLike, StatusBarItemLike, VscodeSurface, WorkspaceFolderLike } from './surface';
import { chooseWorkspaceFolder } from './workspaceFolders';

function folders(): WorkspaceFolderLike[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => ({ name: f.name, path: f.uri.fsPath }));
}

/** The real VscodeSurface: a thin pass-through to the `vscode` module. */
export function createVscodeSurface(): VscodeSurface {
  // The folder in use is chosen once per list of folders: a store that appears later in another
  // folder (a git pull) does not move a running session.
  let chosenFor: string | undefined;
  let chosen: WorkspaceFolderLike | undefined;
  const root = (): WorkspaceFolderLike | undefined => {
    const all = folders();
    const key = all.map((f) => f.path).join('\n');
    if (key !== chosenFor) {
      chosenFor = key;
      chosen = chooseWorkspaceFolder(all, (f) => existsSync(join(f.path, ...STORE_RELATIVE_PATH.split('/'))));
    }
    return chosen;
  };
  // Settings are read for the folder in use, so its own (resource-scoped) corpus settings apply.
  const rootUri = (): vscode.Uri | undefined => {
    const r = root();
    return r ? vscode.Uri.file(r.path) : undefined;
  };
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration(undefined, rootUri());
  return {
    registerCommand: (id, run): Disposable => vscode.commands.registerCommand(id, run),
    createStatusBarItem: (): StatusBarItemLike => vscode.window.createStatusBarItem('labelwise.status', vscode.StatusBarAlignment.Left, 100) as unknown as StatusBarItemLike,
    createOutput: (name): LogOutputLike => vscode.window.createOutputChannel(name, { log: true }),
    setContext: (key, value): void => {
      void vscode.commands.executeCommand('setContext', key, value);
    },
    markdown: (text) => {
      const md = new vscode.MarkdownString(text, true);
      md.isTrusted = false;
      return md;
    },
    themeColor: (id) => new vscode.ThemeColor(id),
    getSetting: (key) => config().get(key),
    updateSetting: async (key, value, target: ConfigTarget) => {
      const t = target === 'global' || !vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace;
      await config().update(key, value, t);
    },
    onSettingsChanged: (listener): Disposable =>
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('labelwise')) listener();
      }),
    workspaceRoot: () => root()?.path,
    workspaceFolders: () => folders(),
    isTrusted: () => vscode.workspace.isTrusted,
    onTrustGranted: (listener): Disposable => vscode.workspace.onDidGrantWorkspaceTrust(listener),
    showInfo: async (m, ...a) => vscode.window.showInformationMessage(m, ...a),
    showWarning: async (m, ...a) => vscode.window.showWarningMessage(m, ...a),
    showError: async (m, ...a) => vscode.window.showErrorMessage(m, ...a),
    showInputBox: async (o: InputBoxOptionsLike) =>
      vscode.window.showInputBox({
        title: o.title,
        prompt: o.prompt,
        value: o.value,
        placeHolder: o.placeHolder,
        ignoreFocusOut: true,
        validateInput: o.validateInput,
      }),
    showQuickPick: async <T extends QuickPickItemLike>(items: readonly T[], o: { title?: string; placeHolder?: string }) =>
      vscode.window.showQuickPick([...items], { title: o.title, placeHolder: o.placeHolder, ignoreFocusOut: true }),
    showOpenFile: async (o) => {
      const uris = await vscode.window.showOpenDialog({
        title: o.title,
        canSelectMany: false,
        filters: o.filters,
        defaultUri: rootUri(),
      });
      return uris?.[0]?.fsPath;
    },
    showSaveFile: async (o) => {
      const uri = await vscode.window.showSaveDialog({ title: o.title, defaultUri: vscode.Uri.file(o.defaultPath), filters: o.filters });
      return uri?.fsPath;
    },
    withProgress: <T>(title: string, run: (progress: ProgressLike, signal: AbortSignal) => Promise<T>): Promise<T> =>
      Promise.resolve(
        vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
          const ac = new AbortController();
          const sub = token.onCancellationRequested(() => ac.abort());
          return run(progress, ac.signal).finally(() => sub.dispose());
        }),
      ),
    openSettings: async (key) => {
      await vscode.commands.executeCommand('workbench.action.openSettings', key);
    },
    openSource: async (root, file, start, end, line) => {
      // Second line of defence (the app checks first): never open a file outside the workspace.
      const place = resolveInWorkspace(root, file);
      if ('error' in place) throw new LabelwiseError(place.error);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(place.abs));
      const at = documentRange(locateSource(file, doc.getText()), line, start, end) ?? { start: 0, end: 0 };
      const range = new vscode.Range(doc.positionAt(at.start), doc.positionAt(at.end));
      await vscode.window.showTextDocument(doc, { selection: range, viewColumn: vscode.ViewColumn.One, preview: true });
    },
  };
}
