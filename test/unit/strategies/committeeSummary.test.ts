import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEngine } from '../../../src/core/engine/createEngine';
import { createRng } from '../../../src/core/learners/rng';
import { CommitteeSummaryBuilder, summariseCommittee } from '../../../src/core/strategies/committeeSummary';
import { blobs } from '../learners/helpers';

/**
 * What the readers of the committee computed from the whole per-member probability matrices before
 * the pool was streamed (voteEntropy.ts, multiLabel.ts's multiVoteEntropy, meta/features.ts),
 * kept here verbatim as the reference the streamed summary must equal bit for bit.
 */
function materialisedVoteEntropy(members: readonly Float32Array[], K: number, n: number): Float32Array {
  const M = members.length;
  const term = Float64Array.from({ length: M + 1 }, (_, v) => (v === 0 ? 0 : -(v / M) * Math.log(v / M)));
  const votes = new Int32Array(K);
  const mean = new Float64Array(K);
  const scale = 1e-4 / Math.log(Math.max(2, K));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * K;
    votes.fill(0);
    mean.fill(0);
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
      votes[best]++;
    }
    let h = 0;
    let hc = 0;
    for (let k = 0; k < K; k++) {
      h += term[votes[k]];
      const c = mean[k] / M;
      if (c > 0) hc -= c * Math.log(c);
    }
    out[i] = h + scale * hc;
  }
  return out;
}

const binaryEntropy = (p: number): number => (p > 0 ? -p * Math.log(p) : 0) + (p < 1 ? -(1 - p) * Math.log(1 - p) : 0);

function materialisedMultiVoteEntropy(members: readonly Float32Array[], K: number, n: number): Float32Array {
  const M = members.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0;
    let hc = 0;
    for (let k = 0; k < K; k++) {
      let yes = 0;
      let mean = 0;
      for (const m of members) {
        const v = m[i * K + k];
        mean += v;
        if (v >= 0.5) yes++;
      }
      h += binaryEntropy(yes / M);
      hc += binaryEntropy(mean / M);
    }
    out[i] = (h + 1e-4 * hc) / K;
  }
  return out;
}

/** features.ts's per-row hard votes and their entropy. */
function materialisedHardVotes(members: readonly Float32Array[], K: number, i: number): { ve: number; votes: number[] } {
  const C = members.length;
  const off = i * K;
  const votes = new Array<number>(K).fill(0);
  for (const cp of members) {
    let ca = 0;
    for (let k = 1; k < K; k++) if (cp[off + k] > cp[off + ca]) ca = k;
    votes[ca]++;
  }
  let ve = 0;
  for (let k = 0; k < K; k++) {
    if (votes[k] > 0) {
      const p = votes[k] / C;
      ve -= p * Math.log(p);
    }
  }
  return { ve, votes };
}

/** The members' probabilities for some rows (rows.length × K each). */
function some(members: readonly Float32Array[], K: number, rows: Int32Array): Float32Array[] {
  return members.map((m) => Float32Array.from({ length: rows.length * K }, (_, i) => m[rows[Math.floor(i / K)] * K + (i % K)]));
}

/** M members' probabilities over n rows: softmax of random logits, some rows tied on purpose. */
function randomMembers(M: number, n: number, K: number, seed: number, multiLabel = false): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: M }, () => {
    const p = new Float32Array(n * K);
    for (let i = 0; i < n; i++) {
      if (i % 17 === 0) {
        p.fill(1 / K, i * K, (i + 1) * K);
        continue;
      }
      let sum = 0;
      for (let k = 0; k < K; k++) sum += p[i * K + k] = Math.exp(3 * (rng() - 0.5));
      if (!multiLabel) for (let k = 0; k < K; k++) p[i * K + k] /= sum;
      else for (let k = 0; k < K; k++) p[i * K + k] = rng();
    }
    return p;
  });
}

describe('the committee streamed past in chunks equals the materialised per-member matrices', () => {
  for (const [K, M] of [
    [2, 5],
    [7, 5],
    [3, 2],
    [11, 9],
  ] as const) {
    test(`single-label, ${K} classes, ${M} members, chunks of 13 rows`, () => {
      const n = 301;
      const members = randomMembers(M, n, K, K * 100 + M);
      const view = summariseCommittee(n, K, (s, e) => members.map((m) => m.slice(s * K, e * K)), (rows) => some(members, K, rows), false, 13);
      assert.equal(view.size, M);
      assert.deepEqual(view.voteEntropy, materialisedVoteEntropy(members, K, n));
      for (let i = 0; i < n; i++) {
        const ref = materialisedHardVotes(members, K, i);
        assert.equal(view.hardVoteEntropy[i], ref.ve, `row ${i} vote entropy`);
        assert.deepEqual(Array.from(view.votes.subarray(i * K, (i + 1) * K)), ref.votes, `row ${i} votes`);
      }
    });
  }

  test('multi-label: votes count the members saying a label applies; the score is the per-label form', () => {
    const n = 120;
    const K = 4;
    const members = randomMembers(5, n, K, 42, true);
    const view = summariseCommittee(n, K, (s, e) => members.map((m) => m.slice(s * K, e * K)), (rows) => some(members, K, rows), true, 50);
    assert.deepEqual(view.voteEntropy, materialisedMultiVoteEntropy(members, K, n));
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) assert.equal(view.votes[i * K + k], members.filter((m) => m[i * K + k] >= 0.5).length);
      assert.equal(view.hardVoteEntropy[i], materialisedHardVotes(members, K, i).ve);
    }
  });

  test('the members’ probabilities for a few sampled rows are answered on demand', () => {
    const members = randomMembers(3, 40, 2, 9);
    const view = summariseCommittee(40, 2, (s, e) => members.map((m) => m.slice(s * 2, e * 2)), (rows) => some(members, 2, rows), false, 16);
    const got = view.memberProba(Int32Array.from([39, 0]));
    assert.deepEqual(got, members.map((m) => Float32Array.from([m[78], m[79], m[0], m[1]])));
  });

  test('a chunk outside the pool, or of the wrong committee size, is refused', () => {
    const b = new CommitteeSummaryBuilder(10, 2, 3);
    assert.throws(() => b.add(8, randomMembers(3, 4, 2, 1)), /outside the pool/);
    assert.throws(() => b.add(0, randomMembers(2, 4, 2, 1)), /2 members for a committee of 3/);
    assert.throws(() => new CommitteeSummaryBuilder(10, 2, 256), /at most 255/);
  });

  test('the engine: vote-entropy picks, pick votes and contested spans come from the streamed summary', async () => {
    const { X, y } = blobs(4, 60, 6, 2.5, 7);
    const engine = createEngine(X, { classes: ['a', 'b', 'c', 'd'], committeeSize: 5, strategy: 'vote-entropy', diversity: false, seed: 3 });
    for (let r = 0; r < X.rows; r += 7) engine.setLabel(r, y[r]);
    await engine.retrain();
    const picks = await engine.query(5);
    assert.equal(picks.length, 5);
    for (const p of picks) assert.equal(p.votes.reduce((a, b) => a + b, 0), 5, 'every member votes once');
    // The picks are the unlabeled rows of highest vote entropy (ties to the lower row).
    const contested = engine.contested(X.rows);
    assert.ok(contested.length > 0);
    for (const c of contested) assert.equal(c.votes.reduce((a, b) => a + b, 0), 5);
    assert.ok(picks[0].score >= picks[4].score);
  });
});
