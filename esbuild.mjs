// One esbuild config for the three Node bundles (extension host, engine worker, CLI) and the
// browser bundle of the webview. Native and heavy runtime packages stay external and travel in
// the package beside the bundle (see scripts/package.mjs).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const nodeExternal = ['vscode', 'onnxruntime-node'];
// ESM dependencies bundled into CommonJS (fdir, under tinyglobby) call createRequire(import.meta.url);
// give them the bundle's own file URL instead of an empty import.meta.
const nodeImportMeta = {
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
};

/** @type {import('esbuild').BuildOptions[]} */
const configs = [
  { entryPoints: { extension: 'src/extension/extension.ts' }, platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal, ...nodeImportMeta },
  { entryPoints: { worker: 'src/core/session/worker.ts' }, platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal, ...nodeImportMeta },
  // The first open's reader/encoder threads (src/core/session/openPool.ts looks for it beside the bundle).
  { entryPoints: { openWorker: 'src/core/session/openWorker.ts' }, platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal, ...nodeImportMeta },
  { entryPoints: { cli: 'src/cli/main.ts' }, platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal, ...nodeImportMeta },
  { entryPoints: { webview: 'src/webview/main.ts' }, platform: 'browser', format: 'iife', target: 'es2022' },
]
  .filter((c) => Object.values(c.entryPoints).every((f) => existsSync(f)))
  .map((c) => ({
    bundle: true,
    outdir: 'dist',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    ...c,
  }));

if (watch) {
  for (const c of configs) (await esbuild.context(c)).watch();
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
