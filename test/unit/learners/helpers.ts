import { createRng } from '../../../src/core/learners/rng';
import type { Matrix } from '../../../src/core/types';

/** Gaussian blobs: `perClass` points around a random centre per class, `spread` the noise scale. */
export function blobs(classes: number, perClass: number, dim: number, spread: number, seed: number): { X: Matrix; y: Int32Array } {
  const rng = createRng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const centres = Array.from({ length: classes }, () => Array.from({ length: dim }, () => gauss() * 2));
  const n = classes * perClass;
  const data = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    for (let j = 0; j < dim; j++) data[i * dim + j] = centres[c][j] + spread * gauss();
  }
  return { X: { rows: n, cols: dim, data }, y };
}

export function range(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/**
 * A separable multi-label toy set: 5-d Gaussian points; label k (of 3) applies when x_k > 0.3, so
 * a row may have no label, one, two or all three.
 */
export function multiLabelToy(n: number, seed: number): { X: Matrix; Y: Uint8Array } {
  const rng = createRng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const d = 5;
  const K = 3;
  const data = new Float32Array(n * d);
  const Y = new Uint8Array(n * K);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) data[i * d + j] = gauss();
    for (let k = 0; k < K; k++) Y[i * K + k] = data[i * d + k] > 0.3 ? 1 : 0;
  }
  return { X: { rows: n, cols: d, data }, Y };
}

