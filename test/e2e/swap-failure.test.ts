import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { killAll, startCli, type CliRun } from '../helpers/cli.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

// A swap whose new file fails to load (a cut connection, a proxy's 502 while devpush restarts) keeps
// the old stylesheet or image in place, and is tried again once the channel is back.

let browser: Browser;
let closeBrowser: () => Promise<void>;
let run: CliRun;
let proxy: FaultProxy;
let root: string;

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await closeBrowser();
  killAll();
  removeTempProjects();
});
beforeEach(async () => {
  root = copyFixture('site');
  run = await startCli(['serve', root, '--port', '0']);
  proxy = await startFaultProxy(run.url.replace('localhost', '127.0.0.1'));
});
afterEach(async () => {
  await proxy.close();
  await run.stop();
});

async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(proxy.url);
  await page.waitForFunction(() => window.__devpush?.state === 'up');
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  return page;
}

const marker = (page: Page) => page.evaluate(() => (window as unknown as { marker?: number }).marker ?? null);
/** Requests for a swapped file's new version (the client adds `devpush=<version>`). */
const NEW_VERSION = /[?&]devpush=\d+/;

describe('a swap whose new file fails to load', () => {
  it('keeps the old stylesheet, then swaps when the channel is back', async () => {
    const page = await openPage();
    const color = () => page.$eval('#title', (el) => getComputedStyle(el).color);
    const links = () => page.$$eval('link[rel=stylesheet]', (all) => all.map((link) => (link as HTMLLinkElement).href));
    let failed = 0;
    await page.route(NEW_VERSION, (route) => {
      failed++;
      return route.abort('connectionfailed');
    });
    // Larger than the text that rides with a message (server/style-texts.ts): the page has only the fetch.
    writeFileSync(path.join(root, 'style.css'), `h1 { color: rgb(0, 128, 0); }\n/* ${'x'.repeat(40_000)} */\n`);
    await expect.poll(() => failed, { timeout: 10_000 }).toBeGreaterThan(0);
    // The failed clone is gone and the old link is still there, styling the page.
    await expect.poll(links).toEqual([expect.stringMatching(/\/style\.css$/)]);
    expect(await color()).toBe('rgb(0, 0, 255)');
    await page.unroute(NEW_VERSION);
    proxy.cutAll(); // the channel drops and comes back
    await expect.poll(color, { timeout: 15_000 }).toBe('rgb(0, 128, 0)');
    await expect.poll(links).toEqual([expect.stringMatching(NEW_VERSION)]);
    expect(await marker(page)).toBe(1);
  });

  it('keeps the old image, then swaps when the channel is back', async () => {
    const page = await openPage();
    const width = () => page.$eval('#pic', (img) => (img as HTMLImageElement).naturalWidth);
    await expect.poll(width).toBe(10);
    let failed = 0;
    await page.route(NEW_VERSION, (route) => {
      failed++;
      return route.abort('connectionfailed');
    });
    writeFileSync(
      path.join(root, 'img/pixel.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="20" height="20" fill="blue"/></svg>',
    );
    await expect.poll(() => failed, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await width()).toBe(10);
    await page.unroute(NEW_VERSION);
    proxy.cutAll();
    await expect.poll(width, { timeout: 15_000 }).toBe(20);
    expect(await marker(page)).toBe(1);
  });
});
