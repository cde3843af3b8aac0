import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { SPAN_BUILDERS, SPAN_BUILT_DATASETS } from '../../../scripts/buildDatasets';
import { SPAN_DATASET_SPECS } from '../../../scripts/datasetSpecs';
import {
  API_ENTITY_LABELS,
  classifyReference,
  collectSymbols,
  emptySymbols,
  sampleSpanRecords,
  splitSentences,
  stripCodeMarks,
  type ApiSymbols,
  type SpanRec,
} from '../../../scripts/datasets/nodeApiEntities';
import { readGoldDataset } from '../../../src/core/text/dataset';

const DECLS = `
declare module 'fs' {
  interface Stats { size: number }
  class Dirent { name: string }
  function readFile(path: string, callback: (err: Error | null) => void): void;
  namespace promises { function rm(path: string): Promise<void>; }
}
declare module 'node:events' {
  class EventEmitter {
    on(event: 'close' | 'error', listener: () => void): this;
    once(eventName: 'data', listener: (chunk: Buffer) => void): this;
    emit(name: 'notAnEvent'): boolean;
  }
  type Listener = () => void;
  enum Mode { A }
}
interface Socket { setTimeout: (ms: number) => this; write(data: string): boolean }
`;

function symbolsOf(src: string): ApiSymbols {
  const s = emptySymbols();
  collectSymbols(ts.createSourceFile('x.d.ts', src, ts.ScriptTarget.Latest, true), s);
  return s;
}

describe('node-api-entities: the declarations as a symbol table', () => {
  const s = symbolsOf(DECLS);

  test('collectSymbols reads types, functions (and function-typed properties), modules without node:, event literals', () => {
    assert.deepEqual([...s.types].sort(), ['Dirent', 'EventEmitter', 'Listener', 'Mode', 'Socket', 'Stats']);
    assert.deepEqual([...s.functions].sort(), ['emit', 'on', 'once', 'readFile', 'rm', 'setTimeout', 'write']);
    assert.deepEqual([...s.modules].sort(), ['events', 'fs']);
    assert.deepEqual([...s.events].sort(), ['close', 'data', 'error']);
  });

  test('typesOnly (the ES lib) adds the types and nothing else', () => {
    const t = emptySymbols();
    collectSymbols(ts.createSourceFile('x.d.ts', DECLS, ts.ScriptTarget.Latest, true), t, { typesOnly: true });
    assert.equal(t.types.size, 6);
    assert.equal(t.functions.size + t.modules.size + t.events.size, 0);
  });

  test('classifyReference: each kind by its form and the table, anything undeclared is null', () => {
    const none = new Set<string>();
    assert.equal(classifyReference('fs.Dirent', s, none), 'TYPE');
    assert.equal(classifyReference('EventEmitter', s, none), 'TYPE');
    assert.equal(classifyReference('Buffer', s, none), null, 'not declared here');
    assert.equal(classifyReference('fs.readFile()', s, none), 'FUNCTION');
    assert.equal(classifyReference('promises.rm(path)', s, none), 'FUNCTION');
    assert.equal(classifyReference('socket.setTimeout()', s, none), 'FUNCTION');
    assert.equal(classifyReference('fs.nope()', s, none), null);
    assert.equal(classifyReference('node:events', s, none), 'MODULE');
    assert.equal(classifyReference('fs', s, none), 'MODULE');
    assert.equal(classifyReference("'close'", s, none), 'EVENT');
    assert.equal(classifyReference('"data"', s, none), 'EVENT');
    assert.equal(classifyReference("'utf8'", s, none), null);
    assert.equal(classifyReference("'notAnEvent'", s, none), null, 'only event/eventName parameters declare events');
    assert.equal(classifyReference('true', s, none), null);
    assert.equal(classifyReference('err.code', s, none), null);
    assert.equal(classifyReference('callback', s, new Set(['path', 'callback'])), 'PARAM');
    assert.equal(classifyReference('callback', s, none), null);
    assert.equal(classifyReference('fs', s, new Set(['fs'])), 'PARAM', "the documented declaration's parameter wins");
  });
});

describe('node-api-entities: sentences and spans', () => {
  test('splitSentences cuts after . ! ? before a capital, quote, bracket or code mark, never inside code', () => {
    assert.deepEqual(splitSentences('Calls `fs.readFile()` first. Then `Buffer.from(x). Y` is used! `fs` is old? yes. Next'), [
      'Calls `fs.readFile()` first.',
      'Then `Buffer.from(x). Y` is used!',
      '`fs` is old? yes.',
      'Next',
    ]);
  });

  test('stripCodeMarks drops the marks and keeps spans for the named code only, offsets into the new text', () => {
    const classify = (c: string): 'TYPE' | 'PARAM' | null => (c === 'Buffer' ? 'TYPE' : c === 'size' ? 'PARAM' : null);
    const out = stripCodeMarks('A `Buffer` of `size` bytes, or `true`.', classify);
    assert.deepEqual(out, {
      text: 'A Buffer of size bytes, or true.',
      spans: [
        { start: 2, end: 8, label: 'TYPE' },
        { start: 12, end: 16, label: 'PARAM' },
      ],
    });
    assert.equal(out.text.slice(out.spans[1].start, out.spans[1].end), 'size');
  });

  test('stripCodeMarks refuses unpaired marks, empty or padded code, and a name that runs into a word', () => {
    const classify = (): 'TYPE' => 'TYPE';
    assert.equal(stripCodeMarks('An `odd mark here.', classify), null);
    assert.equal(stripCodeMarks('Empty `` code.', classify), null);
    assert.equal(stripCodeMarks('Padded ` x` code.', classify), null);
    assert.equal(stripCodeMarks('Many `Buffer`s here.', classify), null);
    assert.equal(stripCodeMarks('Many `Buffer`s here.', () => null)?.text, 'Many Buffers here.', 'unnamed code may touch a word: no span to misplace');
  });

  test('sampleSpanRecords drops every copy of a repeated text and depends only on the seed', () => {
    const rec = (text: string): SpanRec => ({ text, spans: [], meta: {} });
    const recs = ['a', 'b', 'c', 'a', 'd', 'e', 'f'].map(rec);
    const out = sampleSpanRecords(recs, 10, 1);
    assert.deepEqual(out.map((r) => r.text).sort(), ['b', 'c', 'd', 'e', 'f']);
    assert.deepEqual(sampleSpanRecords(recs, 10, 1), out);
    assert.equal(sampleSpanRecords(recs, 3, 1).length, 3);
    assert.notDeepEqual(
      sampleSpanRecords(recs, 10, 2).map((r) => r.text),
      out.map((r) => r.text),
    );
  });
});

describe('node-api-entities: the built set', () => {
  const recs = SPAN_BUILDERS['node-api-entities']();

  test('listed in SPAN_DATASET_SPECS next to brown-names, and every built span spec has a builder', () => {
    assert.deepEqual(SPAN_DATASET_SPECS.filter((s) => s.built).map((s) => s.name).sort(), [...SPAN_BUILT_DATASETS].sort());
    assert.ok(SPAN_DATASET_SPECS.some((s) => s.name === 'brown-names' && !s.built));
  });

  test('a few thousand unique, tidy sentences; every label used; realistic density; read back as a spans dataset', () => {
    assert.ok(recs.length >= 3000 && recs.length <= 6000, `${recs.length} records`);
    assert.equal(new Set(recs.map((r) => r.text)).size, recs.length);
    const per = new Map<string, number>();
    let withSpans = 0;
    for (const r of recs) {
      assert.ok(r.text === r.text.trim() && !/\s{2}|`/.test(r.text), `untidy ${JSON.stringify(r.text)}`);
      assert.match(String(r.meta.source), /^@types\/node@\d+\.\d+\.\d+/);
      if (r.spans.length) withSpans++;
      let last = -1;
      for (const s of r.spans) {
        assert.ok(s.start > last && s.start < s.end && s.end <= r.text.length, `bad span in ${r.text}`);
        last = s.end - 1;
        per.set(s.label, (per.get(s.label) ?? 0) + 1);
      }
    }
    assert.deepEqual([...per.keys()].sort(), [...API_ENTITY_LABELS].sort());
    for (const [label, n] of per) assert.ok(n >= 100, `${label}: ${n}`);
    const share = withSpans / recs.length;
    assert.ok(share > 0.25 && share < 0.75, `share with entities ${share}`);
    const file = join(mkdtempSync(join(tmpdir(), 'lw-spands-')), 'node-api-entities.jsonl');
    writeFileSync(file, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const ds = readGoldDataset(file);
    assert.equal(ds.task, 'spans');
    assert.equal(ds.records.length, recs.length);
    assert.deepEqual([...ds.classes].sort(), [...API_ENTITY_LABELS].sort());
  });

  test('the same package data gives the same records in the same order', () => {
    assert.deepEqual(SPAN_BUILDERS['node-api-entities'](), recs);
  });
});
