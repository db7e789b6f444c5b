import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { gotoConnected, launchBrowser } from '../helpers/browser.js';
import { saveFile } from '../helpers/build.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

// A multi-page app as Vite's guide writes one (two HTML pages, each with its own entry, a module they
// share, `appType: 'mpa'` in vite.config.js), served unchanged. One browser and one server for the file.
const POLL = { timeout: 15_000 };
let browser: Browser;
let closeBrowser: () => Promise<void>;
let server: DevServer;
let root: string;
const pages: Page[] = [];

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
  root = copyFixture('vite-mpa');
  server = await createServer({ root, server: { port: 0 }, logLevel: 'silent' });
  await server.watching;
});
afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.close()));
});
afterAll(async () => {
  await server?.close();
  await closeBrowser?.();
  removeTempProjects();
});

async function open(urlPath: string): Promise<Page> {
  const page = await browser.newPage();
  pages.push(page);
  await gotoConnected(page, new URL(urlPath, server.url).href);
  return page;
}

const text = (page: Page, selector: string) => page.locator(selector).textContent();

describe("a multi-page app (appType 'mpa'), unchanged", () => {
  it('runs each page with its own entry and the module they share, and links between them', async () => {
    const home = await open('/');
    await expect.poll(() => text(home, '#entry'), POLL).toBe('main entry ran');
    expect(await text(home, '#footer')).toBe('shared footer v1');
    expect(await home.locator('h1').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(0, 90, 160)');
    await home.click('#to-nested');
    await expect.poll(() => text(home, '#entry'), POLL).toBe('nested entry ran');
    expect(new URL(home.url()).pathname).toBe('/nested/');
    expect(await text(home, '#title')).toBe('Nested');
    expect(await text(home, '#footer')).toBe('shared footer v1');
  });

  it('answers 404 for a page path with no file: no SPA fallback to index.html', async () => {
    const page = await open('/');
    const answer = await page.goto(new URL('/pricing', server.url).href);
    expect(answer?.status()).toBe(404);
    expect(await page.locator('#entry').count()).toBe(0);
    const nested = await page.goto(new URL('/nested/', server.url).href);
    expect(nested?.status()).toBe(200);
  });

  it('reloads both pages, each into its own entry, when the module they share is saved', async () => {
    const home = await open('/');
    const nested = await open('/nested/');
    await expect.poll(() => text(nested, '#entry'), POLL).toBe('nested entry ran');
    saveFile(root, 'src/shared.ts', "export const footer = 'shared footer v2'\n");
    await expect.poll(() => text(home, '#footer'), POLL).toBe('shared footer v2');
    await expect.poll(() => text(nested, '#footer'), POLL).toBe('shared footer v2');
    expect(await text(home, '#entry')).toBe('main entry ran');
    expect(await text(nested, '#entry')).toBe('nested entry ran');
  });
});
