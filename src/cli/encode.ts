// Placeholder until the encoder lands (owned by the runtime/encoder work).
export interface EncodeOptions {
  data: string;
  out: string;
  model: string;
  device: string;
}
export async function runEncode(_opts: EncodeOptions): Promise<void> {
  throw new Error('encode is not implemented yet');
}
