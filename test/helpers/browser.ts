import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Switches for headless Chromium on these machines (DESIGN §7): without the background-networking ones
 * Chromium keeps trying hosts this closed network refuses. The bench launches with the same list.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches the system Chromium (found by scripts/find-chromium.js, passed as DEVPUSH_CHROMIUM by
 * `npm test`). A missing browser is a failure, never a skip.
 */
export async function launchBrowser(
  extraArgs: readonly string[] = [],
): Promise<{ browser: Browser; close(): Promise<void> }> {
  const executablePath = process.env.DEVPUSH_CHROMIUM ?? '/usr/bin/chromium';
  // Playwright gives every launch a fresh, throw-away --user-data-dir of its own.
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/** Opens `url` in `page` and waits until its devpush client is connected, so every later save reaches it live. */
export async function gotoConnected(page: Page, url: string, timeout = 15_000): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => window.__devpush?.state === 'up', undefined, { timeout });
}
