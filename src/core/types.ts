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

/**
 * The same rows held compactly: int8 codes with one float32 scale per row, row i ≈ codes[i·cols ..
 * (i+1)·cols) × scales[i] (the scale is the row's largest magnitude / 127, so each entry is off by at
 * most half a step, scales[i] / 2). A quarter of a Matrix's memory; the engine keeps its pool so
 * (src/core/features/compactVectors.ts), and its kernels dequantise a block of rows at a time.
 */
export interface CompactMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly codes: Int8Array;
  readonly scales: Float32Array;
}

/** Vectors as the engine, its learners and strategies read them: dense or compact. */
export type Vectors = Matrix | CompactMatrix;

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
