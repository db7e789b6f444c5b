// `--https` in real Chromium, which trusts nothing here and is told to ignore certificate errors for the
// test: the page arrives over h2, every rung connects and delivers a save, and on h2 ten tabs on the SSE
// rung each hold a stream of their own (no relay between tabs).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { TRANSPORT_NAMES, type TransportName } from '../../src/protocol.js';
import { launchBrowser } from '../helpers/browser.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

const SLOW = { timeout: 20_000 };
let browser: Browser;
let closeBrowser: () => Promise<void>;
let context: BrowserContext;
let server: DevServer | null = null;
let root: string;

beforeAll(async () => {
  process.env.DEVPUSH_CACHE_DIR = mkdtempSync(path.join(os.tmpdir(), 'devpush-cache-'));
  ({ browser, close: closeBrowser } = await launchBrowser());
  context = await browser.newContext({ ignoreHTTPSErrors: true });
});
afterEach(async () => {
  await server?.close();
  server = null;
});
afterAll(async () => {
  await context.close();
  await closeBrowser();
  removeTempProjects();
});

async function serve(transports: TransportName[]): Promise<string> {
  root = copyFixture('site');
  server = await createServer({
    root,
    configFile: false,
    server: { port: 0, https: true },
    channel: { transports },
    logLevel: 'silent',
  });
  await server.watching;
  return server.url;
}

const state = (page: Page) =>
  page.evaluate(() => ({ state: window.__devpush?.state, transport: window.__devpush?.transport }));
const protocolOf = (page: Page) =>
  page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol);
const titleColor = (page: Page) => page.$eval('#title', (el) => getComputedStyle(el).color);

async function openOn(url: string, rung: TransportName): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await expect.poll(() => state(page), SLOW).toEqual({ state: 'up', transport: rung });
  return page;
}

describe('--https in Chromium', () => {
  it.each(TRANSPORT_NAMES)('serves the page over h2 and the %s rung delivers a save', async (rung) => {
    const url = await serve([rung]);
    expect(url).toMatch(/^https:\/\/localhost:\d+\/$/);
    const page = await openOn(url, rung);
    expect(await protocolOf(page)).toBe('h2');
    writeFileSync(path.join(root, 'style.css'), 'h1 { color: rgb(0, 128, 0); }');
    await expect.poll(() => titleColor(page), SLOW).toBe('rgb(0, 128, 0)');
    await page.close();
  });

  it('holds ten SSE tabs each on its own stream over h2, with no relay between them', {
    timeout: 120_000,
  }, async () => {
    const url = await serve(['sse']);
    const pages = await Promise.all(Array.from({ length: 10 }, () => openOn(url, 'sse')));
    for (const page of pages) expect(await page.evaluate(() => window.__devpush?.sharing)).toBe('solo');
    await expect.poll(() => server!.stats().transports.sse.connected, SLOW).toBe(10);
    writeFileSync(path.join(root, 'style.css'), 'h1 { color: rgb(128, 0, 0); }');
    for (const page of pages) await expect.poll(() => titleColor(page), SLOW).toBe('rgb(128, 0, 0)');
    await Promise.all(pages.map((page) => page.close()));
  });
});
