import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEngine } from '../../../src/core/engine/createEngine';
import { LabelingSession, type SessionCorpus, type SessionDeps } from '../../../src/core/session/labelingSession';
import { SpanTable } from '../../../src/core/session/spanTable';
import type { StartParams } from '../../../src/core/session/workerProtocol';
import { defaultSettings, type StartableSettings } from '../../../src/core/settings';
import { recordSpanId, spanId } from '../../../src/core/text/spanId';
import type { CandidateSpan } from '../../../src/core/types';
import { letterEncoder, lineCorpus, openWith, TOPICS } from './testCorpus';

/** Spans as the corpus reader makes them: text files and JSONL records, many files, repeated texts. */
function corpusSpans(): CandidateSpan[] {
  const out: CandidateSpan[] = [];
  for (let f = 0; f < 40; f++) {
    const file = f % 3 === 0 ? `data/records-${f}.jsonl` : `docs/ch${f}/notes é ${f}.md`;
    for (let i = 0; i < 25; i++) {
      const text = `Sentence ${i % 7} — of file ${f % 5}.`;
      const start = i * 40;
      const line = f % 3 === 0 ? i : Math.floor(i / 2);
      const id = f % 3 === 0 ? recordSpanId(file, line, 0, text.length, text) : spanId(file, start, start + text.length, text);
      out.push({ id, file, start: f % 3 === 0 ? 0 : start, end: f % 3 === 0 ? text.length : start + text.length, text, line });
    }
  }
  return out;
}

describe('SpanTable: span metadata in columns', () => {
  test('every row reads back exactly as the span object it came from; ids find their rows', () => {
    const spans = corpusSpans();
    for (const keepTexts of [true, false]) {
      const t = new SpanTable(spans, { keepTexts });
      assert.equal(t.length, spans.length);
      spans.forEach((s, row) => {
        const { text, ...place } = s;
        assert.deepEqual(t.place(row), place, `row ${row}`);
        assert.equal(t.text(row), keepTexts ? text : undefined);
        assert.equal(t.rowOf(s.id), row);
      });
      assert.deepEqual(t.files, [...new Set(spans.map((s) => s.file))]);
    }
  });

  test('unknown ids, ids of another form, and duplicated ids (the last span wins, as a Map filled in order)', () => {
    const spans = corpusSpans();
    const t = new SpanTable(spans, { keepTexts: false });
    assert.equal(t.rowOf('0'.repeat(24)), undefined);
    assert.equal(t.rowOf('not-a-hex-id'), undefined);
    assert.equal(t.rowOf(spans[3].id.toUpperCase()), undefined);
    const dup = [...spans.slice(0, 5), { ...spans[2], start: 999, end: 1000 }];
    assert.equal(new SpanTable(dup, { keepTexts: false }).rowOf(spans[2].id), 5);
    // Hand-made ids (tests, fakes): kept as strings, same answers.
    const odd = spans.slice(0, 4).map((s, i) => ({ ...s, id: `span-${i}` }));
    const o = new SpanTable(odd, { keepTexts: true });
    odd.forEach((s, row) => {
      assert.equal(o.rowOf(s.id), row);
      assert.equal(o.id(row), s.id);
    });
    assert.equal(o.rowOf('span-9'), undefined);
  });
});

describe('a session with a corpus that reads span texts from the files', () => {
  const settings: StartableSettings = { ...defaultSettings, labels: ['sport', 'science'], annotator: 't', autoRetrainEvery: 0, committeeSize: 3, batchSize: 4, strategy: 'margin' };
  const params: StartParams = { root: '/nowhere', settings, cacheDir: '/nowhere/cache', decisions: [] };

  /** lineCorpus plus a `text` reader over files that a test may edit. */
  function readingCorpus(): { corpus: SessionCorpus; files: Map<string, string>; reads: string[] } {
    const base = lineCorpus(TOPICS);
    const files = new Map(Object.entries(TOPICS).map(([f, lines]) => [f, lines.join('\n') + '\n']));
    const reads: string[] = [];
    const corpus: SessionCorpus = {
      ...base,
      text: async (s) => {
        reads.push(s.id);
        return (files.get(s.file) ?? '').slice(s.start, s.end);
      },
    };
    return { corpus, files, reads };
  }

  const deps = (corpus: SessionCorpus): SessionDeps => ({ loadEncoder: async () => letterEncoder(), openCorpus: openWith(() => corpus), createEngine: (X, o) => createEngine(X, o) });

  test('the panel gets each span’s text as read and checked; an edited file’s spans are left out, never shown with another text', async () => {
    const { corpus, files, reads } = readingCorpus();
    const original = new Map(corpus.spans.map((s) => [s.id, s.text]));
    const { session } = await LabelingSession.open(params, deps(corpus));
    const picks = await session.query({ n: 6, exclude: [] });
    assert.equal(picks.length, 6);
    for (const p of picks) assert.equal(p.text, original.get(p.id));
    assert.ok(reads.length >= 6, 'texts are read when shown, not kept');
    // Every span, texts included (an import's text lookup).
    const all = await session.spans();
    assert.deepEqual(all, corpus.spans);
    // sport.txt is edited after the session opened: its spans' texts no longer match their ids.
    files.set('sport.txt', 'Something else entirely.\n'.repeat(10));
    const sportIds = corpus.spans.filter((s) => s.file === 'sport.txt').map((s) => s.id);
    assert.deepEqual(await session.views(sportIds), []);
    const later = await session.query({ n: 12, exclude: [] });
    assert.ok(later.length > 0 && later.every((p) => p.file === 'science.txt'), 'only the unchanged file’s spans');
    for (const p of later) assert.equal(p.text, original.get(p.id));
    assert.equal((await session.spans()).length, corpus.spans.length - sportIds.length);
    await session.dispose();
  });

  test('a corpus without a text reader: the session keeps the texts (no file is read)', async () => {
    const corpus = lineCorpus(TOPICS);
    const { session } = await LabelingSession.open(params, deps(corpus));
    const picks = await session.query({ n: 4, exclude: [] });
    const byId = new Map(corpus.spans.map((s) => [s.id, s.text]));
    for (const p of picks) assert.equal(p.text, byId.get(p.id));
    assert.deepEqual(await session.spans(), corpus.spans);
    await session.dispose();
  });
});
