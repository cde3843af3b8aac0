import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Field, FixedSizeList, Float32, Float64, Int32, List, makeBuilder, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct, Utf8, type DataType } from 'apache-arrow';
import { InputError } from '../../src/core/errors';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { gatherShardVectors, isShardPath, loadVectorShards, readVectorShards, writeArrowShard, writeParquetShard } from '../../src/core/vectorShards';

const dir = mkdtempSync(join(tmpdir(), 'lw-shards-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fixtures = join(__dirname, '..', 'fixtures', 'shards');

type Col = [name: string, type: DataType, values: unknown[]];

/** An Arrow IPC file written by apache-arrow's builders (not by toArrowShard), with any columns. */
function shard(name: string, cols: Col[]): string {
  const schema = new Schema(cols.map(([n, t]) => new Field(n, t, true)));
  const children = cols.map(([, t, values]) => {
    const b = makeBuilder({ type: t, nullValues: [null] });
    for (const v of values) b.append(v);
    return b.finish().flush();
  });
  const w = new RecordBatchFileWriter();
  w.write(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: children[0].length, nullCount: 0, children })));
  w.finish();
  const p = join(dir, name);
  writeFileSync(p, w.toUint8Array(true));
  return p;
}

const f32list = (n: number): FixedSizeList => new FixedSizeList(n, new Field('item', new Float32(), true));
const f32var = (): List => new List(new Field('item', new Float32(), true));

function rejects(fn: () => unknown, file: string, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(InputError.is(e), String(e));
    assert.ok(e.message.includes(file), `${e.message} should name ${file}`);
    assert.match(e.message, re);
    return true;
  });
}

describe('Arrow IPC vector shards', () => {
  test('reads the committed fixtures: stream + file format, list<float64> and fixed-size list<float32>, extra columns', () => {
    const s = readVectorShards(fixtures);
    assert.deepEqual(s.shardFiles.map((f) => basename(f)), ['part-0.arrows', 'part-1.arrow']);
    assert.equal(s.cols, 3);
    const m = gatherShardVectors(s, ['e', 'c', 'a', 'd', 'b'], (i) => `#${i}`, fixtures);
    assert.deepEqual(Array.from(m.data), [4, 5, 6, -7, 8.5, 0.125, 0.5, -1, 2, 1, 2, 3, Math.fround(1e-3), 0, 3.25]);
    assert.equal(isShardPath(fixtures), true);
    assert.equal(isShardPath(join(fixtures, 'part-1.arrow')), true);
    assert.equal(isShardPath(join(dir, 'x.npy')), false);
  });

  test('round trip: toArrowShard writes span_id + fixed-size list<float32> that reads back exactly, the vectors a view of the file', () => {
    const rows = 1000;
    const cols = 5;
    const data = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i) * 3);
    const ids = Array.from({ length: rows }, (_, i) => `s${i}`);
    const file = join(dir, 'rt.arrow');
    writeArrowShard(file, ids, { rows, cols, data });
    const s = readVectorShards(file);
    assert.equal(s.cols, cols);
    const r = s.byId.get('s2')!;
    assert.equal(r.row, 2);
    assert.ok(r.vector instanceof Float32Array);
    // Zero-copy: the row is a view into the one buffer the whole file was read into.
    assert.equal(r.vector.buffer.byteLength, statSync(file).size);
    assert.equal(s.byId.get('s999')!.vector.buffer, r.vector.buffer);
    const m = gatherShardVectors(s, ids, String, file);
    assert.deepEqual(m.data, data);
  });

  test('wrong column types name the shard and the columns', () => {
    rejects(() => readVectorShards(shard('noid.arrow', [['id', new Utf8(), ['a']], ['vector', f32list(2), [[1, 2]]]])), 'noid.arrow', /column "span_id" must be utf8 strings \(it is missing; columns: id: Utf8/);
    rejects(() => readVectorShards(shard('intid.arrow', [['span_id', new Int32(), [1]], ['vector', f32list(2), [[1, 2]]]])), 'intid.arrow', /"span_id" must be utf8 strings \(it is Int32/);
    rejects(() => readVectorShards(shard('novec.arrow', [['span_id', new Utf8(), ['a']]])), 'novec.arrow', /column "vector" must be a fixed-size list of float32 \(it is missing/);
    rejects(
      () => readVectorShards(shard('intvec.arrow', [['span_id', new Utf8(), ['a']], ['vector', new FixedSizeList(2, new Field('item', new Int32(), true)), [[1, 2]]]])),
      'intvec.arrow',
      /"vector" must be a fixed-size list of float32 \(it is FixedSizeList\[2\]<Int32>/,
    );
    rejects(() => readVectorShards(shard('flat.arrow', [['span_id', new Utf8(), ['a']], ['vector', new Float64(), [1]]])), 'flat.arrow', /"vector" must be a fixed-size list/);
  });

  test('mixed dimensions within a shard and across shards name shard and row', () => {
    rejects(
      () => readVectorShards(shard('mixed.arrow', [['span_id', new Utf8(), ['a', 'b', 'c']], ['vector', f32var(), [[1, 2], [3, 4], [5, 6, 7]]]])),
      'mixed.arrow: row 2 (span c)',
      /has 3 dimensions but .*mixed\.arrow: row 0 has 2/,
    );
    const two = join(dir, 'two');
    mkdirSync(two);
    writeArrowShard(join(two, 'p0.arrow'), ['a'], { rows: 1, cols: 2, data: Float32Array.of(1, 2) });
    writeArrowShard(join(two, 'p1.arrow'), ['b', 'c'], { rows: 2, cols: 3, data: Float32Array.of(1, 2, 3, 4, 5, 6) });
    rejects(() => readVectorShards(two), 'p1.arrow: row 0 (span b)', /has 3 dimensions but .*p0\.arrow: row 0 has 2/);
  });

  test('non-finite values and nulls name shard, row and span', () => {
    rejects(() => readVectorShards(shard('nan.arrow', [['span_id', new Utf8(), ['a', 'b', 'c']], ['vector', f32list(2), [[1, 2], [3, 4], [5, NaN]]]])), 'nan.arrow: row 2 (span c)', /component 1 is NaN/);
    rejects(() => readVectorShards(shard('inf.arrow', [['span_id', new Utf8(), ['a', 'b']], ['vector', new List(new Field('x', new Float64(), true)), [[1, 2], [-Infinity, 4]]]])), 'inf.arrow: row 1 (span b)', /component 0 is -Infinity/);
    rejects(() => readVectorShards(shard('nullvec.arrow', [['span_id', new Utf8(), ['a', 'b']], ['vector', f32list(2), [[1, 2], null]]])), 'nullvec.arrow: row 1 (span b)', /"vector" is null/);
    rejects(() => readVectorShards(shard('nullid.arrow', [['span_id', new Utf8(), ['a', null]], ['vector', f32list(2), [[1, 2], [3, 4]]]])), 'nullid.arrow: row 1', /"span_id" is null/);
  });

  test('a span twice, a span of the corpus without a vector, and a row for no span of the corpus', () => {
    const dup = join(dir, 'dup');
    mkdirSync(dup);
    writeArrowShard(join(dup, 'p0.arrow'), ['a', 'b'], { rows: 2, cols: 1, data: Float32Array.of(1, 2) });
    writeArrowShard(join(dup, 'p1.arrow'), ['c', 'b'], { rows: 2, cols: 1, data: Float32Array.of(3, 4) });
    rejects(() => readVectorShards(dup), 'p1.arrow: row 1', /span b is also in .*p0\.arrow row 1/);

    const file = join(dir, 'abc.arrow');
    writeArrowShard(file, ['a', 'b', 'c'], { rows: 3, cols: 1, data: Float32Array.of(1, 2, 3) });
    const s = readVectorShards(file);
    rejects(() => gatherShardVectors(s, ['a', 'x', 'b', 'c', 'y'], (i) => `notes.jsonl:${i + 1}`, 'the corpus'), 'the corpus', /2 of 5 spans have no vector in the shards, e\.g\. notes\.jsonl:2 \(span id x\)/);
    rejects(() => gatherShardVectors(s, ['a', 'c'], String, 'the corpus'), 'abc.arrow: row 1', /span id b is not a span of the corpus \(1 such row in the corpus\)/);
  });

  test('not Arrow, an empty folder, a missing path', () => {
    writeFileSync(join(dir, 'junk.arrow'), 'not arrow at all');
    rejects(() => readVectorShards(join(dir, 'junk.arrow')), 'junk.arrow', /not a readable Arrow IPC file/);
    mkdirSync(join(dir, 'empty'));
    rejects(() => readVectorShards(join(dir, 'empty')), 'empty', /holds no Arrow IPC shard/);
    rejects(() => readVectorShards(join(dir, 'absent')), 'absent', /cannot read vector shards/);
  });

  test('Parquet: the committed fixture (hyparquet-writer, optional list<double>, two row groups) and a round trip', async () => {
    const pqFixtures = join(__dirname, '..', 'fixtures', 'shards-parquet');
    const s = await loadVectorShards(pqFixtures);
    assert.equal(s.cols, 3);
    const m = gatherShardVectors(s, ['c', 'a', 'b'], String, pqFixtures);
    assert.deepEqual(Array.from(m.data), [-7, 8.5, 0.125, 0.5, -1, 2, Math.fround(1e-3), 0, 3.25]);
    // The synchronous reader takes Arrow only, and says so.
    rejects(() => readVectorShards(pqFixtures), 'part-0.parquet', /Arrow IPC only/);
    const mixed = join(dir, 'mixed-formats');
    mkdirSync(mixed);
    const data = Float32Array.from({ length: 50 * 4 }, (_, i) => Math.cos(i));
    const ids = Array.from({ length: 50 }, (_, i) => `p${i}`);
    writeParquetShard(join(mixed, 'a.parquet'), ids.slice(0, 20), { rows: 20, cols: 4, data: data.slice(0, 80) });
    writeArrowShard(join(mixed, 'b.arrow'), ids.slice(20), { rows: 30, cols: 4, data: data.slice(80) });
    assert.deepEqual(gatherShardVectors(await loadVectorShards(mixed), ids, String, mixed).data, data);
  });

  test('Parquet: wrong column types, NaN and a null vector name the shard and row', async () => {
    const pq = (name: string, columnData: { name: string; data: unknown[] }[], schema: Record<string, unknown>[]): string => {
      const p = join(dir, name);
      writeFileSync(p, new Uint8Array(parquetWriteBuffer({ columnData, schema } as unknown as Parameters<typeof parquetWriteBuffer>[0])));
      return p;
    };
    const list = (type: string): Record<string, unknown>[] => [
      { name: 'vector', converted_type: 'LIST', repetition_type: 'OPTIONAL', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type, repetition_type: 'OPTIONAL' },
    ];
    const id = { name: 'span_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' };
    const root = { name: 'root', num_children: 2 };
    const bad = async (file: string, where: string, re: RegExp): Promise<void> => {
      await assert.rejects(loadVectorShards(file), (e: unknown) => InputError.is(e) && e.message.includes(where) && re.test(e.message));
    };
    await bad(pq('intid.parquet', [{ name: 'span_id', data: [1] }, { name: 'vector', data: [[1, 2]] }], [root, { name: 'span_id', type: 'INT32', repetition_type: 'REQUIRED' }, ...list('FLOAT')]), 'intid.parquet', /"span_id" must be UTF8 strings \(columns: span_id: INT32/);
    await bad(pq('intvec.parquet', [{ name: 'span_id', data: ['a'] }, { name: 'vector', data: [[1, 2]] }], [root, id, ...list('INT32')]), 'intvec.parquet', /"vector" must be a list of float32/);
    await bad(pq('flat.parquet', [{ name: 'span_id', data: ['a'] }, { name: 'vector', data: [1.5] }], [root, id, { name: 'vector', type: 'FLOAT', repetition_type: 'REQUIRED' }]), 'flat.parquet', /"vector" must be a list of float32/);
    await bad(pq('nan.parquet', [{ name: 'span_id', data: ['a', 'b'] }, { name: 'vector', data: [[1, 2], [3, NaN]] }], [root, id, ...list('FLOAT')]), 'nan.parquet: row 1 (span b)', /component 1 is NaN/);
    await bad(pq('null.parquet', [{ name: 'span_id', data: ['a', 'b'] }, { name: 'vector', data: [[1, 2], null] }], [root, id, ...list('DOUBLE')]), 'null.parquet: row 1 (span b)', /"vector" is null/);
    await bad(pq('dims.parquet', [{ name: 'span_id', data: ['a', 'b'] }, { name: 'vector', data: [[1, 2], [3, 4, 5]] }], [root, id, ...list('FLOAT')]), 'dims.parquet: row 1 (span b)', /has 3 dimensions but .*dims\.parquet: row 0 has 2/);
    writeFileSync(join(dir, 'junk.parquet'), 'PAR1 not really');
    await bad(join(dir, 'junk.parquet'), 'junk.parquet', /not a readable Parquet file/);
  });
});
