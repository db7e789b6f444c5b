import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { saveFile } from '../helpers/build.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

let browser: Browser;
let closeBrowser: () => Promise<void>;
const servers: DevServer[] = [];
const POLL = { timeout: 15_000 };

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

interface Session {
  root: string;
  page: Page;
  /** Documents loaded in the tab so far (1 = no reload since it opened). */
  loads(): number;
  console: string[];
}

/** Serves a fresh copy of the vanilla fixture, opens it, and marks the page so a reload would show. */
async function open(): Promise<Session & { server: DevServer }> {
  const root = copyFixture('hmr-vanilla');
  const server = await createServer({ root, server: { port: 0 }, logLevel: 'silent' });
  servers.push(server);
  await server.watching;
  const page = await browser.newPage();
  const console: string[] = [];
  page.on('console', (message) => console.push(message.text()));
  let loads = 0;
  page.on('load', () => loads++);
  await page.goto(server.url);
  await page.waitForFunction(() => window.__devpush?.state === 'up', undefined, { timeout: 10_000 });
  await expect.poll(() => text(page, '#self'), POLL).toBe('self-1');
  await page.evaluate(() => {
    (window as unknown as { kept: string }).kept = 'page state';
  });
  return { root, page, loads: () => loads, console, server };
}

const text = (page: Page, selector: string) => page.locator(selector).textContent();
const kept = (page: Page) => page.evaluate(() => (window as unknown as { kept?: string }).kept ?? null);

describe('module HMR in Chromium (vanilla TypeScript)', { timeout: 90_000 }, () => {
  it('re-runs a self-accepting module in place: page state kept, data carried, no navigation', async () => {
    const { root, page, loads } = await open();
    expect(await text(page, '#runs')).toBe('1');
    saveFile(
      root,
      'src/self.ts',
      (await import('node:fs')).readFileSync(`${root}/src/self.ts`, 'utf8').replace('self-1', 'self-2'),
    );
    await expect.poll(() => text(page, '#self'), POLL).toBe('self-2');
    expect(await text(page, '#runs')).toBe('2');
    expect(await kept(page)).toBe('page state');
    // Its unchanged import keeps running as it was: not re-run, so not disposed either.
    expect(
      await page.evaluate(() => (window as unknown as { steadyDisposed?: boolean }).steadyDisposed),
    ).toBeUndefined();
    expect(loads()).toBe(1);
  });

  it('runs a save that puts a module back as it was (an undo), in place, though its URL ran before', async () => {
    const { root, page, loads } = await open();
    const fs = await import('node:fs');
    const original = fs.readFileSync(`${root}/src/self.ts`, 'utf8');
    const originalLabel = fs.readFileSync(`${root}/src/label.ts`, 'utf8');
    saveFile(root, 'src/self.ts', original.replace('self-1', 'self-2'));
    await expect.poll(() => text(page, '#self'), POLL).toBe('self-2');
    saveFile(root, 'src/self.ts', original);
    await expect.poll(() => text(page, '#self'), POLL).toBe('self-1');
    expect(await text(page, '#runs')).toBe('3');
    // The same through a boundary: the accepted dep comes back to bytes the page loaded with.
    saveFile(root, 'src/label.ts', "export const label: string = 'label-2';\n");
    await expect.poll(() => text(page, '#dep'), POLL).toBe('label-2');
    saveFile(root, 'src/label.ts', originalLabel);
    await expect.poll(() => text(page, '#dep'), POLL).toBe('label-1');
    expect(await kept(page)).toBe('page state');
    expect(loads()).toBe(1);
  });

  it('hands a change to the importer that accepts it (a boundary), without reloading', async () => {
    const { root, page, loads } = await open();
    saveFile(root, 'src/label.ts', "export const label: string = 'label-2';\n");
    await expect.poll(() => text(page, '#dep'), POLL).toBe('label-2');
    expect(await kept(page)).toBe('page state');
    expect(loads()).toBe(1);
  });

  it('applies modules saved together, each at its boundary (fetched at once), without reloading', async () => {
    const { root, page, loads } = await open();
    const self = (await import('node:fs')).readFileSync(`${root}/src/self.ts`, 'utf8');
    saveFile(root, 'src/label.ts', "export const label: string = 'label-3';\n");
    saveFile(root, 'src/self.ts', self.replace('self-1', 'self-3'));
    await expect.poll(() => text(page, '#self'), POLL).toBe('self-3');
    await expect.poll(() => text(page, '#dep'), POLL).toBe('label-3');
    // Disposed once before its new instance ran: the count it handed over is the one carried.
    expect(await text(page, '#runs')).toBe('2');
    expect(await kept(page)).toBe('page state');
    expect(loads()).toBe(1);
  });

  it('reloads exactly once when no module on the way to the page accepts the change, and says why', async () => {
    const session = await open();
    saveFile(session.root, 'src/plain.ts', "export const plain: string = 'plain-2';\n");
    await expect.poll(() => text(session.page, '#plain'), POLL).toBe('plain-2');
    // The new document's modules can show it before its load event has reached the test.
    await expect.poll(() => session.loads(), POLL).toBe(2);
    expect(await kept(session.page)).toBeNull();
    expect(session.console.some((line) => line.includes('full reload') && line.includes('/src/plain.ts'))).toBe(true);
  });

  it('invalidate() from a module that aliased import.meta.hot propagates to its importers (here: a reload)', async () => {
    const session = await open();
    saveFile(
      session.root,
      'src/invalidating.ts',
      `${(await import('node:fs')).readFileSync(`${session.root}/src/invalidating.ts`, 'utf8')}// edited\n`,
    );
    await expect.poll(() => session.loads(), POLL).toBe(2);
    expect(session.console.some((line) => line.includes('invalidated'))).toBe(true);
  });

  it('runs prune() of a module an update stops importing', async () => {
    const { root, page, loads } = await open();
    saveFile(
      root,
      'src/holder.ts',
      "document.querySelector('#holder')!.textContent = 'alone';\nimport.meta.hot?.accept();\n",
    );
    await expect.poll(() => text(page, '#holder'), POLL).toBe('alone');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.pruned ?? null), POLL).toBe('yes');
    expect(loads()).toBe(1);
  });

  it('shows a syntax error with file:line:column, keeps the last good module, and the fix applies without a reload', async () => {
    const { root, page, loads } = await open();
    saveFile(root, 'src/self.ts', "export const value: string = 'self-2'\nconst = broken;\n");
    const overlay = () =>
      page
        .locator('devpush-overlay .panel')
        .textContent({ timeout: 500 })
        .catch(() => null);
    await expect.poll(overlay, POLL).toContain('src/self.ts:2:');
    expect(await text(page, '#self')).toBe('self-1');
    const fixed = (await import('node:fs')).readFileSync(
      `${process.cwd()}/test/fixtures/hmr-vanilla/src/self.ts`,
      'utf8',
    );
    saveFile(root, 'src/self.ts', fixed.replace('self-1', 'self-3'));
    await expect.poll(() => text(page, '#self'), POLL).toBe('self-3');
    await expect.poll(overlay, POLL).toBeNull();
    expect(loads()).toBe(1);
  });

  it('shows the overlay for a module that throws while re-running, keeps the page, and recovers on the next save', async () => {
    const { root, page, loads } = await open();
    const source = (await import('node:fs')).readFileSync(`${root}/src/self.ts`, 'utf8');
    saveFile(root, 'src/self.ts', `throw new Error('boom in self');\n${source}`);
    const overlay = () =>
      page
        .locator('devpush-overlay .panel')
        .textContent({ timeout: 500 })
        .catch(() => null);
    await expect.poll(overlay, POLL).toContain('/src/self.ts');
    expect(await overlay()).toContain('boom in self');
    saveFile(root, 'src/self.ts', source.replace('self-1', 'self-4'));
    await expect.poll(() => text(page, '#self'), POLL).toBe('self-4');
    await expect.poll(overlay, POLL).toBeNull();
    expect(loads()).toBe(1);
  });

  it("delivers the API's server.send events to import.meta.hot.on listeners", async () => {
    const { page, server } = await open();
    server.send('fixture:ping', { n: 7 });
    await expect.poll(() => text(page, '#event'), POLL).toBe('ping 7');
  });

  it('serves a classic script untouched next to the modules', async () => {
    const { page } = await open();
    expect(await page.evaluate(() => document.documentElement.dataset.classic)).toBe('ran');
  });
});
