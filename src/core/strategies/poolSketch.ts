import { createRng } from '../learners/rng';
import { isCompact, quantiseRowInto, rowInto } from '../features/compactVectors';
import type { CompactMatrix, Matrix, Vectors } from '../types';

/**
 * The space the vector-geometry arms (typicality, coverage) measure distances in: the pool vectors
 * themselves when they have at most SKETCH_DIMS dimensions, else a fixed sparse random projection of
 * them to SKETCH_DIMS dimensions (Achlioptas 2003: entries √3·{+1, 0, −1} with probabilities
 * 1/6, 2/3, 1/6, scaled by 1/√SKETCH_DIMS), which keeps Euclidean distances in expectation
 * (Johnson–Lindenstrauss; a pair's squared distance is off by about √(2/64) ≈ 18 % at most
 * typically). Why: these arms compare every pool row with labeled rows or cluster members, and with
 * 300-d vectors of 100,000 spans a round of coverage (10 new labels × N × d) would take ~0.5 s; at
 * 64 dimensions it fits the 150 ms selection budget.
 *
 * Computed once per pool Matrix (a WeakMap: it goes with the pool) from a fixed seed, so the same
 * vectors always give the same sketch.
 */
export const SKETCH_DIMS = 64;
const SKETCH_SEED = 0x5ce7c4;

const sketches = new WeakMap<Vectors, Vectors>();

/** Projects X to SKETCH_DIMS dimensions (no cache). */
export function sketchOf(X: Vectors): Matrix;
export function sketchOf(X: Vectors, compact: true): CompactMatrix;
export function sketchOf(X: Vectors, compact = false): Vectors {
  const D = X.cols;
  const m = SKETCH_DIMS;
  const rng = createRng(SKETCH_SEED);
  const scale = Math.sqrt(3 / m);
  // Nonzeros of the D × m projection, by input dimension.
  const outDim: number[] = [];
  const sign: number[] = [];
  const start = new Int32Array(D + 1);
  for (let j = 0; j < D; j++) {
    for (let k = 0; k < m; k++) {
      const u = rng();
      if (u < 1 / 6) {
        outDim.push(k);
        sign.push(scale);
      } else if (u < 1 / 3) {
        outDim.push(k);
        sign.push(-scale);
      }
    }
    start[j + 1] = outDim.length;
  }
  // A compact sketch is quantised row by row as it is projected: no float32 sketch of the whole pool.
  const data = compact ? undefined : new Float32Array(X.rows * m);
  const codes = compact ? new Int8Array(X.rows * m) : undefined;
  const scales = compact ? new Float32Array(X.rows) : undefined;
  const row = new Float32Array(m);
  const acc = new Float64Array(m);
  const buf = new Float32Array(D);
  for (let r = 0; r < X.rows; r++) {
    acc.fill(0);
    const x = rowInto(X, r, buf);
    for (let j = 0; j < D; j++) {
      const v = x[j];
      if (v === 0) continue;
      for (let t = start[j]; t < start[j + 1]; t++) acc[outDim[t]] += v * sign[t];
    }
    if (data) for (let k = 0; k < m; k++) data[r * m + k] = acc[k];
    else {
      // Rounded to float32 first, as a dense sketch's row would be: quantise(sketchOf(X)) exactly.
      row.set(acc);
      quantiseRowInto(row, 0, m, codes!, scales!, r);
    }
  }
  return data ? { rows: X.rows, cols: m, data } : { rows: X.rows, cols: m, codes: codes!, scales: scales! };
}

/** The pool's distance space: X itself up to SKETCH_DIMS dimensions, else its cached sketch. */
export function distanceSpace(X: Vectors): Vectors {
  if (X.cols <= SKETCH_DIMS) return X;
  let s = sketches.get(X);
  if (!s) {
    // A compact pool gets a compact sketch (a quarter of the memory: 68 MB rather than 256 MB at a million rows).
    s = isCompact(X) ? sketchOf(X, true) : sketchOf(X);
    sketches.set(X, s);
  }
  return s;
}
