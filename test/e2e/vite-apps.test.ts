import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { copyBuildFixture } from '../helpers/build.js';
import { removeTempProjects } from '../helpers/fixture.js';

// One browser and one server for the file: each test opens its own page.
let browser: Browser;
let closeBrowser: () => Promise<void>;
let server: DevServer;

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
  server = await createServer({ root: copyBuildFixture('vite-preact-ts'), server: { port: 0 }, logLevel: 'silent' });
  await server.watching;
});
afterAll(async () => {
  await server.close();
  await closeBrowser();
  removeTempProjects();
});

async function open(urlPath: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(new URL(urlPath, server.url).href);
  await page.waitForFunction(() => window.__devpush?.state === 'up', undefined, { timeout: 10_000 });
  return { page, errors };
}

describe("an app made from Vite's preact-ts template, unchanged", () => {
  it('renders with the JSX settings of tsconfig.app.json (a solution tsconfig with references)', async () => {
    const { page, errors } = await open('/');
    await page.locator('#count').click();
    await expect.poll(() => page.locator('#count').textContent()).toBe('count is 1');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('serves public/vite.svg at /vite.svg, the icon the template links', async () => {
    const { page } = await open('/');
    const loaded = await page.evaluate(async () => (await fetch('/vite.svg')).headers.get('content-type'));
    expect(loaded).toBe('image/svg+xml; charset=utf-8');
    await page.close();
  });

  it('renders on a client-side route and stays there', async () => {
    const { page, errors } = await open('/settings/profile');
    await expect.poll(() => page.locator('#title').textContent()).toBe('Vite + Preact');
    expect(new URL(page.url()).pathname).toBe('/settings/profile');
    expect(errors).toEqual([]);
    await page.close();
  });
});
