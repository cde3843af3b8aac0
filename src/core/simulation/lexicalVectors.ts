import { SettingError } from '../errors';
import { concatColumns, fitLexical } from '../features/lexical';
import { silentLogger, type Matrix } from '../types';
import { planRun, type RunSettings } from './runPlan';

/**
 * A simulation's vectors with the lexical block (features/lexical.ts) appended: the block is
 * fitted on the texts of the pool that simulate() draws for these settings (the same planRun: the
 * seed's stratified split, or the fixed `split`), and the test split's texts are projected with
 * that fit, so no test text takes part in fitting it. simulate() takes its vectors as given; the
 * block depends on the split, so its callers (`labelwise simulate --lexical`, bench:lexical) build
 * it here, once per seed, for every strategy of that seed.
 */
export function withLexicalBlock(settings: RunSettings, vectors: Matrix, dims: number, flag = '--lexical'): Matrix {
  if (!Number.isInteger(dims) || dims < 1) throw new SettingError(flag, `${flag} must be an integer ≥ 1 (columns of the lexical block), got ${dims}`);
  const { data } = settings;
  const classIndex = new Map(data.classes.map((c, i) => [c, i]));
  const y = data.records.map((r) => classIndex.get(r.label!) ?? 0);
  const plan = planRun(settings, y, silentLogger);
  const texts = data.records.map((r) => r.text);
  const { model, features } = fitLexical(plan.poolIds.map((i) => texts[i]), { dims });
  const test = model.transform(plan.testIds.map((i) => texts[i]));
  const k = model.dims;
  const block: Matrix = { rows: texts.length, cols: k, data: new Float32Array(texts.length * k) };
  plan.poolIds.forEach((id, p) => block.data.set(features.data.subarray(p * k, (p + 1) * k), id * k));
  plan.testIds.forEach((id, t) => block.data.set(test.data.subarray(t * k, (t + 1) * k), id * k));
  return concatColumns(vectors, block);
}
