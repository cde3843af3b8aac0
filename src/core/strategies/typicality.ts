import { createRng, shuffleInPlace } from '../learners/rng';
import { rowInto } from '../features/compactVectors';
import type { Vectors } from '../types';
import { distanceSpace } from './poolSketch';
import type { PoolState, Strategy } from './strategy';
import { rowDistanceSq } from './vectorDistance';

/**
 * Typicality, the cold-start arm (TypiClust, Hacohen, Dekel & Weinshall 2022, "Active learning on a
 * budget"): at small budgets, label typical examples of the big groups of the pool rather than the
 * model's doubts (with few labels the model's doubts are mostly noise).
 *
 * The pool's vectors are clustered (k-means); a row's typicality is the inverse of its mean
 * Euclidean distance to its k nearest neighbours within its cluster, 1 / (mean + 1e-5) as in the
 * reference code; the batch takes, one per cluster, the most typical unlabeled row of the clusters
 * with the fewest labeled rows, largest first (clusters of ≤ 5 rows are left out while larger ones
 * remain), cycling through them when the batch is larger than the number of clusters. The score of
 * a row (for the "why" and the rank) is its typicality.
 *
 * Differences from the reference code, all for speed on large pools, documented in TYPICALITY:
 * - a fixed number of clusters per pool (the reference uses |labeled| + batch, at most 500), so
 *   the clustering is done once per pool: k-means on a seeded sample, then every row assigned to
 *   its nearest centre, kept per Matrix (a WeakMap: it goes with the pool). Once every cluster has
 *   a label the arm keeps going round the clusters, fewest labels first;
 * - the neighbours are sought among at most `references` seeded members of the cluster (all of
 *   them in smaller clusters, as in the reference), with k scaled to the sample so the
 *   neighbourhood covers about the same share of the cluster;
 * - distances are measured in the pool's distance space (poolSketch.ts: the vectors, or a fixed
 *   64-d random projection of wider ones);
 * - typicality counts all members of a cluster, labeled or not (the density of the pool does not
 *   change when a row is labeled), so it is computed once.
 * Everything depends only on the vectors and a fixed seed: the same pool always gives the same
 * clusters and typicality, whichever session asks first (tested against a fresh computation).
 */
export const TYPICALITY = {
  /** Clusters: about one per `rowsPerCluster` rows, at most `maxClusters`. */
  maxClusters: 50,
  rowsPerCluster: 20,
  /** k-means runs on at most this many rows (seeded sample), at least 20 per cluster. */
  sample: 1000,
  iterations: 25,
  /** Neighbours for the density (the reference's K_NN). */
  neighbours: 20,
  /** Members of a cluster the neighbours are sought among. */
  references: 64,
  /** Clusters of at most this many rows are left out while larger ones remain (MIN_CLUSTER_SIZE). */
  minClusterSize: 5,
  seed: 0x7e1c1, // fixed: the clustering is a property of the pool, not of a session
} as const;

export interface PoolClustering {
  readonly clusters: number;
  /** Cluster of each row of X. */
  readonly assign: Int32Array;
  /** Rows per cluster. */
  readonly size: Int32Array;
  /** Typicality of each row of X within its cluster. */
  readonly typicality: Float64Array;
}

const caches = new WeakMap<Vectors, PoolClustering>();

/** How many clusters a pool of n rows gets. */
export function clusterCount(n: number): number {
  return Math.max(1, Math.min(TYPICALITY.maxClusters, Math.floor(n / TYPICALITY.rowsPerCluster)));
}

/** k-means++ seeding then Lloyd's iterations on the rows `sample`; returns C × d centres. */
function kMeans(X: Vectors, sample: Int32Array, C: number, rng: () => number): Float64Array {
  const d = X.cols;
  const S = sample.length;
  const centres = new Float64Array(C * d);
  const buf = new Float32Array(d);
  const setCentre = (c: number, row: number): void => {
    const x = rowInto(X, row, buf);
    for (let j = 0; j < d; j++) centres[c * d + j] = x[j];
  };
  const distToCentre = (row: number, c: number): number => {
    let s = 0;
    const x = rowInto(X, row, buf);
    const q = c * d;
    for (let j = 0; j < d; j++) {
      const t = x[j] - centres[q + j];
      s += t * t;
    }
    return s;
  };
  // k-means++: each next centre drawn ∝ squared distance to the nearest centre so far.
  const near = new Float64Array(S).fill(Infinity);
  setCentre(0, sample[Math.floor(rng() * S)]);
  for (let c = 1; c < C; c++) {
    let total = 0;
    for (let i = 0; i < S; i++) {
      const v = distToCentre(sample[i], c - 1);
      if (v < near[i]) near[i] = v;
      total += near[i];
    }
    let pick = S - 1;
    if (total > 0) {
      let r = rng() * total;
      for (let i = 0; i < S; i++) {
        r -= near[i];
        if (r < 0) {
          pick = i;
          break;
        }
      }
    }
    setCentre(c, sample[pick]);
  }
  const assign = new Int32Array(S).fill(-1);
  const sums = new Float64Array(C * d);
  const counts = new Int32Array(C);
  for (let it = 0; it < TYPICALITY.iterations; it++) {
    let moved = 0;
    for (let i = 0; i < S; i++) {
      const a = nearestCentre(X, sample[i], centres, C, buf);
      if (a !== assign[i]) {
        assign[i] = a;
        moved++;
      }
    }
    if (moved === 0) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < S; i++) {
      const a = assign[i];
      counts[a]++;
      const x = rowInto(X, sample[i], buf);
      for (let j = 0; j < d; j++) sums[a * d + j] += x[j];
    }
    // An emptied centre stays where it was (it may win rows back, or stay an empty cluster).
    for (let c = 0; c < C; c++) if (counts[c] > 0) for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j] / counts[c];
  }
  return centres;
}

/** The nearest of C centres to row r (ties: the lower centre). */
function nearestCentre(X: Vectors, r: number, centres: Float64Array, C: number, buf: Float32Array): number {
  const d = X.cols;
  const x = rowInto(X, r, buf);
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < C; c++) {
    const q = c * d;
    let s = 0;
    for (let j = 0; j < d && s < bestD; j++) {
      const t = x[j] - centres[q + j];
      s += t * t;
    }
    if (s < bestD) {
      bestD = s;
      best = c;
    }
  }
  return best;
}

/**
 * Clusters the pool and computes every row's typicality; no cache (clusteringOf caches it).
 * Exported for the test that checks the cache against a fresh computation.
 */
export function computeClustering(X: Vectors): PoolClustering {
  const N = X.rows;
  const rng = createRng(TYPICALITY.seed);
  const C = Math.min(clusterCount(N), Math.max(1, N));
  const all = Int32Array.from({ length: N }, (_, i) => i);
  const sampleSize = Math.min(N, Math.max(TYPICALITY.sample, C * TYPICALITY.rowsPerCluster));
  const sample = shuffleInPlace(all.slice(), rng).slice(0, sampleSize).sort();
  const centres = N > 0 ? kMeans(X, sample, C, rng) : new Float64Array(0);
  const assign = new Int32Array(N);
  const size = new Int32Array(C);
  const buf = new Float32Array(X.cols);
  for (let r = 0; r < N; r++) {
    assign[r] = nearestCentre(X, r, centres, C, buf);
    size[assign[r]]++;
  }
  // Members per cluster (counting sort by cluster, rows ascending within).
  const start = new Int32Array(C + 1);
  for (let c = 0; c < C; c++) start[c + 1] = start[c] + size[c];
  const members = new Int32Array(N);
  const fill = start.slice(0, C);
  for (let r = 0; r < N; r++) members[fill[assign[r]]++] = r;
  const typicality = new Float64Array(N);
  const dist = new Float64Array(TYPICALITY.references);
  for (let c = 0; c < C; c++) {
    const m = members.subarray(start[c], start[c + 1]);
    if (m.length < 2) continue; // a lone row has no neighbour: typicality 0
    const refs = m.length <= TYPICALITY.references ? m : shuffleInPlace(m.slice(), rng).subarray(0, TYPICALITY.references);
    // The reference's k: min(K_NN, size / 2); in a sampled cluster, the same share of the sample.
    const kFull = Math.max(1, Math.min(TYPICALITY.neighbours, Math.floor(m.length / 2)));
    const k = refs === m ? kFull : Math.max(1, Math.min(Math.floor((refs.length - 1) / 2), Math.round((kFull * refs.length) / m.length)));
    for (const r of m) {
      let n = 0;
      for (const q of refs) if (q !== r) dist[n++] = Math.sqrt(rowDistanceSq(X, r, q));
      const near = dist.subarray(0, n).sort();
      let s = 0;
      const kk = Math.min(k, n);
      for (let j = 0; j < kk; j++) s += near[j];
      typicality[r] = 1 / (s / kk + 1e-5);
    }
  }
  return { clusters: C, assign, size, typicality };
}

/** The pool's clustering, computed once per Matrix, in its distance space (poolSketch.ts). */
export function clusteringOf(X: Vectors): PoolClustering {
  let c = caches.get(X);
  if (!c) {
    c = computeClustering(distanceSpace(X));
    caches.set(X, c);
  }
  return c;
}

export const typicalityStrategy: Strategy = {
  name: 'typicality',
  coldStart: true,
  score(state: PoolState): Float32Array {
    const { typicality } = clusteringOf(state.X);
    return Float32Array.from(state.unlabeled, (r) => typicality[r]);
  },
  batch(state: PoolState, _scores: Float32Array, n: number): number[] {
    const { unlabeled, labeled } = state;
    const { clusters: C, assign, size, typicality } = clusteringOf(state.X);
    const labeledIn = new Int32Array(C);
    for (const r of labeled) labeledIn[assign[r]]++;
    // Unlabeled positions per cluster.
    const unl = new Int32Array(C);
    for (const r of unlabeled) unl[assign[r]]++;
    const start = new Int32Array(C + 1);
    for (let c = 0; c < C; c++) start[c + 1] = start[c] + unl[c];
    const byCluster = new Int32Array(unlabeled.length);
    const fill = start.slice(0, C);
    unlabeled.forEach((r, p) => (byCluster[fill[assign[r]]++] = p));
    const open = (c: number): boolean => unl[c] > 0;
    let order = Array.from({ length: C }, (_, c) => c).filter((c) => open(c) && size[c] > TYPICALITY.minClusterSize);
    if (order.length === 0) order = Array.from({ length: C }, (_, c) => c).filter(open);
    // Fewest labels first, then largest, then the lower cluster.
    order.sort((a, b) => labeledIn[a] - labeledIn[b] || size[b] - size[a] || a - b);
    const taken = new Uint8Array(unlabeled.length);
    const picks: number[] = [];
    for (let i = 0; picks.length < n && order.length > 0; i++) {
      const at = i % order.length;
      const c = order[at];
      let best = -1;
      for (let j = start[c]; j < start[c + 1]; j++) {
        const p = byCluster[j];
        if (taken[p]) continue;
        if (best < 0 || typicality[unlabeled[p]] > typicality[unlabeled[best]] || (typicality[unlabeled[p]] === typicality[unlabeled[best]] && unlabeled[p] < unlabeled[best])) best = p;
      }
      if (best < 0) {
        // This cluster has no unlabeled row left: drop it and retry the same turn.
        order.splice(at, 1);
        i--;
        continue;
      }
      taken[best] = 1;
      picks.push(best);
    }
    return picks;
  },
};
