import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MARGIN, escapeXml, lineChartSvg, niceDomain, niceTicks, percent, stackedAreaSvg } from '../../../src/webview/chart';
import { accuracySeries, weightLayers } from '../../../src/webview/curveData';

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

describe('stacked area', () => {
  test('normalized layers stack to the top of the plot', () => {
    const svg = stackedAreaSvg({
      title: 'w',
      xLabel: 'labels',
      yLabel: 'share',
      width: 400,
      height: 200,
      normalize: true,
      xs: [0, 10],
      layers: [
        { name: 'margin', values: [1, 3] },
        { name: 'egl', values: [1, 1] },
      ],
    });
    const polys = attr(svg, /<polygon class="area series-\d" data-series="[^"]*" points="([^"]+)"/g);
    assert.equal(polys.length, 2);
    const y1 = 200 - MARGIN.bottom;
    const y0 = MARGIN.top;
    const h = y1 - y0;
    const x0 = MARGIN.left;
    const x1 = 400 - MARGIN.right;
    // margin: 50% then 75% on top of the baseline.
    assert.equal(polys[0], `${x0},${y1 - h * 0.5} ${x1},${y1 - h * 0.75} ${x1},${y1} ${x0},${y1}`);
    // egl sits on margin and reaches 100%.
    assert.equal(polys[1], `${x0},${y0} ${x1},${y0} ${x1},${y1 - h * 0.75} ${x0},${y1 - h * 0.5}`);
    assert.deepEqual(attr(svg, /class="tick y-tick"[^>]*>([^<]*)</g), ['0%', '20%', '40%', '60%', '80%', '100%']);
    assert.deepEqual(attr(svg, /<g class="legend-item series-\d">.*?<text[^>]*>([^<]*)</g), ['margin', 'egl']);
  });

  test('a single round still draws a visible band', () => {
    const svg = stackedAreaSvg({ title: 'w', xLabel: 'x', yLabel: 'y', normalize: true, xs: [30], layers: [{ name: 'margin', values: [2] }] });
    const [poly] = attr(svg, /points="([^"]+)"/g);
    const xs = new Set(poly.split(' ').map((p) => p.split(',')[0]));
    assert.equal(xs.size, 2);
  });

  test('negative or missing weights count as zero; no layers means no data', () => {
    const svg = stackedAreaSvg({ title: 'w', xLabel: 'x', yLabel: 'y', normalize: true, width: 400, height: 200, xs: [0, 1], layers: [{ name: 'a', values: [-1] }, { name: 'b', values: [1, 1] }] });
    const polys = attr(svg, /<polygon[^>]* points="([^"]+)"/g);
    const flat = `${MARGIN.left},${200 - MARGIN.bottom}`;
    assert.ok(polys[0].startsWith(flat), polys[0]);
    assert.match(stackedAreaSvg({ title: 'w', xLabel: 'x', yLabel: 'y', xs: [], layers: [] }), /No data yet/);
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

  test('strategy weights become one layer per strategy, in order of first appearance', () => {
    const { xs, layers } = weightLayers([
      { round: 2, labels: 40, weights: { margin: 0.5, egl: 0.5 } },
      { round: 1, labels: 30, weights: { margin: 1 } },
    ]);
    assert.deepEqual(xs, [30, 40]);
    assert.deepEqual(layers, [
      { name: 'margin', values: [1, 0.5] },
      { name: 'egl', values: [0, 0.5] },
    ]);
  });
});
