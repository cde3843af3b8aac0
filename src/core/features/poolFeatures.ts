import type { Matrix, Vectors } from '../types';
import { isCompact } from './compactVectors';
import { fitCommonComponents } from './commonComponents';

/**
 * What the learner sees, from the vectors the encoder (and the caches) hold: the one place where a
 * corpus-dependent feature transform is fitted and applied, so the editor's session and
 * `labelwise simulate` give the engine exactly the same features for the same pool. The caches
 * keep the encoder's vectors as they are (a transform fitted on one pool must never be stored as
 * if it were a text's vector).
 *
 * `pool` is every vector the selector may see (the corpus in the editor, the records outside the
 * test split in a simulation); `others` (a simulation's test split) get the transform fitted on
 * the pool, and never take part in fitting it. `commonComponents` is the encoder's
 * (`Encoder.commonComponents`); 0 returns the matrices unchanged.
 */
export function poolFeatures<V extends Vectors>(pool: V, commonComponents: number, others: readonly Matrix[] = [], opts: { readonly inPlace?: boolean } = {}): { pool: V; others: Matrix[] } {
  if (commonComponents === 0) return { pool, others: [...others] };
  const cc = fitCommonComponents(pool, commonComponents);
  // A compact pool (the session's open) is fitted and transformed a row at a time, into new codes:
  // no float32 copy of the pool. Its rows were quantised once already, so the result differs from
  // transforming the float32 vectors by quantisation noise (one more rounding per entry). With
  // `inPlace` (the session, which owns the pool it opened) into the pool's own codes.
  const out = (isCompact(pool) ? cc.removeCompact(pool, opts.inPlace) : cc.remove(pool)) as V;
  return { pool: out, others: others.map((m) => cc.remove(m)) };
}
