/**
 * The ONNX graph of a stack of softmax models' prediction pass, written as protobuf bytes by
 * hand (a dozen fields; no protobuf library needed at run time):
 *
 *   X [N, d] float32, W [d, M] float32, B [M] float32, shape [3] int64 = (0, G, K)
 *   Z = Gemm(X, W, B)          N × M logits, M = G·K (G models of K classes side by side)
 *   P = Transpose(Softmax(Reshape(Z, shape), axis = -1), perm = (1, 0, 2))   G × N × K
 *
 * so that each model's probabilities come out as one contiguous N × K block.
 *
 * The weights are inputs rather than initialisers, so one session serves every retrain and
 * every number of models and classes.
 */

/** Protobuf wire types. */
const Wire = { Varint: 0, Bytes: 2 } as const;
type Wire = (typeof Wire)[keyof typeof Wire];

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function key(field: number, wire: Wire): number[] {
  return varint(field * 8 + wire);
}

function intField(field: number, value: number): number[] {
  return [...key(field, Wire.Varint), ...varint(value)];
}

function bytesField(field: number, body: readonly number[]): number[] {
  return [...key(field, Wire.Bytes), ...varint(body.length), ...body];
}

function stringField(field: number, s: string): number[] {
  return bytesField(field, [...Buffer.from(s, 'utf8')]);
}

const FLOAT = 1;
const INT8 = 3;
const INT64 = 7;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

/** ValueInfoProto of a tensor; a string dim is symbolic, a number fixed. */
function valueInfo(name: string, elemType: number, dims: readonly (number | string)[]): number[] {
  const shape = dims.flatMap((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : stringField(2, d)));
  const tensor = [...intField(1, elemType), ...bytesField(2, shape)];
  return [...stringField(1, name), ...bytesField(2, bytesField(1, tensor))];
}

function node(op: string, inputs: readonly string[], outputs: readonly string[], attrs: readonly number[][] = []): number[] {
  return [...inputs.flatMap((i) => stringField(1, i)), ...outputs.flatMap((o) => stringField(2, o)), ...stringField(3, op.toLowerCase()), ...stringField(4, op), ...attrs.flatMap((a) => bytesField(5, a))];
}

function intsAttribute(name: string, values: readonly number[]): number[] {
  return [...stringField(1, name), ...values.flatMap((v) => intField(8, v)), ...intField(20, ATTRIBUTE_INTS)];
}

function intAttribute(name: string, value: number): number[] {
  // A negative axis is a two's-complement varint of 10 bytes; only -1 is used here.
  const v = value < 0 ? [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01] : varint(value);
  return [...stringField(1, name), ...key(3, Wire.Varint), ...v, ...intField(20, ATTRIBUTE_INT)];
}

/** The model's bytes (ONNX IR 8, opset 13). */
export function stackedSoftmaxModel(): Uint8Array {
  return modelOf([...bytesField(1, node('Gemm', ['X', 'W', 'B'], ['Z']))], [...bytesField(11, valueInfo('X', FLOAT, ['N', 'd']))]);
}

/**
 * The same pass over a compact pool (int8 codes Q [N, d] with one scale per row R [N, 1]),
 * dequantised inside ONNX Runtime: Z = (Cast(Q) · W) ⊙ R + B, since row r's logits s_r·(q_r · W) + b
 * equal (s_r·q_r) · W + b. The codes go in as they are held; no float32 copy of the rows is made
 * in JavaScript.
 */
export function stackedSoftmaxCompactModel(): Uint8Array {
  return modelOf(
    [
      ...bytesField(1, node('Cast', ['Q'], ['Xf'], [intAttribute('to', FLOAT)])),
      ...bytesField(1, node('MatMul', ['Xf', 'W'], ['Z0'])),
      ...bytesField(1, node('Mul', ['Z0', 'R'], ['Z1'])),
      ...bytesField(1, node('Add', ['Z1', 'B'], ['Z'])),
    ],
    [...bytesField(11, valueInfo('Q', INT8, ['N', 'd'])), ...bytesField(11, valueInfo('R', FLOAT, ['N', 1]))],
  );
}

/** The graph from the logits Z on (reshape, softmax, transpose), with its inputs' declarations. */
function modelOf(logits: readonly number[], inputs: readonly number[]): Uint8Array {
  const graph = [
    ...logits,
    ...bytesField(1, node('Reshape', ['Z', 'shape'], ['Z3'])),
    ...bytesField(1, node('Softmax', ['Z3'], ['S'], [intAttribute('axis', -1)])),
    ...bytesField(1, node('Transpose', ['S'], ['P'], [intsAttribute('perm', [1, 0, 2])])),
    ...stringField(2, 'labelwise_stacked_softmax'),
    ...inputs,
    ...bytesField(11, valueInfo('W', FLOAT, ['d', 'M'])),
    ...bytesField(11, valueInfo('B', FLOAT, ['M'])),
    ...bytesField(11, valueInfo('shape', INT64, [3])),
    ...bytesField(12, valueInfo('P', FLOAT, ['G', 'N', 'K'])),
  ];
  const model = [...intField(1, 8), ...stringField(2, 'labelwise'), ...bytesField(7, graph), ...bytesField(8, [...stringField(1, ''), ...intField(2, 13)])];
  return Uint8Array.from(model);
}
