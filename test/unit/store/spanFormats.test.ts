import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectFormat, exportLabels, importLabels, sidecarTarget } from '../../../src/core/store/formats/labelFormats';
import { spanTokens } from '../../../src/core/text/spanTokens';
import { LabelStore, storePath } from '../../../src/core/store/labelStore';
import { spanId } from '../../../src/core/text/spanId';
import { runCli } from '../runCli';
import type { EventSpan, LabelEvent } from '../../../src/core/store/events';

function ev(start: number, text: string, spans: EventSpan[], extra: Partial<LabelEvent> = {}): LabelEvent {
  const end = start + text.length;
  return {
    id: spanId('data/a.txt', start, end, text),
    source: { file: 'data/a.txt', start, end, line: 0 },
    text,
    label: null,
    spans,
    answer: 'accept',
    annotator: 'alice',
    strategy: 'mnlp',
    score: 0.5,
    ts: '2026-11-23T10:00:00.000Z',
    ...extra,
  };
}

// Three span decisions: two entities (one of two tokens), "no entities", a hyphenated entity;
// plus a classification decision and a rejected sentence, which span exports leave out.
const store: LabelEvent[] = [
  ev(0, 'Barack Obama visited Paris.', [
    { start: 21, end: 26, label: 'LOC' },
    { start: 0, end: 12, label: 'PER' },
  ]),
  ev(40, 'It rained.', []),
  ev(60, 'Ask Smith-Jones now', [{ start: 4, end: 15, label: 'PER' }]),
  ev(90, 'A classified sentence.', [], { label: 'news' }),
  ev(120, 'Rejected sentence.', [], { answer: 'reject' }),
];

const CONLL = [
  'Barack -X- _ B-PER',
  'Obama -X- _ I-PER',
  'visited -X- _ O',
  'Paris -X- _ B-LOC',
  '. -X- _ O',
  '',
  'It -X- _ O',
  'rained -X- _ O',
  '. -X- _ O',
  '',
  'Ask -X- _ O',
  'Smith-Jones -X- _ B-PER',
  'now -X- _ O',
  '',
  '',
].join('\n');

describe('span token splitter', () => {
  test('whitespace and punctuation split, internal hyphens and apostrophes join, UTF-16 offsets', () => {
    const t = spanTokens("Don't go, Café-Noir 😀!");
    assert.deepEqual(
      t.map((x) => [x.text, x.start, x.end, x.ws]),
      [
        ["Don't", 0, 5, true],
        ['go', 6, 8, false],
        [',', 8, 9, true],
        ['Café-Noir', 10, 19, true],
        ['😀', 20, 22, false],
        ['!', 22, 23, false],
      ],
    );
  });
  test('numbers keep internal . and , between digits; dotted abbreviations keep their dots', () => {
    assert.deepEqual(spanTokens('U.S. sales rose 1,000.5 %, e.g. in 2026. A.B').map((x) => x.text), ['U.S.', 'sales', 'rose', '1,000.5', '%', ',', 'e.g.', 'in', '2026', '.', 'A', '.', 'B']);
  });
  test('cuts split a token where a span ends inside it', () => {
    assert.deepEqual(spanTokens('Parisian x', [0, 5]).map((x) => x.text), ['Paris', 'ian', 'x']);
  });
});

describe('entity span exports', () => {
  test('conll: token -X- _ TAG, blank line after each sentence, optional -DOCSTART-', () => {
    const out = exportLabels('conll', store);
    assert.equal(out.count, 3);
    assert.equal(out.content, CONLL);
    assert.equal(exportLabels('conll', store, { docstart: true }).content, '-DOCSTART- -X- -X- O\n\n' + CONLL);
  });

  test('spacy: text + entities [[start, end, label]] sorted by start', () => {
    assert.equal(
      exportLabels('spacy', store).content,
      '{"text":"Barack Obama visited Paris.","entities":[[0,12,"PER"],[21,26,"LOC"]]}\n' +
        '{"text":"It rained.","entities":[]}\n' +
        '{"text":"Ask Smith-Jones now","entities":[[4,15,"PER"]]}\n',
    );
  });

  test('hf-ner: tokens + integer ner_tags, tag names in the sidecar', () => {
    const out = exportLabels('hf-ner', store, { labels: ['PER', 'LOC'] });
    const rows = out.content.trim().split('\n').map((l) => JSON.parse(l) as { tokens: string[]; ner_tags: number[]; id: string });
    assert.deepEqual(rows.map((r) => r.tokens), [['Barack', 'Obama', 'visited', 'Paris', '.'], ['It', 'rained', '.'], ['Ask', 'Smith-Jones', 'now']]);
    assert.deepEqual(rows.map((r) => r.ner_tags), [[1, 2, 0, 3, 0], [0, 0, 0], [0, 1, 0]]);
    assert.equal(rows[0].id, store[0].id);
    const side = JSON.parse(out.sidecar ?? '') as { label_names: string[]; features: { ner_tags: { feature: { names: string[] } } } };
    assert.deepEqual(side.label_names, ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC']);
    assert.deepEqual(side.features.ner_tags.feature.names, side.label_names);
    assert.deepEqual(sidecarTarget('hf-ner', '/x/train.jsonl'), { path: '/x/train.labels.json', format: 'hf-ner-label-names' });
  });

  test('brat: .txt of the sentences, .ann with offsets into it', () => {
    const out = exportLabels('brat', store);
    assert.equal(out.content, 'Barack Obama visited Paris.\nIt rained.\nAsk Smith-Jones now\n');
    assert.equal(out.sidecar, 'T1\tPER 0 12\tBarack Obama\nT2\tLOC 21 26\tParis\nT3\tPER 43 54\tSmith-Jones\n');
    assert.deepEqual(sidecarTarget('brat', '/x/ner.txt'), { path: '/x/ner.ann', format: 'brat-ann' });
  });

  test('prodigy: span decisions carry tokens and spans with token indices; "no entities" is spans: []', () => {
    const lines = exportLabels('prodigy', store.slice(0, 3)).content.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines[0].tokens, [
      { text: 'Barack', start: 0, end: 6, id: 0, ws: true },
      { text: 'Obama', start: 7, end: 12, id: 1, ws: true },
      { text: 'visited', start: 13, end: 20, id: 2, ws: true },
      { text: 'Paris', start: 21, end: 26, id: 3, ws: false },
      { text: '.', start: 26, end: 27, id: 4, ws: false },
    ]);
    assert.deepEqual(lines[0].spans, [
      { start: 21, end: 26, label: 'LOC', token_start: 3, token_end: 3 },
      { start: 0, end: 12, label: 'PER', token_start: 0, token_end: 1 },
    ]);
    assert.deepEqual(lines[1].spans, []);
    assert.equal(lines[1].answer, 'accept');
    assert.deepEqual(Object.keys(lines[2]).slice(0, 3), ['text', 'tokens', 'spans']);
  });

  test('BIO formats refuse overlapping spans, naming the decision', () => {
    const overlap = ev(0, 'New York City', [
      { start: 0, end: 8, label: 'LOC' },
      { start: 4, end: 13, label: 'ORG' },
    ]);
    assert.throws(() => exportLabels('conll', [overlap]), /overlapping spans \(0-8 and 4-13\)/);
    assert.equal(exportLabels('spacy', [overlap]).count, 1);
  });
});

describe('entity span round trips', () => {
  test('prodigy → events → prodigy', () => {
    const first = exportLabels('prodigy', store.slice(0, 3)).content;
    const back = importLabels(first, 'in.jsonl', 'prodigy', { labels: ['PER', 'LOC'] });
    assert.equal(back.events.length, 3);
    assert.deepEqual(back.events[1].spans, []);
    assert.equal(exportLabels('prodigy', back.events).content, first);
  });

  test('conll → events → conll', () => {
    const back = importLabels('-DOCSTART- -X- -X- O\n\n' + CONLL, 'in.conll', 'auto', { labels: ['PER', 'LOC'], now: '2026-11-23T10:00:00.000Z' });
    assert.equal(back.format, 'conll');
    assert.deepEqual(
      back.events.map((e) => [e.text, e.spans, e.imported?.line]),
      [
        ['Barack Obama visited Paris .', [{ start: 0, end: 12, label: 'PER' }, { start: 21, end: 26, label: 'LOC' }], 3],
        ['It rained .', [], 9],
        ['Ask Smith-Jones now', [{ start: 4, end: 15, label: 'PER' }], 13],
      ],
    );
    assert.equal(exportLabels('conll', back.events).content, CONLL);
  });
});

test('conll → events → conll keeps abbreviations, numbers and IOB-adjacent entities', () => {
  const conll = ['U.S. -X- _ B-LOC', 'and -X- _ O', 'E.U. -X- _ B-ORG', 'Bank -X- _ B-ORG', 'sold -X- _ O', '1,000.5 -X- _ O', 'bonds -X- _ O', '. -X- _ O', '', ''].join('\n');
  const back = importLabels(conll, 'in.conll', 'conll');
  assert.deepEqual(back.events[0].spans, [
    { start: 0, end: 4, label: 'LOC' },
    { start: 9, end: 13, label: 'ORG' },
    { start: 14, end: 18, label: 'ORG' },
  ]);
  assert.equal(exportLabels('conll', back.events).content, conll);
});

test('CoNLL is detected by extension or by its first line; JSONL stays JSONL', () => {
  assert.equal(detectFormat('{"text": "a", "label": "x"}\n', 'a.bio'), 'conll');
  assert.equal(detectFormat(CONLL, 'ner.txt'), 'conll');
  assert.equal(detectFormat('-DOCSTART- -X- -X- O\n\n' + CONLL, 'ner.txt'), 'conll');
  assert.equal(detectFormat('{"text": "Paris O", "label": "x"}\n', 'a.jsonl'), 'plain');
  assert.equal(detectFormat('not json at all\n', 'a.jsonl'), 'plain');
});

describe('span imports refuse a bad file whole, naming file:line', () => {
  const good = exportLabels('prodigy', store.slice(0, 3)).content.trim().split('\n');
  const edit = (k: number, f: (r: Record<string, unknown>) => void): string => {
    const lines = [...good];
    const r = JSON.parse(lines[k]) as Record<string, unknown>;
    f(r);
    lines[k] = JSON.stringify(r);
    return lines.join('\n') + '\n';
  };

  /** Imports `content` through the CLI into a fresh store: asserts the message and that nothing was written. */
  async function refused(name: string, content: string, expected: string, extra: string[] = []): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelwise-spans-'));
    try {
      const s = storePath(dir);
      const seeded = LabelStore.open(s);
      seeded.append(store[3]);
      seeded.close();
      const before = fs.readFileSync(s, 'utf8');
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      const r = await runCli(['import', '--store', s, '--in', file, '--labels', 'PER,LOC', ...extra]);
      assert.equal(r.code, 1, r.stderr);
      assert.ok(r.stderr.includes(expected), r.stderr);
      assert.ok(r.stderr.includes('nothing was imported'), r.stderr);
      assert.equal(fs.readFileSync(s, 'utf8'), before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('prodigy: a token whose text does not match the text at its offsets', async () => {
    const bad = edit(2, (r) => ((r.tokens as { text: string }[])[1].text = 'Smith'));
    await refused('p.jsonl', bad, 'p.jsonl:3: tokens[1]: "text" "Smith" does not match the text at 4-15 ("Smith-Jones")');
  });

  test("prodigy: span token indices that do not cover the span's offsets", async () => {
    const bad = edit(0, (r) => ((r.spans as { token_end: number }[])[1].token_end = 2));
    await refused('p.jsonl', bad, "p.jsonl:1: spans[1]: tokens 0-2 cover 0-20, not the span's 0-12");
  });

  test("prodigy: a span's text that does not match", async () => {
    const bad = edit(2, (r) => ((r.spans as { text: string }[])[0].text = 'Jones'));
    await refused('p.jsonl', bad, 'p.jsonl:3: spans[0]: "text" "Jones" does not match the text at 4-15 ("Smith-Jones")');
  });

  test('prodigy: an unknown label', async () => {
    const bad = edit(2, (r) => ((r.spans as { label: string }[])[0].label = 'ORG'));
    await refused('p.jsonl', bad, 'p.jsonl:3: span label "ORG" is not in the label set (PER, LOC)');
  });

  test('prodigy: a span out of range', async () => {
    const bad = edit(1, (r) => (r.spans = [{ start: 3, end: 40, label: 'LOC' }]));
    await refused('p.jsonl', bad, 'p.jsonl:2: spans[0]: "end" 40 is past the end of the text (length 10)');
  });

  test('prodigy: overlapping spans when overlap is not allowed (and accepted with --allow-overlap)', async () => {
    const bad = edit(0, (r) => {
      r.spans = [
        { start: 0, end: 12, label: 'PER', token_start: 0, token_end: 1 },
        { start: 7, end: 12, label: 'PER', token_start: 1, token_end: 1 },
      ];
    });
    await refused('p.jsonl', bad, 'p.jsonl:1: spans 0-12 (PER) and 7-12 (PER) overlap, and overlapping spans are not allowed');
    const ok = importLabels(bad, 'p.jsonl', 'prodigy', { allowOverlap: true });
    assert.equal(ok.events[0].spans.length, 2);
  });

  test('conll: an unknown label, at its own line', async () => {
    await refused('c.conll', CONLL.replace('Paris -X- _ B-LOC', 'Paris -X- _ B-GPE'), 'c.conll:4: span label "GPE" is not in the label set (PER, LOC)');
  });

  test('conll: malformed BIO (I- without B-) is reported, not repaired', async () => {
    await refused('c.conll', CONLL.replace('Smith-Jones -X- _ B-PER', 'Smith-Jones -X- _ I-PER'), 'c.conll:12: "I-PER" does not continue a B-PER or I-PER on the line before');
    await refused('c.conll', CONLL.replace('Paris -X- _ B-LOC', 'Paris -X- _ I-LOC'), 'c.conll:4: "I-LOC" does not continue');
  });

  test('conll: a line without a tag and a tag that is not BIO', async () => {
    await refused('c.conll', CONLL.replace('visited -X- _ O', 'visited'), 'c.conll:3: a token line needs the token and its BIO tag');
    await refused('c.conll', CONLL.replace('visited -X- _ O', 'visited -X- _ X-PER'), 'c.conll:3: tag "X-PER" is not O, B-LABEL or I-LABEL');
  });

  test('a good conll file is imported through the CLI, and exported back with --format conll', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelwise-spans-'));
    try {
      const s = storePath(dir);
      const file = path.join(dir, 'in.conll');
      fs.writeFileSync(file, CONLL);
      const imp = await runCli(['import', '--store', s, '--in', file, '--labels', 'PER,LOC']);
      assert.equal(imp.code, 0, imp.stderr);
      const out = path.join(dir, 'out.conll');
      const exp = await runCli(['export', '--store', s, '--format', 'conll', '--out', out]);
      assert.equal(exp.code, 0, exp.stderr);
      assert.equal(fs.readFileSync(out, 'utf8'), CONLL);
      const brat = await runCli(['export', '--store', s, '--format', 'brat', '--out', path.join(dir, 'ner.txt')]);
      assert.equal(brat.code, 0, brat.stderr);
      assert.equal(fs.readFileSync(path.join(dir, 'ner.ann'), 'utf8'), 'T1\tPER 0 12\tBarack Obama\nT2\tLOC 21 26\tParis\nT3\tPER 45 56\tSmith-Jones\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
