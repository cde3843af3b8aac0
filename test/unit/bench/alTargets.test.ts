import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTargets, fmtP, labelsRatio, narrowedBy, pText, labelsToReach, medianLabelsToReach, seedsAtBudget, strategiesForLargerBudget, verdictOf, type DatasetVerdict, type RunLike } from '../../../bench/alTargets';

/** A run whose curve goes through the given (labels, accuracy) points. */
function run(seed: number, points: [number, number][], full = 0.8, aulc = 0.5): RunLike {
  return { seed, aulc, curve: points.map(([labels, accuracy]) => ({ labels, accuracy })), fullData: { accuracy: full } };
}

describe('labels to reach a fraction of full-data accuracy', () => {
  it('is the first point at or above the fraction of the full-data accuracy', () => {
    // 90 % of 0.8 = 0.72, 95 % = 0.76.
    const r = run(1, [[20, 0.5], [30, 0.71], [40, 0.72], [50, 0.75], [60, 0.76]]);
    assert.equal(labelsToReach(r, 0.9), 40);
    assert.equal(labelsToReach(r, 0.95), 60);
  });

  it('is Infinity when the curve never gets there, and a dip after reaching it does not matter', () => {
    assert.equal(labelsToReach(run(1, [[20, 0.5], [30, 0.7]]), 0.9), Infinity);
    assert.equal(labelsToReach(run(1, [[20, 0.73], [30, 0.6]]), 0.9), 20);
  });

  it('takes the median over runs, Infinity when most runs never reached it', () => {
    const reached = (l: number): RunLike => run(l, [[20, 0.5], [l, 0.79]]);
    const never = (s: number): RunLike => run(s, [[20, 0.5], [300, 0.6]]);
    assert.equal(medianLabelsToReach([reached(40), reached(60), reached(100)], 0.9), 60);
    assert.equal(medianLabelsToReach([reached(40), never(2), never(3)], 0.9), Infinity);
    assert.equal(medianLabelsToReach([], 0.9), Infinity);
  });

  it("gives meta's ratio to random's, as a bound when random never got there", () => {
    assert.deepEqual(labelsRatio(60, 120, 300), { ratio: 0.5, kind: 'exact' });
    // Random's median is beyond 300 labels, so 150 / random < 150 / 300.
    assert.deepEqual(labelsRatio(150, Infinity, 300), { ratio: 0.5, kind: 'below' });
    assert.equal(labelsRatio(Infinity, 100, 300).kind, 'unknown');
    assert.equal(labelsRatio(Infinity, Infinity, 300).kind, 'unknown');
  });
});

describe('meta against the best fixed strategy and random', () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
  const runsWith = (aulcs: number[], points: [number, number][] = [[20, 0.5], [300, 0.6]]): RunLike[] => aulcs.map((a, i) => run(seeds[i], points, 0.8, a));

  it('pairs by seed, picks the best fixed strategy by mean AULC and tests with Wilcoxon', () => {
    const runs = new Map<string, RunLike[]>([
      ['meta', runsWith([0.61, 0.62, 0.63, 0.64, 0.65, 0.66, 0.67, 0.68], [[20, 0.5], [100, 0.75]])],
      ['random', runsWith([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [[20, 0.5], [200, 0.75]])],
      ['margin', runsWith([0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6])],
      ['entropy', runsWith([0.55, 0.55, 0.55, 0.55, 0.55, 0.55, 0.55, 0.55])],
    ]);
    const v = verdictOf('toy', 300, runs)!;
    assert.equal(v.best.strategy, 'margin');
    assert.ok(Math.abs(v.vsBest.diff - 0.045) < 1e-9);
    // Eight positive differences: exact two-sided p = 2 / 2^8.
    assert.equal(v.vsBest.p, 2 / 256);
    assert.equal(v.vsBest.n, 8);
    assert.equal(v.labels90.meta, 100);
    assert.equal(v.labels90.random, 200);
    assert.deepEqual(v.labels90.ratio, { ratio: 0.5, kind: 'exact' });
    assert.equal(v.labels95.ratio.kind, 'unknown');
  });

  it('pairs only the seeds both strategies have', () => {
    const runs = new Map<string, RunLike[]>([
      ['meta', runsWith([0.6, 0.7, 0.8])],
      ['random', [run(2, [[20, 0.5]], 0.8, 0.6), run(3, [[20, 0.5]], 0.8, 0.7)]],
    ]);
    const v = verdictOf('toy', 300, runs)!;
    assert.equal(v.vsRandom.n, 2);
    assert.ok(Math.abs(v.vsRandom.diff - 0.1) < 1e-9);
  });

  it('has no verdict without meta or random', () => {
    assert.equal(verdictOf('toy', 300, new Map([['meta', runsWith([0.5])]])), undefined);
  });
});

describe('which fixed strategies run at the larger budget', () => {
  it('keeps those within the margin of the best, best first, at most max', () => {
    const m = new Map([
      ['meta', 0.9],
      ['random', 0.6],
      ['margin', 0.7],
      ['entropy', 0.695],
      ['kl', 0.69],
      ['egl', 0.65],
    ]);
    assert.deepEqual(strategiesForLargerBudget(m, 0.01, 5), ['margin', 'entropy', 'kl']);
    assert.deepEqual(strategiesForLargerBudget(m, 0.01, 2), ['margin', 'entropy']);
    assert.deepEqual(strategiesForLargerBudget(m, 0, 5), ['margin']);
  });

  it('measures the margin from random when random is the best fixed strategy', () => {
    const m = new Map([
      ['random', 0.7],
      ['margin', 0.695],
      ['egl', 0.68],
    ]);
    assert.deepEqual(strategiesForLargerBudget(m, 0.01, 5), ['margin']);
  });
});

describe('the issue-8 target check', () => {
  const verdict = (dataset: string, budget: number, vsBest: [number, number], vsRandom: [number, number], l90: [number, number]): DatasetVerdict => ({
    dataset,
    budget,
    meta: 0.7,
    random: 0.7 - vsRandom[0],
    best: { strategy: 'margin', aulc: 0.7 - vsBest[0] },
    vsBest: { diff: vsBest[0], p: vsBest[1], n: 20, wPlus: 0, wMinus: 0 },
    vsRandom: { diff: vsRandom[0], p: vsRandom[1], n: 20, wPlus: 0, wMinus: 0 },
    labels90: { meta: l90[0], random: l90[1], ratio: labelsRatio(l90[0], l90[1], budget) },
    labels95: { meta: Infinity, random: Infinity, ratio: labelsRatio(Infinity, Infinity, budget) },
  });
  const find = (checks: ReturnType<typeof checkTargets>, start: string, budget: number | null): { met: boolean; measured: string } => {
    const c = checks.find((x) => x.target.startsWith(start) && (budget === null || x.target.includes(`budget ${budget},`)));
    assert.ok(c, `no check starting "${start}"`);
    return c;
  };

  it('says MET when every target holds and names the numbers', () => {
    const v = [
      verdict('a', 300, [0.01, 0.01], [0.04, 0.001], [50, 100]),
      verdict('b', 300, [0.02, 0.02], [0.03, 0.001], [60, 100]),
      verdict('c', 300, [-0.001, 0.6], [0.02, 0.01], [90, 100]),
    ];
    const checks = checkTargets(v, [300], 0.68);
    assert.ok(checks.every((c) => c.met), JSON.stringify(checks, null, 1));
    assert.match(find(checks, 'meta ≥ random + 3', 300).measured, /\+3\.00 points/);
    assert.match(find(checks, 'labels to 90 %', 300).measured, /^2 of 3/);
    assert.match(find(checks, 'meta significantly above', 300).measured, /^2: a \(\+1\.00 pts, p = 0\.010\), b/);
    assert.equal(find(checks, "meta's mean AULC ≥ 0.67", null).measured, '0.680');
  });

  it('says MISSED with the dataset that broke a target', () => {
    const v = [
      verdict('a', 1200, [-0.01, 0.03], [-0.005, 0.04], [Infinity, 100]),
      verdict('b', 1200, [0.02, 0.02], [0.03, 0.001], [Infinity, Infinity]),
      verdict('c', 1200, [0.01, 0.2], [0.02, 0.01], [150, Infinity]),
    ];
    const checks = checkTargets(v, [1200], 0.66);
    const below = find(checks, 'meta never significantly below the best', 1200);
    assert.equal(below.met, false);
    assert.match(below.measured, /a \(-1\.00 pts, p = 0\.030\)/);
    assert.equal(find(checks, 'meta significantly above', 1200).met, false);
    assert.equal(find(checks, 'meta ≥ random + 3', 1200).met, false);
    assert.equal(find(checks, 'meta never significantly below random', 1200).met, false);
    // Only c saves labels (150 / >1,200 < 0.13×): 1 of 3 is less than half.
    const l90 = find(checks, 'labels to 90 %', 1200);
    assert.equal(l90.met, false);
    assert.match(l90.measured, /^1 of 3 .*c < 0\.13×/);
    assert.equal(find(checks, "meta's mean AULC ≥ 0.67", null).met, false);
  });

  it('says MISSED when a budget has fewer seeds than the targets ask for, and how many it had', () => {
    const few = (d: DatasetVerdict): DatasetVerdict => ({ ...d, vsBest: { ...d.vsBest, n: 3 }, vsRandom: { ...d.vsRandom, n: 3 } });
    const v = [
      verdict('a', 1200, [0.01, 0.25], [0.04, 0.25], [50, 100]),
      verdict('b', 1200, [0.02, 0.25], [0.03, 0.25], [60, 100]),
    ].map(few);
    const checks = checkTargets(v, [1200], undefined);
    // With 3 seeds, "never significantly below" would hold whatever the runs did.
    const below = find(checks, 'meta never significantly below the best', 1200);
    assert.equal(below.met, false);
    assert.match(below.measured, /^only 3 seeds \(the targets need ≥ 20\); worst/);
    assert.ok(checks.filter((c) => c.target.includes('budget 1200,')).every((c) => !c.met));
    // The same runs on 20 seeds are judged on their numbers.
    assert.equal(find(checkTargets(v, [1200], undefined, 3), 'meta never significantly below the best', 1200).met, true);
  });

  it('never says MET without data', () => {
    const checks = checkTargets([], [300, 1200], undefined);
    assert.equal(checks.length, 11);
    assert.ok(checks.every((c) => !c.met));
  });
});

describe('seeds per budget', () => {
  it('runs every seed at the smallest budget and --seeds-larger at the others', () => {
    assert.equal(seedsAtBudget(300, [300, 1200], 20, 10), 20);
    assert.equal(seedsAtBudget(1200, [300, 1200], 20, 10), 10);
    // Without --seeds-larger every budget runs --seeds.
    assert.equal(seedsAtBudget(1200, [300, 1200], 20), 20);
    // The smallest budget is the first one listed, whatever its value.
    assert.equal(seedsAtBudget(300, [1200, 300], 20, 5), 5);
  });
});

it('pText writes a p-value below 0.001 as "p < 0.001", never "p = 0.000"', () => {
  assert.equal(pText(0.0004), 'p < 0.001');
  assert.equal(pText(0.001), 'p = 0.001');
  assert.equal(pText(0.0345), 'p = 0.035');
  assert.equal(fmtP(0.0004), '< 0.001');
  assert.equal(fmtP(0.0345), '0.035');
});

describe('which runs write the main report', () => {
  const defaults = { seeds: 20, budgets: [300, 1200], datasets: ['a', 'b'], strategies: ['meta', 'margin'], peers: true, jobs: 1 };
  const keys = ['seeds', 'budgets', 'datasets', 'strategies', 'peers'] as const;
  it('is the full plan only when no flag narrowed it', () => {
    assert.deepEqual(narrowedBy({ ...defaults, jobs: 2 }, defaults, keys), []);
    // A subset of strategies, datasets or budgets (bench:al once rewrote BENCHMARKS.md from one of these).
    assert.deepEqual(narrowedBy({ ...defaults, strategies: ['meta'] }, defaults, keys), ['strategies']);
    assert.deepEqual(narrowedBy({ ...defaults, budgets: [300], datasets: ['b'] }, defaults, keys), ['budgets', 'datasets']);
    assert.deepEqual(narrowedBy({ ...defaults, peers: false, seeds: 5 }, defaults, keys), ['seeds', 'peers']);
    // The same values in another order are the same plan.
    assert.deepEqual(narrowedBy({ ...defaults, datasets: ['b', 'a'] }, defaults, keys), []);
  });
});
