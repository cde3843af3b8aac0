// Types of models/onnxGraph.mjs for the TypeScript tests that import it (only what they use).
/** Opaque protobufjs messages: built by these helpers and passed back to them. */
export type OnnxNode = { readonly __onnxNode: true };
export type OnnxValueInfo = { readonly __onnxValueInfo: true };
export type OnnxTensor = { readonly __onnxTensor: true };
export declare const DT: { readonly FLOAT: number; readonly INT32: number; readonly INT64: number; readonly INT8: number; readonly UINT8: number };
export declare function node(opType: string, inputs: string[], outputs: string[], attrs?: Record<string, number | string | number[] | { float: number }>, name?: string): OnnxNode;
export declare function valueInfo(name: string, elemType: number, dims: (number | string)[]): OnnxValueInfo;
export declare function encodeModel(m: {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  opset?: number;
  docString?: string;
  metadata?: Record<string, string | number>;
}): Uint8Array;
