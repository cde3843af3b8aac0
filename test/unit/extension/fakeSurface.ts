import type { Disposable } from '../../../src/core/types';
import type { InputBoxOptionsLike, LogOutputLike, ProgressLike, QuickPickItemLike, StatusBarItemLike, VscodeSurface, WorkspaceFolderLike } from '../../../src/extension/surface';

export interface FakeMarkdown {
  readonly markdown: string;
}
export interface FakeColor {
  readonly themeColor: string;
}

/** A recording stand-in for the VS Code API: what the adapter did, and scripted answers. */
export class FakeSurface implements VscodeSurface {
  readonly commands = new Map<string, (...args: unknown[]) => unknown>();
  readonly items: (StatusBarItemLike & { visible: boolean })[] = [];
  readonly lines: string[] = [];
  readonly messages: { level: 'info' | 'warning' | 'error'; text: string; actions: string[] }[] = [];
  readonly settings = new Map<string, unknown>();
  readonly updates: { key: string; value: unknown }[] = [];
  readonly progress: { title: string; reports: { message?: string; increment?: number }[] }[] = [];
  readonly opened: { file: string; start: number; end: number }[] = [];
  readonly settingListeners = new Set<() => void>();
  root: string | undefined;
  inputAnswers: (string | undefined)[] = [];
  pickAnswers: ((items: readonly QuickPickItemLike[]) => QuickPickItemLike | undefined)[] = [];
  openAnswer: string | undefined;
  saveAnswer: string | undefined;
  lastInput: InputBoxOptionsLike | undefined;

  registerCommand(id: string, run: (...args: unknown[]) => unknown): Disposable {
    if (this.commands.has(id)) throw new Error(`command ${id} registered twice`);
    this.commands.set(id, run);
    return { dispose: () => this.commands.delete(id) };
  }
  createStatusBarItem(): StatusBarItemLike {
    const item = {
      text: '',
      tooltip: undefined as StatusBarItemLike['tooltip'],
      backgroundColor: undefined as StatusBarItemLike['backgroundColor'],
      command: undefined as string | undefined,
      visible: false,
      show(): void {
        item.visible = true;
      },
      hide(): void {
        item.visible = false;
      },
      dispose(): void {
        item.visible = false;
      },
    };
    this.items.push(item);
    return item;
  }
  /** Log lines as `level message` (VS Code's log channel adds the time itself). */
  createOutput(_name: string): LogOutputLike {
    return {
      appendLine: (l) => this.lines.push(l),
      info: (m) => this.lines.push(`info ${m}`),
      warn: (m) => this.lines.push(`warn ${m}`),
      error: (m) => this.lines.push(`error ${m}`),
      show: () => undefined,
      dispose: () => undefined,
    };
  }
  /** Current value of each context key, and every setContext call in order. */
  readonly contexts = new Map<string, unknown>();
  readonly contextCalls: { key: string; value: unknown }[] = [];
  setContext(key: string, value: boolean | number | string): void {
    this.contexts.set(key, value);
    this.contextCalls.push({ key, value });
  }
  markdown(text: string): FakeMarkdown {
    return { markdown: text };
  }
  themeColor(id: string): FakeColor {
    return { themeColor: id };
  }
  getSetting(key: string): unknown {
    return this.settings.get(key);
  }
  async updateSetting(key: string, value: unknown): Promise<void> {
    this.updates.push({ key, value });
    this.settings.set(key, value);
    for (const l of this.settingListeners) l();
  }
  onSettingsChanged(listener: () => void): Disposable {
    this.settingListeners.add(listener);
    return { dispose: () => this.settingListeners.delete(listener) };
  }
  workspaceRoot(): string | undefined {
    return this.root;
  }
  /** The workspace's folders; unset, the one folder `root` (if any). */
  folders: WorkspaceFolderLike[] | undefined;
  workspaceFolders(): readonly WorkspaceFolderLike[] {
    return this.folders ?? (this.root ? [{ name: this.root.split('/').pop() ?? this.root, path: this.root }] : []);
  }
  /** False plays Restricted Mode; grantTrust() plays the user trusting the workspace. */
  trusted = true;
  readonly trustListeners = new Set<() => void>();
  isTrusted(): boolean {
    return this.trusted;
  }
  onTrustGranted(listener: () => void): Disposable {
    this.trustListeners.add(listener);
    return { dispose: () => this.trustListeners.delete(listener) };
  }
  grantTrust(): void {
    this.trusted = true;
    for (const l of this.trustListeners) l();
  }
  async showInfo(text: string, ...actions: string[]): Promise<string | undefined> {
    this.messages.push({ level: 'info', text, actions });
    return actions.length > 0 ? this.buttonAnswers.shift() : undefined;
  }
  async showWarning(text: string, ...actions: string[]): Promise<string | undefined> {
    this.messages.push({ level: 'warning', text, actions });
    return actions.length > 0 ? this.buttonAnswers.shift() : undefined;
  }
  async showError(text: string, ...actions: string[]): Promise<string | undefined> {
    this.messages.push({ level: 'error', text, actions });
    return actions.length > 0 ? this.buttonAnswers.shift() : undefined;
  }
  async showInputBox(options: InputBoxOptionsLike): Promise<string | undefined> {
    this.lastInput = options;
    return this.inputAnswers.shift();
  }
  async showQuickPick<T extends QuickPickItemLike>(items: readonly T[]): Promise<T | undefined> {
    const pick = this.pickAnswers.shift();
    return pick ? (pick(items) as T | undefined) : undefined;
  }
  async showOpenFile(): Promise<string | undefined> {
    return this.openAnswer;
  }
  lastSave: { title: string; defaultPath: string } | undefined;
  async showSaveFile(options: { title: string; defaultPath: string }): Promise<string | undefined> {
    this.lastSave = options;
    return this.saveAnswer;
  }
  async withProgress<T>(title: string, run: (progress: ProgressLike, signal: AbortSignal) => Promise<T>): Promise<T> {
    const rec = { title, reports: [] as { message?: string; increment?: number }[] };
    this.progress.push(rec);
    return run({ report: (v) => rec.reports.push(v) }, new AbortController().signal);
  }
  readonly settingsOpened: string[] = [];
  /** Scripted button presses for showError / showInfo, in order. */
  buttonAnswers: (string | undefined)[] = [];
  async openSettings(key: string): Promise<void> {
    this.settingsOpened.push(key);
  }
  async openSource(_root: string, file: string, start: number, end: number): Promise<void> {
    this.opened.push({ file, start, end });
  }
}
