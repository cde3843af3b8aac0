// Small helpers to build ONNX models with the `onnx-proto` package (protobufjs messages), shared
// by the embedded-model build and the tiny-BERT test fixture. Everything here is deterministic:
// the same arguments give the same bytes.
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;

function rawBytes(data) {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** An initializer tensor from a typed array (Float32Array, Int8Array, Int32Array, BigInt64Array). */
export function tensor(name, dims, data) {
  const dataType =
    data instanceof Float32Array ? DT.FLOAT
    : data instanceof Int8Array ? DT.INT8
    : data instanceof Int32Array ? DT.INT32
    : data instanceof BigInt64Array ? DT.INT64
    : data instanceof Uint8Array ? DT.UINT8
    : undefined;
  if (dataType === undefined) throw new Error(`tensor ${name}: unsupported data type`);
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`tensor ${name}: ${data.length} values for dims [${dims}]`);
  return onnx.TensorProto.create({ name, dims, dataType, rawData: rawBytes(data) });
}

export function int64s(name, values) {
  return tensor(name, [values.length], BigInt64Array.from(values.map((v) => BigInt(v))));
}

function attribute(name, value) {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? onnx.AttributeProto.create({ name, type: AT.INT, i: value }) : onnx.AttributeProto.create({ name, type: AT.FLOAT, f: value });
  }
  if (typeof value === 'string') return onnx.AttributeProto.create({ name, type: AT.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: AT.INTS, ints: value });
  if (value && value.float !== undefined) return onnx.AttributeProto.create({ name, type: AT.FLOAT, f: value.float });
  throw new Error(`attribute ${name}: unsupported value`);
}

/** A node; attrs values: integer → INT, other number or {float} → FLOAT, string → STRING, int[] → INTS. */
export function node(opType, inputs, outputs, attrs = {}, name = undefined) {
  return onnx.NodeProto.create({
    opType,
    input: inputs,
    output: outputs,
    name: name ?? `${opType}_${outputs[0]}`,
    attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
  });
}

/** A graph input/output; dims entries are numbers or symbolic names. */
export function valueInfo(name, elemType, dims) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

/** Serialises a model (IR 8, default opset `opset`) to bytes. */
export function encodeModel({ name, nodes, initializers, inputs, outputs, opset = 17, docString = '', metadata = {} }) {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'labelwise',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: opset }],
    docString,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value: String(value) })),
    graph: { name, node: nodes, initializer: initializers, input: inputs, output: outputs },
  });
  return onnx.ModelProto.encode(model).finish();
}
