import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { killAll, startCli, type CliRun } from '../helpers/cli.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

let browser: Browser;
let closeBrowser: () => Promise<void>;
let run: CliRun;
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
});
afterEach(async () => {
  await run.stop();
});

/** Opens the page, waits until the client is connected, and marks the document so a reload shows. */
async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(run.url);
  await page.waitForFunction(() => window.__devpush?.state === 'up');
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  return page;
}

const marker = (page: Page) => page.evaluate(() => (window as unknown as { marker?: number }).marker ?? null);

describe('live reload in Chromium', () => {
  it('reloads the tab when index.html is saved', async () => {
    const page = await openPage();
    writeFileSync(path.join(root, 'index.html'), '<html><head></head><body><h1 id="title">Saved</h1></body></html>');
    await expect.poll(() => page.textContent('#title').catch(() => null), { timeout: 10_000 }).toBe('Saved');
    expect(await marker(page)).toBeNull();
  });

  it('restyles without a reload when style.css is saved', async () => {
    const page = await openPage();
    const color = () => page.$eval('#title', (el) => getComputedStyle(el).color);
    expect(await color()).toBe('rgb(0, 0, 255)');
    writeFileSync(path.join(root, 'style.css'), 'h1 { color: rgb(0, 128, 0); }');
    await expect.poll(color, { timeout: 10_000 }).toBe('rgb(0, 128, 0)');
    expect(await marker(page)).toBe(1);
    // The old <link> is gone once the new one loaded: exactly one stylesheet link remains.
    await expect.poll(() => page.$$eval('link[rel=stylesheet]', (links) => links.length)).toBe(1);
  });

  it('swaps an image in place when it is saved', async () => {
    const page = await openPage();
    const width = () => page.$eval('#pic', (img) => (img as HTMLImageElement).naturalWidth);
    await expect.poll(width).toBe(10);
    writeFileSync(
      path.join(root, 'img/pixel.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="20" height="20" fill="blue"/></svg>',
    );
    await expect.poll(width, { timeout: 10_000 }).toBe(20);
    expect(await marker(page)).toBe(1);
  });

  it('updates two open tabs', async () => {
    const pages = [await openPage(), await openPage()];
    writeFileSync(path.join(root, 'index.html'), '<h1 id="title">Both</h1>');
    for (const page of pages) {
      await expect.poll(() => page.textContent('#title').catch(() => null), { timeout: 10_000 }).toBe('Both');
      expect(await marker(page)).toBeNull();
    }
  });
});
