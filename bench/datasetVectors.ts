import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultEncoder } from '../src/core/encoders/defaultEncoder';
import { defaultPoolingOf, loadEncoder } from '../src/core/encoders/loadEncoder';
import { priorDir } from '../src/core/meta/prior';
import { readNpy, toNpy, writeNpy } from '../src/core/npy';
import type { RunSettings } from '../src/core/simulation/runPlan';
import { simulationVectors } from '../src/core/simulation/simulationVectors';
import type { GoldDataset } from '../src/core/text/dataset';
import { silentLogger, type Matrix } from '../src/core/types';
import type { DatasetSpec } from '../scripts/datasetSpecs';

/** The benchmarks' cache folder (gitignored). */
export const BENCH_CACHE = join(__dirname, '.cache');

/** The encoder's id as a file-name part: results and vectors of different encoders (mean, SIF, a rebuilt model) never mix. */
export function encoderTag(model: string): string {
  return DefaultEncoder.idOf(defaultPoolingOf(model)!).replace(/[^A-Za-z0-9._-]+/g, '_');
}

/**
 * Vectors of a dataset from an embedded encoder (`default`, `default-mean`, `default-sif`), cached
 * in bench/.cache/vectors/ under the encoder's id and the file's size and mtime: every benchmark
 * (bench:al, bench:lexical, bench/ssl.ts) reads the same file.
 */
export async function datasetVectors(spec: DatasetSpec, data: GoldDataset, model = 'default'): Promise<Matrix> {
  const st = statSync(spec.file);
  const key = `${encoderTag(model)}.${st.size}-${Math.round(st.mtimeMs)}`;
  const npy = join(BENCH_CACHE, 'vectors', `${spec.name}.${key}.npy`);
  if (existsSync(npy)) {
    const m = readNpy(npy);
    if (m.rows === data.records.length) return m;
  }
  const encoder = await loadEncoder({ model, device: 'cpu', logger: silentLogger });
  try {
    const t0 = performance.now();
    const m = await encoder.encode(data.records.map((r) => r.text));
    process.stderr.write(`encoded ${spec.name}: ${m.rows}×${m.cols} with ${encoder.id} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    mkdirSync(join(BENCH_CACHE, 'vectors'), { recursive: true });
    writeNpy(`${npy}.${process.pid}.tmp`, m);
    renameSync(`${npy}.${process.pid}.tmp`, npy);
    return m;
  } finally {
    await encoder.dispose();
  }
}

/** Datasets the shipped default prior was trained on: meta must use a prior held out from them. */
export function defaultPriorTrainedOn(): string[] {
  try {
    const j = JSON.parse(readFileSync(join(priorDir(), 'prior.json'), 'utf8')) as { trainedOn?: string[] };
    return j.trainedOn ?? [];
  } catch {
    return [];
  }
}

/**
 * A seed's features as the editor's learner sees them by default (simulationVectors.ts: the
 * encoder's vectors and a lexical block of `lexical` columns fitted on the seed's pool), kept in
 * `folder` (bench:al's features folder) so that every benchmark fits a seed's block once.
 * `lexical` 0: the vectors as given.
 */
export function seedFeatures(folder: string, settings: RunSettings & { readonly name: string }, vectors: Matrix, lexical: number, split?: number): { vectors: Matrix; commonComponents: number } {
  if (lexical === 0) return { vectors, commonComponents: 0 };
  const file = join(folder, settings.name, 'features', `seed${settings.seed}${split ? `.split${split}` : ''}.npy`);
  const cached = existsSync(file) ? readNpy(file) : undefined;
  if (cached && cached.rows === vectors.rows && cached.cols > vectors.cols) return { vectors: cached, commonComponents: 0 };
  const f = simulationVectors(settings, vectors, { commonComponents: 0, lexical });
  writeAtomic(file, toNpy(f.vectors));
  return f;
}

/** Writes a cache file whole or not at all (a temporary file renamed), its folder made first: an interrupted benchmark never leaves half a result. */
export function writeAtomic(file: string, body: string | Buffer): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(`${file}.${process.pid}.tmp`, body);
  renameSync(`${file}.${process.pid}.tmp`, file);
}
