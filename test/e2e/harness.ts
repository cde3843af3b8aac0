import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath, folderUrl, installExtension, logTail, makeRunDirs, runEnv, runLayout, startCodeServer, writeUserSettings, type RunLayout, type RunningCodeServer } from '../../scripts/codeServer.mjs';
import { aptHint, ensureCodeServer, isCodeServerInstalled, missingAptPackages } from '../../scripts/installCodeServer.mjs';
import { checkVsixEntries, ensureVsix, listZip, repoRoot } from '../../scripts/package.mjs';
import { notificationTexts, statusBarTexts, waitForWorkbench } from './workbench';

/**
 * One end-to-end run: the packaged extension installed into a fresh code-server, whose workbench
 * headless Chromium opens (see ../shared/E2E.md). Everything a run writes lives in one temporary
 * folder, removed when the run closes; what differs between the e2e files (the workspace, the
 * steps, the failure details worth printing) stays in them.
 */

/** Screenshots of the suite (failures, and the README's pictures). */
export const artifacts = join(repoRoot, 'test', 'e2e', 'artifacts');

/** A note on stderr, tagged with the test's name: `[e2e fast typing] …` (`[e2e] …` without one). */
export function e2eLog(tag?: string): (msg: string) => void {
  const prefix = tag === undefined ? '[e2e]' : `[e2e ${tag}]`;
  return (msg) => process.stderr.write(`${prefix} ${msg}\n`);
}

/** What every run needs, and how long getting it took. */
export interface Prerequisites {
  /** The .vsix under test: LABELWISE_VSIX (a CI artifact) or one packaged now. */
  readonly vsix: string;
  /** code-server's entry script (installed into the cache folder on first use). */
  readonly entry: string;
  readonly vsixSeconds: number;
  readonly installSeconds: number;
  /** Whether this call installed code-server (the install time is then worth reporting). */
  readonly firstInstall: boolean;
}

/**
 * Checks the machine and gets the package and code-server. A missing Debian package (Chromium, or
 * one the code-server install needs) fails with the command that fixes it, never skips.
 */
export async function e2ePrerequisites(): Promise<Prerequisites> {
  const missing = missingAptPackages({ withChromium: true });
  assert.equal(missing.length, 0, `the e2e suite needs Debian packages that are not installed: ${missing.length > 0 ? aptHint(missing) : ''}`);
  assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: run .ci/run or apt-get install -y chromium`);

  const tVsix = Date.now();
  const vsix = process.env.LABELWISE_VSIX ?? (await ensureVsix());
  const problems = checkVsixEntries(await listZip(vsix));
  assert.deepEqual(problems, [], `${relative(repoRoot, vsix)}: ${problems.join('; ')}`);
  const vsixSeconds = (Date.now() - tVsix) / 1000;

  const tInstall = Date.now();
  const firstInstall = !isCodeServerInstalled();
  const entry = await ensureCodeServer();
  return { vsix, entry, vsixSeconds, installSeconds: (Date.now() - tInstall) / 1000, firstInstall };
}

export interface OpenOptions {
  /** The folder to open, or a .code-workspace file with `workspaceFile`. */
  readonly target: string;
  readonly workspaceFile?: boolean;
  /** User settings on top of the quiet ones (scripts/codeServer.mjs). */
  readonly userSettings?: Record<string, unknown>;
}

/** The opened workbench. */
export interface Workbench {
  readonly page: Page;
  readonly browser: Browser;
  readonly server: RunningCodeServer;
}

export interface E2eRun {
  /** The run's temporary folder: put the workspace below it. */
  readonly dir: string;
  /** code-server's folders (its log, and the extension's logs under userDataDir). */
  readonly layout: RunLayout;
  readonly prerequisites: Prerequisites;
  /**
   * Installs the extension, starts code-server on the target, opens it in headless Chromium and
   * waits for the workbench. What it started before a failure is kept for `diagnose` and `close`.
   */
  open(options: OpenOptions): Promise<Workbench>;
  /**
   * After a failure: a screenshot into test/e2e/artifacts/, what the status bar and the
   * notifications show, the browser's console errors and code-server's log tail.
   */
  diagnose(screenshot: string): Promise<void>;
  /** Closes the browser, stops code-server (its whole process group) and removes the run folder. */
  close(): Promise<void>;
}

/** Gets the prerequisites and makes the run's folder (`prefix` + a random tail, in the temp folder). */
export async function e2eRun(prefix: string, note: (msg: string) => void): Promise<E2eRun> {
  const prerequisites = await e2ePrerequisites();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const layout = runLayout(join(dir, 'cs'));
  const browserLayout = runLayout(join(dir, 'browser'));
  mkdirSync(artifacts, { recursive: true });

  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const consoleErrors: string[] = [];

  return {
    dir,
    layout,
    prerequisites,
    async open({ target, workspaceFile = false, userSettings }: OpenOptions): Promise<Workbench> {
      await installExtension(prerequisites.entry, layout, prerequisites.vsix);
      writeUserSettings(layout, userSettings);
      const started = await startCodeServer({ entry: prerequisites.entry, layout, workspace: target });
      server = started;
      note(`code-server ${started.url} (pid ${started.pid}), ${workspaceFile ? 'workspace file' : 'workspace'} ${target}`);
      makeRunDirs(browserLayout);
      const launched = await chromium.launch({
        executablePath: chromiumPath,
        headless: true,
        args: [...chromiumArgs],
        env: runEnv(browserLayout) as Record<string, string>,
        timeout: 60_000,
      });
      browser = launched;
      const opened = await (await launched.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
      page = opened;
      opened.on('console', (m) => {
        if (m.type() === 'error' && !/vsda|Failed to load resource/.test(m.text())) consoleErrors.push(m.text());
      });
      opened.setDefaultTimeout(30_000);
      const url = workspaceFile ? `${started.url}?workspace=${encodeURIComponent(target)}` : folderUrl(started.url, target);
      await opened.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
      await waitForWorkbench(opened, 120_000);
      return { page: opened, browser: launched, server: started };
    },
    async diagnose(screenshot: string): Promise<void> {
      if (page) {
        const shot = join(artifacts, screenshot);
        await page.screenshot({ path: shot }).catch(() => undefined);
        note(`failure screenshot: ${relative(repoRoot, shot)}`);
        note(`status bar: ${JSON.stringify(await statusBarTexts(page).catch(() => []))}`);
        note(`notifications: ${JSON.stringify(await notificationTexts(page).catch(() => []))}`);
      }
      if (consoleErrors.length > 0) note(`browser console errors:\n${consoleErrors.slice(-15).join('\n')}`);
      note(`code-server log tail (${layout.logFile}):\n${logTail(layout.logFile, 30)}`);
    },
    async close(): Promise<void> {
      await browser?.close().catch(() => undefined);
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Files below `dir` whose name matches `name` (the extension host's and Labelwise's logs). */
export function logFiles(dir: string, name: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries: string[] = [];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.test(e)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The Labelwise output channel's log files of a run (it is a log channel: one file per session). */
export function labelwiseLogs(dir: string): string[] {
  return logFiles(dir, /Labelwise.*\.log$/i);
}
