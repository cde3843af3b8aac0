import type { KnnGraph } from './knnGraph';

/** A label injected at a graph node (a labeled row, or a node near a labeled row outside the graph). */
export interface Seed {
  readonly node: number;
  readonly cls: number;
  readonly weight: number;
}

/**
 * Label spreading (Zhou et al. 2004) over the symmetrised kNN graph: F ← α·S·F + (1 − α)·Y with
 * S = D^−½ W D^−½, W = A + Aᵀ (A the kNN similarities), Y the seeds, `iterations` times from F = Y.
 * Returns each node's class distribution (nodes × classes, rows summing to 1; a node the labels do
 * not reach gets the uniform distribution). Cost: iterations · nodes · k · classes.
 */
export function spreadLabels(graph: KnnGraph, seeds: readonly Seed[], classes: number, alpha = 0.9, iterations = 20): Float64Array {
  const n = graph.nodes.length;
  const k = graph.k;
  const K = classes;
  const deg = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = graph.neighbours[i * k + t];
      if (j < 0) continue;
      const w = graph.weights[i * k + t];
      deg[i] += w;
      deg[j] += w;
    }
  }
  // Edge weights of S, same layout as the graph's (each kNN edge is used in both directions).
  const s = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = graph.neighbours[i * k + t];
      if (j >= 0 && deg[i] > 0 && deg[j] > 0) s[i * k + t] = graph.weights[i * k + t] / Math.sqrt(deg[i] * deg[j]);
    }
  }
  const Y = new Float64Array(n * K);
  for (const sd of seeds) Y[sd.node * K + sd.cls] += sd.weight;
  let F = Y.slice();
  let G = new Float64Array(n * K);
  for (let it = 0; it < iterations; it++) {
    G.fill(0);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < k; t++) {
        const w = s[i * k + t];
        if (w === 0) continue;
        const j = graph.neighbours[i * k + t];
        for (let c = 0; c < K; c++) {
          G[i * K + c] += w * F[j * K + c];
          G[j * K + c] += w * F[i * K + c];
        }
      }
    }
    for (let q = 0; q < n * K; q++) G[q] = alpha * G[q] + (1 - alpha) * Y[q];
    const t = F;
    F = G;
    G = t;
  }
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < K; c++) sum += F[i * K + c];
    for (let c = 0; c < K; c++) F[i * K + c] = sum > 0 ? F[i * K + c] / sum : 1 / K;
  }
  return F;
}

/**
 * The product of two class distributions per row, renormalised (rows × classes): where the
 * softmax and the propagated labels agree it is confident, where they disagree it is not.
 */
export function productOfExperts(a: ArrayLike<number>, b: ArrayLike<number>, rows: number, classes: number): Float32Array {
  const out = new Float32Array(rows * classes);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += a[i * classes + c] * b[i * classes + c];
    for (let c = 0; c < classes; c++) out[i * classes + c] = sum > 0 ? (a[i * classes + c] * b[i * classes + c]) / sum : 1 / classes;
  }
  return out;
}
