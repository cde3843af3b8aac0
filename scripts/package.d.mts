// Types for scripts/package.mjs (imported by the TypeScript e2e suite).
export interface ZipEntry {
  readonly name: string;
  readonly size: number;
  readonly compressed: number;
}
export const repoRoot: string;
export const vsixTarget: string;
export function vsixPath(): string;
export function buildProduction(): void;
export function packageVsix(): string;
export const maxVsixBytes: number;
export function packNativeLibrary(): Promise<string>;
export function listZip(file: string): Promise<ZipEntry[]>;
export function manifestAssets(pkg?: unknown): string[];
export function checkVsixEntries(entries: readonly ZipEntry[]): string[];
export function summarize(file: string, entries: readonly ZipEntry[]): string;
export function ensureVsix(options?: { force?: boolean }): Promise<string>;
