import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StrategyWeightsPoint } from '../../../src/protocol';
import { lineChartSvg, stackedBarSvg } from '../../../src/webview/chart';
import { formatShare, logShareFormat, mixCaption, mixSeries, MIX_FLOOR, pickLayers, strategyNames } from '../../../src/webview/curveData';

/** What a meta session looks like after three rounds: margin takes ~100 % after the first. */
const rounds: StrategyWeightsPoint[] = [
  { round: 1, labels: 10, weights: { random: 0.2, margin: 0.3, egl: 0.5 }, picks: { random: 10 } },
  { round: 2, labels: 20, weights: { random: 0.0005, margin: 0.996, egl: 0.0035 }, picks: { margin: 6, egl: 3, random: 1 } },
  { round: 3, labels: 30, weights: { random: 0.00001, margin: 0.9995, egl: 0.0004 }, picks: { margin: 10 } },
];

const attr = (svg: string, re: RegExp): string[] => [...svg.matchAll(re)].map((m) => m[1]);

describe('strategy mix: picks per round and probabilities on a readable scale', () => {
  test('picks per round become one bar per round, one layer per strategy', () => {
    const names = strategyNames(rounds);
    assert.deepEqual(names, ['random', 'margin', 'egl']);
    const p = pickLayers(rounds, names);
    assert.deepEqual(p.categories, ['R1', 'R2', 'R3']);
    assert.deepEqual(p.layers, [
      { name: 'random', values: [10, 1, 0] },
      { name: 'margin', values: [0, 6, 10] },
      { name: 'egl', values: [0, 3, 0] },
    ]);
    // Rounds written before picks were recorded have no bar.
    assert.deepEqual(pickLayers([{ round: 1, labels: 10, weights: { margin: 1 } }], ['margin']).categories, []);
  });

  test('the bar chart stacks each round to its total, with a tooltip per segment', () => {
    const names = strategyNames(rounds);
    const p = pickLayers(rounds, names);
    const svg = stackedBarSvg({ title: 't', xLabel: 'round', yLabel: 'spans', categories: p.categories, layers: p.layers, width: 400, height: 200 });
    const segs = attr(svg, /<rect class="bar-segment (series-\d)"/g);
    assert.deepEqual(segs, ['series-0', 'series-0', 'series-1', 'series-2', 'series-1'], 'zero counts draw nothing');
    assert.match(svg, /<title>R2: 6 of 10 from margin<\/title>/);
    const heights = attr(svg, /height="([\d.]+)"><title>R2/g).map(Number);
    const full = attr(svg, /height="([\d.]+)"><title>R3/g).map(Number);
    assert.ok(Math.abs(heights.reduce((a, b) => a + b, 0) - full[0]) < 0.5, 'R2 (10 spans) is as tall as R3 (10 spans)');
    assert.match(stackedBarSvg({ title: 't', xLabel: 'x', yLabel: 'y', categories: [], layers: [] }), /No data yet/);
  });

  test('mixing probabilities on a log scale: 0.05 % and 0.4 % are apart, not one solid block', () => {
    const s = mixSeries(rounds, ['margin', 'egl', 'random']);
    const ys = s.map((x) => x.points.map((p) => Math.round(p.y * 100) / 100 + 0));
    assert.deepEqual(ys, [
      [-0.52, 0, 0],
      [-0.3, -2.46, -3.4],
      [-0.7, -3.3, -3],
    ].map((r) => r.map((v) => Math.max(v, Math.log10(MIX_FLOOR)))));
    const svg = lineChartSvg({ title: 't', xLabel: 'labels', yLabel: 'share', series: s, yDomain: [-3, 0], yFormat: logShareFormat, yTickCount: 3 });
    assert.deepEqual(attr(svg, /class="tick y-tick"[^>]*>([^<]*)</g), ['≤ 0.1 %', '1 %', '10 %', '100 %']);
  });

  test('shares are written for people', () => {
    assert.equal(formatShare(0.9995), '99.9 %');
    assert.equal(formatShare(0.5), '50 %');
    assert.equal(formatShare(0.035), '3.5 %');
    assert.equal(formatShare(0.0008), '0.08 %');
    assert.equal(formatShare(1), '100 %');
  });

  test('the caption says in words where the last round came from and what the mix is', () => {
    const c = mixCaption(rounds);
    assert.match(c, /^Round 3 \(30 labels\) learned from 10 picked spans: 10 by margin\./);
    assert.match(c, /draws 99\.9 % of its picks from margin \(2 others under 0\.5 % each\)/);
    assert.match(c, /margin has led for the last 2 rounds\./);
    const two = mixCaption(rounds.slice(0, 2));
    assert.match(two, /learned from 10 picked spans: 6 by margin, 3 by egl, 1 by random\./);
    assert.match(mixCaption(rounds.slice(0, 1)), /now mixes egl 50 %, margin 30 %, random 20 %\./);
    assert.match(mixCaption([...rounds.slice(1)]), /margin has led in every round\./);
    const even = { a: 1 / 7, b: 1 / 7, c: 1 / 7, d: 1 / 7, e: 1 / 7, f: 1 / 7, g: 1 / 7 };
    assert.match(mixCaption([{ round: 1, labels: 4, weights: even, picks: { random: 4 } }]), /draws evenly from all 7 strategies \(14 % each\)/);
    const five = { a: 0.4, b: 0.3, c: 0.15, d: 0.1, e: 0.05, f: 0.0001 };
    assert.match(mixCaption([{ round: 1, labels: 4, weights: five }]), /mixes a 40 %, b 30 %, c 15 %, d 10 %, 1 more, 1 other under 0\.5 % each\./);
    assert.match(mixCaption([{ round: 4, labels: 40, weights: { margin: 1 } }]), /A fixed strategy \(labelwise\.strategy\): margin picks every span\./);
    assert.match(mixCaption([]), /After each retrain/);
  });
});
