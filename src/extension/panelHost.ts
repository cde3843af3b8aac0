import * as vscode from 'vscode';
import type { Disposable } from '../core/types';
import { ReadyCommand, type HostToWebview } from '../protocol';
import type { PanelLike } from './labelwiseApp';
import { makeNonce, panelHtml } from './panelHtml';

/** The panel's view type: the serializer and `onWebviewPanel:` activation use it. */
export const PANEL_VIEW_TYPE = 'labelwise.panel';

/** Stylesheets of the panel, relative to the extension folder. */
const STYLES = ['media/panel.css'];
const SCRIPT = 'dist/webview.js';

/** Options of every Labelwise panel: scripts on, resources only from dist/ and media/. */
export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    // The panel keeps its own state with setState and gets the full state again after `ready`,
    // so its DOM need not be kept alive while hidden.
    retainContextWhenHidden: false,
  };
}

/**
 * Wraps a WebviewPanel as the app's PanelLike: sets the HTML (CSP with a fresh nonce, assets
 * through asWebviewUri) and holds messages back until the webview said `ready` (again after
 * each time it was hidden and recreated).
 */
export function wrapPanel(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): PanelLike {
  const webview = panel.webview;
  webview.options = panelOptions(extensionUri);
  webview.html = panelHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, SCRIPT)).toString(),
    styleUris: STYLES.map((s) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, s)).toString()),
  });
  let ready = false;
  let last: HostToWebview | undefined;
  const subs: vscode.Disposable[] = [];
  subs.push(
    webview.onDidReceiveMessage((m: unknown) => {
      if (ReadyCommand.is(m)) ready = true;
    }),
    panel.onDidChangeViewState(() => {
      // Without retained context a hidden webview is torn down and sends `ready` when shown again.
      if (!panel.visible) ready = false;
    }),
  );
  return {
    post(msg: HostToWebview): void {
      last = msg;
      if (ready) void webview.postMessage(msg);
    },
    reveal(): void {
      panel.reveal(panel.viewColumn ?? vscode.ViewColumn.Beside, false);
    },
    onMessage(handler: (msg: unknown) => void): Disposable {
      return webview.onDidReceiveMessage((m: unknown) => {
        handler(m);
        // The app answers `ready` with a fresh state; without a session it repeats the last one.
        if (ReadyCommand.is(m) && last) void webview.postMessage(last);
      });
    },
    onDidDispose(handler: () => void): Disposable {
      return panel.onDidDispose(() => {
        for (const s of subs) s.dispose();
        handler();
      });
    },
    dispose(): void {
      panel.dispose();
    },
  };
}

/** Opens a new Labelwise panel beside the editor. */
export function createPanel(extensionUri: vscode.Uri): PanelLike {
  const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Labelwise', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, panelOptions(extensionUri));
  return wrapPanel(panel, extensionUri);
}
