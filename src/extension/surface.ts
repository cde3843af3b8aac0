import type { Disposable } from '../core/types';

/**
 * The part of the VS Code API the adapter's logic uses, as plain interfaces. vscodeSurface.ts
 * implements it with the real `vscode` module; unit tests hand the logic a fake, so command
 * registration, the status bar, settings and the panel's message routing run in plain Node.
 */

/** A VS Code MarkdownString or ThemeColor, opaque to the logic. */
export type Opaque = { readonly __opaque?: never } | object;

export interface StatusBarItemLike {
  text: string;
  tooltip: string | Opaque | undefined;
  backgroundColor: Opaque | undefined;
  command: string | undefined;
  name?: string;
  show(): void;
  hide(): void;
  dispose(): void;
}

export interface OutputLike {
  appendLine(line: string): void;
  show(preserveFocus?: boolean): void;
  dispose(): void;
}

/**
 * A log output channel (`window.createOutputChannel(name, { log: true })`): VS Code stamps each
 * line with the time and level, and the user picks the level shown ("Set Log Level…").
 */
export interface LogOutputLike extends OutputLike {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A folder of the workspace: its name (as the Explorer shows it) and its path on disk. */
export interface WorkspaceFolderLike {
  readonly name: string;
  readonly path: string;
}

export interface ProgressLike {
  report(value: { message?: string; increment?: number }): void;
}

export interface QuickPickItemLike {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly picked?: boolean;
}

export interface InputBoxOptionsLike {
  readonly title?: string;
  readonly prompt?: string;
  readonly value?: string;
  readonly placeHolder?: string;
  /** Returns an error message for bad input, or undefined. */
  readonly validateInput?: (value: string) => string | undefined;
}

export type ConfigTarget = 'workspace' | 'global';

export interface VscodeSurface {
  registerCommand(id: string, run: (...args: unknown[]) => unknown): Disposable;
  createStatusBarItem(): StatusBarItemLike;
  createOutput(name: string): LogOutputLike;
  /** `commands.executeCommand('setContext', key, value)`: a context key for `when` clauses. */
  setContext(key: string, value: boolean | number | string): void;
  /** A MarkdownString that may use codicons. */
  markdown(text: string): Opaque;
  /** `new ThemeColor(id)`. */
  themeColor(id: string): Opaque;

  /** Reads a setting by its full key (`labelwise.budget`). */
  getSetting(key: string): unknown;
  updateSetting(key: string, value: unknown, target: ConfigTarget): Promise<void>;
  /** Calls back when any `labelwise.*` setting changed. */
  onSettingsChanged(listener: () => void): Disposable;
  /**
   * Absolute path of the workspace folder Labelwise works in, if any: in a multi-root workspace the
   * first folder holding a label store, else the first folder (workspaceFolders.ts).
   */
  workspaceRoot(): string | undefined;
  /** Every folder of the workspace, in order. */
  workspaceFolders(): readonly WorkspaceFolderLike[];
  /** `workspace.isTrusted`: false in Restricted Mode. */
  isTrusted(): boolean;
  /** `workspace.onDidGrantWorkspaceTrust`: the user trusted the workspace (it never goes back without a reload). */
  onTrustGranted(listener: () => void): Disposable;

  showInfo(message: string, ...actions: string[]): Promise<string | undefined>;
  showWarning(message: string, ...actions: string[]): Promise<string | undefined>;
  showError(message: string, ...actions: string[]): Promise<string | undefined>;
  showInputBox(options: InputBoxOptionsLike): Promise<string | undefined>;
  showQuickPick<T extends QuickPickItemLike>(items: readonly T[], options: { title?: string; placeHolder?: string; canPickMany?: false }): Promise<T | undefined>;
  showOpenFile(options: { title: string; filters: Record<string, string[]> }): Promise<string | undefined>;
  showSaveFile(options: { title: string; defaultPath: string; filters: Record<string, string[]> }): Promise<string | undefined>;
  /** A cancellable progress notification; `signal` aborts when the user presses Cancel. */
  withProgress<T>(title: string, run: (progress: ProgressLike, signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Opens the Settings editor filtered to one setting. */
  openSettings(key: string): Promise<void>;
  /**
   * Opens a workspace file with the span selected: [start, end) are span offsets (for a JSONL
   * file into the record's text on `line`), mapped to the document by the span locator.
   */
  openSource(root: string, file: string, start: number, end: number, line?: number): Promise<void>;
}
