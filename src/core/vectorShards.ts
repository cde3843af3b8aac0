import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parquetMetadata, parquetReadObjects, parquetSchema, type SchemaTree } from 'hyparquet';
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
const SHARD_EXTENSIONS = ['.arrow', '.arrows', '.feather', '.ipc', '.parquet'];

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
/** What the rows of all shards read so far agree on; acceptRow checks a row against it. */
interface ShardContext {
  readonly byId: Map<string, ShardRow>;
  readonly shardFiles: readonly string[];
  /** The shard being read. */
  shard: number;
  /** The vector width, set by the first row of the first shard. */
  cols: number | undefined;
  firstCols: string | undefined;
}

/** Checks one row (id, vector) of the current shard and adds it. Errors name shard, row and span. */
function acceptRow(ctx: ShardContext, row: number, id: string | null, v: Float32Array | Float64Array | null): void {
  const file = ctx.shardFiles[ctx.shard];
  const where = `${file}: row ${row}`;
  if (id === null) throw new InputError(`${where}: "${SPAN_ID_COLUMN}" is null`, file, row + 1);
  if (v === null) throw new InputError(`${where} (span ${id}): "${VECTOR_COLUMN}" is null`, file, row + 1);
  const n = v.length;
  if (ctx.cols === undefined) {
    ctx.cols = n;
    ctx.firstCols = where;
  }
  if (n !== ctx.cols) {
    throw new InputError(`${where} (span ${id}): the vector has ${n} dimensions but ${ctx.firstCols ?? ''} has ${ctx.cols}; every vector must have the same dimension`, file, row + 1);
  }
  if (n === 0) throw new InputError(`${where} (span ${id}): the vector is empty`, file, row + 1);
  for (let k = 0; k < n; k++) {
    // A NaN or infinite component poisons every dot product the learner takes with it.
    if (!Number.isFinite(v[k])) {
      throw new InputError(`${where} (span ${id}): component ${k} is ${String(v[k])}; every vector component must be a finite number`, file, row + 1);
    }
  }
  const seen = ctx.byId.get(id);
  if (seen) throw new InputError(`${where}: span ${id} is also in ${ctx.shardFiles[seen.shard]} row ${seen.row}; each span must have one vector`, file, row + 1);
  ctx.byId.set(id, { shard: ctx.shard, row, vector: v });
}

/** Reads one Arrow IPC shard into ctx, checking its columns and every row. */
function readShard(ctx: ShardContext): void {
  const file = ctx.shardFiles[ctx.shard];
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
      const id = isNull(idData, i) ? null : idText.toString('utf8', Number(idOffsets[idData.offset + i]), Number(idOffsets[idData.offset + i + 1]));
      if (id !== null && isNull(vd, i)) {
        acceptRow(ctx, row, id, null);
        continue;
      }
      let start: number;
      let end: number;
      if (fixed !== undefined) {
        start = (vd.offset + i) * fixed + child.offset;
        end = start + fixed;
      } else {
        start = Number(offsets![vd.offset + i]) + child.offset;
        end = Number(offsets![vd.offset + i + 1]) + child.offset;
      }
      acceptRow(ctx, row, id, values.subarray(start, end));
    }
    base += vd.length;
  }
}

/** Reads and checks every Arrow IPC shard of `path` (a shard file or a folder of them). */
export function readVectorShards(path: string): ShardVectors {
  const shardFiles = listShards(path);
  const ctx: ShardContext = { byId: new Map(), shardFiles, shard: 0, cols: undefined, firstCols: undefined };
  for (let s = 0; s < shardFiles.length; s++) {
    ctx.shard = s;
    if (isParquet(shardFiles[s])) throw new InputError(`${shardFiles[s]}: a Parquet shard; this reader takes Arrow IPC only`, shardFiles[s]);
    readShard(ctx);
  }
  return finish(path, ctx);
}

/** Reads and checks every shard of `path`, Arrow IPC or Parquet (Parquet is read asynchronously). */
export async function loadVectorShards(path: string): Promise<ShardVectors> {
  const shardFiles = listShards(path);
  const ctx: ShardContext = { byId: new Map(), shardFiles, shard: 0, cols: undefined, firstCols: undefined };
  for (let s = 0; s < shardFiles.length; s++) {
    ctx.shard = s;
    if (isParquet(shardFiles[s])) await readParquetShard(ctx);
    else readShard(ctx);
  }
  return finish(path, ctx);
}

function finish(path: string, ctx: ShardContext): ShardVectors {
  if (ctx.cols === undefined || ctx.byId.size === 0) throw new InputError(`${path}: the shards hold no vectors`, path);
  return { shardFiles: ctx.shardFiles, cols: ctx.cols, byId: ctx.byId };
}

/** The leaf of a Parquet LIST column (`vector` → list → element), or undefined when it is no list. */
function listLeaf(node: SchemaTree): SchemaTree | undefined {
  let repeated = false;
  let n = node;
  while (n.children.length === 1) {
    n = n.children[0];
    if (n.element.repetition_type === 'REPEATED') repeated = true;
  }
  return repeated && n.children.length === 0 ? n : undefined;
}

/**
 * Reads one Parquet shard into ctx with hyparquet: `span_id` a UTF8 string column, `vector` a
 * LIST of FLOAT or DOUBLE (Parquet has no fixed-size list; pyarrow and Spark write a LIST).
 * Parquet pages are encoded and compressed, so unlike Arrow IPC the values are decoded (copied).
 */
async function readParquetShard(ctx: ShardContext): Promise<void> {
  const file = ctx.shardFiles[ctx.shard];
  let buf: ArrayBuffer;
  let tree: SchemaTree;
  try {
    const b = readFileSync(file);
    buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    tree = parquetSchema(parquetMetadata(buf));
  } catch (e) {
    throw new InputError(`${file}: not a readable Parquet file (${(e as Error).message})`, file);
  }
  const columns = tree.children.map((c) => `${c.element.name}: ${c.element.type ?? c.element.converted_type ?? 'group'}`).join(', ');
  const idCol = tree.children.find((c) => c.element.name === SPAN_ID_COLUMN);
  const idOk = idCol !== undefined && idCol.children.length === 0 && idCol.element.type === 'BYTE_ARRAY' && (idCol.element.converted_type === 'UTF8' || idCol.element.logical_type?.type === 'STRING');
  if (!idOk) throw new InputError(`${file}: column "${SPAN_ID_COLUMN}" must be UTF8 strings (columns: ${columns})`, file);
  const vecCol = tree.children.find((c) => c.element.name === VECTOR_COLUMN);
  const leaf = vecCol && listLeaf(vecCol);
  if (!leaf || (leaf.element.type !== 'FLOAT' && leaf.element.type !== 'DOUBLE')) {
    throw new InputError(`${file}: column "${VECTOR_COLUMN}" must be a list of float32 (columns: ${columns})`, file);
  }
  let rows: Record<string, unknown>[];
  try {
    rows = (await parquetReadObjects({ file: buf, columns: [SPAN_ID_COLUMN, VECTOR_COLUMN] })) as Record<string, unknown>[];
  } catch (e) {
    throw new InputError(`${file}: cannot read the Parquet data (${(e as Error).message})`, file);
  }
  for (let row = 0; row < rows.length; row++) {
    const id = rows[row][SPAN_ID_COLUMN];
    const vec = rows[row][VECTOR_COLUMN];
    const v = vec === null || vec === undefined ? null : Float32Array.from(vec as ArrayLike<number>, (x) => (x === null ? NaN : x));
    acceptRow(ctx, row, typeof id === 'string' ? id : null, v);
  }
}

function isParquet(file: string): boolean {
  return file.toLowerCase().endsWith('.parquet');
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

/**
 * One Parquet file with `span_id` (UTF8) and `vector` (a LIST of FLOAT, the standard three-level
 * layout pyarrow and Spark read), written with hyparquet-writer.
 */
export function toParquetShard(ids: readonly string[], m: Matrix): Uint8Array {
  if (ids.length !== m.rows) throw new Error(`toParquetShard: ${ids.length} ids for ${m.rows} rows`);
  const vectors: Float32Array[] = [];
  for (let i = 0; i < m.rows; i++) vectors.push(m.data.subarray(i * m.cols, (i + 1) * m.cols));
  const buf = parquetWriteBuffer({
    columnData: [
      { name: SPAN_ID_COLUMN, data: ids as string[] },
      { name: VECTOR_COLUMN, data: vectors.map((v) => Array.from(v)) },
    ],
    schema: [
      { name: 'root', num_children: 2 },
      { name: SPAN_ID_COLUMN, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      { name: VECTOR_COLUMN, converted_type: 'LIST', repetition_type: 'REQUIRED', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
    ],
  });
  return new Uint8Array(buf);
}

export function writeParquetShard(file: string, ids: readonly string[], m: Matrix): void {
  try {
    writeFileSync(file, toParquetShard(ids, m));
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
