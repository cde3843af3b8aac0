// `npm run package`: production build, then `vsce package` → labelwise-<version>.vsix for
// linux-x64, then a check of what the .vsix holds (the allowlist is .vscodeignore).
//
//   node scripts/package.mjs            build and package, print a summary of the contents
//   node scripts/package.mjs --if-stale reuse the .vsix when it is newer than every input
//   node scripts/package.mjs --list     also print every entry of the .vsix
//
// `npm start` and the e2e suite call ensureVsix() from here.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import yauzl from 'yauzl';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const vsixTarget = 'linux-x64';
/** The embedded model's share of the .vsix may not pass this (issue #2). */
const maxModelBytesCompressed = 25 * 1024 * 1024;
/** The whole .vsix may not pass this (issue #12: 25 MB for linux-x64). */
export const maxVsixBytes = 25_000_000;
/**
 * ONNX Runtime's native library, shipped brotli-compressed (src/core/runtime/nativeLibrary.ts
 * unpacks it on first use): 46 MB deflate to 17.5 MB in a zip, brotli at quality 11 to 12.7 MB.
 */
const nativeLibrary = 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1';

export function vsixPath() {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  return join(repoRoot, `labelwise-${version}.vsix`);
}

function log(msg) {
  process.stderr.write(`[package] ${msg}\n`);
}

/** Newest modification time under the paths that go into the .vsix. */
function newestInput() {
  const inputs = ['src', 'media', 'models', 'package.json', 'package-lock.json', 'esbuild.mjs', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE', 'scripts/buildModels.mjs', 'scripts/package.mjs'];
  let newest = 0;
  let newestFile = '';
  const walk = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) walk(join(p, e));
    } else if (st.mtimeMs > newest) {
      newest = st.mtimeMs;
      newestFile = p;
    }
  };
  for (const i of inputs) walk(join(repoRoot, i));
  return { newest, newestFile: relative(repoRoot, newestFile) };
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal}): ${cmd} ${args.join(' ')}`);
}

/** Builds the models (if missing) and the production bundles (minified, no source maps). */
export function buildProduction() {
  run(process.execPath, ['scripts/buildModels.mjs', '--if-missing'], 'building the models');
  // Maps from an earlier development build stay in dist/; .vscodeignore keeps them out.
  run(process.execPath, ['esbuild.mjs', '--production'], 'the production build');
  for (const f of ['dist/extension.js']) {
    if (!existsSync(join(repoRoot, f))) throw new Error(`the build did not produce ${f}`);
  }
}

/**
 * Writes `<library>.br` beside ONNX Runtime's native library. Quality 11 takes a few minutes, so
 * the result is kept (in node_modules) with the SHA-256 of the library it was made from, and made
 * again only when the library changed (a new onnxruntime-node).
 */
export async function packNativeLibrary() {
  const lib = join(repoRoot, nativeLibrary);
  if (!existsSync(lib)) throw new Error(`${nativeLibrary} is missing: run npm ci first`);
  const packed = `${lib}.br`;
  const stamp = `${lib}.br.sha256`;
  const sha = createHash('sha256').update(readFileSync(lib)).digest('hex');
  const fresh = () => existsSync(packed) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === sha;
  if (fresh()) return packed;
  // The e2e files run in parallel and each packages: one process compresses, the others wait.
  const lock = `${packed}.lock`;
  let fd;
  for (;;) {
    try {
      fd = openSync(lock, 'wx');
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // A lock older than 20 minutes was left by a killed process.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 20 * 60_000) rmSync(lock, { force: true });
      else await new Promise((r) => setTimeout(r, 2000));
      if (fresh()) return packed;
    }
  }
  try {
    if (fresh()) return packed;
    const t0 = Date.now();
    log(`compressing ${nativeLibrary} with brotli (quality 11; once per onnxruntime-node version, a few minutes)`);
    const data = readFileSync(lib);
    const out = brotliCompressSync(data, {
      params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_LGWIN]: 24, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: data.length },
    });
    const tmp = `${packed}.${process.pid}.tmp`;
    writeFileSync(tmp, out);
    renameSync(tmp, packed);
    writeFileSync(stamp, `${sha}\n`);
    log(`${mib(data.length)} → ${mib(out.length)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return packed;
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}

/** Runs vsce; writes to a temporary name first so a reader never sees half a .vsix. */
export function packageVsix() {
  const out = vsixPath();
  const tmp = `${out}.${process.pid}.tmp.vsix`;
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  if (!existsSync(vsce)) throw new Error(`${vsce} is missing: run npm ci first`);
  try {
    // README's links stay relative (vsce would rewrite them against the repository's URL).
    const flags = ['--allow-missing-repository', '--no-rewrite-relative-links', '--no-update-package-json', '--no-git-tag-version'];
    run(process.execPath, [vsce, 'package', '--target', vsixTarget, '--out', tmp, ...flags], 'vsce package');
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
  }
  return out;
}

/** Every entry of a zip: name, size and compressed size. */
export function listZip(file) {
  return new Promise((res, rej) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return rej(err ?? new Error(`cannot open ${file}`));
      const entries = [];
      zip.on('entry', (e) => {
        entries.push({ name: e.fileName, size: e.uncompressedSize, compressed: e.compressedSize });
        zip.readEntry();
      });
      zip.on('end', () => res(entries));
      zip.on('error', rej);
      zip.readEntry();
    });
  });
}

/**
 * Files package.json points at that VS Code reads from the installed extension: the icon and the
 * walkthrough's media (media/, which .vscodeignore puts back whole).
 */
export function manifestAssets(pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))) {
  const out = [];
  if (pkg.icon) out.push(pkg.icon);
  for (const w of pkg.contributes?.walkthroughs ?? []) {
    for (const s of w.steps ?? []) {
      for (const f of [s.media?.markdown, s.media?.image, s.media?.svg]) if (typeof f === 'string') out.push(f);
    }
  }
  return out;
}

/**
 * What the .vsix must and must not hold. Returns a list of problems (empty when it is right).
 * Exported for the e2e suite, which checks the .vsix it installs.
 */
export function checkVsixEntries(entries) {
  const names = entries.map((e) => e.name);
  const problems = [];
  const must = [
    'extension/package.json',
    'extension/dist/extension.js',
    // The first open's worker threads (src/core/session/openPool.ts); without it an open runs on one thread.
    'extension/dist/openWorker.js',
    'extension/LICENSE.txt',
    'extension/node_modules/onnxruntime-node/dist/index.js',
    'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
    'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1.br',
    'extension/node_modules/onnxruntime-common/dist/cjs/index.js',
  ];
  for (const m of must) if (!names.includes(m) && !(m.endsWith('LICENSE.txt') && names.includes('extension/LICENSE'))) problems.push(`missing ${m}`);
  for (const a of manifestAssets()) if (!names.includes(`extension/${a}`)) problems.push(`missing extension/${a} (named in package.json)`);
  if (!names.some((n) => /^extension\/models\/[^/]+\.onnx$/.test(n))) problems.push('missing the embedded model (extension/models/*.onnx); run npm run build:models');
  // The meta-learner reads its default prior at run time (src/core/meta/prior.ts).
  for (const f of ['models/prior/prior.json', 'models/prior/prior.onnx']) {
    if (existsSync(join(repoRoot, f)) && !names.includes(`extension/${f}`)) problems.push(`missing extension/${f} (the meta-learner's default prior)`);
  }
  const forbidden = [
    [/^extension\/src\//, 'sources'],
    [/^extension\/test\//, 'tests'],
    [/\.map$/, 'source maps'],
    [/\.ts$/, 'TypeScript files'],
    [/^extension\/samples\//, 'the sample corpus'],
    [/^extension\/scripts\//, 'scripts'],
    [/\/bin\/napi-v\d+\/(darwin|win32)\//, 'onnxruntime-node files of other platforms'],
    [/\/bin\/napi-v\d+\/linux\/arm64\//, 'onnxruntime-node files of linux-arm64'],
    [/^extension\/node_modules\/onnxruntime-web\//, 'onnxruntime-web'],
    // Only the tokenizer of a Hugging Face model is used (bundled from @huggingface/tokenizers):
    // transformers.js and the image libraries it pulls in (sharp, libvips) are dead weight.
    [/^extension\/node_modules\/(sharp|@img)\/|libvips/, 'image libraries (sharp, libvips, @img/*)'],
    [/^extension\/node_modules\/@huggingface\/transformers\//, '@huggingface/transformers'],
    [/^extension\/\.labelwise\//, 'a label store'],
  ];
  for (const [re, what] of forbidden) {
    const hits = names.filter((n) => re.test(n));
    if (hits.length > 0) problems.push(`holds ${what}: ${hits.slice(0, 3).join(', ')}${hits.length > 3 ? ` (+${hits.length - 3})` : ''}`);
  }
  // Shipped compressed (libonnxruntime.so.1.br above), never as itself: 5 MB more.
  if (names.includes('extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1')) problems.push('holds libonnxruntime.so.1 uncompressed (ship libonnxruntime.so.1.br)');
  const total = entries.reduce((a, e) => a + e.compressed, 0);
  if (total > maxVsixBytes) problems.push(`the .vsix holds ${(total / 1e6).toFixed(1)} MB compressed (limit ${maxVsixBytes / 1e6} MB)`);
  const modelBytes = entries.filter((e) => e.name.startsWith('extension/models/')).reduce((a, e) => a + e.compressed, 0);
  if (modelBytes > maxModelBytesCompressed) problems.push(`models/ takes ${(modelBytes / 1048576).toFixed(1)} MiB compressed (limit 25 MiB)`);
  return problems;
}

const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;

/** A short account of the .vsix: size and the bytes of each part. */
export function summarize(file, entries) {
  const groups = new Map();
  for (const e of entries) {
    const parts = e.name.split('/');
    let key = parts.length > 2 ? parts.slice(0, 2).join('/') : e.name;
    if (parts[1] === 'node_modules') key = parts.slice(0, parts[2]?.startsWith('@') ? 4 : 3).join('/');
    const g = groups.get(key) ?? { files: 0, size: 0, compressed: 0 };
    g.files += 1;
    g.size += e.size;
    g.compressed += e.compressed;
    groups.set(key, g);
  }
  const lines = [`${relative(process.cwd(), file) || file}: ${mib(statSync(file).size)}, ${entries.length} files`];
  for (const [k, g] of [...groups].sort((a, b) => b[1].compressed - a[1].compressed)) {
    lines.push(`  ${k.padEnd(58)} ${String(g.files).padStart(4)} files ${mib(g.size).padStart(10)} → ${mib(g.compressed).padStart(9)}`);
  }
  return lines.join('\n');
}

/** Builds and packages when the .vsix is missing or older than its inputs; returns its path. */
export async function ensureVsix({ force = false } = {}) {
  const out = vsixPath();
  if (!force && existsSync(out)) {
    const { newest, newestFile } = newestInput();
    if (statSync(out).mtimeMs > newest) {
      log(`reusing ${relative(repoRoot, out)} (newer than every input)`);
      return out;
    }
    log(`${newestFile} changed since ${relative(repoRoot, out)} was built: packaging again`);
  }
  const t0 = Date.now();
  buildProduction();
  await packNativeLibrary();
  packageVsix();
  const entries = await listZip(out);
  const problems = checkVsixEntries(entries);
  if (problems.length > 0) throw new Error(`${relative(repoRoot, out)} is not right:\n- ${problems.join('\n- ')}`);
  log(`packaged ${relative(repoRoot, out)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

async function main() {
  const file = await ensureVsix({ force: !process.argv.includes('--if-stale') });
  const entries = await listZip(file);
  process.stdout.write(`${summarize(file, entries)}\n`);
  if (process.argv.includes('--list')) {
    for (const e of entries) process.stdout.write(`${String(e.size).padStart(10)} ${e.name}\n`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    process.stderr.write(`npm run package: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
