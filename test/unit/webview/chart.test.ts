import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MARGIN, escapeXml, lineChartSvg, niceDomain, niceTicks, percent } from '../../../src/webview/chart';
import { accuracySeries } from '../../../src/webview/curveData';

function attr(svg: string, selector: RegExp): string[] {
  return [...svg.matchAll(selector)].map((m) => m[1]);
}

describe('ticks', () => {
  test('round steps of 1, 2 or 5 times a power of ten', () => {
    assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(20, 140, 6), [20, 40, 60, 80, 100, 120, 140]);
    assert.deepEqual(niceTicks(0.42, 0.78, 5), [0.5, 0.6, 0.7]);
    assert.deepEqual(niceTicks(0.4, 0.8, 5), [0.4, 0.5, 0.6, 0.7, 0.8]);
    assert.deepEqual(niceTicks(3, 3), [3]);
    assert.deepEqual(niceTicks(Number.NaN, 1), []);
  });

  test('domains widen to whole steps', () => {
    assert.deepEqual(niceDomain(0.42, 0.78), [0.4, 0.8]);
    assert.deepEqual(niceDomain(5, 5), [4, 6]);
  });
});

describe('line chart', () => {
  const svg = lineChartSvg({
    title: 'Accuracy',
    xLabel: 'labels',
    yLabel: 'accuracy',
    width: 400,
    height: 200,
    yDomain: [0, 1],
    yFormat: percent,
    series: [{ name: 'acc', points: [{ x: 0, y: 0 }, { x: 5, y: 0.5 }, { x: 10, y: 1 }] }],
  });

  test('maps data to the plot area: origin bottom-left, maximum top-right', () => {
    const x0 = MARGIN.left;
    const x1 = 400 - MARGIN.right;
    const y0 = MARGIN.top;
    const y1 = 200 - MARGIN.bottom;
    assert.match(svg, new RegExp(`<polyline class="line" points="${x0},${y1} ${(x0 + x1) / 2},${(y0 + y1) / 2} ${x1},${y0}"/>`));
    assert.deepEqual(attr(svg, /<circle class="point" cx="([\d.]+)"/g), [String(x0), String((x0 + x1) / 2), String(x1)]);
  });

  test('draws both axes with labelled ticks', () => {
    assert.match(svg, new RegExp(`<line class="axis x-axis" x1="${MARGIN.left}" x2="${400 - MARGIN.right}" y1="${200 - MARGIN.bottom}"`));
    assert.match(svg, /<line class="axis y-axis"/);
    assert.deepEqual(attr(svg, /class="tick y-tick"[^>]*>([^<]*)</g), ['0%', '20%', '40%', '60%', '80%', '100%']);
    assert.deepEqual(attr(svg, /class="tick x-tick"[^>]*>([^<]*)</g), ['0', '2', '4', '6', '8', '10']);
    assert.match(svg, />labels<\/text>/);
    assert.match(svg, />accuracy<\/text>/);
    assert.match(svg, /role="img" aria-label="Accuracy"/);
  });

  test('a single series has no legend; several do, in order', () => {
    assert.doesNotMatch(svg, /class="legend"/);
    const two = lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'one', points: [{ x: 1, y: 1 }] }, { name: 'two', points: [{ x: 2, y: 2 }] }] });
    assert.deepEqual(attr(two, /<g class="legend-item (series-\d)"/g), ['series-0', 'series-1']);
  });

  test('escapes names that reach the markup', () => {
    const evil = lineChartSvg({ title: '<b>', xLabel: 'x', yLabel: 'y', series: [{ name: '"><script>alert(1)</script>', points: [{ x: 1, y: 1 }] }] });
    assert.doesNotMatch(evil, /<script>/);
    assert.match(evil, /&lt;script&gt;/);
    assert.equal(escapeXml(`a&b<c>"d'`), 'a&amp;b&lt;c&gt;&quot;d&apos;');
  });

  test('no points: says so instead of drawing empty axes', () => {
    const empty = lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'acc', points: [{ x: Number.NaN, y: 1 }] }] });
    assert.match(empty, /No data yet/);
    assert.doesNotMatch(empty, /polyline|circle/);
  });
});

describe('curve data', () => {
  test('accuracy points sorted by labels, non-numbers dropped', () => {
    const s = accuracySeries([
      { labels: 30, accuracy: 0.6 },
      { labels: 20, accuracy: 0.5 },
      { labels: 40, accuracy: Number.NaN },
    ]);
    assert.deepEqual(s.points, [
      { x: 20, y: 0.5 },
      { x: 30, y: 0.6 },
    ]);
  });
});
