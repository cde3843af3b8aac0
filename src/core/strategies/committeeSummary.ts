/**
 * What the committee's readers need of it, per row of the pool, worked out chunk by chunk as the
 * members' probabilities stream past: the hard votes (the "why" of a pick, contested spans), the
 * vote-entropy strategy's score and the entropy of the hard votes (a meta-learner feature); and the
 * members' probabilities for the few rows a reader samples (the meta-learner's disagreement
 * feature), computed when asked. A committee of M members over N rows and K classes then costs
 * N·(K + 12) bytes held, instead of M·N·K float32 probabilities (at 1 M spans, 5 members and 5
 * classes: 17 MB instead of 100 MB, and nothing copied per query). Each quantity is computed exactly
 * as its reader computed it from the whole matrices before (same operations in the same order), so
 * scores are bit-for-bit the same.
 */
export interface CommitteeView {
  /** Members (0: no committee; the arrays are then empty). */
  readonly size: number;
  /** votes[r·K + k]: members whose most probable class is k (ties to the lower class); multi-label: members with P(k applies) ≥ 0.5. */
  readonly votes: Uint8Array;
  /** The vote-entropy strategy's score of each row (its single- or multi-label form, tie-break included). */
  readonly voteEntropy: Float32Array;
  /** Entropy (nats) of the members' hard votes (their most probable class, in both modes) for each row. */
  readonly hardVoteEntropy: Float64Array;
  /** Each member's probabilities for the given rows of the pool (rows.length × classes each), computed now: for a sample of rows, never the whole pool. */
  memberProba(rows: Int32Array): readonly Float32Array[];
}

/** No committee: what a state holds before one is trained. */
export const NO_COMMITTEE: CommitteeView = {
  size: 0,
  votes: new Uint8Array(0),
  voteEntropy: new Float32Array(0),
  hardVoteEntropy: new Float64Array(0),
  memberProba: () => [],
};

/** The members most a view can count (votes are bytes). */
export const MAX_COMMITTEE = 255;

/**
 * Scale of the vote-entropy tie-breaking term. Distinct vote entropies of a committee of M ≤ 50
 * members differ by far more than this times ln K, so the term only orders rows whose votes split
 * the same way.
 */
const TIE_BREAK = 1e-4;

function binaryEntropy(p: number): number {
  let h = 0;
  if (p > 0) h -= p * Math.log(p);
  if (p < 1) h -= (1 - p) * Math.log(1 - p);
  return h;
}

/** Fills a view of `rows` rows from the members' probabilities, one chunk of rows at a time. */
export class CommitteeSummaryBuilder {
  private readonly view: { votes: Uint8Array; voteEntropy: Float32Array; hardVoteEntropy: Float64Array };
  private readonly term: Float64Array;
  private readonly counts: Int32Array;
  private readonly mean: Float64Array;

  constructor(
    readonly rows: number,
    readonly classes: number,
    readonly size: number,
    readonly multiLabel = false,
  ) {
    if (size > MAX_COMMITTEE) throw new RangeError(`a committee of ${size} members: at most ${MAX_COMMITTEE} can vote`);
    this.view = { votes: new Uint8Array(rows * classes), voteEntropy: new Float32Array(rows), hardVoteEntropy: new Float64Array(rows) };
    const M = size;
    // −(v/M) log(v/M) for every possible vote count v.
    this.term = Float64Array.from({ length: M + 1 }, (_, v) => (v === 0 ? 0 : -(v / M) * Math.log(v / M)));
    this.counts = new Int32Array(classes);
    this.mean = new Float64Array(classes);
  }

  /** Rows start .. start + n, given each member's probabilities for them (n × classes each, member order fixed). */
  add(start: number, members: readonly Float32Array[], n = members[0] ? members[0].length / this.classes : 0): void {
    const K = this.classes;
    const M = this.size;
    if (members.length !== M) throw new RangeError(`a chunk of ${members.length} members for a committee of ${M}`);
    if (start < 0 || start + n > this.rows) throw new RangeError(`rows ${start}..${start + n} outside the pool of ${this.rows}`);
    const { votes, voteEntropy, hardVoteEntropy } = this.view;
    const { term, counts, mean } = this;
    const scale = TIE_BREAK / Math.log(Math.max(2, K));
    for (let i = 0; i < n; i++) {
      const o = i * K;
      const r = start + i;
      // (Loops, not fill(): a call per row costs more than K stores.)
      for (let k = 0; k < K; k++) {
        counts[k] = 0;
        mean[k] = 0;
      }
      for (let m = 0; m < M; m++) {
        const p = members[m];
        let best = 0;
        let bestV = p[o];
        mean[0] += bestV;
        for (let k = 1; k < K; k++) {
          const v = p[o + k];
          mean[k] += v;
          if (v > bestV) {
            bestV = v;
            best = k;
          }
        }
        counts[best]++;
      }
      // Entropy of the hard votes: term[v] = −(v/M)·log(v/M), so the sum is the very number
      // −Σ (v/M)·log(v/M) gives (x + (−y) is x − y exactly).
      let ve = 0;
      for (let k = 0; k < K; k++) if (counts[k] > 0) ve += term[counts[k]];
      hardVoteEntropy[r] = ve;
      if (this.multiLabel) {
        // Per label: members saying it applies; the mean over labels of the binary vote entropy,
        // plus a tiny share of the consensus's binary entropy to order rows whose votes split alike.
        let h = 0;
        let hc = 0;
        for (let k = 0; k < K; k++) {
          let yes = 0;
          let mk = 0;
          for (let m = 0; m < M; m++) {
            const v = members[m][o + k];
            mk += v;
            if (v >= 0.5) yes++;
          }
          votes[r * K + k] = yes;
          h += binaryEntropy(yes / M);
          hc += binaryEntropy(mk / M);
        }
        voteEntropy[r] = (h + 1e-4 * hc) / K;
      } else {
        let h = 0;
        let hc = 0;
        for (let k = 0; k < K; k++) {
          votes[r * K + k] = counts[k];
          h += term[counts[k]];
          const c = mean[k] / M;
          if (c > 0) hc -= c * Math.log(c);
        }
        voteEntropy[r] = h + scale * hc;
      }
    }
  }

  /** The view, once every row has been added; `memberProba` answers for the few rows a reader samples. */
  build(memberProba: (rows: Int32Array) => readonly Float32Array[]): CommitteeView {
    return { size: this.size, ...this.view, memberProba };
  }
}

/** Rows per chunk of a streamed committee pass: 8k rows × K classes × M members stay a few megabytes. */
export const SUMMARY_CHUNK_ROWS = 8192;

/**
 * The view of a committee over `rows` rows, from a function giving the members' probabilities for
 * rows start .. end (each (end − start) × classes): the pool is streamed past in chunks, so no
 * member's probabilities for the whole pool ever exist at once.
 */
export function summariseCommittee(
  rows: number,
  classes: number,
  memberProbs: (start: number, end: number) => readonly Float32Array[],
  memberProba: (rows: Int32Array) => readonly Float32Array[],
  multiLabel = false,
  chunkRows = SUMMARY_CHUNK_ROWS,
): CommitteeView {
  let b: CommitteeSummaryBuilder | undefined;
  for (let s = 0; s < rows; s += chunkRows) {
    const e = Math.min(rows, s + chunkRows);
    const parts = memberProbs(s, e);
    if (parts.length === 0) return NO_COMMITTEE;
    b ??= new CommitteeSummaryBuilder(rows, classes, parts.length, multiLabel);
    b.add(s, parts, e - s);
  }
  return b ? b.build(memberProba) : NO_COMMITTEE;
}
