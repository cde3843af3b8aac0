import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readCorpus } from '../../../src/core/text/corpus';
import { readTextFile } from '../../../src/core/text/readTextFile';
import { recordSpanId, spanId } from '../../../src/core/text/spanId';
import { documentRange, fileSpans, jsonTextMap, locateSource, recordOnLine, unitAt } from '../../../src/core/text/spanLocator';
import { carrySpans, keyText, textKey } from '../../../src/core/text/textKey';

const utf16le = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string): Buffer => {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
};

describe('span locator', () => {
  test('BOM, UTF-16 LE and UTF-16 BE files give the same spans, ids and offsets as the plain UTF-8 file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelwise-locator-'));
    try {
      const text = 'Première phrase ici.\r\nSecond sentence there.\r\n\r\nThird one, “quoted”.\r\n';
      writeFileSync(join(dir, 'a.txt'), text);
      writeFileSync(join(dir, 'b.txt'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
      writeFileSync(join(dir, 'c.txt'), utf16le(text));
      writeFileSync(join(dir, 'd.txt'), utf16be(text));
      const c = await readCorpus({ root: dir, include: ['*.txt'], exclude: [], granularity: 'sentence', maxFileSizeMB: 1 });
      const of = (f: string): [number, number, string][] => c.spans.filter((s) => s.file === f).map((s) => [s.start, s.end, s.text]);
      assert.equal(of('a.txt').length, 3);
      for (const f of ['b.txt', 'c.txt', 'd.txt']) {
        assert.deepEqual(of(f), of('a.txt'), f);
        const content = await readTextFile(join(dir, f), { maxBytes: 1e6 });
        for (const s of fileSpans(f, content, 'sentence').spans) {
          assert.equal(s.id, spanId(f, s.start, s.end, s.text));
          assert.equal(content.slice(s.start, s.end), s.text, 'offsets slice the decoded text');
          assert.deepEqual(documentRange(locateSource(f, content), undefined, s.start, s.end), { start: s.start, end: s.end });
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('JSONL: record offsets map to the raw line through quotes, escapes and non-ASCII', () => {
    const records = [
      { id: 1, text: 'He said "stop" and left.' },
      { meta: { text: 'nested, ignored' }, text: '  Tab\there, newline\nthere, back\\slash, é and 😀 and \u2028.' },
      { text: 'x', other: [1, { a: '"' }], more: null },
    ];
    const content = records.map((r) => JSON.stringify(r)).join('\r\n') + '\r\n{"no": "text"}\n\n{bad json\n';
    const src = locateSource('d/x.jsonl', content);
    assert.deepEqual(src.units.map((u) => u.line), [0, 1, 2]);
    assert.deepEqual(src.problems.map((p) => p.line), [3, 5]);
    const spans = fileSpans('d/x.jsonl', content, 'sentence').spans;
    assert.equal(spans.length, 3);
    for (const s of spans) {
      const unit = unitAt(src, s.line);
      assert.ok(unit);
      assert.equal(unit.text.slice(s.start, s.end), s.text);
      assert.equal(s.id, recordSpanId('d/x.jsonl', s.line, s.start, s.end, s.text));
      assert.equal(recordOnLine('d/x.jsonl', content, s.line)?.text, unit.text);
      // The document range holds exactly the JSON encoding of the span's text.
      const at = documentRange(src, s.line, s.start, s.end);
      assert.ok(at);
      assert.equal(content.slice(at.start, at.end), JSON.stringify(s.text).slice(1, -1), `line ${s.line}`);
    }
    const quoted = spans[0];
    const inner = quoted.text.indexOf('"stop"');
    const at = documentRange(src, 0, inner, inner + 6);
    assert.equal(content.slice(at?.start, at?.end), '\\"stop\\"');
    assert.equal(documentRange(src, 3, 0, 1), undefined, 'a line without a text string has no range');
  });

  test('JSONL: the last of duplicate "text" keys wins, as in JSON.parse', () => {
    const raw = '{"text": "first", "text": "se\\u0063ond"}';
    const map = jsonTextMap(raw);
    assert.ok(map);
    assert.equal(map.length, 'second'.length + 1);
    assert.equal(raw.slice(map[0], map[6]), 'se\\u0063ond');
  });

  test('the comparison key folds whitespace and NFC-normalises, and maps back to exact offsets', () => {
    const nfd = 'Cafe\u0301  au\r\nlait.';
    assert.equal(textKey(nfd), textKey('Café au lait.'));
    assert.equal(textKey(' Plain ASCII text. '), 'Plain ASCII text.');
    const k = keyText(nfd);
    const at = k.key.indexOf('au');
    assert.equal(nfd.slice(k.starts[at], k.ends[at + 1]), 'au');
    assert.deepEqual(carrySpans('Café au lait.', nfd, [{ start: 0, end: 4, label: 'X' }]), [{ start: 0, end: 5, label: 'X' }]);
  });
});
