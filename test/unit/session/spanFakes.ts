import { createEngine } from '../../../src/core/engine/createEngine';
import { InputError } from '../../../src/core/errors';
import { createSpanEngine } from '../../../src/core/spans/createSpanEngine';
import type { SpanEngineOptions, SpanEngineQuery, SpanLabelingEngine, SpanRecord } from '../../../src/core/engine/spanEngine';
import type { Encoder, TokenVectors } from '../../../src/core/encoders/encoder';
import { defaultDeps } from '../../../src/core/session/defaultDeps';
import type { SessionDeps } from '../../../src/core/session/labelingSession';
import type { EntityInText, SuggestedEntity } from '../../../src/core/session/spanPick';
import type { SpanSessionDeps } from '../../../src/core/session/spanSession';
import { letterEncoder, lineCorpus, openWith, TOPICS } from './testCorpus';

/**
 * Stand-ins for the spans task's parts that other branches build (the span engine) or that would
 * need model files (per-token vectors), so the session and the host are tested on their own.
 */

/** The letter encoder with per-token vectors: one token per run of letters or digits, a bag of its letters. */
export function tokenLetterEncoder(): Encoder {
  const base = letterEncoder();
  return {
    ...base,
    id: 'letters-tokens-test',
    async encodeTokens(texts: readonly string[]): Promise<TokenVectors[]> {
      const out: TokenVectors[] = [];
      for (const text of texts) {
        const tokens = [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
        const m = await base.encode(tokens.map((t) => text.slice(t.start, t.end)));
        out.push({ tokens, vectors: m });
      }
      return out;
    },
  };
}

/** What the fake span engine was told and asked, for assertions. */
export interface FakeSpanEngineLog {
  readonly setLabel: { index: number; entities: readonly EntityInText[] | null }[];
  retrains: number;
  opts?: SpanEngineOptions;
  records?: readonly SpanRecord[];
}

/**
 * A tiny span engine with the contract's behaviour: queries the unlabeled records in order
 * (strategy "random" before the first retrain, "fake-mnlp" after, with the suggestions as its
 * uncertain entities), and after a retrain suggests every token whose text was labeled as an
 * entity before, with that label (confidence 0.8).
 */
export function fakeSpanEngine(records: readonly SpanRecord[], opts: SpanEngineOptions, log: FakeSpanEngineLog): SpanLabelingEngine {
  log.opts = opts;
  log.records = records;
  const answers = new Map<number, readonly EntityInText[]>();
  let lexicon = new Map<string, string>();
  let trained = false;
  const suggest = (index: number): SuggestedEntity[] => {
    if (!trained) return [];
    const r = records[index];
    return r.tokens.tokens.flatMap((t) => {
      const label = lexicon.get(r.text.slice(t.start, t.end));
      return label ? [{ start: t.start, end: t.end, label, confidence: 0.8 }] : [];
    });
  };
  return {
    records,
    get labeledCount(): number {
      return answers.size;
    },
    get trained(): boolean {
      return trained;
    },
    setLabel(index: number, entities: readonly EntityInText[] | null): void {
      // As the contract's engine: overlapping entities are refused unless allowOverlap.
      const sorted = [...(entities ?? [])].sort((a, b) => a.start - b.start);
      if (!opts.allowOverlap && sorted.some((e, k) => k > 0 && e.start < sorted[k - 1].end)) throw new InputError(`record ${index}: overlapping entities`);
      log.setLabel.push({ index, entities });
      if (entities === null) answers.delete(index);
      else answers.set(index, entities);
    },
    async retrain() {
      log.retrains++;
      const next = new Map<string, string>();
      for (const [i, es] of answers) for (const e of es) next.set(records[i].text.slice(e.start, e.end), e.label);
      lexicon = next;
      trained = true;
      return { labeled: answers.size, weights: { 'fake-mnlp': 1 }, millis: 1 };
    },
    async query(n: number, exclude: ReadonlySet<number> = new Set()): Promise<SpanEngineQuery[]> {
      const out: SpanEngineQuery[] = [];
      for (let i = 0; i < records.length && out.length < n; i++) {
        if (answers.has(i) || exclude.has(i)) continue;
        out.push({ index: i, strategy: trained ? 'fake-mnlp' : 'random', score: trained ? 0.5 : 0, uncertainEntities: suggest(i) });
      }
      return out;
    },
    suggest,
    predict: (rs) => rs.map(() => []),
    weights: () => ({ 'fake-mnlp': 1 }),
  };
}

/** Sentences with people and places: the spans task's test corpus (one sentence a line). */
export const PEOPLE: Record<string, string[]> = {
  'news.txt': ['Alice moved to Paris last year.', 'Bob works in Berlin.', 'The weather was fine.', 'Alice met Bob in Rome.'],
};

/**
 * Session deps for both tasks: the classification ones of the in-process tests, and for spans the
 * real corpus reader, the token letter encoder and the fake span engine (logging into `log`).
 */
export function spanDeps(log: FakeSpanEngineLog): SessionDeps & SpanSessionDeps {
  return {
    loadEncoder: async () => tokenLetterEncoder(),
    openCorpus: openWith(() => lineCorpus(TOPICS)),
    createEngine: (X, opts) => createEngine(X, opts),
    openSpanCorpus: defaultDeps().openSpanCorpus,
    createSpanEngine: (records, opts) => fakeSpanEngine(records, opts, log),
  };
}

export function newLog(): FakeSpanEngineLog {
  return { setLabel: [], retrains: 0 };
}

/** spanDeps with the real span engine (src/core/spans/createSpanEngine.ts) instead of the fake. */
export function realSpanDeps(): SessionDeps & SpanSessionDeps {
  return { ...spanDeps(newLog()), createSpanEngine: (records, opts, extra) => createSpanEngine(records, opts, { batch: extra.batch, logger: extra.logger }) };
}
