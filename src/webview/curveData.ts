import type { CurvePoint, StrategyWeightsPoint } from '../protocol';
import type { LineSeries, StackLayer } from './chart';

/** The accuracy curve as one chart series, sorted by label count. */
export function accuracySeries(curve: readonly CurvePoint[]): LineSeries {
  const points = curve
    .filter((p) => Number.isFinite(p.labels) && Number.isFinite(p.accuracy))
    .map((p) => ({ x: p.labels, y: p.accuracy }))
    .sort((a, b) => a.x - b.x);
  return { name: 'Estimated accuracy', points };
}

/**
 * Strategy weights per round as stack layers: one layer per strategy in order of first appearance,
 * a strategy missing from a round weighs 0 there.
 */
export function weightLayers(weights: readonly StrategyWeightsPoint[]): { xs: number[]; layers: StackLayer[] } {
  const rounds = [...weights].sort((a, b) => a.labels - b.labels || a.round - b.round);
  const names: string[] = [];
  for (const r of rounds) for (const name of Object.keys(r.weights)) if (!names.includes(name)) names.push(name);
  return {
    xs: rounds.map((r) => r.labels),
    layers: names.map((name) => ({ name, values: rounds.map((r) => r.weights[name] ?? 0) })),
  };
}
