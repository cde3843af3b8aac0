// Types for scripts/installCodeServer.mjs (imported by the TypeScript e2e suite).
export interface AptNeed {
  readonly pkg: string;
  readonly file: string;
  readonly altFile?: string;
  readonly why: string;
}
export const codeServerVersion: string;
export function cacheRoot(): string;
export function codeServerDir(): string;
export function codeServerEntry(): string;
export function isCodeServerInstalled(): boolean;
export function missingAptPackages(options?: { withChromium?: boolean }): AptNeed[];
export function aptHint(missing: readonly AptNeed[]): string;
export function ensureCodeServer(options?: { quiet?: boolean }): Promise<string>;
/** Prefix holding include/node/node.h for the Node at `execPath`, or undefined. */
export function localNodeHeaders(execPath?: string): string | undefined;
/** Environment of the nested npm install of code-server (nodedir set when local headers exist). */
export function installEnv(base: NodeJS.ProcessEnv, tmp: string, execPath?: string): NodeJS.ProcessEnv;
