import type { WhyInfo } from '../protocol';
import { formatScore, voteRows } from './format';

/**
 * The "why" of a span in words an annotator can read: what the strategy saw, where the span ranks
 * in the pool, the two likeliest labels and the committee's votes. Pure, so it is tested in Node.
 */

interface StrategyWords {
  /** "most uncertain" in "top 2 % most uncertain of 4,512". */
  readonly most: string;
  /** What the strategy saw in this span, as a sentence. */
  readonly saw: string;
}

const WORDS: Readonly<Record<string, StrategyWords>> = {
  'least-confidence': { most: 'most uncertain', saw: 'The model is unsure of its best guess here.' },
  margin: { most: 'closest calls', saw: 'Close call: the two likeliest labels are nearly tied.' },
  entropy: { most: 'most uncertain', saw: 'The model spreads its belief over several labels.' },
  'vote-entropy': { most: 'most disputed', saw: 'The committee of models splits its votes.' },
  egl: { most: 'most informative', saw: 'Its label would change the model the most.' },
  typicality: { most: 'most typical', saw: 'A typical example of a large group of similar spans that has few or no labels yet.' },
  coverage: { most: 'farthest from any label', saw: 'Far from every labeled span: it covers a part of the corpus no label reaches yet.' },
  'class-balance': { most: 'closest calls on rare labels', saw: 'A close call, and the model leans to a label you have given rarely so far.' },
};

/** Thousands separated the same way whatever the panel's locale: "4,512". */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "2 %" for a share of the pool; finer below 1 % so the very top is not "0 %". */
export function formatTopShare(rank: number, poolSize: number): string {
  const pct = (100 * rank) / Math.max(1, poolSize);
  if (pct >= 1) return `${Math.min(100, Math.ceil(pct))} %`;
  return `${Math.max(0.1, Math.ceil(pct * 10) / 10).toFixed(1)} %`;
}

/** What the strategy saw, in one sentence. */
export function strategySaw(why: WhyInfo): string {
  if (why.strategy === 'random') {
    return why.top === undefined ? 'Picked at random to start: the model learns from the first labels.' : 'Picked at random, so the labels stay representative of the whole corpus.';
  }
  // Spans shown again without a fresh pick: one from the store (an undo after a reload) or a view by id.
  if (why.strategy === 'stored') return 'Labeled earlier; shown again so you can change its label.';
  if (why.strategy === 'review') return 'Shown for review, not picked by a strategy.';
  // A committee strategy can pick a span all members vote alike on (its tie-break, or a pick deep
  // in the ranking): saying "the committee splits" beside "all 5 vote fiction" would contradict.
  if (why.strategy === 'vote-entropy' && voteRows(why.votes).length === 1) {
    return 'The committee votes alike here, but none of its members is sure.';
  }
  return WORDS[why.strategy]?.saw ?? `Chosen by the ${why.strategy} strategy.`;
}

/** The meta-learner's regime and why it chose this span's strategy: "Cold start: … Typicality: …". */
export function metaText(why: WhyInfo): string {
  const cap = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1);
  const regime = why.regime ? `${cap(why.regime)}.` : '';
  return why.armReason ? `${regime} ${cap(why.armReason)}`.trim() : regime;
}

/** "Top 2 % closest calls of 4,512 unlabeled spans (#87)", or null without a rank. */
export function rankText(why: WhyInfo): string | null {
  const { rank, poolSize } = why;
  if (rank === undefined || poolSize === undefined || poolSize <= 0 || rank < 1) return null;
  const most = WORDS[why.strategy]?.most ?? `highest ${why.strategy} scores`;
  // Past the middle "top 67 %" misleads: say the place in the order instead.
  if (rank * 2 > poolSize) return `#${formatCount(rank)} of ${formatCount(poolSize)} unlabeled spans, ${most} first`;
  return `Top ${formatTopShare(rank, poolSize)} ${most} of ${formatCount(poolSize)} unlabeled spans (#${formatCount(rank)})`;
}

/** "3 of 5 models vote sports, 2 news" / "All 5 models vote sports" / null with no committee yet. */
export function votesText(votes: Readonly<Record<string, number>>): string | null {
  const rows = voteRows(votes);
  if (rows.length === 0) return null;
  const total = rows.reduce((s, r) => s + r.votes, 0);
  const fmt = (n: number): string => formatScore(n);
  if (rows.length === 1) return `All ${fmt(total)} committee models vote ${rows[0].label}`;
  const [first, ...rest] = rows;
  return `${fmt(first.votes)} of ${fmt(total)} committee models vote ${first.label}, ${rest.map((r) => `${fmt(r.votes)} ${r.label}`).join(', ')}`;
}

/** The raw score, for those who want it: "margin score 6.80e-5". */
export function scoreText(why: WhyInfo): string {
  return `${why.strategy} score ${formatScore(why.score)}`;
}
