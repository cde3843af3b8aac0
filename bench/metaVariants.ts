// bench:meta's variants: a name and a JSON object of the meta-learner's knobs (MetaSelectorOptions),
// checked before any run so that a typo is a one-line message, not a run of the defaults.
import { createHash } from 'node:crypto';
import type { MetaSelectorOptions } from '../src/core/meta/metaSelector';

/** The knobs a variant may set (MetaSelectorOptions that do not change the task). */
export const KNOBS = ['prior', 'priorScale', 'priorStrength', 'decay', 'balanceBonus', 'window', 'gainScale', 'regimeArms', 'regimeHeadStart', 'regimeThresholds', 'coldStartEndsWhenSpent', 'unclusteredSilhouette'] as const;
export type Knobs = Partial<Pick<MetaSelectorOptions, (typeof KNOBS)[number]>>;

export interface Variant {
  readonly name: string;
  readonly options: Knobs;
  /** Folder of its runs: a hash of its options, so a renamed variant keeps its runs and a changed one does not. */
  readonly key: string;
}

/** A bad --variant: reported as one line, without a stack. */
export class VariantError extends Error {}

/** `NAME={"knob": value, …}`; `reserved` are names taken by the reference runs. */
export function parseVariant(spec: string, reserved: readonly string[] = []): Variant {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new VariantError(`--variant ${spec}: expected NAME='{"knob": value}'`);
  const name = spec.slice(0, eq);
  if (!/^[A-Za-z0-9._-]+$/.test(name) || reserved.includes(name)) {
    throw new VariantError(`--variant ${name}: a name of letters, digits, ".", "_" or "-"${reserved.length ? `, not ${reserved.join(', ')}` : ''}`);
  }
  let options: unknown;
  try {
    options = JSON.parse(spec.slice(eq + 1));
  } catch (e) {
    throw new VariantError(`--variant ${name}: the options are not JSON (${(e as Error).message})`);
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new VariantError(`--variant ${name}: the options must be a JSON object`);
  for (const k of Object.keys(options)) if (!(KNOBS as readonly string[]).includes(k)) throw new VariantError(`--variant ${name}: unknown knob "${k}" (one of ${KNOBS.join(', ')})`);
  return { name, options: options as Knobs, key: createHash('sha256').update(canonicalJson(options)).digest('hex').slice(0, 12) };
}

/** JSON with every object's keys sorted, at every depth: the same options give the same key whatever their order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
