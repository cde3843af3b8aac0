// Running code-server for `npm start` and the e2e suite: a run folder that holds everything it
// writes (XDG dirs, TMPDIR, user data, extensions, log), a detached process group that is stopped
// by signalling that group (never by name), and the user settings that keep the workbench quiet.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** Folders of one run; everything code-server writes goes below `root`. */
export function runLayout(root) {
  const abs = resolve(root);
  return {
    root: abs,
    extensionsDir: join(abs, 'extensions'),
    userDataDir: join(abs, 'user-data'),
    home: join(abs, 'home'),
    xdgConfig: join(abs, 'xdg', 'config'),
    xdgData: join(abs, 'xdg', 'data'),
    xdgCache: join(abs, 'xdg', 'cache'),
    // Short: VS Code puts IPC sockets here, and a socket path may not pass 107 characters.
    xdgRuntime: join(abs, 'rt'),
    tmp: join(abs, 'tmp'),
    logFile: join(abs, 'code-server.log'),
  };
}

export function makeRunDirs(layout) {
  for (const d of [layout.extensionsDir, layout.userDataDir, layout.home, layout.xdgConfig, layout.xdgData, layout.xdgCache, layout.xdgRuntime, layout.tmp]) {
    mkdirSync(d, { recursive: true });
  }
}

/** Environment that keeps a child's files inside the run folder. */
export function runEnv(layout, base = process.env) {
  const env = {
    ...base,
    HOME: layout.home,
    XDG_CONFIG_HOME: layout.xdgConfig,
    XDG_DATA_HOME: layout.xdgData,
    XDG_CACHE_HOME: layout.xdgCache,
    XDG_RUNTIME_DIR: layout.xdgRuntime,
    TMPDIR: layout.tmp,
  };
  // code-server treats these as its own settings; a value from the caller's shell would change the run.
  for (const k of ['PASSWORD', 'HASHED_PASSWORD', 'VSCODE_PROXY_URI', 'CS_DISABLE_FILE_DOWNLOADS', 'PORT']) delete env[k];
  // npm's lifecycle variables from `npm start`/`npm test` do not belong to the extension host.
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  return env;
}

/** Debian's Chromium and the flags that keep it quiet and offline in a container (E2E.md). */
export const chromiumPath = '/usr/bin/chromium';
export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** User settings that keep the workbench free of start pages, trust prompts, tips and telemetry. */
export const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export function writeUserSettings(layout, extra = {}) {
  const dir = join(layout.userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'settings.json'), `${JSON.stringify({ ...quietSettings, ...extra }, null, 2)}\n`);
}

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

function runNode(args, opts) {
  return new Promise((res) => {
    const child = spawn(process.execPath, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => res({ code: code ?? 1, out }));
    child.on('error', (e) => res({ code: 1, out: String(e) }));
  });
}

/** Installs a .vsix into the run's extensions folder (replacing an older copy of it). */
export async function installExtension(entry, layout, vsix) {
  makeRunDirs(layout);
  const { code, out } = await runNode(
    [entry, '--install-extension', resolve(vsix), '--force', '--extensions-dir', layout.extensionsDir, '--user-data-dir', layout.userDataDir],
    { env: runEnv(layout) },
  );
  if (code !== 0 || !/successfully installed|already installed/i.test(out)) {
    throw new Error(`code-server could not install ${vsix} (exit ${code}):\n${out.trim()}`);
  }
  return out.trim();
}

export function logTail(file, lines = 40) {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/**
 * Starts code-server detached in its own process group and waits until /healthz answers.
 * Returns { url, port, pid, stop, logFile, exited }. `stop()` signals the whole group (TERM, then
 * KILL); `exited` resolves with the exit code (or signal) when the server ends on its own.
 */
export async function startCodeServer({ entry, layout, workspace, port, host = '127.0.0.1', timeoutMs = 90_000 }) {
  makeRunDirs(layout);
  const p = port ?? (await freePort());
  const fd = openSync(layout.logFile, 'a');
  const args = [
    entry,
    '--bind-addr', `${host}:${p}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--extensions-dir', layout.extensionsDir,
    '--user-data-dir', layout.userDataDir,
  ];
  if (workspace) args.push(resolve(workspace));
  const child = spawn(process.execPath, args, { env: runEnv(layout), detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const pid = child.pid;
  let exited = child.exitCode !== null;
  let exitCode = null;
  const exitedPromise = new Promise((res) => {
    child.on('exit', (code, signal) => {
      exited = true;
      exitCode = code ?? signal;
      res(exitCode);
    });
  });

  const killGroup = (sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // The group is already gone.
    }
  };
  // If this process dies before stop() runs (a failed assertion, Ctrl+C), take the group with it.
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    killGroup('SIGTERM');
    const until = Date.now() + 5000;
    while (!exited && Date.now() < until) await sleep(100);
    // Children of the server (extension host, pty host) may outlive it: kill what is left.
    killGroup('SIGKILL');
  };

  const url = `http://${host}:${p}/`;
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited (${exitCode}) before it was ready; log ${layout.logFile}:\n${logTail(layout.logFile)}`);
    }
    try {
      const r = await fetch(`${url}healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > until) {
      await stop();
      throw new Error(`code-server did not answer ${url}healthz within ${timeoutMs / 1000} s; log ${layout.logFile}:\n${logTail(layout.logFile)}`);
    }
    await sleep(250);
  }
  return { url, port: p, pid, stop, logFile: layout.logFile, exited: exitedPromise };
}

/** The workbench URL that opens a folder. */
export function folderUrl(base, folder) {
  return `${base}?folder=${encodeURIComponent(resolve(folder))}`;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
