import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSpanTargets, medianTokensLowerBound, medianTokensToReach, spanVerdictOf, tokensAt, tokensToReach, type SpanRunLike } from '../../../bench/alSpanTargets';

/** A run through (labels, tokens, f1) points. */
function run(seed: number, points: [number, number, number][], full = 0.8, aulc = 0.5): SpanRunLike {
  return { seed, aulc, curve: points.map(([labels, tokens, f1]) => ({ labels, tokens, f1 })), fullData: { f1: full } };
}

describe('tokens labeled to reach a fraction of full-pool span F1', () => {
  it('is the tokens of the first point at or above the fraction (0.95 × 0.8 = 0.76 counts as reached)', () => {
    const r = run(1, [[20, 400, 0.5], [30, 610, 0.71], [40, 790, 0.72], [50, 1000, 0.75], [60, 1230, 0.76]]);
    assert.equal(tokensToReach(r, 0.9), 790);
    assert.equal(tokensToReach(r, 0.95), 1230);
  });

  it('is Infinity when never reached; a dip afterwards does not matter', () => {
    assert.equal(tokensToReach(run(1, [[20, 400, 0.5], [30, 600, 0.7]]), 0.9), Infinity);
    assert.equal(tokensToReach(run(1, [[20, 400, 0.73], [30, 600, 0.6]]), 0.9), 400);
  });

  it('takes medians over runs, with a lower bound from the tokens labeled in all when most runs never got there', () => {
    const reached = (s: number, t: number): SpanRunLike => run(s, [[20, 300, 0.5], [30, t, 0.79]]);
    const never = (s: number, t: number): SpanRunLike => run(s, [[20, 300, 0.5], [300, t, 0.6]]);
    assert.equal(medianTokensToReach([reached(1, 500), reached(2, 700), reached(3, 900)], 0.9), 700);
    assert.equal(medianTokensToReach([reached(1, 500), never(2, 6000), never(3, 7000)], 0.9), Infinity);
    assert.equal(medianTokensLowerBound([reached(1, 500), never(2, 6000), never(3, 7000)], 0.9), 6000);
    assert.equal(medianTokensToReach([], 0.9), Infinity);
  });

  it("gives meta's ratio to random's: exact, a bound when random never got there, unknown when meta did not", () => {
    const m = [run(1, [[20, 100, 0.5], [30, 300, 0.8]])];
    const r = [run(1, [[20, 100, 0.5], [30, 300, 0.6], [40, 600, 0.8]])];
    assert.deepEqual(tokensAt(m, r, 0.95).ratio, { ratio: 0.5, kind: 'exact' });
    const slow = [run(1, [[20, 100, 0.5], [300, 1500, 0.6]])];
    const b = tokensAt(m, slow, 0.95);
    assert.equal(b.random, Infinity);
    assert.equal(b.randomAtLeast, 1500);
    assert.deepEqual(b.ratio, { ratio: 0.2, kind: 'below' });
    assert.equal(tokensAt(slow, r, 0.95).ratio.kind, 'unknown');
  });
});

describe('span verdicts and issue-10 targets', () => {
  const curve = (t95: number): [number, number, number][] => [[20, 100, 0.4], [30, t95, 0.8]];
  const runs = (aulcs: number[], t95: number): SpanRunLike[] => aulcs.map((a, i) => run(i + 1, curve(t95), 0.8, a));

  it('meta against random and the best fixed strategy, paired by seed', () => {
    const v = spanVerdictOf(
      'x',
      300,
      new Map([
        ['meta', runs([0.6, 0.62, 0.61, 0.63, 0.6, 0.64], 400)],
        ['random', runs([0.5, 0.52, 0.51, 0.5, 0.53, 0.52], 1000)],
        ['mnlp', runs([0.59, 0.6, 0.6, 0.61, 0.6, 0.62], 500)],
      ]),
    )!;
    assert.equal(v.best.strategy, 'mnlp');
    assert.ok(Math.abs(v.vsRandom.diff - 0.1033) < 1e-3, String(v.vsRandom.diff));
    assert.ok(v.vsRandom.p < 0.05);
    assert.equal(v.tokens95.ratio.kind, 'exact');
    assert.equal(v.tokens95.ratio.ratio, 0.4);
    assert.equal(spanVerdictOf('x', 300, new Map([['meta', runs([0.6], 1)]])), undefined);
  });

  it('MET only when every dataset meets a target; MISSED with no data', () => {
    const good = spanVerdictOf('a', 300, new Map([['meta', runs([0.6, 0.6], 400)], ['random', runs([0.5, 0.5], 1000)], ['mnlp', runs([0.603, 0.603], 500)]]))!;
    const bad = spanVerdictOf('b', 300, new Map([['meta', runs([0.54, 0.54], 900)], ['random', runs([0.5, 0.5], 1000)], ['mnlp', runs([0.56, 0.56], 500)]]))!;
    const one = checkSpanTargets([good], new Map([['brown-names', 0.76]]));
    assert.deepEqual(one.map((c) => c.met), [true, true, true, true], JSON.stringify(one));
    const both = checkSpanTargets([good, bad], new Map([['brown-names', 0.74]]));
    assert.deepEqual(both.map((c) => c.met), [false, false, false, false]);
    assert.match(both[0].measured, /b \+4\.00 pts .*✗/);
    assert.match(both[1].measured, /b -2\.00 pts vs mnlp/);
    assert.deepEqual(checkSpanTargets([], new Map()).map((c) => c.met), [false, false, false, false]);
  });
});
