// Installs code-server (VS Code's server and web workbench, published on the npm registry) into a
// cache folder outside the repository on first use, so `npm start` and the e2e suite can run the
// extension in real VS Code on a machine that cannot download VS Code itself. See E2E.md.
//
// Usage: node scripts/installCodeServer.mjs        (prints the path of code-server's entry.js)
// Env:   LABELWISE_CACHE  cache root (default ~/.cache/labelwise)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, readdirSync, statSync, openSync, closeSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The last code-server line that accepts Node 20 (later ones demand Node 24). */
export const codeServerVersion = '4.100.3';
/** The @vscode/ripgrep that code-server 4.100.3 pulls in, and the archive its postinstall looks for. */
const ripgrepPackageVersion = '1.15.11';
const ripgrepArchive = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export function cacheRoot() {
  return resolve(process.env.LABELWISE_CACHE || join(homedir(), '.cache', 'labelwise'));
}

export function codeServerDir() {
  return join(cacheRoot(), `code-server-${codeServerVersion}`);
}

/** Path of code-server's Node entry point once installed. */
export function codeServerEntry() {
  return join(codeServerDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** Packages in code-server's tree whose install scripts build native modules or fetch rg. */
const scriptPackages = [
  'code-server', 'argon2', 'kerberos', 'node-pty', 'native-watchdog', '@parcel/watcher', '@vscode/ripgrep',
  '@vscode/spdlog', '@vscode/deviceid', '@vscode/windows-process-tree', '@vscode/windows-registry',
];

const markerName = '.labelwise-install-complete';

export function isCodeServerInstalled() {
  return existsSync(join(codeServerDir(), markerName)) && existsSync(codeServerEntry());
}

/** Debian packages the install or the e2e run needs, with the file that proves each is there. */
const aptNeeds = [
  { pkg: 'ripgrep', file: '/usr/bin/rg', why: 'code-server search (replaces the rg download from GitHub)' },
  { pkg: 'pkg-config', file: '/usr/bin/pkg-config', why: 'building code-server native modules' },
  { pkg: 'libkrb5-dev', file: '/usr/include/gssapi/gssapi.h', altFile: '/usr/include/krb5.h', why: 'building the kerberos module' },
];

export function missingAptPackages({ withChromium = false } = {}) {
  const needs = withChromium ? [...aptNeeds, { pkg: 'chromium', file: '/usr/bin/chromium', why: 'the headless browser' }] : aptNeeds;
  return needs.filter((n) => !existsSync(n.file) && !(n.altFile && existsSync(n.altFile)));
}

export function aptHint(missing) {
  return (
    `missing Debian packages: ${missing.map((m) => `${m.pkg} (${m.why})`).join(', ')}.\n` +
    `Install them with: apt-get install -y ${missing.map((m) => m.pkg).join(' ')}   (or run .ci/run, which does it)`
  );
}

function log(msg) {
  process.stderr.write(`[code-server] ${msg}\n`);
}

/** Finds every installed copy of a package under a node_modules tree (nested ones included). */
function findPackages(root, name, depth = 0, out = []) {
  if (depth > 8 || !existsSync(root)) return out;
  for (const entry of readdirSync(root)) {
    const dir = join(root, entry);
    if (entry === 'node_modules') {
      const candidate = join(dir, ...name.split('/'));
      if (existsSync(join(candidate, 'package.json'))) out.push(candidate);
    }
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      isDir = false;
    }
    if (isDir && !entry.startsWith('.')) findPackages(dir, name, depth + 1, out);
  }
  return out;
}

/** Checks that the postinstall really ran: VS Code's server modules and rg are in place. */
function verifyInstall(dir) {
  const cs = join(dir, 'node_modules', 'code-server');
  const problems = [];
  const pkg = JSON.parse(readFileSync(join(cs, 'package.json'), 'utf8'));
  if (pkg.version !== codeServerVersion) problems.push(`code-server is ${pkg.version}, expected ${codeServerVersion}`);
  const vscodeModules = join(cs, 'lib', 'vscode', 'node_modules');
  if (!existsSync(vscodeModules)) problems.push(`${vscodeModules} is missing (code-server's postinstall did not run)`);
  const rgs = findPackages(join(cs, 'lib', 'vscode'), '@vscode/ripgrep');
  if (rgs.length === 0) problems.push('@vscode/ripgrep is not installed under lib/vscode');
  for (const rg of rgs) {
    const version = JSON.parse(readFileSync(join(rg, 'package.json'), 'utf8')).version;
    if (!existsSync(join(rg, 'bin', 'rg'))) problems.push(`${rg}/bin/rg is missing (@vscode/ripgrep ${version}'s postinstall failed)`);
    if (version !== ripgrepPackageVersion) log(`note: @vscode/ripgrep ${version} found (the cached archive was made for ${ripgrepPackageVersion})`);
  }
  const ptys = findPackages(join(cs, 'lib', 'vscode'), 'node-pty');
  for (const pty of ptys) {
    const built = existsSync(join(pty, 'build', 'Release', 'pty.node')) || existsSync(join(pty, 'prebuilds'));
    if (!built) problems.push(`${pty} has no native build (node-pty's postinstall did not run)`);
  }
  return problems;
}

/**
 * The install prefix whose `include/node/node.h` matches the running Node (Debian: /usr; nvm and
 * the official tarballs: the folder above bin/), or undefined when the headers are not installed.
 */
export function localNodeHeaders(execPath = process.execPath) {
  const prefix = resolve(execPath, '..', '..');
  return existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}

/**
 * The environment of the nested `npm install code-server`: scripts allowed (as root too), rg from
 * the cache in `tmp`, and node-gyp (argon2, kerberos, node-pty) pointed at the local Node headers.
 * Without nodedir node-gyp downloads the headers from nodejs.org, which fails offline; a user's npm
 * config rarely sets it and a fresh home folder never does, so it must not depend on one.
 */
export function installEnv(base, tmp, execPath = process.execPath) {
  const env = {
    ...base,
    TMPDIR: tmp,
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_ignore_scripts: 'false',
    npm_config_update_notifier: 'false',
  };
  const headers = localNodeHeaders(execPath);
  if (headers && !env.npm_config_nodedir) env.npm_config_nodedir = headers;
  // Called from an npm script: npm_config_* of the outer run (e.g. a --prefix) must not steer this one.
  for (const k of Object.keys(env)) if (/^npm_(config_(prefix|global|local_prefix)|package_|lifecycle_)/.test(k)) delete env[k];
  return env;
}

/**
 * Installs code-server into the cache folder if it is not there yet; returns the entry.js path.
 * Idempotent: a marker file is written only after the install was verified.
 */
export async function ensureCodeServer({ quiet = false } = {}) {
  if (isCodeServerInstalled()) return codeServerEntry();
  const missing = missingAptPackages();
  if (missing.length > 0) throw new Error(`cannot install code-server: ${aptHint(missing)}`);

  const dir = codeServerDir();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // npm 11 is moving to "dependency install scripts are blocked unless allowed" (allowScripts in
  // package.json; the --allow-scripts flag is refused for project installs). These are the
  // packages whose scripts must run; the nested install that code-server's postinstall runs in
  // lib/vscode uses its own package.json, so verifyInstall() checks that every script did run.
  const allowScripts = Object.fromEntries(scriptPackages.map((p) => [p, true]));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'labelwise-code-server', private: true, version: '0.0.0', allowScripts }, null, 2));
  // A project .npmrc of our own so that the user's npm settings that would break the install
  // (yes=false, ignore-scripts) do not apply; nodedir comes from installEnv().
  writeFileSync(join(dir, '.npmrc'), 'yes=true\nignore-scripts=false\nfund=false\naudit=false\n');

  // @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds this cached archive.
  const tmp = mkdtempSync(join(tmpdir(), 'labelwise-cs-install-'));
  const rgCache = join(tmp, `vscode-ripgrep-cache-${ripgrepPackageVersion}`);
  mkdirSync(rgCache, { recursive: true });
  const stage = join(tmp, 'rg-stage');
  mkdirSync(stage);
  copyFileSync('/usr/bin/rg', join(stage, 'rg'));
  const tar = spawnSync('tar', ['-czf', join(rgCache, ripgrepArchive), '-C', stage, 'rg'], { stdio: 'inherit' });
  if (tar.status !== 0) throw new Error('could not build the ripgrep cache archive with tar');

  const logFile = join(dir, 'install.log');
  log(`installing code-server@${codeServerVersion} into ${dir} (first use only; 2-4 minutes, ~300 MB)`);
  log(`install log: ${logFile}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const env = installEnv(process.env, tmp);
  if (!env.npm_config_nodedir) log('warning: no local Node headers found (include/node/node.h beside the node binary); node-gyp may try to download them');
  const fd = openSync(logFile, 'w');
  const code = await new Promise((res) => {
    const child = spawn(
      npm,
      ['install', '--no-save', '--no-package-lock', '--foreground-scripts', '--no-audit', '--no-fund', `code-server@${codeServerVersion}`],
      { cwd: dir, env, stdio: ['ignore', fd, fd] },
    );
    let dots = 0;
    const ticker = quiet ? null : setInterval(() => process.stderr.write(++dots % 60 === 0 ? '.\n' : '.'), 5000);
    child.on('close', (c) => {
      if (ticker) clearInterval(ticker);
      if (!quiet) process.stderr.write('\n');
      res(c ?? 1);
    });
    child.on('error', () => res(1));
  });
  closeSync(fd);
  rmSync(tmp, { recursive: true, force: true });
  if (code !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(`npm install code-server@${codeServerVersion} failed (exit ${code}); last lines of ${logFile}:\n${tail}`);
  }
  const problems = verifyInstall(dir);
  if (problems.length > 0) throw new Error(`code-server installed incompletely in ${dir}:\n- ${problems.join('\n- ')}\nSee ${logFile}.`);
  writeFileSync(join(dir, markerName), `${new Date().toISOString()}\n`);
  log('code-server installed');
  return codeServerEntry();
}

// No top-level await: the e2e test (CommonJS under tsx) imports this module.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureCodeServer().then(
    (entry) => process.stdout.write(`${entry}\n`),
    (e) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
