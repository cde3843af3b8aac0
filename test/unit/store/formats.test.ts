import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportLabels, importLabels, detectFormat, EXPORT_FORMATS, SPAN_ONLY_FORMATS, type ExportFormat } from '../../../src/core/store/formats/labelFormats';

/** The formats that hold every kind of decision (span-only ones are tested in spanFormats.test.ts). */
const ALL_DECISION_FORMATS = EXPORT_FORMATS.filter((f) => !SPAN_ONLY_FORMATS.includes(f));
import { ImportError, createTextLookup } from '../../../src/core/store/formats/importRecords';
import { murmurhash3, prodigyHashes } from '../../../src/core/store/formats/prodigyHash';
import { parseHfLabelNames, hfSidecarPath } from '../../../src/core/store/formats/hfFormat';
import { LabelState } from '../../../src/core/store/labelState';
import { recordSpanId, spanId } from '../../../src/core/text/spanId';
import type { LabelEvent } from '../../../src/core/store/events';
import type { CandidateSpan } from '../../../src/core/types';

function ev(file: string, start: number, text: string, label: string | null, extra: Partial<LabelEvent> = {}): LabelEvent {
  const end = start + text.length;
  return {
    id: spanId(file, start, end, text),
    source: { file, start, end, line: 0 },
    text,
    label,
    spans: [],
    answer: label === null ? 'reject' : 'accept',
    annotator: 'alice',
    strategy: 'margin',
    score: 0.25,
    ts: '2026-11-23T10:00:00.000Z',
    ...extra,
  };
}

// Texts chosen to stress quoting: commas, quotes, newlines, non-ASCII, leading spaces.
const decisions: LabelEvent[] = [
  ev('data/a.txt', 0, 'Stocks fell, again.', 'finance'),
  ev('data/a.txt', 20, 'He said "no".\nThen left.', 'news', { annotator: 'bob', score: null, strategy: null }),
  ev('data/b.md', 5, '  Café ünïcode — ok ', 'news'),
  ev('data/b.md', 40, 'Not a sentence', null),
  // A rejected guess (Prodigy's binary answer): the label it turned down travels with it.
  ev('data/b.md', 70, 'Rates are up.', 'finance', { answer: 'reject' }),
];

/** The fields every format carries. */
function essentials(e: LabelEvent): unknown {
  return { id: e.id, source: { file: e.source.file, start: e.source.start, end: e.source.end }, text: e.text, label: e.label, spans: e.spans, answer: e.answer };
}

describe('export → import round trips', () => {
  for (const format of ALL_DECISION_FORMATS) {
    test(`${format}: decisions survive a round trip with their span identity`, () => {
      const out = exportLabels(format, decisions, { labels: ['news', 'finance'] });
      const name = `export${format === 'csv' ? '.csv' : '.jsonl'}`;
      assert.equal(detectFormat(out.content, name), format);
      const labelNames = out.sidecar ? parseHfLabelNames(out.sidecar) : undefined;
      assert.ok(!labelNames || Array.isArray(labelNames));
      const back = importLabels(out.content, name, 'auto', { labelNames: labelNames as string[] | undefined });
      assert.equal(back.format, format);
      const expected = format === 'hf' ? decisions.filter((d) => d.answer === 'accept') : decisions;
      assert.deepEqual(back.events.map(essentials), expected.map(essentials));
      assert.equal(back.freeStanding, 0);
      if (format !== 'hf') {
        assert.deepEqual(back.events.map((e) => e.annotator), expected.map((e) => e.annotator));
        assert.deepEqual(back.events.map((e) => e.ts), expected.map((e) => e.ts));
      }
      if (format === 'labelwise' || format === 'csv' || format === 'prodigy') {
        assert.deepEqual(back.events.map((e) => e.score), expected.map((e) => e.score));
      }
      for (const e of back.events) assert.equal(e.imported?.format, format);
    });
  }

  test('entity spans round-trip through labelwise, prodigy, csv and hf', () => {
    const text = 'Alice met Bob in Paris.';
    const withSpans = [ev('data/n.txt', 3, text, null, { answer: 'accept', spans: [{ start: 0, end: 5, label: 'PER' }, { start: 17, end: 22, label: 'LOC' }] })];
    for (const format of ALL_DECISION_FORMATS) {
      const out = exportLabels(format, withSpans);
      const back = importLabels(out.content, format === 'csv' ? 'x.csv' : 'x.jsonl');
      assert.deepEqual(back.events.map(essentials), withSpans.map(essentials), format);
    }
  });

  test('the full labelwise history (undo included) replays to the same decisions', () => {
    const history = [decisions[0], { ...decisions[0], label: 'news' }, { ...decisions[0], label: null, answer: 'ignore' as const, undo: true }];
    const back = importLabels(exportLabels('labelwise', history).content, 'h.jsonl');
    assert.deepEqual(new LabelState(back.events).current(decisions[0].id)?.label, 'finance');
  });

  test('undo events are not decisions and are left out of prodigy, csv and hf exports', () => {
    const undo = { ...decisions[0], undo: true, answer: 'ignore' as const, label: null };
    for (const format of ['prodigy', 'csv', 'hf'] as ExportFormat[]) assert.equal(exportLabels(format, [undo]).count, 0, format);
  });
});

describe('formats', () => {
  test('CSV is RFC 4180: a header row, CRLF rows, fields with commas, quotes or newlines quoted and quotes doubled', () => {
    const csv = exportLabels('csv', decisions.slice(0, 2)).content;
    const rows = csv.split('\r\n');
    assert.equal(rows[0], 'id,file,start,end,line,text,label,labels,spans,answer,annotator,strategy,score,ts');
    assert.ok(rows[1].includes(',"Stocks fell, again.",finance,'));
    assert.ok(csv.includes('"He said ""no"".\nThen left."'));
  });

  test('Prodigy export: label or spans, answer, meta with source, 32-bit signed hashes', () => {
    const lines = exportLabels('prodigy', decisions).content.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines[0].label, 'finance');
    assert.equal(lines[0].answer, 'accept');
    assert.deepEqual(lines[0].meta, { source: 'data/a.txt', start: 0, end: 19, line: 0, id: decisions[0].id, strategy: 'margin', score: 0.25 });
    assert.equal(lines[3].label, undefined);
    assert.equal(lines[3].answer, 'reject');
    for (const l of lines) {
      for (const k of ['_input_hash', '_task_hash'] as const) {
        const h = l[k] as number;
        assert.ok(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31, `${k} ${h}`);
      }
    }
  });

  test('Prodigy hashes are stable: same text → same input hash; different label → different task hash', () => {
    // MurmurHash3 x86_32, seed 0, signed — the reference values of Python's mmh3/murmurhash.
    assert.equal(murmurhash3(''), 0);
    assert.equal(murmurhash3('foo'), -156908512);
    assert.equal(murmurhash3('hello'), 613153351);
    assert.equal(murmurhash3('The quick brown fox jumps over the lazy dog'), 776992547);
    const a = prodigyHashes({ text: 'Text', label: 'LABEL_A' });
    const b = prodigyHashes({ text: 'Text', label: 'LABEL_B' });
    const c = prodigyHashes({ text: 'Other', label: 'LABEL_A' });
    assert.equal(a._input_hash, b._input_hash);
    assert.notEqual(a._task_hash, b._task_hash);
    assert.notEqual(a._input_hash, c._input_hash);
    // Pinned values: a change here breaks deduplication against earlier exports.
    assert.deepEqual(a, prodigyHashes({ label: 'LABEL_A', text: 'Text', meta: { x: 1 } }));
    assert.deepEqual(a, { _input_hash: murmurhash3('{"text":"Text"}'), _task_hash: murmurhash3(`${murmurhash3('{"text":"Text"}')}{"label":"LABEL_A"}`) });
    assert.deepEqual(a, { _input_hash: -1746157195, _task_hash: 516234479 });
  });

  test('HF export: class indices follow the label set, sidecar names them with a ClassLabel feature', () => {
    const out = exportLabels('hf', decisions, { labels: ['news', 'finance', 'sport'] });
    const rows = out.content.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(rows.length, 3, 'rejected decisions are not training data');
    assert.deepEqual(rows.map((r) => [r.label, r.label_text]), [[1, 'finance'], [0, 'news'], [0, 'news']]);
    const sidecar = JSON.parse(out.sidecar ?? '{}') as { label_names: string[]; features: { label: { names: string[]; _type: string } } };
    assert.deepEqual(sidecar.label_names, ['news', 'finance', 'sport']);
    assert.deepEqual(sidecar.features.label, { names: ['news', 'finance', 'sport'], _type: 'ClassLabel' });
    assert.equal(hfSidecarPath('out/train.jsonl'), 'out/train.labels.json');
  });

  test('HF records with a bare class index are named by the given label names', () => {
    const back = importLabels('{"text":"a b","label":1}\n', 'hf.jsonl', 'hf', { labelNames: ['x', 'y'] });
    assert.equal(back.events[0].label, 'y');
  });

  test('plain {"text","label"} JSONL becomes free-standing events of the import file, or corpus spans by text', () => {
    const content = '{"text": "Stocks fell, again.", "label": "finance"}\n{"text": "Unknown text.", "label": "news"}\n';
    assert.equal(detectFormat(content, 'in.jsonl'), 'plain');
    const corpus: CandidateSpan[] = [{ id: 'span-1', file: 'data/a.txt', start: 7, end: 28, text: 'Stocks  fell,\nagain.', line: 2 }];
    const back = importLabels(content, 'imports/in.jsonl', 'auto', { lookup: createTextLookup(corpus), annotator: 'carol', now: '2026-11-24T00:00:00.000Z' });
    assert.equal(back.byText, 1);
    assert.equal(back.freeStanding, 1);
    assert.equal(back.events[0].id, 'span-1');
    assert.deepEqual(back.events[0].source, { file: 'data/a.txt', start: 7, end: 28, line: 2 });
    assert.equal(back.events[0].text, 'Stocks  fell,\nagain.');
    assert.equal(back.events[1].source.file, 'imports/in.jsonl');
    assert.equal(back.events[1].id, spanId('imports/in.jsonl', 0, 13, 'Unknown text.'));
    assert.deepEqual(back.events[1].imported, { format: 'plain', file: 'imports/in.jsonl', line: 2 });
    assert.equal(back.events[1].annotator, 'carol');
    assert.equal(back.events[1].ts, '2026-11-24T00:00:00.000Z');
    assert.equal(back.events[1].answer, 'accept');
  });

  test('entities of a record matched up to whitespace are carried onto the corpus text (offsets stay on the same words)', () => {
    const content = '{"text": "Alice moved to Paris.", "spans": [{"start": 15, "end": 20, "label": "PLACE"}], "_annotator_id": "pat"}\n';
    const corpus: CandidateSpan[] = [{ id: 'span-1', file: 'a.txt', start: 0, end: 23, text: 'Alice  moved\nto  Paris.', line: 0 }];
    const back = importLabels(content, 'in.jsonl', 'auto', { lookup: createTextLookup(corpus) });
    assert.equal(back.byText, 1);
    const e = back.events[0];
    assert.deepEqual(e.spans.map((s) => e.text.slice(s.start, s.end)), ['Paris']);
  });

  test('a Prodigy choice task with one accepted option imports as that label', () => {
    const back = importLabels('{"text":"t","options":[{"id":"A","text":"A"}],"accept":["A"],"answer":"accept","_input_hash":1,"_task_hash":2}\n', 'p.jsonl');
    assert.equal(back.format, 'prodigy');
    assert.equal(back.events[0].label, 'A');
  });
});

describe('malformed imports are reported by line and nothing is imported', () => {
  function refused(content: string, name: string, re: RegExp, lines: number[], opts: Parameters<typeof importLabels>[3] = {}, format: Parameters<typeof importLabels>[2] = 'auto'): void {
    assert.throws(
      () => importLabels(content, name, format, opts),
      (e: unknown) => {
        assert.ok(ImportError.is(e), String(e));
        assert.equal(e.name, 'ImportError');
        assert.deepEqual(e.problems.map((p) => p.line), lines);
        assert.match(e.message, re);
        assert.match(e.message, /nothing was imported/);
        return true;
      },
    );
  }
  const good = '{"text": "fine", "label": "news"}';

  test('a bad JSON line', () => refused(`${good}\n{"text": "oops", \n${good}\n`, 'in.jsonl', /in\.jsonl:2: not valid JSON/, [2]));
  test('a record without text', () => refused(`${good}\n${good}\n{"label": "news"}\n`, 'in.jsonl', /in\.jsonl:3: the record has no "text" string/, [3]));
  test('a record with neither label nor spans', () => refused(`{"text": "x"}\n`, 'in.jsonl', /in\.jsonl:1: .*no "label" and no "spans"/, [1]));
  test('a label outside the label set, and every other bad line too', () =>
    refused(`${good}\n{"text": "a", "label": "sports"}\n{"text": "b", "spans": [{"start": 0, "end": 1, "label": "ORG"}]}\nnot json\n`, 'in.jsonl', /in\.jsonl:2: label "sports" is not in the label set \(news, PER\)/, [2, 3, 4], { labels: ['news', 'PER'] }));
  test('a bad answer', () => refused(`{"text": "x", "label": "news", "answer": "yes"}\n`, 'in.jsonl', /"answer" must be one of/, [1]));
  test('a span past the end of the text', () => refused(`{"text": "abc", "spans": [{"start": 1, "end": 9, "label": "P"}]}\n`, 'in.jsonl', /in\.jsonl:1: spans\[0\]: "end" 9 is past the end/, [1]));
  test('a Prodigy hash that is not a 32-bit integer', () => refused(`{"text": "x", "label": "a", "answer": "accept", "_input_hash": 99999999999, "_task_hash": 1}\n`, 'p.jsonl', /32-bit/, [1]));
  test('an HF class index without names', () => refused(`{"text": "x", "label": 3}\n`, 'h.jsonl', /class index/, [1]));
  test('an empty file', () => refused('\n\n', 'in.jsonl', /no records/, [1]));
  test('a labelwise line that is not an event', () =>
    refused(`${JSON.stringify(exportLabels('labelwise', [decisions[0]]).content.trim())}\n`, 'l.jsonl', /l\.jsonl:1: not a label event/, [1], {}, 'labelwise'));
  test('a labelwise event with a label outside the label set', () =>
    refused(exportLabels('labelwise', decisions.slice(0, 2)).content, 'l.jsonl', /l\.jsonl:1: label "finance" is not in the label set/, [1], { labels: ['news'] }));
  test('CSV: an unclosed quote', () => refused('text,label\n"fine",news\n"broken,news\nmore,news\n', 'in.csv', /in\.csv:4: bad CSV: Quote Not Closed/, [4]));
  test('CSV: a stray quote inside a field', () => refused('text,label\nfi"ne,news\n', 'in.csv', /in\.csv:2: bad CSV/, [2]));
  test('CSV: a row with too many fields', () => refused('text,label\na,b,c\n', 'in.csv', /in\.csv:2: bad CSV: Invalid Record Length/, [2]));
  test('CSV: a header without a text column', () => refused('sentence,label\na,news\n', 'in.csv', /in\.csv:1: the header has no "text" column/, [1]));
  test('CSV: a header without label or spans', () => refused('text,other\na,b\n', 'in.csv', /no "label", "labels" or "spans" column/, [1]));
  test('CSV: bad spans JSON, and an empty label, each on its line', () =>
    refused('Text,Label,Spans\n"multi\nline",news,\nb,,[oops\nc,,\n', 'in.csv', /in\.csv:4: "spans" is not valid JSON.*\n.*in\.csv:5: the row has no label/s, [4, 5]));
  test('CSV rows are numbered by the line they start on', () => {
    const back = importLabels('Text,Label\n"two\nlines",news\nnext,news\n', 'in.csv');
    assert.deepEqual(back.events.map((e) => e.imported?.line), [2, 4]);
  });
});

describe('imported places get the ids the corpus reader gives', () => {
  test('a Prodigy record placed in a JSONL record (meta.source, line) gets its record span id', () => {
    const line = JSON.stringify({ text: 'He said "no".', meta: { source: 'data/r.jsonl', start: 0, end: 13, line: 4 }, label: 'news', answer: 'accept' });
    const r = importLabels(line + '\n', 'in.jsonl', 'prodigy');
    assert.equal(r.events.length, 1);
    assert.equal(r.events[0].id, recordSpanId('data/r.jsonl', 4, 0, 13, 'He said "no".'));
    const txt = importLabels(JSON.stringify({ text: 'Plain.', meta: { source: 'a.txt', start: 3, end: 9, line: 0 }, label: 'news', answer: 'accept' }) + '\n', 'in.jsonl', 'prodigy');
    assert.equal(txt.events[0].id, spanId('a.txt', 3, 9, 'Plain.'));
  });
});

describe('multi-label decisions (labelwise.multiLabel)', () => {
  const set = (start: number, text: string, labels: string[], extra: Partial<LabelEvent> = {}): LabelEvent => ({ ...ev('data/m.txt', start, text, null, { answer: 'accept', ...extra }), labels });
  const multi = [set(0, 'Rates and goals.', ['finance', 'sport']), set(20, 'Nothing fits.', []), set(40, 'Only money.', ['finance'], { annotator: 'bob' }), ev('data/m.txt', 60, 'A guess rejected.', 'sport', { answer: 'reject' })];
  const withSets = (e: LabelEvent): unknown => ({ ...(essentials(e) as object), labels: e.labels });

  for (const format of ['labelwise', 'prodigy', 'csv'] as const) {
    test(`${format}: label sets (empty and single ones included) survive a round trip`, () => {
      const out = exportLabels(format, multi, { labels: ['news', 'finance', 'sport'] });
      const back = importLabels(out.content, format === 'csv' ? 'x.csv' : 'x.jsonl', 'auto', { multiLabel: true, labels: ['news', 'finance', 'sport'] });
      assert.equal(back.format, format);
      assert.deepEqual(back.events.map(withSets), multi.map(withSets));
    });
  }

  test('a single-label workspace refuses label sets in every format, naming the setting', () => {
    for (const format of ['labelwise', 'csv'] as const) {
      const out = exportLabels(format, multi);
      assert.throws(
        () => importLabels(out.content, format === 'csv' ? 'x.csv' : 'x.jsonl', 'auto', { multiLabel: false }),
        (e: unknown) => ImportError.is(e) && /label set \(multi-label\): set labelwise\.multiLabel/.test(e.message),
        format,
      );
    }
  });

  test("prodigy: a set is a choice task, accept: [labels] with the label set as options", () => {
    const [first] = exportLabels('prodigy', multi, { labels: ['news', 'finance', 'sport'] }).content.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(first.accept, ['finance', 'sport']);
    assert.deepEqual(first.options, [{ id: 'news', text: 'news' }, { id: 'finance', text: 'finance' }, { id: 'sport', text: 'sport' }]);
    assert.equal(first.label, undefined);
    assert.equal(first.answer, 'accept');
  });

  test('prodigy: an accept list of several labels needs labelwise.multiLabel; one label reads as a single label without it', () => {
    const content = exportLabels('prodigy', multi).content;
    assert.throws(
      () => importLabels(content, 'x.jsonl', 'auto', { multiLabel: false }),
      (e: unknown) => ImportError.is(e) && /accept" lists 2 labels \(a multi-label choice\): set labelwise\.multiLabel/.test(e.message),
    );
    const one = JSON.stringify({ text: 'Only money.', accept: ['finance'], answer: 'accept', _annotator_id: 'x' });
    assert.equal(importLabels(one, 'y.jsonl').events[0].label, 'finance');
    assert.deepEqual(importLabels(one, 'y.jsonl', 'auto', { multiLabel: true }).events[0].labels, ['finance']);
  });

  test('hf: sets become lists of class indices with a Sequence(ClassLabel) feature, and read back by name', () => {
    const out = exportLabels('hf', multi, { labels: ['news', 'finance', 'sport'] });
    const rows = out.content.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(rows.map((r) => r.labels), [[1, 2], [], [1]]);
    assert.deepEqual(rows[0].labels_text, ['finance', 'sport']);
    const features = (JSON.parse(out.sidecar!) as { features: Record<string, { _type: string }> }).features;
    assert.equal(features.labels._type, 'Sequence');
    const back = importLabels(out.content, 'h.jsonl', 'auto', { multiLabel: true });
    assert.equal(back.format, 'hf');
    assert.deepEqual(back.events.map((e) => e.labels), [['finance', 'sport'], [], ['finance']]);
    assert.throws(() => importLabels(out.content, 'h.jsonl', 'auto', { multiLabel: false }), (e: unknown) => ImportError.is(e) && /set labelwise\.multiLabel/.test(e.message));
  });

  test('a store event with labels is validated: a list of distinct names, and label null beside it', () => {
    const line = (o: Record<string, unknown>): string => JSON.stringify({ ...multi[0], ...o });
    assert.throws(() => importLabels(line({ labels: ['a', 'a'] }), 's.jsonl'), (e: unknown) => ImportError.is(e) && /lists a label twice/.test(e.message));
    assert.throws(() => importLabels(line({ labels: 'a' }), 's.jsonl'), (e: unknown) => ImportError.is(e) && /list of non-empty label strings/.test(e.message));
    assert.throws(() => importLabels(line({ label: 'a' }), 's.jsonl'), (e: unknown) => ImportError.is(e) && /"label" must be null when "labels"/.test(e.message));
  });
});
