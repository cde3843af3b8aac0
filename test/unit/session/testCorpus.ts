import { spanId } from '../../../src/core/text/spanId';
import type { CandidateSpan, Matrix } from '../../../src/core/types';
import type { Encoder } from '../../../src/core/encoders/encoder';
import type { EmbedProgress, SessionCorpus, SessionDeps } from '../../../src/core/session/labelingSession';
import type { StartableSettings } from '../../../src/core/settings';

/** Sentences of a small two-topic corpus, one file per topic (test fixture). */
export const TOPICS: Record<string, string[]> = {
  'sport.txt': [
    'The striker scored twice in the second half.',
    'Our goalkeeper saved a penalty in extra time.',
    'The home team won the league title on Sunday.',
    'The coach praised the defence after the match.',
    'Fans cheered as the captain lifted the trophy.',
    'The midfielder was booked for a late tackle.',
  ],
  'science.txt': [
    'The telescope observed a distant spiral galaxy.',
    'Researchers sequenced the genome of the bacteria.',
    'The experiment measured the speed of light in water.',
    'A new vaccine trial reported strong immune responses.',
    'Physicists detected particles from the solar wind.',
    'The chemists synthesised a stable molecule.',
  ],
};

/** A simple sentence-per-line corpus: stands in for the real reader in tests of the session alone. */
export function lineCorpus(files: Record<string, string[]>): SessionCorpus {
  const spans: CandidateSpan[] = [];
  const texts = new Map<string, string>();
  for (const [file, lines] of Object.entries(files)) {
    const text = lines.join('\n') + '\n';
    texts.set(file, text);
    let at = 0;
    lines.forEach((l, i) => {
      spans.push({ id: spanId(file, at, at + l.length, l), file, start: at, end: at + l.length, text: l, line: i });
      at += l.length + 1;
    });
  }
  return {
    spans,
    files: texts.size,
    problems: [],
    context: (s) => {
      const t = texts.get(s.file) ?? '';
      return { before: t.slice(Math.max(0, s.start - 40), s.start), after: t.slice(s.end, s.end + 40) };
    },
  };
}

/** A deterministic bag-of-letters encoder, for tests that must not depend on the model files. */
export function letterEncoder(): Encoder {
  return {
    id: 'letters-test',
    dim: 26,
    provider: 'cpu',
    async encode(texts: readonly string[]): Promise<Matrix> {
      const data = new Float32Array(texts.length * 26);
      texts.forEach((t, r) => {
        for (const ch of t.toLowerCase()) {
          const k = ch.charCodeAt(0) - 97;
          if (k >= 0 && k < 26) data[r * 26 + k] += 1;
        }
        let n = 0;
        for (let k = 0; k < 26; k++) n += data[r * 26 + k] ** 2;
        n = Math.sqrt(n) || 1;
        for (let k = 0; k < 26; k++) data[r * 26 + k] /= n;
      });
      return { rows: texts.length, cols: 26, data };
    },
    async dispose(): Promise<void> {},
  };
}

/**
 * A fake SessionDeps.openCorpus: the corpus `read` gives, with vectors from `embed` (by default
 * the encoder's, all at once, progress reported once at the end).
 */
export function openWith(
  read: (root: string, settings: StartableSettings) => SessionCorpus | Promise<SessionCorpus>,
  embed: (encoder: Encoder, texts: readonly string[], progress: EmbedProgress, signal?: AbortSignal) => Promise<Matrix> = async (encoder, texts, progress) => {
    const m = await encoder.encode(texts);
    progress(texts.length, texts.length);
    return m;
  },
): SessionDeps['openCorpus'] {
  return async (root, settings, encoder, _cacheDir, progress, _logger, signal) => {
    const corpus = await read(root, settings);
    return { corpus, vectors: await embed(encoder, corpus.spans.map((s) => s.text), progress, signal) };
  };
}
