/**
 * Hand-written SVG charts for the learning-curve view. Pure functions from data to an SVG string,
 * so they are tested in plain Node; colors come from CSS classes (`series-N`, `axis`, ...) that
 * media/panel.css maps to VS Code theme variables, so the markup itself carries no styles.
 */

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly Point[];
}

export interface StackLayer {
  readonly name: string;
  /** One value per entry of `xs`. */
  readonly values: readonly number[];
}

export interface ChartFrame {
  readonly width?: number;
  readonly height?: number;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Accessible name of the chart. */
  readonly title: string;
}

export interface LineChartOptions extends ChartFrame {
  readonly series: readonly LineSeries[];
  /** Series colour index per series (default: its position), to match another chart's colours. */
  readonly colorIndex?: readonly number[];
  /** About how many y ticks (default 5); 3 over a log10 domain of [-3, 0] gives one per decade. */
  readonly yTickCount?: number;
  /** Fixed y range; otherwise a rounded range around the data. */
  readonly yDomain?: readonly [number, number];
  readonly yFormat?: (v: number) => string;
}

/** Plot-area margins inside the SVG: room for tick labels (left, bottom) and the axis titles. */
export const MARGIN = { top: 10, right: 14, bottom: 40, left: 52 } as const;
/** Number of distinct series colors in panel.css (`series-0` .. `series-7`). */
export const SERIES_COLORS = 8;

const LEGEND_ROW = 16;
const CHAR_WIDTH = 6.4;

/** Round-number tick values covering [min, max], about `count` of them (d3's "nice" steps 1, 2, 5). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const unit = raw / power;
  const step = (unit >= Math.SQRT2 * 5 ? 10 : unit >= Math.sqrt(10) ? 5 : unit >= Math.SQRT2 ? 2 : 1) * power;
  const first = Math.ceil(min / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(roundTo(v, step));
  return ticks;
}

/** The rounded domain that `niceTicks` would cover, widened to whole steps. */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  if (max === min) return [min - 1, max + 1];
  const ticks = niceTicks(min, max, count);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : Math.abs(max - min);
  return [roundTo(Math.floor(min / step + 1e-9) * step, step), roundTo(Math.ceil(max / step - 1e-9) * step, step)];
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c] ?? ''};`);
}

export function percent(v: number): string {
  return `${Math.round(v * 100)}%`;
}

/** One or more lines with point markers; each point has a native tooltip. */
export function lineChartSvg(o: LineChartOptions): string {
  const width = o.width ?? 560;
  const height0 = o.height ?? 240;
  const legend = legendLayout(o.series.map((s) => s.name), width);
  const height = height0 + legend.height;
  const all = o.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (all.length === 0) return emptyChart(o, width, height0);
  const fmt = o.yFormat ?? String;
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const xDomain = niceDomain(Math.min(...xs), Math.max(...xs));
  const yDomain: [number, number] = o.yDomain ? [o.yDomain[0], o.yDomain[1]] : niceDomain(Math.min(...ys), Math.max(...ys));
  const plot = plotArea(width, height0);
  const sx = scale(xDomain, [plot.x0, plot.x1]);
  const sy = scale(yDomain, [plot.y1, plot.y0]);
  const parts: string[] = [open(o, width, height)];
  parts.push(axes(o, plot, xDomain, yDomain, sx, sy, String, fmt, o.yTickCount));
  o.series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    const cls = `series-${(o.colorIndex?.[i] ?? i) % SERIES_COLORS}`;
    parts.push(`<g class="series ${cls}" data-series="${escapeXml(s.name)}">`);
    if (pts.length > 1) parts.push(`<polyline class="line" points="${pts.map((p) => `${fx(sx(p.x))},${fx(sy(p.y))}`).join(' ')}"/>`);
    for (const p of pts) {
      parts.push(
        `<circle class="point" cx="${fx(sx(p.x))}" cy="${fx(sy(p.y))}" r="3"><title>${escapeXml(`${s.name}: ${fmt(p.y)} at ${p.x} ${o.xLabel}`)}</title></circle>`,
      );
    }
    parts.push('</g>');
  });
  parts.push(legendSvg(legend, height0, o.colorIndex));
  parts.push('</svg>');
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------

interface Plot {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

interface LegendLayout {
  readonly height: number;
  readonly items: readonly { readonly name: string; readonly x: number; readonly row: number; readonly index: number }[];
}

function plotArea(width: number, height: number): Plot {
  return { x0: MARGIN.left, x1: width - MARGIN.right, y0: MARGIN.top, y1: height - MARGIN.bottom };
}

function scale(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** Coordinates with at most one decimal keep the markup short and the tests exact. */
function fx(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function roundTo(v: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(decimals));
}

function open(o: ChartFrame, width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(o.title)}"><title>${escapeXml(o.title)}</title>`;
}

function emptyChart(o: ChartFrame, width: number, height: number): string {
  return `${open(o, width, height)}<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">No data yet</text></svg>`;
}

function axes(
  o: ChartFrame,
  plot: Plot,
  xDomain: readonly [number, number],
  yDomain: readonly [number, number],
  sx: (v: number) => number,
  sy: (v: number) => number,
  xFmt: (v: number) => string,
  yFmt: (v: number) => string,
  yTickCount = 5,
): string {
  const parts: string[] = ['<g class="axes">'];
  for (const t of niceTicks(yDomain[0], yDomain[1], yTickCount)) {
    const y = fx(sy(t));
    parts.push(`<line class="grid" x1="${plot.x0}" x2="${plot.x1}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="tick y-tick" x="${plot.x0 - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(yFmt(t))}</text>`);
  }
  const xTickCount = Math.max(2, Math.floor((plot.x1 - plot.x0) / 70));
  for (const t of niceTicks(xDomain[0], xDomain[1], xTickCount)) {
    const x = fx(sx(t));
    parts.push(`<line class="tick-mark" x1="${x}" x2="${x}" y1="${plot.y1}" y2="${plot.y1 + 4}"/>`);
    parts.push(`<text class="tick x-tick" x="${x}" y="${plot.y1 + 16}" text-anchor="middle">${escapeXml(xFmt(t))}</text>`);
  }
  parts.push(`<line class="axis x-axis" x1="${plot.x0}" x2="${plot.x1}" y1="${plot.y1}" y2="${plot.y1}"/>`);
  parts.push(`<line class="axis y-axis" x1="${plot.x0}" x2="${plot.x0}" y1="${plot.y0}" y2="${plot.y1}"/>`);
  parts.push(`<text class="axis-label" x="${fx((plot.x0 + plot.x1) / 2)}" y="${plot.y1 + 34}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  const yMid = fx((plot.y0 + plot.y1) / 2);
  parts.push(`<text class="axis-label" x="14" y="${yMid}" text-anchor="middle" transform="rotate(-90 14 ${yMid})">${escapeXml(o.yLabel)}</text>`);
  parts.push('</g>');
  return parts.join('');
}

function legendLayout(names: readonly string[], width: number): LegendLayout {
  if (names.length < 2) return { height: 0, items: [] };
  const items: { name: string; x: number; row: number; index: number }[] = [];
  let x = MARGIN.left;
  let row = 0;
  names.forEach((name, index) => {
    const w = 18 + name.length * CHAR_WIDTH + 14;
    if (x + w > width - MARGIN.right && x > MARGIN.left) {
      row++;
      x = MARGIN.left;
    }
    items.push({ name, x, row, index });
    x += w;
  });
  return { height: (row + 1) * LEGEND_ROW + 4, items };
}

function legendSvg(layout: LegendLayout, top: number, colorIndex?: readonly number[]): string {
  if (layout.items.length === 0) return '';
  const parts = ['<g class="legend">'];
  for (const it of layout.items) {
    const y = top + it.row * LEGEND_ROW;
    parts.push(
      `<g class="legend-item series-${(colorIndex?.[it.index] ?? it.index) % SERIES_COLORS}"><rect class="swatch" x="${fx(it.x)}" y="${y}" width="12" height="10" rx="2"/><text x="${fx(it.x + 17)}" y="${y + 9}">${escapeXml(it.name)}</text></g>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

export interface StackedBarOptions extends ChartFrame {
  /** One bar per category, left to right (e.g. rounds). */
  readonly categories: readonly string[];
  /** One value per category; stacked bottom-up in layer order. */
  readonly layers: readonly StackLayer[];
  /** Series colour index per layer (default: its position), to match another chart's colours. */
  readonly colorIndex?: readonly number[];
}

/** Stacked bars of counts per category (how many of a round's picks came from each strategy). */
export function stackedBarSvg(o: StackedBarOptions): string {
  const width = o.width ?? 560;
  const height0 = o.height ?? 200;
  const legend = legendLayout(o.layers.map((l) => l.name), width);
  const height = height0 + legend.height;
  const n = o.categories.length;
  if (n === 0 || o.layers.length === 0) return emptyChart(o, width, height0);
  const value = (layer: StackLayer, j: number): number => {
    const v = layer.values[j];
    return v !== undefined && Number.isFinite(v) && v > 0 ? v : 0;
  };
  const totals = o.categories.map((_, j) => o.layers.reduce((s, l) => s + value(l, j), 0));
  const yDomain = niceDomain(0, Math.max(1, ...totals));
  const plot = plotArea(width, height0);
  const sy = scale(yDomain, [plot.y1, plot.y0]);
  const slot = (plot.x1 - plot.x0) / n;
  const barW = Math.max(2, Math.min(40, slot * 0.7));
  const parts: string[] = [open(o, width, height), '<g class="axes">'];
  for (const t of niceTicks(yDomain[0], yDomain[1], 4)) {
    if (!Number.isInteger(t)) continue;
    const y = fx(sy(t));
    parts.push(`<line class="grid" x1="${plot.x0}" x2="${plot.x1}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="tick y-tick" x="${plot.x0 - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${t}</text>`);
  }
  // Every category labeled while they fit, else every k-th.
  const every = Math.max(1, Math.ceil((n * 44) / (plot.x1 - plot.x0)));
  o.categories.forEach((c, j) => {
    if (j % every !== 0 && j !== n - 1) return;
    parts.push(`<text class="tick x-tick" x="${fx(plot.x0 + slot * (j + 0.5))}" y="${plot.y1 + 16}" text-anchor="middle">${escapeXml(c)}</text>`);
  });
  parts.push(`<line class="axis x-axis" x1="${plot.x0}" x2="${plot.x1}" y1="${plot.y1}" y2="${plot.y1}"/>`);
  parts.push(`<line class="axis y-axis" x1="${plot.x0}" x2="${plot.x0}" y1="${plot.y0}" y2="${plot.y1}"/>`);
  parts.push(`<text class="axis-label" x="${fx((plot.x0 + plot.x1) / 2)}" y="${plot.y1 + 34}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  const yMid = fx((plot.y0 + plot.y1) / 2);
  parts.push(`<text class="axis-label" x="14" y="${yMid}" text-anchor="middle" transform="rotate(-90 14 ${yMid})">${escapeXml(o.yLabel)}</text>`, '</g>');
  o.categories.forEach((c, j) => {
    let base = 0;
    const x = plot.x0 + slot * (j + 0.5) - barW / 2;
    o.layers.forEach((layer, i) => {
      const v = value(layer, j);
      if (v === 0) return;
      const y0 = sy(base);
      const y1 = sy(base + v);
      base += v;
      const cls = `series-${(o.colorIndex?.[i] ?? i) % SERIES_COLORS}`;
      parts.push(
        `<rect class="bar-segment ${cls}" data-series="${escapeXml(layer.name)}" x="${fx(x)}" y="${fx(y1)}" width="${fx(barW)}" height="${fx(y0 - y1)}"><title>${escapeXml(`${c}: ${v} of ${totals[j]} from ${layer.name}`)}</title></rect>`,
      );
    });
  });
  parts.push(legendSvg(legend, height0, o.colorIndex));
  parts.push('</svg>');
  return parts.join('');
}
