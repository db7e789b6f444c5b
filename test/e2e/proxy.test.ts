// Proxy mode in real Chromium: pages of a real backend (a node:http one, and Python's http.server) get
// live reload through devpush with nothing pasted in them; stylesheets swap even where the backend
// serves them at another path; a strict CSP does not stop the client; a backend that goes away shows a
// notice that turns back into the page when it returns.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

async function proxyTo(root: string, target: string): Promise<string> {
  server = await createServer({ root, configFile: false, server: { port: 0, backend: target }, logLevel: 'silent' });
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

const marker = (page: Page) => page.evaluate(() => (window as unknown as { marker?: number }).marker ?? null);
const titleColor = (page: Page) => page.$eval('#title', (el) => getComputedStyle(el).color);

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
