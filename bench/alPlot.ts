// Hand-written SVG learning curves for bench:al (no plotting dependency): the mean test accuracy
// of each strategy over seeds, with the full-data accuracy as a dotted line.

export interface PlotSeries {
  readonly name: string;
  /** (labels, mean accuracy) in label order. */
  readonly points: readonly (readonly [number, number])[];
}

const COLORS: Record<string, string> = {
  meta: '#d62728',
  random: '#7f7f7f',
  'least-confidence': '#1f77b4',
  margin: '#2ca02c',
  entropy: '#9467bd',
  'vote-entropy': '#ff7f0e',
  egl: '#17becf',
  typicality: '#bcbd22',
  coverage: '#393b79',
  'class-balance': '#e377c2',
};
/** For strategies without a colour of their own (new arms), in order of appearance. */
const SPARE = ['#bcbd22', '#e377c2', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Axis titles (the span bench plots span F1 against tokens labeled). */
export interface PlotAxes {
  readonly x?: string;
  readonly y?: string;
}

/** A round tick step giving at most about 10 ticks over a wide range (1, 2 or 5 × a power of ten). */
function wideStep(range: number): number {
  const raw = range / 10;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw)!;
}

export function plotSvg(title: string, series: readonly PlotSeries[], full: number, axes: PlotAxes = {}): string {
  const W = 760;
  const H = 440;
  const m = { l: 56, r: 190, t: 36, b: 46 };
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = [...series.flatMap((s) => s.points.map((p) => p[1])), full].filter(Number.isFinite);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.floor(Math.min(...ys) * 20) / 20;
  const y1 = Math.ceil(Math.max(...ys) * 20) / 20;
  const X = (x: number): number => m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const Y = (y: number): number => H - m.b - ((y - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const step = x1 - x0 <= 400 ? 50 : x1 - x0 <= 1000 ? 100 : x1 - x0 <= 2000 ? 200 : wideStep(x1 - x0);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${m.l}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`);
  for (let y = y0; y <= y1 + 1e-9; y += 0.05) {
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y(y).toFixed(1)}" y2="${Y(y).toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.l - 6}" y="${(Y(y) + 4).toFixed(1)}" text-anchor="end">${y.toFixed(2)}</text>`);
  }
  for (let x = Math.ceil(x0 / step) * step; x <= x1; x += step) {
    out.push(`<line x1="${X(x).toFixed(1)}" x2="${X(x).toFixed(1)}" y1="${m.t}" y2="${H - m.b}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${X(x).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${x}</text>`);
  }
  out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#333"/>`);
  out.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#333"/>`);
  out.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">${esc(axes.x ?? 'labels')}</text>`);
  out.push(`<text transform="translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(axes.y ?? 'test accuracy (mean over seeds)')}</text>`);
  out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y(full).toFixed(1)}" y2="${Y(full).toFixed(1)}" stroke="#000" stroke-dasharray="2 4"/>`);
  out.push(`<text x="${W - m.r - 4}" y="${(Y(full) - 5).toFixed(1)}" text-anchor="end" fill="#333">full pool ${full.toFixed(3)}</text>`);
  let spare = 0;
  series.forEach((s, i) => {
    const color = COLORS[s.name] ?? SPARE[spare++ % SPARE.length];
    const width = s.name === 'meta' ? 3 : 1.6;
    const dash = s.name === 'random' ? ' stroke-dasharray="6 4"' : '';
    const d = s.points.filter((p) => Number.isFinite(p[1])).map((p, k) => `${k ? 'L' : 'M'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${width}"${dash}/>`);
    const ly = m.t + 10 + i * 20;
    out.push(`<line x1="${W - m.r + 14}" x2="${W - m.r + 40}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="${width}"${dash}/>`);
    out.push(`<text x="${W - m.r + 46}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
