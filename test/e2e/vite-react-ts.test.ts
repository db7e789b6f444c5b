import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import type { Logger } from '../../src/log.js';
import { type DevServer, startDevServer } from '../../src/server/server.js';
import { copyAppFixture } from '../helpers/app-fixture.js';
import { gotoConnected, launchBrowser } from '../helpers/browser.js';
import { saveFile } from '../helpers/build.js';
import { removeTempProjects } from '../helpers/fixture.js';

// An app exactly as `npm create vite@latest -- --template react-ts` makes it (tsconfig.json with
// references, vite.config.ts with @vitejs/plugin-react, eslint.config.js, /vite.svg from public/,
// src/assets/react.svg), with react and react-dom installed, served unchanged. One browser, one server,
// one tab for the file.
const POLL = { timeout: 30_000 };
let browser: Browser;
let closeBrowser: () => Promise<void>;
let server: DevServer;
let root: string;
let page: Page;
const terminal: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
  root = copyAppFixture('vite-react-ts');
  const log: Logger = { info: (m) => terminal.push(m), warn: (m) => terminal.push(m), error: (m) => terminal.push(m) };
  server = await startDevServer(await resolveConfig({ root, server: { port: 0 } }), log);
  page = await browser.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await gotoConnected(page, server.url);
  // The first page pre-bundles react and react-dom: seconds on a loaded machine.
  await page.waitForSelector('h1', POLL);
}, 120_000);
afterAll(async () => {
  await page?.close();
  await server?.close();
  await closeBrowser?.();
  removeTempProjects();
});

const button = () => page.locator('.card button');

describe("an app made from Vite's react-ts template, unchanged", () => {
  it('renders: the title, both logos (public/ and src/assets), the styles of index.css and App.css', async () => {
    expect(await page.locator('h1').textContent()).toBe('Vite + React');
    expect(await page.locator('img[alt="Vite logo"]').getAttribute('src')).toBe('/vite.svg');
    expect(await page.locator('img[alt="React logo"]').getAttribute('src')).toBe('/src/assets/react.svg');
    await expect
      .poll(() => page.$$eval('img.logo', (images) => images.map((image) => (image as HTMLImageElement).naturalWidth)))
      .toEqual([32, 36]);
    // index.css, light scheme (headless Chromium's): its media query applies too.
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).color)).toBe('rgb(33, 53, 71)');
    expect(await button().evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(249, 249, 249)');
    expect(await page.locator('#root').evaluate((el) => getComputedStyle(el).textAlign)).toBe('center');
    expect(errors).toEqual([]);
  });

  it('says at start-up which vite.config keys it ignores: the react plugin, whose work it does itself', () => {
    expect(terminal).toContain('vite.config.ts: using nothing; ignoring plugins (react).');
  });

  it('counts clicks, and an edit of App.tsx re-renders in place with the count kept', async () => {
    await button().click();
    await button().click();
    await expect.poll(() => button().textContent()).toBe('count is 2');
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    const source = readFileSync(path.join(root, 'src/App.tsx'), 'utf8');
    saveFile(root, 'src/App.tsx', source.replace('<h1>Vite + React</h1>', '<h1>Vite + React + devpush</h1>'));
    await expect.poll(() => page.locator('h1').textContent(), POLL).toBe('Vite + React + devpush');
    expect(await button().textContent()).toBe('count is 2');
    expect(await page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });
});
