/**
 * The dense kernels of the softmax learner: logits (rows × weight rows, plus a bias) and the
 * gradient's transposed product (residuals × rows), blocked for V8.
 *
 * V8 neither vectorises nor keeps a dot product's operands in registers across classes, so a
 * plain row-by-class loop reloads every feature once per class and every weight once per row.
 * These kernels compute a 2-row × 4-output tile per pass over the features (6 loads for 8
 * multiply-adds instead of 16) and walk the pool once for any number of stacked models, which is
 * what makes predicting with the main model and a committee one pass rather than six. Sums run in
 * float64 in the same order for every tile, so results match a plain loop to float rounding.
 */

/**
 * out[i·M + c] = b[c] + Σⱼ W[c·wStride + j] · X[rowᵢ·d + j] for the rows i in [start, end) of
 * `rows` (or of X itself when `rows` is omitted), c < M. `out` is indexed from `start`'s tile: row
 * i of the block goes to out[(i − start)·M + c]. W holds M weight rows of d entries, wStride apart
 * (d + 1 when a bias sits at the end of each row, as in SoftmaxRegression's layout); b is indexed
 * through bOff + c·bStride.
 */
export function logitsBlock(
  X: Float32Array | Float64Array,
  d: number,
  rows: Int32Array | undefined,
  start: number,
  end: number,
  W: Float64Array,
  M: number,
  wStride: number,
  bias: Float64Array,
  bOff: number,
  bStride: number,
  out: Float64Array,
): void {
  let i = start;
  for (; i + 1 < end; i += 2) {
    const x0 = (rows ? rows[i] : i) * d;
    const x1 = (rows ? rows[i + 1] : i + 1) * d;
    const o0 = (i - start) * M;
    const o1 = o0 + M;
    let c = 0;
    for (; c + 3 < M; c += 4) {
      const w0 = c * wStride;
      const w1 = w0 + wStride;
      const w2 = w1 + wStride;
      const w3 = w2 + wStride;
      let a00 = 0;
      let a01 = 0;
      let a02 = 0;
      let a03 = 0;
      let a10 = 0;
      let a11 = 0;
      let a12 = 0;
      let a13 = 0;
      for (let j = 0; j < d; j++) {
        const u = X[x0 + j];
        const v = X[x1 + j];
        const p = W[w0 + j];
        const q = W[w1 + j];
        const r = W[w2 + j];
        const s = W[w3 + j];
        a00 += p * u;
        a01 += q * u;
        a02 += r * u;
        a03 += s * u;
        a10 += p * v;
        a11 += q * v;
        a12 += r * v;
        a13 += s * v;
      }
      const b0 = bias[bOff + c * bStride];
      const b1 = bias[bOff + (c + 1) * bStride];
      const b2 = bias[bOff + (c + 2) * bStride];
      const b3 = bias[bOff + (c + 3) * bStride];
      out[o0 + c] = b0 + a00;
      out[o0 + c + 1] = b1 + a01;
      out[o0 + c + 2] = b2 + a02;
      out[o0 + c + 3] = b3 + a03;
      out[o1 + c] = b0 + a10;
      out[o1 + c + 1] = b1 + a11;
      out[o1 + c + 2] = b2 + a12;
      out[o1 + c + 3] = b3 + a13;
    }
    for (; c < M; c++) {
      const w0 = c * wStride;
      let a0 = 0;
      let a1 = 0;
      for (let j = 0; j < d; j++) {
        const p = W[w0 + j];
        a0 += p * X[x0 + j];
        a1 += p * X[x1 + j];
      }
      const b0 = bias[bOff + c * bStride];
      out[o0 + c] = b0 + a0;
      out[o1 + c] = b0 + a1;
    }
  }
  if (i < end) {
    const x0 = (rows ? rows[i] : i) * d;
    const o0 = (i - start) * M;
    for (let c = 0; c < M; c++) {
      const w0 = c * wStride;
      let a0 = 0;
      for (let j = 0; j < d; j++) a0 += W[w0 + j] * X[x0 + j];
      out[o0 + c] = bias[bOff + c * bStride] + a0;
    }
  }
}

/**
 * G[c·gStride + j] += Σᵢ R[i·M + c] · X[i·d + j] over the n rows of X (contiguous, n × d), for
 * c < M: the weight gradient of a linear layer from its output residuals R (n × M). Tiles of
 * 2 rows × 4 outputs, so each gradient entry is loaded and stored once per two rows.
 */
export function addResidualProduct(X: Float64Array, d: number, n: number, R: Float64Array, M: number, G: Float64Array, gStride: number): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const x0 = i * d;
    const x1 = x0 + d;
    const r0 = i * M;
    const r1 = r0 + M;
    let c = 0;
    for (; c + 3 < M; c += 4) {
      const p0 = R[r0 + c];
      const q0 = R[r0 + c + 1];
      const s0 = R[r0 + c + 2];
      const t0 = R[r0 + c + 3];
      const p1 = R[r1 + c];
      const q1 = R[r1 + c + 1];
      const s1 = R[r1 + c + 2];
      const t1 = R[r1 + c + 3];
      const g0 = c * gStride;
      const g1 = g0 + gStride;
      const g2 = g1 + gStride;
      const g3 = g2 + gStride;
      for (let j = 0; j < d; j++) {
        const u = X[x0 + j];
        const v = X[x1 + j];
        G[g0 + j] += p0 * u + p1 * v;
        G[g1 + j] += q0 * u + q1 * v;
        G[g2 + j] += s0 * u + s1 * v;
        G[g3 + j] += t0 * u + t1 * v;
      }
    }
    for (; c < M; c++) {
      const p0 = R[r0 + c];
      const p1 = R[r1 + c];
      if (p0 === 0 && p1 === 0) continue;
      const g0 = c * gStride;
      for (let j = 0; j < d; j++) G[g0 + j] += p0 * X[x0 + j] + p1 * X[x1 + j];
    }
  }
  if (i < n) {
    const x0 = i * d;
    const r0 = i * M;
    for (let c = 0; c < M; c++) {
      const p0 = R[r0 + c];
      if (p0 === 0) continue;
      const g0 = c * gStride;
      for (let j = 0; j < d; j++) G[g0 + j] += p0 * X[x0 + j];
    }
  }
}

/**
 * In place: each run of K logits in z[0 .. m·K) becomes its softmax (max subtracted first, so
 * nothing overflows), written as float32 to out[outOff + i·K + k].
 */
export function softmaxRowsInto(z: Float64Array, m: number, K: number, zStride: number, zOff: number, out: Float32Array, outOff: number): void {
  for (let i = 0; i < m; i++) {
    const zo = i * zStride + zOff;
    let zmax = -Infinity;
    for (let k = 0; k < K; k++) if (z[zo + k] > zmax) zmax = z[zo + k];
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(z[zo + k] - zmax);
      z[zo + k] = e;
      sum += e;
    }
    const oo = outOff + i * K;
    for (let k = 0; k < K; k++) out[oo + k] = z[zo + k] / sum;
  }
}
