// Types for scripts/codeServer.mjs (imported by the TypeScript e2e suite).
export interface RunLayout {
  readonly root: string;
  readonly extensionsDir: string;
  readonly userDataDir: string;
  readonly home: string;
  readonly xdgConfig: string;
  readonly xdgData: string;
  readonly xdgCache: string;
  readonly xdgRuntime: string;
  readonly tmp: string;
  readonly logFile: string;
}
export interface RunningCodeServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) when the server process ends. */
  readonly exited: Promise<number | string | null>;
  stop(): Promise<void>;
}
export function runLayout(root: string): RunLayout;
export function makeRunDirs(layout: RunLayout): void;
export function runEnv(layout: RunLayout, base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export const chromiumPath: string;
export const chromiumArgs: readonly string[];
export const quietSettings: Readonly<Record<string, unknown>>;
export function writeUserSettings(layout: RunLayout, extra?: Record<string, unknown>): void;
export function freePort(): Promise<number>;
export function installExtension(entry: string, layout: RunLayout, vsix: string): Promise<string>;
export function logTail(file: string, lines?: number): string;
export function startCodeServer(options: {
  entry: string;
  layout: RunLayout;
  workspace?: string;
  port?: number;
  host?: string;
  timeoutMs?: number;
}): Promise<RunningCodeServer>;
export function folderUrl(base: string, folder: string): string;
