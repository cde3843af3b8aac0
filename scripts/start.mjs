// `npm start`: VS Code in the browser with Labelwise installed and a sample corpus open.
//
// 1. packages the extension (or reuses labelwise-<version>.vsix when it is newer than its inputs),
// 2. installs code-server into the cache folder on first use (scripts/installCodeServer.mjs),
// 3. installs the .vsix into the cache folder's own extensions dir (not ~/.vscode),
// 4. copies samples/corpus to <cache>/sample-workspace on first use, so the checkout is never
//    modified and the labels you make there (.labelwise/labels.jsonl) persist between runs,
// 5. serves the workbench on 127.0.0.1 and prints the URL; Ctrl+C stops it.
//
// Env: PORT (default: a free port), LABELWISE_CACHE (default ~/.cache/labelwise),
//      LABELWISE_WORKSPACE (a folder to open instead of the sample workspace),
//      LABELWISE_VSIX (serve this .vsix instead of packaging the checkout).
// Flags: --reset-sample (start the sample workspace over: deletes its labels).
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { installExtension, runLayout, startCodeServer, writeUserSettings, folderUrl } from './codeServer.mjs';
import { cacheRoot, ensureCodeServer } from './installCodeServer.mjs';
import { ensureVsix, repoRoot } from './package.mjs';

function say(msg) {
  process.stdout.write(`${msg}\n`);
}

function parsePort(value) {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`PORT must be an integer from 1 to 65535, got "${value}"`);
  return n;
}

function workspaceFolder() {
  if (process.env.LABELWISE_WORKSPACE) {
    const ws = resolve(process.env.LABELWISE_WORKSPACE);
    if (!existsSync(ws)) throw new Error(`LABELWISE_WORKSPACE folder ${ws} does not exist`);
    return { ws, sample: false };
  }
  const ws = join(cacheRoot(), 'sample-workspace');
  if (process.argv.includes('--reset-sample')) rmSync(ws, { recursive: true, force: true });
  if (!existsSync(ws)) cpSync(join(repoRoot, 'samples', 'corpus'), ws, { recursive: true });
  return { ws, sample: true };
}

async function main() {
  const port = parsePort(process.env.PORT);
  const vsix = process.env.LABELWISE_VSIX ? resolve(process.env.LABELWISE_VSIX) : await ensureVsix();
  const entry = await ensureCodeServer();
  const layout = runLayout(join(cacheRoot(), 'run'));
  await installExtension(entry, layout, vsix);
  writeUserSettings(layout);
  const { ws, sample } = workspaceFolder();

  const server = await startCodeServer({ entry, layout, workspace: ws, port });
  let stopping = false;
  const stop = async (why) => {
    if (stopping) return;
    stopping = true;
    say(`\nStopping code-server (${why})…`);
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl+C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));

  say('');
  say(`Labelwise is running in VS Code (code-server) at:`);
  say('');
  say(`    ${folderUrl(server.url, ws)}`);
  say('');
  say(`Workspace: ${ws}${sample ? ' (a copy of samples/corpus; --reset-sample starts it over)' : ''}`);
  say(`Labels:    ${join(ws, '.labelwise', 'labels.jsonl')}`);
  say(`Then run "Labelwise: Start Labeling Session" from the command palette (F1).`);
  say(`Log: ${server.logFile}`);
  say('Press Ctrl+C to stop.');

  const code = await server.exited;
  if (!stopping) {
    await server.stop();
    process.stderr.write(`code-server exited on its own (${code}); see ${server.logFile}\n`);
    process.exit(1);
  }
}

main().catch((e) => {
  process.stderr.write(`npm start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
