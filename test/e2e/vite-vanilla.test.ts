import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routePath } from '../../src/protocol.js';
import { createServer, type DevServer } from '../../src/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { saveFile } from '../helpers/build.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

// An app shaped like Vite's vanilla-ts template (plus the imports Vite apps use), served unchanged.
// One browser and one server for the file; each test opens its own page.
const SECRET = 's3cr3t-4f9a-never-sent';
let browser: Browser;
let closeBrowser: () => Promise<void>;
let server: DevServer;
let root: string;

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
  root = copyFixture('vite-vanilla-ts');
  // A package of the project (a real folder, as npm installs it) that ships a worker.
  const pkg = path.join(root, 'node_modules', 'tiny-worker-pkg');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(path.join(pkg, 'package.json'), '{ "name": "tiny-worker-pkg", "version": "1.0.0" }');
  writeFileSync(path.join(pkg, 'worker.mjs'), "self.postMessage('package worker ready');\n");
  server = await createServer({ root, server: { port: 0 }, logLevel: 'silent' });
  await server.watching;
});
afterAll(async () => {
  await server.close();
  await closeBrowser();
  removeTempProjects();
});

async function open(urlPath = '/'): Promise<{ page: Page; errors: string[]; bodies: Map<string, Buffer> }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const bodies = new Map<string, Buffer>();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => {
    void response.body().then(
      (body) => bodies.set(response.url(), body),
      () => {},
    );
  });
  await page.goto(new URL(urlPath, server.url).href);
  await page.waitForFunction(() => window.__devpush?.state === 'up', undefined, { timeout: 10_000 });
  return { page, errors, bodies };
}

const text = (page: Page, selector: string) => page.locator(selector).textContent();

describe("an app made from Vite's vanilla-ts template, unchanged", () => {
  it('renders: logos from src/ and public/, the counter, JSON, ?raw, ?url, ?inline, nested new URL', async () => {
    const { page, errors } = await open();
    await expect.poll(() => text(page, '#json')).toBe('devpush-fixture 1.2.3');
    expect(await page.locator('#vite-logo').getAttribute('src')).toBe('/vite.svg');
    expect(await page.locator('#ts-logo').getAttribute('src')).toBe('/src/typescript.svg');
    const widths = await page.$$eval('img.logo', (images) =>
      images.map((image) => (image as HTMLImageElement).naturalWidth),
    );
    expect(widths).toEqual([32, 32]);
    await page.locator('#counter').click();
    expect(await text(page, '#counter')).toBe('count is 1');
    expect(await text(page, '#raw')).toBe('raw svg');
    expect(await text(page, '#url')).toBe('/src/typescript.svg');
    expect(await text(page, '#inline')).toBe('inline css');
    // ?inline is a string only: the red border of card.css is not applied.
    expect(await page.locator('.card').evaluate((el) => getComputedStyle(el).borderTopColor)).not.toBe(
      'rgb(255, 0, 0)',
    );
    expect(await text(page, '#deep')).toBe('/src/typescript.svg');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('expands import.meta.glob, eager and lazy', async () => {
    const { page } = await open();
    await expect
      .poll(() => page.locator('#app').getAttribute('data-glob'))
      .toBe('./pages/about.ts,./pages/home.ts About,Home lazy About');
    await page.close();
  });

  it('gives import.meta.env as Vite does, .env.local over .env, and nothing without the prefix', async () => {
    const { page } = await open();
    await expect.poll(() => text(page, '#env')).toBe('development true false / false from .env.local');
    expect(await text(page, '#secret')).toBe('undefined');
    await page.close();
  });

  it('never sends a variable without the public prefix, in any response of a full page load', async () => {
    const { page, bodies } = await open();
    await expect.poll(() => text(page, '#worker')).toBe('worker says 42');
    await expect.poll(() => bodies.has(new URL(routePath('env'), server.url).href)).toBe(true);
    expect(bodies.size).toBeGreaterThan(10);
    for (const [url, body] of bodies) expect(body.includes(SECRET), url).toBe(false);
    // The files themselves are refused too.
    for (const name of ['/.env', '/.env.local']) expect((await fetch(new URL(name, server.url))).status).toBe(403);
    await page.close();
  });

  it('runs workers: ?worker, new URL(./worker.ts), and a package path through node_modules', async () => {
    const { page } = await open();
    await expect.poll(() => text(page, '#worker')).toBe('worker says 42');
    await expect.poll(() => page.locator('#app').getAttribute('data-url-worker')).toBe('worker says 10');
    await expect.poll(() => page.locator('#app').getAttribute('data-package-worker')).toBe('package worker ready');
    await page.close();
  });

  it('names an unknown import query, with the file and the known queries', async () => {
    saveFile(root, 'src/bad.ts', "import logo from './typescript.svg?foo';\nconsole.log(logo);\n");
    saveFile(root, 'bad.html', '<!doctype html><script type="module" src="/src/bad.ts"></script>');
    const { page } = await open('/bad.html');
    const overlay = () => page.evaluate(() => document.querySelector('devpush-overlay')?.shadowRoot?.textContent ?? '');
    await expect.poll(overlay).toContain('/src/bad.ts imports "./typescript.svg?foo": unknown import query ?foo');
    expect(await overlay()).toContain('known: ?raw, ?url, ?inline, ?worker');
    await page.close();
  });

  it('reloads when a .env file changes, and the next load sees the new value', async () => {
    const { page } = await open();
    await expect.poll(() => text(page, '#env')).toContain('from .env.local');
    await page.evaluate(() => Object.assign(window, { beforeReload: true }));
    saveFile(root, '.env.local', 'VITE_GREETING=edited\n');
    await expect.poll(() => text(page, '#env'), { timeout: 10_000 }).toContain(' edited');
    expect(await page.evaluate(() => 'beforeReload' in window)).toBe(false);
    await page.close();
  });

  it("reloads the page when a worker's module is saved", async () => {
    const { page } = await open();
    await expect.poll(() => text(page, '#worker')).toBe('worker says 42');
    await page.evaluate(() => Object.assign(window, { beforeReload: true }));
    saveFile(root, 'src/double.ts', 'export const double = (n: number): number => n * 3\n');
    await expect.poll(() => text(page, '#worker'), { timeout: 10_000 }).toBe('worker says 63');
    expect(await page.evaluate(() => 'beforeReload' in window)).toBe(false);
    await page.close();
  });

  it('swaps a public/ image at its site-root URL without a reload', async () => {
    const { page } = await open();
    await expect.poll(() => text(page, '#json')).toBe('devpush-fixture 1.2.3');
    await page.evaluate(() => Object.assign(window, { beforeSwap: true }));
    saveFile(root, 'public/vite.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"></svg>\n');
    await expect
      .poll(() => page.locator('#vite-logo').evaluate((img) => (img as HTMLImageElement).naturalWidth))
      .toBe(40);
    expect(await page.evaluate(() => 'beforeSwap' in window)).toBe(true);
    await page.close();
  });
});
