import { tagCount } from '../simulation/spanTags';

/**
 * The tag sets the tagger decodes. Without overlap: one layer, BIO over every label (a token is in
 * at most one entity). With labelwise.allowOverlap: one layer per label, each its own B/I/O
 * tagger, so entities of different labels may overlap while each label's own stay apart.
 */
export interface TagLayer {
  readonly labels: readonly string[];
  /** Tags of the layer: 1 + 2 × labels. */
  readonly T: number;
}

export function tagLayersOf(labels: readonly string[], allowOverlap: boolean): TagLayer[] {
  if (allowOverlap && labels.length > 1) return labels.map((l) => ({ labels: [l], T: tagCount(1) }));
  return [{ labels, T: tagCount(labels.length) }];
}
