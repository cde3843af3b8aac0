// `npm run test:electron`: the suite in test/electron/suite, run inside VS Code with this
// checkout as the extension under development (extensionDevelopmentPath/extensionTestsPath).
//
//   npm run test:electron                  desktop VS Code through @vscode/test-electron, which
//                                          downloads VS Code from update.code.visualstudio.com on
//                                          first use (into .vscode-test/); VSCODE_EXECUTABLE_PATH
//                                          points it at an installed VS Code instead
//   npm run test:electron -- --code-server the same suite in code-server's extension host, driven
//                                          by headless Chromium (no download; see E2E.md)
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outFile = join(root, 'out', 'test', 'electron', 'index.js');
const viaCodeServer = process.argv.includes('--code-server');
/** Must match suiteMarker in suite/index.ts. */
const suiteMarker = '[labelwise-suite]';

function fail(msg) {
  process.stderr.write(`test:electron: ${msg}\n`);
  process.exit(1);
}

async function buildAll() {
  const models = spawnSync(process.execPath, ['scripts/buildModels.mjs', '--if-missing'], { cwd: root, stdio: 'inherit' });
  if (models.status !== 0) fail('building the models failed');
  const bundle = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
  if (bundle.status !== 0) fail('building the extension failed');
  // The suite is bundled (vscode and mocha stay external: the host and node_modules provide them).
  await esbuild.build({
    entryPoints: [join(root, 'test', 'electron', 'suite', 'index.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

async function runInElectron(workspace) {
  const { runTests } = await import('@vscode/test-electron');
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: outFile,
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } catch (e) {
    const text = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|Failed to get|download/i.test(text)) {
      throw new Error(
        'could not download VS Code (this machine cannot reach update.code.visualstudio.com).\n' +
          '  Set VSCODE_EXECUTABLE_PATH=/path/to/code to use an installed VS Code,\n' +
          '  or run the same suite in code-server: npm run test:electron -- --code-server\n' +
          `  Cause: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    throw new Error(`the suite failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * code-server rejects --extensionDevelopmentPath on its command line, but its workbench takes the
 * same settings from the URL's `payload`; it then reports the run's exit code through
 * `codeAutomationExit`, and the suite's output arrives as browser console messages.
 */
async function runInCodeServer(workspace) {
  const { chromium } = await import('playwright-core');
  const cs = await import('../../scripts/codeServer.mjs');
  const { ensureCodeServer } = await import('../../scripts/installCodeServer.mjs');
  const entry = await ensureCodeServer();
  const runDir = mkdtempSync(join(tmpdir(), 'labelwise-cs-tests-'));
  const layout = cs.runLayout(join(runDir, 'cs'));
  const browserLayout = cs.runLayout(join(runDir, 'browser'));
  cs.makeRunDirs(browserLayout);
  cs.writeUserSettings(layout);
  let server;
  let browser;
  try {
    server = await cs.startCodeServer({ entry, layout, workspace });
    browser = await chromium.launch({ executablePath: cs.chromiumPath, headless: true, args: [...cs.chromiumArgs], env: cs.runEnv(browserLayout) });
    const page = await browser.newPage();
    let report;
    const exited = new Promise((res) => (report = res));
    await page.exposeFunction('codeAutomationExit', (code) => {
      if (process.env.LABELWISE_DEBUG_CONSOLE) process.stderr.write(`codeAutomationExit(${code})\n`);
      report(Number(code));
    });
    // The suite's report lines carry a marker (suite/index.ts); everything else is the workbench's.
    const t0 = Date.now();
    page.on('console', (m) => {
      const text = m.text();
      if (process.env.LABELWISE_DEBUG_CONSOLE) process.stderr.write(`[console +${((Date.now() - t0) / 1000).toFixed(1)}s] ${text.slice(0, 300)}\n`);
      const at = text.indexOf(suiteMarker);
      if (at >= 0) process.stdout.write(`${text.slice(at + suiteMarker.length + 1)}\n`);
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(outFile)],
    ]);
    await page.goto(`${cs.folderUrl(server.url, workspace)}&payload=${encodeURIComponent(payload)}`);
    let timer;
    const timeout = new Promise((res) => (timer = setTimeout(() => res('timeout'), 5 * 60_000)));
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (code === 'timeout') throw new Error(`the suite did not finish within 5 minutes; code-server log:\n${cs.logTail(layout.logFile)}`);
    if (code !== 0) throw new Error(`the suite failed (exit code ${code})`);
    process.stdout.write('test:electron: the suite passed in code-server\n');
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
}

await buildAll();
const workspace = mkdtempSync(join(tmpdir(), 'labelwise-electron-'));
cpSync(join(root, 'samples', 'corpus'), workspace, { recursive: true });
let failure;
try {
  if (viaCodeServer) await runInCodeServer(workspace);
  else await runInElectron(workspace);
} catch (e) {
  failure = e instanceof Error ? e.message : String(e);
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
if (failure !== undefined) fail(failure);
