/** Argmax of each row of a rows × classes probability matrix (ties to the lower class). */
export function argmaxRows(probs: Float32Array, classes: number): Int32Array {
  const n = probs.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[i * classes + k] > probs[i * classes + best]) best = k;
    out[i] = best;
  }
  return out;
}

export function accuracy(gold: Int32Array, pred: Int32Array): number {
  let c = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === pred[i]) c++;
  return gold.length ? c / gold.length : 0;
}

/** Macro-averaged F1 over the classes that occur in gold or predictions (scikit-learn's convention). */
export function macroF1(gold: Int32Array, pred: Int32Array, classes: number): number {
  const tp = new Float64Array(classes);
  const fp = new Float64Array(classes);
  const fn = new Float64Array(classes);
  for (let i = 0; i < gold.length; i++) {
    if (gold[i] === pred[i]) tp[gold[i]]++;
    else {
      fp[pred[i]]++;
      fn[gold[i]]++;
    }
  }
  let sum = 0;
  let seen = 0;
  for (let k = 0; k < classes; k++) {
    if (tp[k] + fp[k] + fn[k] === 0) continue;
    seen++;
    sum += (2 * tp[k]) / (2 * tp[k] + fp[k] + fn[k]);
  }
  return seen ? sum / seen : 0;
}

/**
 * Area under the learning curve by the trapezoid rule over labels, divided by the label range
 * (so it is a mean accuracy). A one-point curve has that point's value.
 */
export function aulc(points: readonly { readonly labels: number; readonly value: number }[]): number {
  if (points.length === 0) return 0;
  if (points.length === 1) return points[0].value;
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    area += ((points[i].value + points[i - 1].value) / 2) * (points[i].labels - points[i - 1].labels);
  }
  const range = points[points.length - 1].labels - points[0].labels;
  return range > 0 ? area / range : points[points.length - 1].value;
}
