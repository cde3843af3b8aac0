// `npm run build:models`: builds the model files that are generated rather than committed.
//   1. models/labelwise-glove100k.onnx + .vocab.txt, the embedded default encoder (models/buildEmbedded.mjs)
//   2. models/buildPrior.mjs, when present: the meta-learner's prior ONNX from committed weights
// `--if-missing` (used by `npm ci` through `prepare` and by `npm run build`) skips step 1 when
// both of its files exist and the model has every output the encoder reads (a model built by an
// older version, e.g. before the SIF output, is rebuilt). Step 2's script gets the same flag and
// decides for itself.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ifMissing = process.argv.includes('--if-missing');

const { buildEmbedded, isCurrentModel, modelPath, vocabPath } = await import('../models/buildEmbedded.mjs');
if (ifMissing && existsSync(modelPath) && existsSync(vocabPath) && isCurrentModel(modelPath)) {
  console.log(`build:models: ${modelPath} exists; skipped`);
} else {
  if (ifMissing && existsSync(modelPath)) console.log(`build:models: ${modelPath} lacks an output of this version; rebuilding`);
  const t0 = Date.now();
  const r = buildEmbedded();
  console.log(`build:models: ${r.model} (${(r.bytes / 1e6).toFixed(1)} MB, sha256 ${r.sha256.slice(0, 16)}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const prior = join(root, 'models', 'buildPrior.mjs');
if (existsSync(prior)) {
  const res = spawnSync(process.execPath, [prior, ...(ifMissing ? ['--if-missing'] : [])], { stdio: 'inherit', cwd: root });
  if (res.status !== 0) {
    console.error(`build:models: ${prior} failed (exit ${res.status ?? res.signal})`);
    process.exit(res.status ?? 1);
  }
}
