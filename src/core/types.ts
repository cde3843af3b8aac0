/** Shared value types of the core. Nothing here knows VS Code exists. */

export type Device = 'auto' | 'cpu' | 'cuda';
export const DEVICES: readonly Device[] = ['auto', 'cpu', 'cuda'];

export type Granularity = 'sentence' | 'paragraph' | 'line';
export const GRANULARITIES: readonly Granularity[] = ['sentence', 'paragraph', 'line'];

/** A dense row-major float32 matrix: row i is data[i*cols .. (i+1)*cols). */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

/** A candidate span of a workspace file, the unit a human labels. */
export interface CandidateSpan {
  /** Stable id: hash of file path, offsets and text (see text/spanId.ts). */
  readonly id: string;
  /** Workspace-relative path with forward slashes. */
  readonly file: string;
  /** UTF-16 offsets into the file's text, end exclusive. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Zero-based line of `start` in the file (for JSONL: the record's line). */
  readonly line: number;
}

/** Mirrors VS Code's Disposable so core code can name the contract without importing vscode. */
export interface Disposable {
  dispose(): void;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function rowOf(m: Matrix, i: number): Float32Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}
