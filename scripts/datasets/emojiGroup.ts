// emoji-group: the English CLDR name and keywords of each emoji → its Unicode emoji group.
// Source: npm emojibase-data (MIT; names and keywords from Unicode CLDR annotations, groups from
// Unicode's emoji-test.txt). One record per base emoji (skin-tone variants are not separate
// records); the "component" group (skin tones, hair styles: 9 emojis) is left out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir, packageId, sample, squash, type Rec } from './record';

interface Emoji {
  readonly label: string;
  readonly hexcode: string;
  readonly tags?: readonly string[];
  readonly group?: number;
  readonly subgroup?: number;
}

export function buildEmojiGroup(seed = 1): Rec[] {
  const dir = packageDir('emojibase-data');
  const data = JSON.parse(readFileSync(join(dir, 'en', 'data.json'), 'utf8')) as Emoji[];
  const { groups } = JSON.parse(readFileSync(join(dir, 'meta', 'groups.json'), 'utf8')) as { groups: Record<string, string> };
  const pkg = packageId('emojibase-data');
  const recs: Rec[] = [];
  for (const e of data) {
    if (e.group === undefined) continue; // regional indicator letters: no group
    const group = groups[String(e.group)];
    if (!group || group === 'component') continue;
    const tags = (e.tags ?? []).filter((t) => t.toLowerCase() !== e.label.toLowerCase());
    const text = squash(tags.length ? `${e.label}: ${tags.join(', ')}` : e.label);
    recs.push({ text, label: group, meta: { source: pkg, hexcode: e.hexcode } });
  }
  return sample(recs, { seed });
}
