import type { CurvePoint, StrategyWeightsPoint } from '../protocol';
import type { LineSeries, StackLayer } from './chart';
import { formatPercent } from './format';

/** The accuracy curve as one chart series, sorted by label count. */
export function accuracySeries(curve: readonly CurvePoint[]): LineSeries {
  const points = curve
    .filter((p) => Number.isFinite(p.labels) && Number.isFinite(p.accuracy))
    .map((p) => ({ x: p.labels, y: p.accuracy }))
    .sort((a, b) => a.x - b.x);
  return { name: 'Estimated accuracy', points };
}

/** What the curve view calls its estimate, per task. */
export interface CurveWording {
  readonly title: string;
  /** The line under the title: the latest point, or when one will appear. */
  readonly summary: string;
  /** What the figure is measured on and how it may mislead (spans task), else absent. */
  readonly caveat?: string;
  readonly chartTitle: string;
  readonly yLabel: string;
  /** The line's name (legend and point tooltips). */
  readonly seriesName: string;
}

/**
 * The classification curve is cross-validated accuracy; the spans task's is the span F1 of the
 * suggestions on each round's new answers, before the tagger saw them (spanPrequential.ts).
 */
export function curveWording(task: 'classify' | 'spans' | undefined, curve: readonly CurvePoint[]): CurveWording {
  const last = accuracySeries(curve).points.at(-1);
  if (task !== 'spans') {
    return {
      title: 'Estimated accuracy',
      summary: last ? `${formatPercent(last.y)} after ${last.x} labels (cross-validated on the labels so far).` : 'Appears once enough labels exist to estimate it.',
      chartTitle: 'Estimated accuracy against labels',
      yLabel: 'accuracy',
      seriesName: 'Estimated accuracy',
    };
  }
  const p = [...curve].filter((c) => Number.isFinite(c.labels) && Number.isFinite(c.accuracy)).sort((a, b) => a.labels - b.labels).at(-1);
  const detail = p && p.precision !== undefined && p.recall !== undefined && p.sentences !== undefined ? ` (precision ${formatPercent(p.precision)}, recall ${formatPercent(p.recall)}, ${p.sentences} sentences)` : '';
  return {
    title: 'Span F1 on new answers (before the tagger saw them)',
    summary: p
      ? `${formatPercent(p.accuracy)} on the sentences answered before the round at ${p.labels} labeled sentences${detail}.`
      : 'Appears after a retrain once sentences shown with the tagger\'s suggestions have been answered.',
    caveat: 'Measured on the sentences the meta-learner picked, which are harder than average; the suggestions shown may anchor the answers.',
    chartTitle: 'Span F1 on new answers against labeled sentences',
    yLabel: 'span F1, new answers',
    seriesName: 'Span F1 on new answers',
  };
}

/** Strategies named in any round (weights or picks), in order of first appearance: one colour each. */
export function strategyNames(weights: readonly StrategyWeightsPoint[]): string[] {
  const names: string[] = [];
  for (const r of sortedRounds(weights)) for (const name of [...Object.keys(r.weights), ...Object.keys(r.picks ?? {})]) if (!names.includes(name)) names.push(name);
  return names;
}

function sortedRounds(weights: readonly StrategyWeightsPoint[]): StrategyWeightsPoint[] {
  return [...weights].sort((a, b) => a.labels - b.labels || a.round - b.round);
}

/**
 * Per round (that reported them), how many of the spans it trained on each strategy had picked:
 * one bar per round, one layer per strategy, in `names` order.
 */
export function pickLayers(weights: readonly StrategyWeightsPoint[], names: readonly string[]): { categories: string[]; layers: StackLayer[] } {
  const rounds = sortedRounds(weights).filter((r) => r.picks !== undefined && Object.values(r.picks).some((c) => c > 0));
  return {
    categories: rounds.map((r) => `R${r.round}`),
    layers: names.map((name) => ({ name, values: rounds.map((r) => r.picks?.[name] ?? 0) })),
  };
}

/** Smallest share the mix chart shows: below it a strategy sits on the floor of the log scale. */
export const MIX_FLOOR = 0.001;

/**
 * The meta-learner's mixing probabilities per round on a log10 scale (one series per strategy):
 * a strategy at 0.3 % and one at 0.001 % differ, where a linear stack shows one solid block.
 */
export function mixSeries(weights: readonly StrategyWeightsPoint[], names: readonly string[]): LineSeries[] {
  const rounds = sortedRounds(weights);
  return names.map((name) => ({
    name,
    points: rounds.map((r) => ({ x: r.labels, y: Math.log10(Math.max(MIX_FLOOR, Math.min(1, r.weights[name] ?? 0))) })),
  }));
}

/** Tick and tooltip text of the log-scale mix chart: log10(share) → "0.1 %", "10 %". */
export function logShareFormat(v: number): string {
  const share = Math.pow(10, v);
  return share <= MIX_FLOOR * 1.0001 ? `≤ ${formatShare(MIX_FLOOR)}` : formatShare(share);
}

/** A share for people: "99.6 %", "12 %", "2.5 %", "0.08 %". */
export function formatShare(v: number): string {
  const pct = v * 100;
  if (pct >= 99 && pct < 100) return `${(Math.floor(pct * 10) / 10).toFixed(1)} %`;
  if (pct >= 10) return `${Math.round(pct)} %`;
  if (pct >= 1) return `${Number(pct.toFixed(1))} %`;
  return `${Number(pct.toPrecision(1))} %`;
}

/** The strategy mix in words: where the latest round's labels came from, and what the meta-learner does now. */
export function mixCaption(weights: readonly StrategyWeightsPoint[]): string {
  const rounds = sortedRounds(weights);
  const last = rounds[rounds.length - 1];
  if (last === undefined) return 'After each retrain this shows which strategies picked the spans you labeled, and how the meta-learner mixes them.';
  const out: string[] = [];
  const picks = Object.entries(last.picks ?? {})
    .filter(([, c]) => c > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = picks.reduce((s, [, c]) => s + c, 0);
  if (total > 0) {
    const list = picks.map(([name, c]) => `${c} by ${name}`).join(', ');
    out.push(`Round ${last.round} (${last.labels} labels) learned from ${total} picked span${total === 1 ? '' : 's'}: ${list}.`);
  } else out.push(`Round ${last.round}, ${last.labels} labels.`);
  const mix = Object.entries(last.weights)
    .filter(([, w]) => Number.isFinite(w) && w > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (mix.length === 0) return out.join(' ');
  if (mix.length === 1 && Object.keys(last.weights).length === 1) {
    out.push(`A fixed strategy (labelwise.strategy): ${mix[0][0]} picks every span.`);
    return out.join(' ');
  }
  const [top, ...rest] = mix;
  const spread = top[1] - mix[mix.length - 1][1];
  if (mix.length > 1 && mix.length === Object.keys(last.weights).length && spread < 0.01) {
    out.push(`The meta-learner now draws evenly from all ${mix.length} strategies (${formatShare(top[1])} each): it has no evidence yet for one over another.`);
    return out.join(' ');
  }
  const visible = rest.filter(([, w]) => w >= 0.005);
  const shown = visible.slice(0, 3);
  const more = visible.length - shown.length;
  const under = rest.length - visible.length + (Object.keys(last.weights).length - mix.length);
  const tail = [
    ...shown.map(([n, w]) => `${n} ${formatShare(w)}`),
    ...(more > 0 ? [`${more} more`] : []),
    ...(under > 0 ? [`${under} other${under === 1 ? '' : 's'} under 0.5 % each`] : []),
  ].join(', ');
  out.push(
    top[1] >= 0.9
      ? `The meta-learner now draws ${formatShare(top[1])} of its picks from ${top[0]}${tail ? ` (${tail})` : ''}: it follows the strategy it expects to help most, and keeps a little for the others in case they start to pay off.`
      : `The meta-learner now mixes ${top[0]} ${formatShare(top[1])}${tail ? `, ${tail}` : ''}.`,
  );
  let lead = 0;
  for (let i = rounds.length - 1; i >= 0; i--) {
    const best = Object.entries(rounds[i].weights).sort((a, b) => b[1] - a[1])[0];
    if (best?.[0] !== top[0]) break;
    lead++;
  }
  if (rounds.length > 1) out.push(lead === rounds.length ? `${top[0]} has led in every round.` : `${top[0]} has led for the last ${lead} round${lead === 1 ? '' : 's'}.`);
  return out.join(' ');
}
