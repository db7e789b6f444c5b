// Proxy mode in real Chromium: pages of a real backend (a node:http one, and Python's http.server) get
// live reload through devpush with nothing pasted in them; stylesheets swap even where the backend
// serves them at another path; the modules a backend page names get HMR; a strict CSP stops neither the
// client nor devpush's styles; a pasted snippet does not make a second client; a backend that goes away
// shows a notice that turns back into the page when it returns.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { startBackend, type Backend } from '../helpers/backend.js';
import { launchBrowser } from '../helpers/browser.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

const SLOW = { timeout: 20_000 };
let browser: Browser;
let closeBrowser: () => Promise<void>;
let server: DevServer | null = null;
let backend: Backend | null = null;
let python: ChildProcess | null = null;

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
});
afterEach(async () => {
  await server?.close();
  await backend?.close();
  python?.kill();
  server = backend = python = null;
});
afterAll(async () => {
  await closeBrowser();
  removeTempProjects();
});

async function proxyTo(root: string, target: string, bundle = false, https = false): Promise<string> {
  // A certificate made for the test, never the user's cache.
  if (https) process.env.DEVPUSH_CACHE_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'devpush-cache-'));
  server = await createServer({
    root,
    configFile: false,
    server: { port: 0, backend: target, https },
    build: { bundle },
    logLevel: 'silent',
  });
  await server.watching;
  return server.url.replace('localhost', '127.0.0.1');
}

async function open(url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await expect.poll(() => page.evaluate(() => window.__devpush?.state), SLOW).toBe('up');
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  return page;
}

/** Opens a page of the backend's /app template (its module served by devpush) and counts its loads. */
async function openApp(url: string): Promise<{ page: Page; loads(): number; console: string[] }> {
  // Over https the test's own certificate is trusted by nothing: this page's context ignores that.
  const page = await browser.newPage({ ignoreHTTPSErrors: url.startsWith('https:') });
  let loads = 0;
  const console: string[] = [];
  page.on('load', () => loads++);
  page.on('console', (message) => console.push(message.text()));
  await page.goto(url);
  await expect.poll(() => page.evaluate(() => window.__devpush?.state), SLOW).toBe('up');
  await expect.poll(() => page.textContent('#self'), SLOW).toBe('self-1');
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  return { page, loads: () => loads, console };
}

const marker = (page: Page) => page.evaluate(() => (window as unknown as { marker?: number }).marker ?? null);
const titleColor = (page: Page) => page.$eval('#title', (el) => getComputedStyle(el).color);
const styledColor = (page: Page) => page.$eval('#styled', (el) => getComputedStyle(el).color);
const edit = (root: string, file: string, from: string, to: string) =>
  writeFileSync(path.join(root, file), readFileSync(path.join(root, file), 'utf8').replace(from, to));

describe('proxy mode in Chromium', () => {
  it('reloads on a template save and swaps a stylesheet the backend serves at another path', async () => {
    const root = copyFixture('proxy-site');
    backend = await startBackend(root);
    const page = await open(await proxyTo(root, backend.url));
    expect(await page.textContent('#title')).toBe('From the backend');
    expect(await titleColor(page)).toBe('rgb(0, 0, 255)');
    // static/css/site.css is /assets/css/site.css on the backend: matched by the tail of its path.
    writeFileSync(path.join(root, 'static/css/site.css'), 'h1 { color: rgb(0, 128, 0); }');
    await expect.poll(() => titleColor(page), SLOW).toBe('rgb(0, 128, 0)');
    expect(await marker(page)).toBe(1);
    // Only the matching stylesheet was swapped.
    expect(await page.$eval('#print', (link) => (link as HTMLLinkElement).href)).toMatch(/\/assets\/print\.css$/);
    writeFileSync(path.join(root, 'templates/index.html'), '<h1>{{ title }} saved</h1>');
    await expect.poll(() => marker(page), SLOW).toBeNull();
  });

  it("connects under the backend's strict CSP, with the page's nonce", async () => {
    const root = copyFixture('proxy-site');
    backend = await startBackend(root);
    const page = await open(`${await proxyTo(root, backend.url)}csp`);
    expect(await page.evaluate(() => (window as unknown as { appRan?: boolean }).appRan)).toBe(true);
  });

  it("updates a backend page's modules in place: a self-accepting module, a module's CSS; no boundary reloads once", async () => {
    const root = copyFixture('proxy-site');
    backend = await startBackend(root);
    const { page, loads, console } = await openApp(`${await proxyTo(root, backend.url)}app`);
    expect(await styledColor(page)).toBe('rgb(0, 0, 255)');
    edit(root, 'src/self.ts', "'self-1'", "'self-2'");
    await expect.poll(() => page.textContent('#self'), SLOW).toBe('self-2');
    expect(await page.textContent('#runs')).toBe('2');
    writeFileSync(path.join(root, 'src/app.css'), '#styled { color: rgb(0, 128, 0); }');
    await expect.poll(() => styledColor(page), SLOW).toBe('rgb(0, 128, 0)');
    expect(await marker(page)).toBe(1);
    expect(loads()).toBe(1);
    writeFileSync(path.join(root, 'src/plain.ts'), "export const plain: string = 'plain-2';\n");
    await expect.poll(() => page.textContent('#plain'), SLOW).toBe('plain-2');
    // The new document's modules can show it before its load event has reached the test.
    await expect.poll(() => loads(), SLOW).toBe(2);
    expect(await marker(page)).toBeNull();
    expect(console.some((line) => line.includes('full reload') && line.includes('/src/plain.ts'))).toBe(true);
  });

  it('updates a backend page in place over HTTPS on h2, under its strict CSP', async () => {
    const root = copyFixture('proxy-site');
    backend = await startBackend(root);
    const { page, loads } = await openApp(`${await proxyTo(root, backend.url, false, true)}app-csp`);
    const protocol = () =>
      page.evaluate(
        () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol,
      );
    expect(await protocol()).toBe('h2');
    edit(root, 'src/self.ts', "'self-1'", "'self-2'");
    await expect.poll(() => page.textContent('#self'), SLOW).toBe('self-2');
    writeFileSync(path.join(root, 'src/app.css'), '#styled { color: rgb(0, 128, 0); }');
    await expect.poll(() => styledColor(page), SLOW).toBe('rgb(0, 128, 0)');
    expect(loads()).toBe(1);
    expect(await marker(page)).toBe(1);
  });

  it("applies and updates a module's CSS under a strict style-src, with the page's nonce", async () => {
    const root = copyFixture('proxy-site');
    backend = await startBackend(root);
    const { page, console } = await openApp(`${await proxyTo(root, backend.url)}app-csp`);
    expect(await styledColor(page)).toBe('rgb(0, 0, 255)');
    writeFileSync(path.join(root, 'src/app.css'), '#styled { color: rgb(0, 128, 0); }');
    await expect.poll(() => styledColor(page), SLOW).toBe('rgb(0, 128, 0)');
    expect(await marker(page)).toBe(1);
    // The error overlay's own <style> (in its shadow root) passes too: its panel is dark, not unstyled.
    edit(root, 'src/self.ts', "'self-1';", "'self-1'\nconst = broken;");
    const panel = () =>
      page
        .locator('devpush-overlay .panel')
        .evaluate((el) => getComputedStyle(el).backgroundColor, undefined, { timeout: 500 })
        .catch(() => null);
    await expect.poll(panel, SLOW).toBe('rgb(30, 30, 30)');
    expect(console.filter((line) => line.includes('Content Security Policy'))).toEqual([]);
  });

  it("links an entry's stylesheet under a strict style-src with the page's nonce (bundled path)", async () => {
    const root = copyFixture('proxy-site');
    backend = await startBackend(root);
    const page = await browser.newPage();
    const console: string[] = [];
    page.on('console', (message) => console.push(message.text()));
    await page.goto(`${await proxyTo(root, backend.url, true)}app-csp`);
    await expect.poll(() => page.textContent('#self'), SLOW).toBe('self-1');
    await expect.poll(() => styledColor(page), SLOW).toBe('rgb(0, 0, 255)');
    expect(await page.$eval('link[data-devpush-entry]', (link) => (link as HTMLLinkElement).nonce)).not.toBe('');
    expect(console.filter((line) => line.includes('Content Security Policy'))).toEqual([]);
  });

  it('runs one client on a backend page that has the snippet pasted in its body', async () => {
    const root = copyFixture('proxy-site');
    backend = await startBackend(root);
    const page = await browser.newPage();
    const clients: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/__devpush/client.js')) clients.push(request.url());
    });
    const base = await proxyTo(root, backend.url);
    await page.goto(`${base}snippet`);
    await expect.poll(() => page.evaluate(() => window.__devpush?.state), SLOW).toBe('up');
    expect(clients).toHaveLength(1);
    expect(clients[0]!.startsWith(`${base}__devpush/client.js`)).toBe(true);
  });

  it('leaves HTML that a script of the page fetches without a client (htmx swaps, fetch)', async () => {
    const root = copyFixture('proxy-site');
    backend = await startBackend(root);
    const { page } = await openApp(`${await proxyTo(root, backend.url)}app`);
    const fetched = await page.evaluate(() => fetch('/app').then((response) => response.text()));
    expect(fetched).toContain('<h1 id="title">Backend app</h1>');
    expect(fetched).not.toContain('/__devpush/client.js');
  });

  it('shows a notice while the backend is down and the page again once it is back', async () => {
    const root = copyFixture('proxy-site');
    backend = await startBackend(root);
    const port = backend.port;
    await backend.close();
    backend = null;
    const page = await open(await proxyTo(root, `http://127.0.0.1:${port}`));
    expect(await page.textContent('h1')).toBe('The backend is not answering');
    backend = await startBackend(root, port);
    await expect.poll(() => page.textContent('h1').catch(() => null), SLOW).toBe('From the backend');
  });

  it("puts live reload on the pages of Python's http.server", async () => {
    const root = copyFixture('python-site');
    python = spawn('python3', ['-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', root], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    let said = '';
    python.stdout!.on('data', (chunk: Buffer) => (said += chunk.toString()));
    await expect.poll(() => /port (\d+)/.exec(said)?.[1], SLOW).toBeDefined();
    const pythonPort = /port (\d+)/.exec(said)![1]!;
    const page = await open(await proxyTo(root, `http://127.0.0.1:${pythonPort}`));
    expect(await page.textContent('#title')).toBe("Python's http.server");
    writeFileSync(path.join(root, 'css/site.css'), 'h1 { color: rgb(128, 0, 0); }');
    await expect.poll(() => titleColor(page), SLOW).toBe('rgb(128, 0, 0)');
    expect(await marker(page)).toBe(1);
    writeFileSync(
      path.join(root, 'index.html'),
      '<!doctype html><html><head></head><body><h1 id="title">Saved</h1></body></html>',
    );
    await expect.poll(() => page.textContent('#title').catch(() => null), SLOW).toBe('Saved');
  });
});
