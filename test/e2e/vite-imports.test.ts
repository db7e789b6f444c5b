import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import type { Logger } from '../../src/log.js';
import { type DevServer, startDevServer } from '../../src/server/server.js';
import { gotoConnected, launchBrowser } from '../helpers/browser.js';
import { saveFile } from '../helpers/build.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

// A Vite app's imports as people write them (vite.config.ts with resolve.alias and css.modules, tsconfig
// paths, dynamic import() of a package and of a module, a .js worker, ?raw/?url/?inline with an accept),
// served unchanged. One browser and one server for the file; each test opens its own page.
const POLL = { timeout: 15_000 };
let browser: Browser;
let closeBrowser: () => Promise<void>;
let server: DevServer;
let root: string;
const terminal: string[] = [];
const pages: Page[] = [];

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
  root = copyFixture('vite-imports');
  // The package as npm installs it: a folder in node_modules.
  const pkg = path.join(root, 'node_modules', 'tiny-pad');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(path.join(pkg, 'package.json'), '{ "name": "tiny-pad", "version": "1.0.0", "type": "module" }');
  writeFileSync(path.join(pkg, 'index.js'), "export const pad = (text, width) => text.padStart(width, '0');\n");
  const log: Logger = { info: (m) => terminal.push(m), warn: (m) => terminal.push(m), error: (m) => terminal.push(m) };
  server = await startDevServer(await resolveConfig({ root, server: { port: 0 } }), log);
}, 60_000);
afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.close()));
});
afterAll(async () => {
  await server?.close();
  await closeBrowser?.();
  removeTempProjects();
});

async function open(): Promise<{ page: Page; console: string[]; errors: string[] }> {
  const page = await browser.newPage();
  pages.push(page);
  const console: string[] = [];
  const errors: string[] = [];
  page.on('console', (message) => console.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  await gotoConnected(page, server.url);
  await expect.poll(() => text(page, '#worker'), POLL).not.toBe('waiting');
  // A mark the page keeps until it reloads.
  await page.evaluate(() => Object.assign(window, { notReloaded: true }));
  return { page, console, errors };
}

const text = (page: Page, selector: string) => page.locator(selector).textContent();
const notReloaded = (page: Page) => page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded === true);

describe('imports of a Vite app, unchanged', () => {
  it('resolves resolve.alias and tsconfig paths, dynamic import() of a package and a module, and a .js worker', async () => {
    const { page, errors } = await open();
    expect(await text(page, '#greet')).toBe('Hello, vite!');
    expect(await text(page, '#shout')).toBe('PATHS!');
    await expect.poll(() => text(page, '#package'), POLL).toBe('007');
    await expect.poll(() => text(page, '#lazy'), POLL).toBe('loaded lazily');
    // The worker imports ./double.js and '@/greet': served raw, neither would resolve.
    expect(await text(page, '#worker')).toBe('Hello, 8!');
    expect(errors).toEqual([]);
  });

  it("scopes a CSS module by vite.config's css.modules, and warns of a missing class in the page and the terminal", async () => {
    const { page, console } = await open();
    const fonts = page.locator('#fonts');
    expect(await fonts.getAttribute('class')).toMatch(/^card-module__font-list___[\w-]{5}$/);
    expect(await fonts.evaluate((el) => getComputedStyle(el).fontStyle)).toBe('italic');
    // camelCaseOnly: the named import works, the dashed key is absent, and so is the class never defined.
    expect(await text(page, '#named')).toBe('named ok undefined undefined');
    const warning = '/src/card.module.css defines no class "missing" (it reads as undefined). Its classes: fontList.';
    await expect.poll(() => console, POLL).toContain(`[devpush] ${warning}`);
    expect(console).toContain(
      '[devpush] /src/card.module.css defines no class "font-list" (it reads as undefined). Its classes: fontList.',
    );
    await expect.poll(() => terminal.some((line) => line.endsWith(warning)), POLL).toBe(true);
  });

  it('swaps a CSS module in place on save: new rules, same class, no reload', async () => {
    const { page } = await open();
    saveFile(root, 'src/card.module.css', '.font-list {\n  font-style: italic;\n  color: rgb(200, 0, 0);\n}\n');
    await expect
      .poll(() => page.locator('#fonts').evaluate((el) => getComputedStyle(el).color), POLL)
      .toBe('rgb(200, 0, 0)');
    expect(await notReloaded(page)).toBe(true);
  });

  it('gives ?inline as one string with its @import inlined, and ?raw as written', async () => {
    const { page } = await open();
    const inline = (await text(page, '#inline')) ?? '';
    expect(inline).toContain('.base-rule {');
    expect(inline).toContain('.inline-rule {');
    expect(inline).not.toContain('@import');
    expect(await text(page, '#notes')).toBe('first notes\n');
  });

  it('updates the importer that accepts them when a ?raw, ?url or ?inline file (or its @import) is saved, without a reload', async () => {
    const { page } = await open();
    saveFile(root, 'src/notes.txt', 'second notes\n');
    await expect.poll(() => text(page, '#notes'), POLL).toBe('second notes\n');
    saveFile(root, 'src/base.css', '.base-rule {\n  margin: 2px;\n}\n');
    await expect.poll(() => text(page, '#inline'), POLL).toContain('margin: 2px');
    saveFile(root, 'src/data.csv', 'x,y\n3,4\n');
    await expect.poll(() => text(page, '#data'), POLL).toBe('/src/data.csv x,y\n3,4');
    expect(await notReloaded(page)).toBe(true);
  });

  it('reloads once, saying why, when a ?raw file no module accepts is saved', async () => {
    const { page } = await open();
    expect(await text(page, '#banner')).toBe('banner one');
    saveFile(root, 'src/banner.txt', 'banner two\n');
    await expect.poll(() => text(page, '#banner'), POLL).toBe('banner two');
    expect(await notReloaded(page)).toBe(false);
    await expect
      .poll(() => terminal.some((line) => line.includes('/src/banner.txt?raw changed and no module accepts it')), POLL)
      .toBe(true);
  });

  it('reloads the page when a module the .js worker imports is saved, and the new worker runs it', async () => {
    const { page } = await open();
    expect(await text(page, '#worker')).toBe('Hello, 8!');
    saveFile(root, 'src/double.js', 'export const double = (n) => n * 3\n');
    await expect.poll(() => text(page, '#worker'), POLL).toBe('Hello, 12!');
    expect(await notReloaded(page)).toBe(false);
  });
});
