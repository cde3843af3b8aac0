// Builds the meta-learner's learned prior as ONNX graphs from the committed weights:
// models/prior/NAME.json → models/prior/NAME.onnx, one per file (the shipped default and one per
// held-out dataset). Called by scripts/buildModels.mjs (so at `npm ci` and `npm run build`);
// quick and deterministic: the same JSON gives the same bytes.
//
//   features  float [batch, F]  task-state features (src/core/meta/features.ts order)
//   → gain    float [batch, S]  expected accuracy gain of one round of each strategy
//
// The graph standardises the features, then runs the MLP: (Gemm → Relu)* → Gemm.
//
//   node models/buildPrior.mjs [--if-missing] [--dir DIR] [--out DIR]
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DT, encodeModel, node, tensor, valueInfo } from './onnxGraph.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const priorDir = join(here, 'prior');

/** Checks the shape of a prior JSON; throws an Error naming the file and the field. */
export function checkPrior(p, file) {
  const fail = (m) => {
    throw new Error(`${file}: ${m}`);
  };
  if (p.format !== 'labelwise-prior/1') fail(`format must be "labelwise-prior/1", got ${JSON.stringify(p.format)}`);
  const F = p.features?.length;
  const S = p.strategies?.length;
  if (!F || !S) fail('needs non-empty "features" and "strategies"');
  if (p.mean?.length !== F || p.std?.length !== F) fail(`"mean" and "std" need ${F} entries`);
  if (!Array.isArray(p.layers) || p.layers.length === 0) fail('needs at least one layer');
  let width = F;
  p.layers.forEach((l, i) => {
    if (!Array.isArray(l.weight) || l.weight.some((r) => !Array.isArray(r) || r.length !== width)) fail(`layers[${i}].weight must be out × ${width}`);
    if (l.bias?.length !== l.weight.length) fail(`layers[${i}].bias needs ${l.weight.length} entries`);
    if (!['relu', 'linear'].includes(l.activation)) fail(`layers[${i}].activation must be relu or linear`);
    width = l.weight.length;
  });
  if (width !== S) fail(`the last layer gives ${width} outputs for ${S} strategies`);
}

/** The ONNX bytes of a prior. */
export function priorToOnnx(p, name = 'prior') {
  const F = p.features.length;
  const nodes = [];
  const inits = [tensor('mean', [F], Float32Array.from(p.mean)), tensor('invStd', [F], Float32Array.from(p.std, (s) => (s > 0 ? 1 / s : 1)))];
  nodes.push(node('Sub', ['features', 'mean'], ['centred']));
  nodes.push(node('Mul', ['centred', 'invStd'], ['h0']));
  let prev = 'h0';
  p.layers.forEach((l, i) => {
    const out = l.weight.length;
    const inp = l.weight[0].length;
    inits.push(tensor(`W${i}`, [out, inp], Float32Array.from(l.weight.flat())));
    inits.push(tensor(`b${i}`, [out], Float32Array.from(l.bias)));
    const last = i === p.layers.length - 1;
    const z = last && l.activation === 'linear' ? 'gain' : `z${i + 1}`;
    nodes.push(node('Gemm', [prev, `W${i}`, `b${i}`], [z], { transB: 1 }));
    if (l.activation === 'relu') {
      const h = last ? 'gain' : `h${i + 1}`;
      nodes.push(node('Relu', [z], [h]));
      prev = h;
    } else prev = z;
  });
  return encodeModel({
    name,
    nodes,
    initializers: inits,
    inputs: [valueInfo('features', DT.FLOAT, ['batch', F])],
    outputs: [valueInfo('gain', DT.FLOAT, ['batch', p.strategies.length])],
    docString: `Labelwise meta-learner prior (${p.heldOut ? `without ${p.heldOut}` : 'all tasks'}): features → expected gain per strategy`,
    metadata: { strategies: p.strategies.join(','), features: p.features.join(','), heldOut: p.heldOut ?? '' },
  });
}

/** Builds every NAME.json in `dir` into NAME.onnx in `out`; returns the paths written or kept. */
export function buildPriors({ dir = priorDir, out = dir, ifMissing = false } = {}) {
  if (!existsSync(dir)) return [];
  mkdirSync(out, { recursive: true });
  const done = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const src = join(dir, f);
    const dst = join(out, f.replace(/\.json$/, '.onnx'));
    if (ifMissing && existsSync(dst) && statSync(dst).mtimeMs >= statSync(src).mtimeMs) {
      done.push(dst);
      continue;
    }
    const p = JSON.parse(readFileSync(src, 'utf8'));
    checkPrior(p, src);
    const tmp = `${dst}.tmp`;
    writeFileSync(tmp, priorToOnnx(p, f.replace(/\.json$/, '')));
    renameSync(tmp, dst);
    done.push(dst);
  }
  return done;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (k) => {
    const i = process.argv.indexOf(k);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const t0 = Date.now();
  const written = buildPriors({ dir: arg('--dir') ?? priorDir, out: arg('--out') ?? arg('--dir') ?? priorDir, ifMissing: process.argv.includes('--if-missing') });
  console.log(`build:models: ${written.length} prior model(s) in ${Date.now() - t0} ms`);
}
