/**
 * Prodigy's task hashes. Prodigy's `set_hashes` gives each task an `_input_hash` (MurmurHash3 of
 * the input keys: text, image, html, input) and a `_task_hash` (MurmurHash3 of the task keys:
 * spans, label, options, arcs, prefixed with the input hash), both 32-bit signed integers, so that
 * two questions about the same text share an input hash and differ in task hash. Prodigy's exact
 * serialisation is not public; we hash the compact JSON of the present keys with sorted keys,
 * which gives stable values with the same grouping behaviour, not byte-identical Prodigy values.
 */

const INPUT_KEYS = ['text', 'image', 'html', 'input'] as const;
const TASK_KEYS = ['spans', 'label', 'options', 'arcs'] as const;

/** MurmurHash3 x86 32-bit of the UTF-8 bytes of `s`, as a signed 32-bit integer (like Python's `murmurhash.hash`). */
export function murmurhash3(s: string, seed = 0): number {
  const bytes = Buffer.from(s, 'utf8');
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const nblocks = bytes.length >>> 2;
  for (let i = 0; i < nblocks; i++) {
    let k = bytes.readUInt32LE(i * 4);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = nblocks * 4;
  const rest = bytes.length & 3;
  if (rest > 0) {
    // The last 1-3 bytes, little-endian, mixed like a block but without the h rotation.
    let k = 0;
    for (let j = rest - 1; j >= 0; j--) k = (k << 8) | bytes[tail + j];
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** JSON with object keys sorted at every level and no spaces. */
export function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function pick(task: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (task[k] !== undefined) out[k] = task[k];
  return out;
}

export interface ProdigyHashes {
  readonly _input_hash: number;
  readonly _task_hash: number;
}

/** The `_input_hash` and `_task_hash` of a Prodigy-style task. */
export function prodigyHashes(task: Record<string, unknown>): ProdigyHashes {
  const input = murmurhash3(sortedJson(pick(task, INPUT_KEYS)));
  const taskHash = murmurhash3(String(input) + sortedJson(pick(task, TASK_KEYS)));
  return { _input_hash: input, _task_hash: taskHash };
}
