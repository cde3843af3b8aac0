// Types of models/buildEmbedded.mjs for the TypeScript tests that import it.
export declare const VOCAB_SIZE: number;
export declare const DIM: number;
export declare const MODEL_NAME: string;
export declare const modelPath: string;
export declare const vocabPath: string;
export declare function readGlove(file: string, count: number): { words: string[]; vectors: Float32Array; total: number };
export declare function quantise(vectors: Float32Array, rows: number, dim: number): { q: Int8Array; scale: Float32Array };
export declare const SIF_A: number;
export declare function sifConstant(total: number, a?: number): number;
export declare function buildGraph(q: Int8Array, scale: Float32Array, rows: number, sifC: number): Uint8Array;
export declare function buildEmbedded(opts?: { outDir?: string; count?: number }): { model: string; vocab: string; sha256: string; bytes: number };
export declare function sourcePath(): string;
export declare const OUTPUTS: readonly string[];
export declare function isCurrentModel(file: string): boolean;
