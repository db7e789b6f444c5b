import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { buildStatus, copyBuildFixture, saveFile } from '../helpers/build.js';
import { runCli } from '../helpers/cli.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

let browser: Browser;
let closeBrowser: () => Promise<void>;
const servers: DevServer[] = [];

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  removeTempProjects();
});
afterAll(async () => {
  await closeBrowser();
});

async function serve(root: string): Promise<DevServer> {
  // The bundled path (build.bundle); modules served one by one with HMR have their own tests (hmr.test.ts).
  const server = await createServer({ root, server: { port: 0 }, build: { bundle: true }, logLevel: 'silent' });
  servers.push(server);
  await server.watching;
  return server;
}

/** Opens a page and waits until its client is connected, so every later save reaches it live. */
async function open(server: DevServer, urlPath = '/'): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(new URL(urlPath, server.url).href);
  await page.waitForFunction(() => window.__devpush?.state === 'up', undefined, { timeout: 10_000 });
  return page;
}

const text = (page: Page, selector: string) => page.locator(selector).textContent();

/**
 * Saves a file again and again until the page shows what it should. For a fix saved soon after the save
 * that broke the build: chokidar drops a second change of one file within 50 ms of the first, and these
 * tests are about builds and overlays, not about that (the watcher's own tests are).
 */
async function saveUntil(
  root: string,
  file: string,
  contents: string,
  shown: () => Promise<unknown>,
  expected: unknown,
): Promise<void> {
  await expect
    .poll(async () => {
      saveFile(root, file, contents);
      return shown();
    }, POLL)
    .toEqual(expected);
}
const overlayText = (page: Page) =>
  page
    .locator('devpush-overlay .panel')
    .textContent({ timeout: 500 })
    .catch(() => null);
const POLL = { timeout: 15_000 };

describe('TypeScript entries', () => {
  it('serves the bundle, its images and tsconfig paths, and shows a saved module after the reload', async () => {
    const root = copyBuildFixture('build-ts');
    const server = await serve(root);
    const page = await open(server);
    expect(await text(page, '#value')).toBe('value-1');
    expect(await text(page, '#greeting')).toBe('hello, tsconfig paths');
    await expect.poll(() => page.locator('#logo').evaluate((img: HTMLImageElement) => img.naturalWidth), POLL).toBe(2);

    saveFile(root, 'src/value.ts', "export const value: string = 'value-2';\n");
    await expect.poll(() => text(page, '#value'), POLL).toBe('value-2');
  });

  it('restyles CSS imported from TypeScript in place, without a reload', async () => {
    const root = copyBuildFixture('build-ts');
    const server = await serve(root);
    const page = await open(server);
    const color = () => page.locator('#value').evaluate((el) => getComputedStyle(el).color);
    await expect.poll(color, POLL).toBe('rgb(255, 0, 0)');
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'kept'));

    const css = readFileSync(path.join(root, 'src/style.css'), 'utf8');
    saveFile(root, 'src/style.css', css.replace('rgb(255, 0, 0)', 'rgb(0, 0, 255)'));
    await expect.poll(color, POLL).toBe('rgb(0, 0, 255)');
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('kept');

    // Once the entry is known to have CSS, pages link it in their head (no unstyled first paint), once.
    const html = await (await fetch(server.url)).text();
    expect(html).toContain('<link rel="stylesheet" href="/src/main.ts.css" data-devpush-entry="/src/main.ts.css">');
    await page.reload();
    await expect.poll(() => text(page, '#value'), POLL).toBe('value-1');
    expect(await page.locator('head link[data-devpush-entry="/src/main.ts.css"]').count()).toBe(1);
    expect(await color()).toBe('rgb(0, 0, 255)');
  });

  it('shows a syntax error in <devpush-overlay> with file and line, and the fix removes it', async () => {
    const root = copyBuildFixture('build-ts');
    const server = await serve(root);
    const page = await open(server);

    saveFile(root, 'src/value.ts', "export const value: string = 'value-2';\nexport const broken = ;\n");
    await expect.poll(() => overlayText(page), POLL).toContain('src/value.ts:2:');
    expect(await overlayText(page)).toContain('export const broken = ;');
    expect(await text(page, '#value')).toBe('value-1'); // the last good build is what the page runs

    await saveUntil(
      root,
      'src/value.ts',
      "export const value: string = 'value-3';\n",
      () => text(page, '#value'),
      'value-3',
    );
    expect(await page.locator('devpush-overlay').count()).toBe(0);
  });

  it('shows markup in an error as text, never as markup', async () => {
    const root = copyBuildFixture('build-ts');
    const server = await serve(root);
    const page = await open(server);
    saveFile(root, 'src/value.ts', 'export const value = <img src=x onerror="window.pwned = 1">;\n');
    await expect.poll(() => overlayText(page), POLL).toContain('<img src=x onerror="window.pwned = 1">');
    expect(await page.locator('devpush-overlay img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  });

  it('shows the overlay on a page loaded while the build is broken, over the last good output', async () => {
    const root = copyBuildFixture('build-ts');
    const server = await serve(root);
    await (await open(server)).close();

    saveFile(root, 'src/value.ts', 'export const value: string = ;\n');
    await expect.poll(async () => (await buildStatus(server.url)).perEntry['/src/main.ts']?.failed, POLL).toBe(true);
    const late = await open(server);
    await expect.poll(() => overlayText(late), POLL).toContain('src/value.ts:1:');
    expect(await text(late, '#value')).toBe('value-1');
    await late.keyboard.press('Escape');
    expect(await late.locator('devpush-overlay').count()).toBe(0);
  });

  it('serves a script (not a 404) when the very first build fails, and recovers on the fix', async () => {
    const root = copyBuildFixture('build-ts');
    saveFile(root, 'src/value.ts', 'export const value: string = ;\n');
    const server = await serve(root);
    const page = await browser.newPage();
    const script = page.waitForResponse((response) => new URL(response.url()).pathname === '/src/main.ts');
    await page.goto(server.url);
    expect((await script).status()).toBe(200);
    await expect.poll(() => overlayText(page), POLL).toContain('src/value.ts:1:');

    saveFile(root, 'src/value.ts', "export const value: string = 'fixed';\n");
    await expect.poll(() => text(page, '#value'), POLL).toBe('fixed');
    expect(await page.locator('devpush-overlay').count()).toBe(0);
  });

  it('reports a deleted imported file as an error, not a crash, and recovers when it is back', async () => {
    const root = copyBuildFixture('build-ts');
    const server = await serve(root);
    const page = await open(server);
    const original = readFileSync(path.join(root, 'src/value.ts'), 'utf8');

    rmSync(path.join(root, 'src/value.ts'));
    await expect.poll(() => overlayText(page), POLL).toContain('src/main.ts:5:');
    expect(await overlayText(page)).toContain('./value');

    saveFile(root, 'src/value.ts', original.replace('value-1', 'value-back'));
    await expect.poll(() => text(page, '#value'), POLL).toBe('value-back');
    expect(await page.locator('devpush-overlay').count()).toBe(0);
  });

  it('updates two entries that share a module', async () => {
    const root = copyBuildFixture('build-ts');
    const server = await serve(root);
    const main = await open(server, '/');
    const other = await open(server, '/other.html');
    expect(await text(other, '#shared')).toBe('shared-1');

    saveFile(root, 'src/shared.ts', "export const shared: string = 'shared-2';\n");
    await expect.poll(() => text(main, '#shared'), POLL).toBe('shared-2');
    await expect.poll(() => text(other, '#shared'), POLL).toBe('shared-2');
    const status = await buildStatus(server.url);
    expect(status.lastRebuild?.entries.sort()).toEqual(['/src/main.ts', '/src/other.ts']);
  });

  it('shows the errors of every failing entry; fixing one leaves the other on screen', async () => {
    const root = copyBuildFixture('build-ts');
    const server = await serve(root);
    await (await open(server, '/other.html')).close(); // builds the second entry
    const page = await open(server);

    saveFile(root, 'src/other.ts', 'document.title = ;\n');
    saveFile(root, 'src/value.ts', 'export const value: string = ;\n');
    await expect
      .poll(() => overlayText(page), POLL)
      .toMatch(/src\/other\.ts:1:[\s\S]*src\/value\.ts:1:|src\/value\.ts:1:[\s\S]*src\/other\.ts:1:/);

    await saveUntil(
      root,
      'src/value.ts',
      "export const value: string = 'one fixed';\n",
      () => text(page, '#value'),
      'one fixed',
    );
    await expect.poll(() => overlayText(page), POLL).toContain('src/other.ts:1:');
    expect(await overlayText(page)).not.toContain('src/value.ts');
  });

  it('rebuilds nothing for a file that no entry uses', async () => {
    const root = copyBuildFixture('build-ts');
    const server = await serve(root);
    const page = await open(server);
    const before = await buildStatus(server.url);

    saveFile(root, 'src/unused.ts', 'export const unused = 2;\n');
    // A save that does rebuild, after it: change sets are handled in order, so once this one is visible
    // the first has been handled too, and the count says whether it rebuilt anything.
    saveFile(root, 'src/value.ts', "export const value: string = 'after';\n");
    await expect.poll(() => text(page, '#value'), POLL).toBe('after');
    const after = await buildStatus(server.url);
    expect(after.rebuilds - before.rebuilds).toBe(1);
    expect(after.lastRebuild?.entries).toEqual(['/src/main.ts']);
  });
});

describe('JSX and plain modules', () => {
  it('renders a JSX entry that imports preact from node_modules', async () => {
    const root = copyBuildFixture('build-jsx');
    const server = await serve(root);
    const page = await open(server);
    expect(await text(page, '#title')).toBe('rendered by preact');
    await page.locator('#count').click();
    await expect.poll(() => text(page, '#count'), POLL).toBe('clicked 1');
  });

  it('bundles a .js page script that imports a package, and serves a relative-only one as it is', async () => {
    const root = copyBuildFixture('build-jsx');
    const server = await serve(root);
    const page = await open(server, '/plain.html');
    expect(await text(page, '#plain')).toBe('plain module');
    expect(await text(page, '#from-package')).toBe('bundled with preact');
    const served = await (await fetch(new URL('/src/plain.js', server.url))).text();
    expect(served).toBe(readFileSync(path.join(root, 'src/plain.js'), 'utf8'));
  });
});

describe('build config', () => {
  it('stops start-up with one clear line for a broken build option', async () => {
    const root = copyFixture('build-bad-config');
    const { code, stdout, stderr } = await runCli(['serve', root, '--port', '0']);
    expect(code).toBe(1);
    expect(stdout).not.toContain('Local:');
    expect(stderr.trim()).toBe(
      'devpush.config.json: "build.jsx" must be one of "automatic", "transform", found "automatc" (a string).',
    );
  });
});
