/**
 * Groups texts into model batches by token count. Texts are taken shortest first, so each batch
 * holds texts of similar length and padding stays small; a batch closes when its padded size
 * (rows × longest) would pass the token budget or it has `maxRows` rows.
 */
export interface Batch {
  /** Slice [from, to) of `order`. */
  readonly from: number;
  readonly to: number;
  /** Padded sequence length: the longest text of the batch. */
  readonly seq: number;
}

export interface BatchPlan {
  /** Text indices, shortest first (ties in text order, so plans are deterministic). */
  readonly order: Int32Array;
  readonly batches: readonly Batch[];
}

export interface BatchLimits {
  /** Upper bound on rows × seq per batch (a single longer text still gets its own batch). */
  readonly tokenBudget: number;
  readonly maxRows: number;
  /** Leave texts of length 0 out of every batch (their row is all zeros). */
  readonly skipEmpty?: boolean;
}

export function planBatches(lengths: ArrayLike<number>, limits: BatchLimits): BatchPlan {
  const n = lengths.length;
  // Counting sort by length: O(n), stable, and faster than a comparator sort for 10^5 texts.
  let maxLen = 0;
  for (let i = 0; i < n; i++) if (lengths[i] > maxLen) maxLen = lengths[i];
  const counts = new Int32Array(maxLen + 2);
  for (let i = 0; i < n; i++) counts[lengths[i] + 1]++;
  for (let l = 1; l < counts.length; l++) counts[l] += counts[l - 1];
  const sorted = new Int32Array(n);
  for (let i = 0; i < n; i++) sorted[counts[lengths[i]]++] = i;
  let start = 0;
  if (limits.skipEmpty) while (start < n && lengths[sorted[start]] === 0) start++;
  const order = sorted.subarray(start);
  const batches: Batch[] = [];
  let from = 0;
  while (from < order.length) {
    let to = from + 1;
    while (to < order.length && to - from < limits.maxRows && (to - from + 1) * lengths[order[to]] <= limits.tokenBudget) to++;
    batches.push({ from, to, seq: lengths[order[to - 1]] });
    from = to;
  }
  return { order, batches };
}
