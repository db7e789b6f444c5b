import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { copyAppFixture } from '../helpers/app-fixture.js';
import { launchBrowser } from '../helpers/browser.js';
import { saveFile } from '../helpers/build.js';
import { removeTempProjects } from '../helpers/fixture.js';

// The React + TypeScript app (Vite's react-ts template, with real react, react-dom and react-refresh from
// devpush's devDependencies) in one tab for the whole file: every test edits it as a person would and
// checks the count clicked up before the edit is still there, and that the tab never reloaded.

const POLL = { timeout: 30_000 };

let browser: Browser;
let closeBrowser: () => Promise<void>;
let server: DevServer;
let root: string;
let page: Page;
let loads = 0;
const logged: string[] = [];

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
  root = copyAppFixture('react-app');
  server = await createServer({ root, server: { port: 0 }, logLevel: 'silent' });
  await server.watching;
  page = await browser.newPage();
  page.on('load', () => loads++);
  page.on('console', (message) => logged.push(message.text()));
  await page.goto(server.url);
  await page.waitForFunction(() => window.__devpush?.state === 'up', undefined, POLL);
  await page.waitForSelector('#counter', POLL);
  // The first page pre-bundles react and react-dom: seconds on a loaded machine.
}, 120_000);
afterAll(async () => {
  await page?.close();
  await server?.close();
  await closeBrowser?.();
  removeTempProjects();
});

const text = (selector: string) => page.locator(selector).textContent();
const colorOf = (selector: string) =>
  page.evaluate((s) => getComputedStyle(document.querySelector(s)!).color, selector);

function edit(file: string, from: string | RegExp, to: string): void {
  const source = readFileSync(path.join(root, file), 'utf8');
  const next = source.replace(from, to);
  if (next === source) throw new Error(`${file} has no ${from}`);
  saveFile(root, file, next);
}

/**
 * Clicks the counter up by `times` and returns the count it shows. Under the error overlay (which covers
 * the page) the click is dispatched to the button itself.
 */
async function clickUp(times: number, underOverlay = false): Promise<number> {
  const before = Number((await text('#counter'))?.match(/(\d+)$/)?.[1]);
  for (let i = 0; i < times; i++) {
    if (underOverlay) await page.locator('#counter').dispatchEvent('click');
    else await page.click('#counter');
  }
  await expect.poll(() => text('#counter'), POLL).toBe(`count is ${before + times}`);
  return before + times;
}

const overlayText = () =>
  page
    .locator('devpush-overlay .panel')
    .textContent({ timeout: 200 })
    .catch(() => null);

describe('React Fast Refresh in Chromium', () => {
  it('re-renders an edited component with its useState state kept', async () => {
    const count = await clickUp(3);
    edit('src/App.tsx', 'Vite + React', 'Edited by a test');
    await expect.poll(() => text('#title'), POLL).toBe('Edited by a test');
    expect(await text('#counter')).toBe(`count is ${count}`);
    expect(loads).toBe(1);
  });

  it('hands the edit of a file that also exports a value to its importer, still keeping state', async () => {
    const count = await clickUp(1);
    edit('src/Greeting.tsx', "export const greeting = 'Hello';", "export const greeting = 'Welcome';");
    await expect.poll(() => text('#greeting'), POLL).toBe('Welcome, reader');
    expect(await text('#counter')).toBe(`count is ${count}`);
    expect(logged.some((line) => line.includes('/src/Greeting.tsx') && line.includes('greeting'))).toBe(true);
    expect(loads).toBe(1);
  });

  it('remounts a component whose hooks changed: its state starts over, the page does not reload', async () => {
    await clickUp(2);
    edit(
      'src/App.tsx',
      'const [count, setCount] = useState(0);',
      'const [count, setCount] = useState(0);\n  const [shown] = useState(true);',
    );
    await expect.poll(() => text('#counter'), POLL).toBe('count is 0');
    expect(loads).toBe(1);
  });

  it('swaps a stylesheet imported from a component in place: the same <style>, new rules', async () => {
    const count = await clickUp(1);
    await page.evaluate(() => {
      const style = document.querySelector('style[data-devpush-style="/src/App.css"]') as HTMLStyleElement & {
        mark?: string;
      };
      style.mark = 'the same element';
    });
    const fetched: string[] = [];
    const onRequest = (request: { url(): string }) => {
      if (request.url().includes('/src/App.css')) fetched.push(request.url());
    };
    page.on('request', onRequest);
    edit('src/App.css', 'rgb(100, 108, 255)', 'rgb(0, 128, 0)');
    await expect.poll(() => colorOf('#title'), POLL).toBe('rgb(0, 128, 0)');
    page.off('request', onRequest);
    // The new rules came with the update message: the stylesheet was not fetched again.
    expect(fetched).toEqual([]);
    const mark = await page.evaluate(
      () =>
        (document.querySelector('style[data-devpush-style="/src/App.css"]') as HTMLStyleElement & { mark?: string })
          .mark,
    );
    expect(mark).toBe('the same element');
    expect(await text('#counter')).toBe(`count is ${count}`);
    expect(loads).toBe(1);
  });

  it('swaps a CSS module: new rules under the same class names, and renamed classes reach the component', async () => {
    const count = await clickUp(1);
    edit('src/Card.module.css', 'rgb(10, 20, 30)', 'rgb(200, 0, 0)');
    await expect.poll(() => colorOf('#card h2'), POLL).toBe('rgb(200, 0, 0)');
    edit('src/Card.module.css', '.label {', '.heading {');
    edit('src/Card.tsx', 'styles.label', 'styles.heading');
    await expect.poll(() => page.locator('#card h2').getAttribute('class'), POLL).toMatch(/heading/);
    await expect.poll(() => colorOf('#card h2'), POLL).toBe('rgb(200, 0, 0)');
    expect(await text('#counter')).toBe(`count is ${count}`);
    expect(loads).toBe(1);
  });

  it('shows a syntax error at file:line:column with a frame, keeps the running app, and the fix applies in place', async () => {
    const count = await clickUp(1);
    edit('src/App.tsx', '<h1 id="title">', '<h1 id="title" =>');
    await expect.poll(overlayText, POLL).toMatch(/src\/App\.tsx:\d+:\d+/);
    expect(await overlayText()).toContain('<h1 id="title" =>');
    // The last good version keeps running.
    const still = await clickUp(1, true);
    expect(still).toBe(count + 1);
    edit('src/App.tsx', /<h1 id="title" =>[^<]*<\/h1>/, '<h1 id="title">Fixed</h1>');
    await expect.poll(() => text('#title'), POLL).toBe('Fixed');
    await expect.poll(overlayText, POLL).toBeNull();
    expect(await text('#counter')).toBe(`count is ${still}`);
    expect(loads).toBe(1);
  });

  it('refreshes in place on a page whose entry is plain .ts that loads react-dom first', async () => {
    const plain = await browser.newPage();
    let plainLoads = 0;
    plain.on('load', () => plainLoads++);
    try {
      await plain.goto(new URL('/plain-entry.html', server.url).href);
      await plain.waitForFunction(() => window.__devpush?.state === 'up', undefined, POLL);
      for (let i = 0; i < 2; i++) await plain.click('#counter');
      await expect.poll(() => plain.locator('#counter').textContent(), POLL).toBe('count is 2');
      edit('src/App.tsx', /<h1 id="title">[^<]*<\/h1>/, '<h1 id="title">From a .ts entry</h1>');
      await expect.poll(() => plain.locator('#title').textContent(), POLL).toBe('From a .ts entry');
      expect(await plain.locator('#counter').textContent()).toBe('count is 2');
      expect(plainLoads).toBe(1);
    } finally {
      await plain.close();
    }
  });

  it('reloads once for an edit of main.tsx, which nothing accepts (it renders the root)', async () => {
    edit('src/main.tsx', '<App />', '<App />\n    <p id="reloaded">reloaded</p>');
    await expect.poll(() => loads, POLL).toBe(2);
    await expect.poll(() => text('#reloaded'), POLL).toBe('reloaded');
    expect(await text('#counter')).toBe('count is 0');
  });
});
