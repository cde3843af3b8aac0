import type { GoldDataset } from '../../../src/core/text/dataset';
import type { Matrix } from '../../../src/core/types';
import { blobs } from '../learners/helpers';

/** A small classification dataset with overlapping Gaussian classes and its vectors. */
export function syntheticDataset(classes = 3, perClass = 60, seed = 1): { data: GoldDataset; vectors: Matrix } {
  const { X, y } = blobs(classes, perClass, 8, 1.6, seed);
  const names = Array.from({ length: classes }, (_, i) => `class${i}`);
  return {
    data: {
      file: '/tmp/synthetic.jsonl',
      task: 'classify',
      records: Array.from(y, (c, i) => ({ index: i, text: `record ${i}`, label: names[c] })),
      classes: names,
    },
    vectors: X,
  };
}
