import { rowInto } from '../features/compactVectors';
import { distanceSpace } from '../strategies/poolSketch';
import { clusteringOf, type PoolClustering } from '../strategies/typicality';
import type { Vectors } from '../types';

/**
 * How clustered the pool is: the mean simplified silhouette of its rows against the typicality
 * arm's clusters (TypiClust's k-means, clusteringOf), in the same distance space — for a row at
 * distance a from its own cluster's centre and b from the nearest other centre, (b − a) / max(a, b);
 * ~0 when the clusters are cuts through one cloud, towards 1 when they are separate groups.
 *
 * Why the meta-learner reads it: typicality (one typical row per cluster) assumes that the pool's
 * groups stand for the task's classes, which is TypiClust's premise. Measured on the dev sets (20
 * seeds, 300 labels, bench/meta.md), coverage instead of typicality in the cold start gained most on
 * the least clustered pool and lost more the more clustered the pool: kjv-division (silhouette 0.06)
 * +0.9 AULC points (p = 0.03), ts-diagnostic-range (0.15) +0.1, node-api-module (0.15) −0.7,
 * emoji-group (0.20) −0.6, spdx-license-family (0.20) −1.1, udhr-language (0.22) −2.0 — the order of
 * the silhouettes exactly. Every seed's pool of the nine sets falls in one of two groups, 0.057–0.077
 * (sotu-era, kjv-division, brown-genre: passages of running prose) or 0.144–0.251 (the rest: names,
 * messages, licence clauses, declarations in 20 languages). No labels are needed: it is a property of
 * the pool, computed once per pool Matrix (a WeakMap, like the clustering) on a stride sample of at
 * most SILHOUETTE_SAMPLE rows.
 */
const cache = new WeakMap<Vectors, number>();

export const SILHOUETTE_SAMPLE = 2048;

/** The silhouette of `X`'s typicality clusters (cached per Matrix). */
export function poolSilhouette(X: Vectors): number {
  let s = cache.get(X);
  if (s === undefined) {
    s = silhouetteOf(distanceSpace(X), clusteringOf(X));
    cache.set(X, s);
  }
  return s;
}

/**
 * The mean simplified silhouette of rows of `D` (the distance space) against the centres of
 * `clustering` (the mean of each cluster's rows); no cache. 0 with fewer than two non-empty clusters.
 */
export function silhouetteOf(D: Vectors, clustering: PoolClustering, sample = SILHOUETTE_SAMPLE): number {
  const { clusters: C, assign } = clustering;
  const N = D.rows;
  const d = D.cols;
  const centres = new Float64Array(C * d);
  const counts = new Int32Array(C);
  const buf = new Float32Array(d);
  for (let r = 0; r < N; r++) {
    const x = rowInto(D, r, buf);
    const o = assign[r] * d;
    counts[assign[r]]++;
    for (let j = 0; j < d; j++) centres[o + j] += x[j];
  }
  const live: number[] = [];
  for (let c = 0; c < C; c++) {
    if (counts[c] === 0) continue;
    live.push(c);
    for (let j = 0; j < d; j++) centres[c * d + j] /= counts[c];
  }
  if (live.length < 2 || N === 0) return 0;
  const step = Math.max(1, Math.floor(N / sample));
  let sum = 0;
  let n = 0;
  for (let r = 0; r < N; r += step) {
    const x = rowInto(D, r, buf);
    let own = 0;
    let other = Infinity;
    for (const c of live) {
      let s2 = 0;
      const o = c * d;
      for (let j = 0; j < d; j++) {
        const t = x[j] - centres[o + j];
        s2 += t * t;
      }
      const dist = Math.sqrt(s2);
      if (c === assign[r]) own = dist;
      else if (dist < other) other = dist;
    }
    const m = Math.max(own, other);
    sum += m > 0 ? (other - own) / m : 0;
    n++;
  }
  return sum / n;
}
