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
