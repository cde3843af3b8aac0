import type { FrameLocator, Locator, Page } from 'playwright-core';

/**
 * Driving VS Code's web workbench (code-server) from playwright-core. Selectors are the
 * workbench's own DOM; see ../shared/E2E.md for why each step looks the way it does.
 */

export const statusBarItems = '#workbench\\.parts\\.statusbar .statusbar-item';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Calls `probe` every 200 ms until it returns a value; the error names `what` it waited for. */
export async function pollUntil<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

/** Waits for the workbench shell and its status bar. */
export async function waitForWorkbench(page: Page, timeoutMs: number): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Runs a command by its palette title. Contributed commands show up only after the remote
 * extension host registered the extension, and an open palette does not refresh its list, so
 * when the row is missing the palette is closed and opened again. Returns the attempts it took.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 90_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input.input');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
    } catch {
      // F1 went to an element that swallowed it (a webview that kept focus): focus the workbench.
      await focusWorkbench(page);
      continue;
    }
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      // Inside the try: the palette can close under us (a notification or a webview taking focus),
      // and that is one more attempt, not a failure.
      await input.fill(`>${title}`, { timeout: 5000 });
      await row.waitFor({ state: 'visible', timeout: 2500 });
      await row.click();
      await input.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
      return attempt;
    } catch {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`command "${title}" did not appear in the command palette within ${timeoutMs / 1000} s (${attempt} attempts)`);
      await sleep(1000);
    }
  }
}

/** Reloads the window from the palette and waits for the new workbench (its old DOM lingers a moment). */
export async function reloadWindow(page: Page): Promise<void> {
  await runCommand(page, 'Developer: Reload Window');
  await sleep(2000);
  await waitForWorkbench(page, 120_000);
}

/** Moves keyboard focus from a webview back to the workbench (the status bar is always there). */
export async function focusWorkbench(page: Page): Promise<void> {
  await page.locator('#workbench\\.parts\\.statusbar').focus().catch(() => undefined);
}

/** Texts of all status bar items (for diagnostics). */
export async function statusBarTexts(page: Page): Promise<string[]> {
  return (await page.locator(statusBarItems).allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '');
}

/** Waits until a status bar item's text contains `text`; the error lists what the bar shows. */
export async function waitForStatusBarText(page: Page, text: string, timeoutMs: number): Promise<string> {
  const item = page.locator(statusBarItems, { hasText: text }).first();
  try {
    await item.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    throw new Error(`no status bar item shows "${text}" after ${timeoutMs / 1000} s; the status bar shows: ${JSON.stringify(await statusBarTexts(page))}`);
  }
  return (await item.innerText()).trim();
}

/** The labeling panel: a webview is two nested iframes. */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/**
 * Texts of the notifications shown as toasts or listed in the notification center (a toast may
 * be hidden while the center still holds it).
 */
export async function notificationTexts(page: Page): Promise<string[]> {
  const items: Locator = page.locator('.notifications-toasts .notification-list-item-message, .notifications-center .notification-list-item-message');
  return (await items.allTextContents()).map((t) => t.trim()).filter((t) => t !== '');
}

/**
 * Opens the notification center (a toast can hide, the center lists every notification while it
 * is open) and waits until `pick` finds its notification among the texts. A notification matching
 * `failure` ends the wait at once, with its text as the error.
 */
export async function awaitNotification(page: Page, what: string, timeoutMs: number, failure: RegExp, pick: (texts: string[]) => string | undefined): Promise<string> {
  await runCommand(page, 'Notifications: Show Notifications');
  return pollUntil(what, timeoutMs, async () => {
    const texts = await notificationTexts(page);
    const failed = texts.find((t) => failure.test(t));
    if (failed) throw new Error(`a notification reported a failure while waiting for ${what}: ${failed}`);
    return pick(texts);
  });
}
