import { InputError } from '../errors';
import type { EntityInText } from '../session/spanPick';

type Token = { readonly start: number; readonly end: number };

/**
 * An answer's entities made ready for the tagger: each edge inside a token snaps outward to that
 * token's boundary, duplicates go, and the result is sorted by start. Refused with a clear message:
 * an unknown label, offsets outside the text, an entity that covers no token, and — unless
 * overlap is allowed — entities that overlap (after snapping). Overlap of the same label is
 * refused always: BIO cannot say where one ends and the other starts.
 */
export function snapEntities(
  entities: readonly EntityInText[],
  text: string,
  tokens: readonly Token[],
  labels: readonly string[],
  allowOverlap: boolean,
  where: string,
): EntityInText[] {
  const out: EntityInText[] = [];
  const seen = new Set<string>();
  for (const e of entities) {
    if (!labels.includes(e.label)) throw new InputError(`${where}: entity label "${e.label}" is not one of the span labels (${labels.join(', ')})`);
    if (!(Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.end <= text.length && e.start < e.end)) {
      throw new InputError(`${where}: entity ${e.start}..${e.end} (${e.label}) is not a range inside the text (0..${text.length})`);
    }
    let a = -1;
    let b = -1;
    tokens.forEach((t, k) => {
      if (t.end > e.start && t.start < e.end) {
        if (a < 0) a = k;
        b = k;
      }
    });
    if (a < 0) throw new InputError(`${where}: entity ${e.start}..${e.end} (${e.label}) covers no token of the text`);
    const snapped = { start: tokens[a].start, end: tokens[b].end, label: e.label };
    const key = `${snapped.start}:${snapped.end}:${snapped.label}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(snapped);
  }
  out.sort((x, y) => x.start - y.start || x.end - y.end || x.label.localeCompare(y.label));
  for (let i = 0; i < out.length; i++) {
    for (let j = i + 1; j < out.length && out[j].start < out[i].end; j++) {
      if (out[i].label === out[j].label || !allowOverlap) {
        const why = out[i].label === out[j].label ? 'entities of the same label may not overlap' : 'overlapping entities need labelwise.allowOverlap';
        throw new InputError(`${where}: entities ${out[i].start}..${out[i].end} (${out[i].label}) and ${out[j].start}..${out[j].end} (${out[j].label}) overlap; ${why}`);
      }
    }
  }
  return out;
}
