// spdx-license-family: a paragraph of a software or content licence → the licence family, read
// from the SPDX identifier of the licence it comes from (the part before the first version or
// variant mark: CC-BY-SA-4.0 → CC, LGPL-2.1-only → LGPL, CECILL-B → CECILL).
// Source: npm spdx-license-list (CC0-1.0), spdx-full.json: the full text of every licence on the
// SPDX list. Texts: licence texts cut at blank lines, paragraphs of at least 12 words; a paragraph
// found in licences of two families is dropped, one repeated across versions of a family is kept
// once. The families with at least 60 paragraphs; at most 600 paragraphs of one family.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir, packageId, sample, squash, wordCount, type Rec } from './record';

interface License {
  readonly name: string;
  readonly osiApproved: boolean;
  readonly licenseText: string;
}

export function licenseFamily(spdxId: string): string {
  return spdxId.split(/[-._0-9]/)[0];
}

export function buildSpdxLicenseFamily(seed = 1): Rec[] {
  const list = JSON.parse(readFileSync(join(packageDir('spdx-license-list'), 'spdx-full.json'), 'utf8')) as Record<string, License>;
  const pkg = packageId('spdx-license-list');
  // Paragraph → the first record made of it, and every family it occurs in.
  const first = new Map<string, Rec>();
  const families = new Map<string, Set<string>>();
  for (const id of Object.keys(list).sort()) {
    const family = licenseFamily(id);
    for (const para of list[id].licenseText.split(/\n[ \t]*\n/)) {
      const text = squash(para);
      if (wordCount(text) < 12) continue;
      if (!first.has(text)) first.set(text, { text, label: family, meta: { source: pkg, license: id } });
      const fams = families.get(text) ?? new Set<string>();
      fams.add(family);
      families.set(text, fams);
    }
  }
  const recs = [...first.values()].filter((r) => families.get(r.text)!.size === 1);
  return sample(recs, { minPerClass: 60, maxPerClass: 600, seed });
}
