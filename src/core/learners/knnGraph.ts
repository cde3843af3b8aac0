import { rowInto, vectorsKey } from '../features/compactVectors';
import type { Vectors } from '../types';
import { createRng, deriveSeed } from './rng';
import { scalerOf } from './softmax';

/**
 * A k-nearest-neighbour graph over a sample of the pool's vectors, for label propagation
 * (labelPropagation.ts). Similarity is the cosine of the standardised vectors (each column
 * centred and scaled by the whole pool's statistics, as the softmax sees them), clipped at 0.
 * Building it costs sample² · d / 2 multiply-adds (0.9 s for 4,000 nodes × 200 columns on one
 * core), so the graph covers a seeded sample of at most `sample` rows and is built once per pool
 * matrix and cached (it depends only on the vectors).
 * A labeled row outside the sample reaches the graph through its k nearest sample nodes.
 */
export interface KnnGraph {
  /** Pool rows that are nodes, ascending. */
  readonly nodes: Int32Array;
  /** Node i's k neighbours (indices into `nodes`), nodes.length × k; −1 = none. */
  readonly neighbours: Int32Array;
  /** Their similarities (≥ 0), same layout. */
  readonly weights: Float32Array;
  readonly k: number;
  /** Position of a pool row in `nodes`, −1 when it is no node. */
  readonly nodeOf: Int32Array;
  /** The standardised, unit-length vectors of the nodes, nodes.length × d (for attaching rows). */
  readonly unit: Float32Array;
  /** The same for any pool row (for attaching a labeled row outside the sample). */
  unitRow(row: number): Float32Array;
  /** attach()'s answers so far, by pool row (they depend only on the vectors). */
  readonly attached?: Map<number, Attachment>;
}

export interface Attachment {
  readonly nodes: Int32Array;
  readonly weights: Float32Array;
}

interface CacheEntry {
  readonly key: string;
  readonly graph: KnnGraph;
}

const cache = new WeakMap<object, CacheEntry>();

/** The graph over (a seeded sample of) X's rows, from the cache when the same one was built. */
export function knnGraphOf(X: Vectors, k: number, sample: number, seed: number): KnnGraph {
  const key = `${X.rows}:${X.cols}:${k}:${sample}:${seed}`;
  const hit = cache.get(vectorsKey(X));
  if (hit && hit.key === key) return hit.graph;
  const graph = buildKnnGraph(X, sampleRows(X.rows, sample, seed), k);
  cache.set(vectorsKey(X), { key, graph });
  return graph;
}

/** All rows when there are at most `sample`, else a seeded sample of that many, ascending. */
export function sampleRows(n: number, sample: number, seed: number): Int32Array {
  if (n <= sample) return Int32Array.from({ length: n }, (_, i) => i);
  const rng = createRng(deriveSeed(seed, 0x6b6e6e));
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < sample; i++) {
    const j = i + Math.floor(rng() * (n - i));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p.slice(0, sample).sort();
}

/** Builds the graph over the given pool rows (exported for the tests; use knnGraphOf). */
export function buildKnnGraph(X: Vectors, nodes: Int32Array, k: number): KnnGraph {
  const d = X.cols;
  const n = nodes.length;
  const { mean, invStd } = scalerOf(X);
  const raw = new Float32Array(d);
  const toUnit = (row: number, out: Float32Array, at: number): void => {
    let norm = 0;
    const x = rowInto(X, row, raw);
    for (let j = 0; j < d; j++) {
      const v = (x[j] - mean[j]) * invStd[j];
      out[at + j] = v;
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < d; j++) out[at + j] *= inv;
  };
  const unit = new Float32Array(n * d);
  for (let i = 0; i < n; i++) toUnit(nodes[i], unit, i * d);
  const kk = Math.max(0, Math.min(k, n - 1));
  const neighbours = new Int32Array(n * kk).fill(-1);
  const weights = new Float32Array(n * kk);
  nearestPairs(unit, n, d, kk, neighbours, weights);
  const nodeOf = new Int32Array(X.rows).fill(-1);
  nodes.forEach((r, i) => (nodeOf[r] = i));
  return {
    nodes,
    neighbours,
    weights,
    k: kk,
    nodeOf,
    unit,
    attached: new Map(),
    unitRow(row: number): Float32Array {
      const out = new Float32Array(d);
      toUnit(row, out, 0);
      return out;
    },
  };
}

/**
 * Each node's k most similar other nodes (the dot products of the unit rows, rounded to float32),
 * most similar first, ties to the lower index; similarities clipped at 0 once chosen. Each pair's
 * dot product is computed once (dotsInto: each summed over the columns in order) and offered to
 * both ends (half of n² · d multiply-adds), so the graph is the same as scoring every row against
 * every other one and keeping its top k (topK), which the tests check.
 */
function nearestPairs(unit: Float32Array, n: number, d: number, k: number, idx: Int32Array, val: Float32Array): void {
  if (k === 0) return;
  const filled = new Int32Array(n);
  const offer = (row: number, cand: number, s: number): void => {
    const at = row * k;
    const f = filled[row];
    if (f === k) {
      const w = val[at + k - 1];
      // The candidate list is in ascending index order only for one end of the pair: compare indices.
      if (s < w || (s === w && cand > idx[at + k - 1])) return;
    }
    let p = f < k ? (filled[row] = f + 1) - 1 : k - 1;
    while (p > 0) {
      const v = val[at + p - 1];
      if (v > s || (v === s && idx[at + p - 1] < cand)) break;
      idx[at + p] = idx[at + p - 1];
      val[at + p] = v;
      p--;
    }
    idx[at + p] = cand;
    val[at + p] = s;
  };
  const sims = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    dotsInto(unit, i * d, unit, i + 1, n, d, sims);
    for (let r = i + 1; r < n; r++) {
      offer(i, r, sims[r]);
      offer(r, i, sims[r]);
    }
  }
  for (let t = 0; t < idx.length; t++) if (idx[t] >= 0) val[t] = Math.max(0, val[t]);
}

/**
 * out[r] = the dot product of a's d values from `at` with row r of b (rows of d), for r in
 * [from, to), rounded to float32 as `out` stores it. Four rows at a time (independent sums, for
 * instruction-level parallelism), each summed over the columns in order, so a row's value does not
 * depend on its neighbours.
 */
function dotsInto(a: Float32Array, at: number, b: Float32Array, from: number, to: number, d: number, out: Float32Array): void {
  let r = from;
  for (; r + 3 < to; r += 4) {
    const o0 = r * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < d; j++) {
      const x = a[at + j];
      s0 += x * b[o0 + j];
      s1 += x * b[o1 + j];
      s2 += x * b[o2 + j];
      s3 += x * b[o3 + j];
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
  }
  for (; r < to; r++) {
    const o = r * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += a[at + j] * b[o + j];
    out[r] = s;
  }
}

/**
 * Writes the k largest entries of `sims` (indices and max(0, value)) at `at`, largest first, ties
 * to the lower index. Insertion into a sorted list of k: O(n·k) worst case, ~O(n) in practice.
 */
export function topK(sims: Float32Array, k: number, idx: Int32Array, val: Float32Array, at: number): void {
  if (k === 0) return;
  let filled = 0;
  for (let r = 0; r < sims.length; r++) {
    const s = sims[r];
    if (s === -Infinity) continue;
    if (filled === k && s <= sims[idx[at + k - 1]]) continue;
    let p = filled < k ? filled++ : k - 1;
    while (p > 0 && sims[idx[at + p - 1]] < s) {
      idx[at + p] = idx[at + p - 1];
      p--;
    }
    idx[at + p] = r;
  }
  for (let t = 0; t < filled; t++) val[at + t] = Math.max(0, sims[idx[at + t]]);
}

/**
 * The k nearest graph nodes of a pool row's vector (for a labeled row outside the sample):
 * sample · d multiply-adds, remembered per row, so a retrain pays it once per new label.
 */
export function attach(graph: KnnGraph, row: number): Attachment {
  const hit = graph.attached?.get(row);
  if (hit) return hit;
  const u = graph.unitRow(row);
  const d = u.length;
  const n = graph.nodes.length;
  const sims = new Float32Array(n);
  dotsInto(u, 0, graph.unit, 0, n, d, sims);
  const k = Math.min(graph.k, n);
  const nodes = new Int32Array(k).fill(-1);
  const weights = new Float32Array(k);
  topK(sims, k, nodes, weights, 0);
  graph.attached?.set(row, { nodes, weights });
  return { nodes, weights };
}
