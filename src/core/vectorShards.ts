import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Field, FixedSizeList, Float32, makeData, makeVector, Table, tableFromIPC, tableToIPC, Type, Utf8, vectorFromArray, type Data, type DataType } from 'apache-arrow';
import { InputError } from './errors';
import type { Matrix } from './types';

/**
 * Precomputed vectors as Apache Arrow IPC shards: what a distributed engine (Spark, Ray) writes
 * when it encodes a corpus too large for one machine. Each shard has a `span_id` column (utf8, the
 * ids the corpus reader gives) and a `vector` column (fixed-size list of float32; a variable list
 * or float64 is accepted and checked row by row). Errors name the shard file and the row.
 */

/** The column names of the layout (`labelwise encode --format arrow` writes them). */
export const SPAN_ID_COLUMN = 'span_id';
export const VECTOR_COLUMN = 'vector';
/** File endings read as Arrow IPC (file or stream format) in a folder of shards. */
const SHARD_EXTENSIONS = ['.arrow', '.arrows', '.feather', '.ipc'];

/** Where a row of the shards came from: index into `shardFiles` and the row within that shard. */
export interface ShardVectors {
  readonly shardFiles: readonly string[];
  readonly cols: number;
  /** Span id → its vector (a view into the shard's buffer where the layout allowed it). */
  readonly byId: ReadonlyMap<string, ShardRow>;
}

export interface ShardRow {
  readonly shard: number;
  readonly row: number;
  readonly vector: Float32Array | Float64Array;
}

/** The shard files of `path`: the file itself, or the Arrow files of a folder (sorted). */
export function listShards(path: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new InputError(`${path}: cannot read vector shards (${(e as Error).message})`, path);
  }
  if (!isDir) return [path];
  const files = readdirSync(path)
    .filter((f) => SHARD_EXTENSIONS.some((x) => f.toLowerCase().endsWith(x)))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) throw new InputError(`${path}: the folder holds no Arrow IPC shard (${SHARD_EXTENSIONS.join(', ')})`, path);
  return files;
}

function typeName(t: DataType | undefined): string {
  return t === undefined ? 'missing' : String(t);
}

function isFloatList(t: DataType): boolean {
  if (t.typeId !== Type.FixedSizeList && t.typeId !== Type.List && t.typeId !== Type.LargeList) return false;
  const child = (t as FixedSizeList).children[0]?.type as DataType | undefined;
  return child !== undefined && child.typeId === Type.Float && ((child as Float32).precision === 1 || (child as Float32).precision === 2);
}

function isNull(d: Data, i: number): boolean {
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return false;
  const bit = d.offset + i;
  return ((d.nullBitmap[bit >> 3] >> (bit & 7)) & 1) === 0;
}

/** Reads one shard into `byId`, checking its columns and every row. Returns the vector width. */
function readShard(file: string, shard: number, cols: number | undefined, firstCols: string | undefined, byId: Map<string, ShardRow>, shardFiles: readonly string[]): number | undefined {
  let table: Table;
  try {
    // readFileSync gives one buffer for the whole file; apache-arrow's reader makes the columns
    // views into it (no copy) whenever the buffers are aligned, as Arrow writers align them.
    table = tableFromIPC(readFileSync(file));
  } catch (e) {
    throw new InputError(`${file}: not a readable Arrow IPC file (${(e as Error).message})`, file);
  }
  const idField = table.schema.fields.find((f) => f.name === SPAN_ID_COLUMN);
  const vecField = table.schema.fields.find((f) => f.name === VECTOR_COLUMN);
  const columns = table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`).join(', ');
  if (!idField || (idField.type.typeId !== Type.Utf8 && idField.type.typeId !== Type.LargeUtf8)) {
    throw new InputError(`${file}: column "${SPAN_ID_COLUMN}" must be utf8 strings (it is ${typeName(idField?.type)}; columns: ${columns})`, file);
  }
  if (!vecField || !isFloatList(vecField.type)) {
    throw new InputError(`${file}: column "${VECTOR_COLUMN}" must be a fixed-size list of float32 (it is ${typeName(vecField?.type)}; columns: ${columns})`, file);
  }
  const ids = table.getChild(SPAN_ID_COLUMN)!;
  const vecs = table.getChild(VECTOR_COLUMN)!;
  let width = cols;
  let base = 0;
  if (ids.data.length !== vecs.data.length || ids.data.some((d, c) => d.length !== vecs.data[c].length)) {
    throw new InputError(`${file}: the "${SPAN_ID_COLUMN}" and "${VECTOR_COLUMN}" columns are not cut into the same record batches`, file);
  }
  // The two columns of one record batch have the same length; walk chunk by chunk.
  for (let c = 0; c < vecs.data.length; c++) {
    const vd = vecs.data[c];
    const child = vd.children[0];
    const values = child.values as Float32Array | Float64Array;
    const fixed = vd.type.typeId === Type.FixedSizeList ? (vd.type as FixedSizeList).listSize : undefined;
    const offsets = vd.valueOffsets as Int32Array | BigInt64Array | undefined;
    // The columns of a table are cut into the same record batches; ids decoded straight from the
    // chunk's bytes (Vector.get would find the chunk again for every row).
    const idData = ids.data[c];
    const idOffsets = idData.valueOffsets as Int32Array | BigInt64Array;
    const idBytes = idData.values as Uint8Array;
    const idText = Buffer.from(idBytes.buffer, idBytes.byteOffset, idBytes.byteLength);
    for (let i = 0; i < vd.length; i++) {
      const row = base + i;
      const where = `${file}: row ${row}`;
      const id = isNull(idData, i) ? null : idText.toString('utf8', Number(idOffsets[idData.offset + i]), Number(idOffsets[idData.offset + i + 1]));
      if (id === null) throw new InputError(`${where}: "${SPAN_ID_COLUMN}" is null`, file, row + 1);
      if (isNull(vd, i)) throw new InputError(`${where} (span ${id}): "${VECTOR_COLUMN}" is null`, file, row + 1);
      let start: number;
      let end: number;
      if (fixed !== undefined) {
        start = (vd.offset + i) * fixed + child.offset;
        end = start + fixed;
      } else {
        start = Number(offsets![vd.offset + i]) + child.offset;
        end = Number(offsets![vd.offset + i + 1]) + child.offset;
      }
      const n = end - start;
      if (width === undefined) width = n;
      if (n !== width) {
        const first = firstCols ?? `${file}: row 0`;
        throw new InputError(`${where} (span ${id}): the vector has ${n} dimensions but ${first} has ${width}; every vector must have the same dimension`, file, row + 1);
      }
      if (n === 0) throw new InputError(`${where} (span ${id}): the vector is empty`, file, row + 1);
      const v = values.subarray(start, end);
      for (let k = 0; k < n; k++) {
        // A NaN or infinite component poisons every dot product the learner takes with it.
        if (!Number.isFinite(v[k])) {
          throw new InputError(`${where} (span ${id}): component ${k} is ${String(v[k])}; every vector component must be a finite number`, file, row + 1);
        }
      }
      const seen = byId.get(id);
      if (seen) {
        throw new InputError(`${where}: span ${id} is also in ${shardFiles[seen.shard]} row ${seen.row}; each span must have one vector`, file, row + 1);
      }
      byId.set(id, { shard, row, vector: v });
    }
    base += vd.length;
  }
  return width;
}

/** Reads and checks every shard of `path` (a shard file or a folder of them). */
export function readVectorShards(path: string): ShardVectors {
  const shardFiles = listShards(path);
  const byId = new Map<string, ShardRow>();
  let cols: number | undefined;
  let firstCols: string | undefined;
  for (let s = 0; s < shardFiles.length; s++) {
    const w = readShard(shardFiles[s], s, cols, firstCols, byId, shardFiles);
    if (cols === undefined && w !== undefined) {
      cols = w;
      firstCols = `${shardFiles[s]}: row 0`;
    }
  }
  if (cols === undefined || byId.size === 0) throw new InputError(`${path}: the shards hold no vectors`, path);
  return { shardFiles, cols, byId };
}

/**
 * The vectors of `ids`, in that order, as one matrix (the one copy: rows gathered into corpus
 * order). Every id must have a vector, and every shard row must be one of `ids` — a row for a span
 * the corpus does not have means the shards were made from another version of the corpus.
 * `describe(i)` names span i for an error (e.g. its file and line).
 */
export function gatherShardVectors(shards: ShardVectors, ids: readonly string[], describe: (i: number) => string, source: string): Matrix {
  const { cols, byId } = shards;
  const data = new Float32Array(ids.length * cols);
  let missing = 0;
  let firstMissing = -1;
  let found = 0;
  for (let i = 0; i < ids.length; i++) {
    const r = byId.get(ids[i]);
    if (!r) {
      if (missing++ === 0) firstMissing = i;
      continue;
    }
    found++;
    data.set(r.vector, i * cols);
  }
  if (missing > 0) {
    throw new InputError(
      `${source}: ${missing} of ${ids.length} spans have no vector in the shards, e.g. ${describe(firstMissing)} (span id ${ids[firstMissing]}); re-encode the corpus (labelwise encode --format arrow) or add those spans`,
      source,
    );
  }
  // Span ids of a corpus are distinct, so every row was used exactly when the counts agree; only
  // otherwise look for the rows no span asked for.
  let unknown = 0;
  let firstUnknown: [string, ShardRow] | undefined;
  if (found !== byId.size) {
    const wanted = new Set(ids);
    for (const e of byId) {
      if (!wanted.has(e[0])) {
        unknown++;
        firstUnknown ??= e;
      }
    }
  }
  if (firstUnknown) {
    const [id, r] = firstUnknown;
    throw new InputError(
      `${shards.shardFiles[r.shard]}: row ${r.row}: span id ${id} is not a span of the corpus (${unknown} such row${unknown === 1 ? '' : 's'} in ${source}); the shards were made from another version of the corpus or other settings`,
      shards.shardFiles[r.shard],
      r.row + 1,
    );
  }
  return { rows: ids.length, cols, data };
}

/** One Arrow IPC file (file format) with `span_id` and `vector` (fixed-size list of float32). */
export function toArrowShard(ids: readonly string[], m: Matrix): Uint8Array {
  if (ids.length !== m.rows) throw new Error(`toArrowShard: ${ids.length} ids for ${m.rows} rows`);
  const values = makeData({ type: new Float32(), length: m.rows * m.cols, data: m.data.subarray(0, m.rows * m.cols) });
  const listType = new FixedSizeList(m.cols, new Field('item', new Float32(), false));
  const vectors = makeVector(makeData({ type: listType, length: m.rows, nullCount: 0, child: values }));
  const table = new Table({ [SPAN_ID_COLUMN]: vectorFromArray(ids as string[], new Utf8()), [VECTOR_COLUMN]: vectors });
  return tableToIPC(table, 'file');
}

export function writeArrowShard(file: string, ids: readonly string[], m: Matrix): void {
  try {
    writeFileSync(file, toArrowShard(ids, m));
  } catch (e) {
    throw new InputError(`${file}: cannot write the vectors (${(e as Error).message})`, file);
  }
}

/** True when `path` names Arrow shards (a folder, or a file with an Arrow ending) rather than a .npy. */
export function isShardPath(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return true;
  } catch {
    return false;
  }
  const name = basename(path).toLowerCase();
  return SHARD_EXTENSIONS.some((x) => name.endsWith(x));
}
