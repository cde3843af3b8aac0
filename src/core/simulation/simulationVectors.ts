import { gatherRows } from '../features/compactVectors';
import { poolFeatures } from '../features/poolFeatures';
import { silentLogger, type Matrix } from '../types';
import { withLexicalBlock } from './lexicalVectors';
import { planRun, type RunSettings } from './runPlan';

/**
 * The features a simulated run's learner sees, built as the editor's session builds them: the
 * encoder's vectors with its pool transform (SIF's common components, fitted on the pool), then
 * the lexical block (labelwise.lexicalFeatures) appended. Returns the matrix and the common
 * components simulate() should still remove: without a block, simulate() removes them itself
 * (fitted on its pool, as always); with one, they are removed here from the encoder's columns
 * only, fitted on the same pool rows, so that the block's columns are left as the session leaves
 * them, and simulate() gets 0. `labelwise simulate` and bench:al build their runs' features here.
 */
export function simulationVectors(settings: RunSettings, vectors: Matrix, opts: { readonly commonComponents: number; readonly lexical: number }): { vectors: Matrix; commonComponents: number } {
  if (opts.lexical === 0) return { vectors, commonComponents: opts.commonComponents };
  let base = vectors;
  if (opts.commonComponents > 0) {
    const { data } = settings;
    const classIndex = new Map(data.classes.map((c, i) => [c, i]));
    const plan = planRun(settings, data.records.map((r) => classIndex.get(r.label!) ?? 0), silentLogger);
    const pool = Int32Array.from(plan.poolIds);
    const test = Int32Array.from(plan.testIds);
    const f = poolFeatures(gatherRows(vectors, pool), opts.commonComponents, [gatherRows(vectors, test)]);
    const d = vectors.cols;
    base = { rows: vectors.rows, cols: d, data: new Float32Array(vectors.rows * d) };
    pool.forEach((id, p) => base.data.set(f.pool.data.subarray(p * d, (p + 1) * d), id * d));
    test.forEach((id, t) => base.data.set(f.others[0].data.subarray(t * d, (t + 1) * d), id * d));
  }
  return { vectors: withLexicalBlock(settings, base, opts.lexical), commonComponents: 0 };
}
