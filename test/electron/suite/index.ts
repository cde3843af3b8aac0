import { format } from 'node:util';
import Mocha from 'mocha';
import { defineExtensionTests } from './extension.test';

/**
 * Entry point that VS Code's test runner loads inside the extension host
 * (`extensionTestsPath`): runs the suites with mocha's TDD interface and rejects on failure.
 */
export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000 });
  // The suites are bundled with this file rather than loaded by mocha from disk, so give them
  // mocha's `suite`/`test` context the way mocha's file loader would.
  mocha.suite.emit('pre-require', globalThis, 'labelwise-electron-suite', mocha);
  defineExtensionTests();
  // Reporters print through Base.consoleLog (console.log as mocha found it). In code-server that
  // reaches the runner as browser console messages among the workbench's own, so each report line
  // carries a marker and arrives preformatted.
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const log = base.consoleLog;
  base.consoleLog = (...args: unknown[]): void => log(`${suiteMarker} ${format(...args)}`);
  try {
    await new Promise<void>((resolve, reject) => {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
    });
  } finally {
    base.consoleLog = log;
  }
}

/** Prefix of the suite's report lines (test/electron/run.mjs filters on it). */
export const suiteMarker = '[labelwise-suite]';
