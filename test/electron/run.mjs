// `npm run test:electron`: the suite in test/electron/suite, run inside desktop VS Code by
// @vscode/test-electron with this checkout as the extension under development.
//
// @vscode/test-electron downloads VS Code from update.code.visualstudio.com on first use (to
// .vscode-test/); machines without that access can point VSCODE_EXECUTABLE_PATH at an installed
// VS Code, or use `npm test`, whose e2e suite runs the packaged extension in code-server.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outFile = join(root, 'out', 'test', 'electron', 'index.js');

function fail(msg) {
  process.stderr.write(`test:electron: ${msg}\n`);
  process.exit(1);
}

const build = spawnSync(process.execPath, ['scripts/buildModels.mjs', '--if-missing'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) fail('building the models failed');
const bundle = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
if (bundle.status !== 0) fail('building the extension failed');
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

const workspace = mkdtempSync(join(tmpdir(), 'labelwise-electron-'));
cpSync(join(root, 'samples', 'corpus'), workspace, { recursive: true });
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
    fail(
      'could not download VS Code (this machine cannot reach update.code.visualstudio.com).\n' +
        '  Set VSCODE_EXECUTABLE_PATH=/path/to/code to use an installed VS Code, or run `npm test`,\n' +
        '  whose e2e suite runs the packaged extension in code-server (see README).\n' +
        `  Cause: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  fail(`the suite failed: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
