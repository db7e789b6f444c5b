import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { gotoConnected, launchBrowser } from '../helpers/browser.js';
import { saveFile } from '../helpers/build.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

// A TodoMVC app as people write one in vanilla TypeScript (a store on localStorage, hash routes for the
// filters, one stylesheet imported by the entry), served unchanged. One browser and one server for the
// file; each test opens its own page (its own browser context: its own localStorage).
const POLL = { timeout: 15_000 };
let browser: Browser;
let closeBrowser: () => Promise<void>;
let server: DevServer;
let root: string;
const pages: Page[] = [];

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
  root = copyFixture('vite-todomvc');
  server = await createServer({ root, server: { port: 0 }, logLevel: 'silent' });
  await server.watching;
});
afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.context().close()));
});
afterAll(async () => {
  await server?.close();
  await closeBrowser?.();
  removeTempProjects();
});

async function open(hash = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext()).newPage();
  pages.push(page);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await gotoConnected(page, new URL(`/${hash}`, server.url).href);
  return { page, errors };
}

async function add(page: Page, ...titles: string[]): Promise<void> {
  for (const title of titles) {
    await page.fill('.new-todo', title);
    await page.press('.new-todo', 'Enter');
  }
}

const titles = (page: Page) => page.locator('.todo-list li label').allTextContents();
const count = (page: Page) => page.locator('.todo-count').textContent();

describe('a TodoMVC app in vanilla TypeScript, unchanged', () => {
  it('adds, toggles and filters by hash route, styled by its stylesheet', async () => {
    const { page, errors } = await open();
    expect(await page.locator('.todoapp h1').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(184, 63, 69)');
    await add(page, 'Buy milk', 'Walk the dog', 'Write tests');
    expect(await titles(page)).toEqual(['Buy milk', 'Walk the dog', 'Write tests']);
    await page.locator('.todo-list li').nth(1).locator('.toggle').check();
    expect(await count(page)).toBe('2 items left');
    expect(
      await page.locator('.todo-list li.completed label').evaluate((el) => getComputedStyle(el).textDecorationLine),
    ).toBe('line-through');
    await page.click('.filters a[href="#/active"]');
    await expect.poll(() => titles(page)).toEqual(['Buy milk', 'Write tests']);
    expect(page.url()).toMatch(/#\/active$/);
    await page.click('.filters a[href="#/completed"]');
    await expect.poll(() => titles(page)).toEqual(['Walk the dog']);
    await page.goBack();
    await expect.poll(() => titles(page)).toEqual(['Buy milk', 'Write tests']);
    expect(errors).toEqual([]);
  });

  it('keeps its todos in localStorage across a reload, on the route it was on', async () => {
    const { page } = await open('#/completed');
    await add(page, 'Stay', 'Done');
    await page.locator('.filters a[href="#/"]').click();
    await page.locator('.todo-list li').nth(1).locator('.toggle').check();
    await page.click('.filters a[href="#/completed"]');
    await page.reload();
    await expect.poll(() => titles(page), POLL).toEqual(['Done']);
    expect(await count(page)).toBe('1 item left');
    expect(await page.locator('.filters a.selected').textContent()).toBe('Completed');
  });

  it('swaps the stylesheet on save with the todos still on the page, and reloads for a script nothing accepts', async () => {
    const { page } = await open();
    await add(page, 'Survive the save');
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    const css = readFileSync(path.join(root, 'src/app.css'), 'utf8');
    saveFile(root, 'src/app.css', css.replace('color: rgb(184, 63, 69);', 'color: rgb(0, 128, 0);'));
    await expect
      .poll(() => page.locator('.todoapp h1').evaluate((el) => getComputedStyle(el).color), POLL)
      .toBe('rgb(0, 128, 0)');
    expect(await page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await titles(page)).toEqual(['Survive the save']);
    // view.ts has no import.meta.hot: its save reloads the page, and the store brings the todo back.
    const view = readFileSync(path.join(root, 'src/view.ts'), 'utf8');
    saveFile(root, 'src/view.ts', view.replace("left === 1 ? 'item' : 'items'", "left === 1 ? 'todo' : 'todos'"));
    await expect.poll(() => count(page), POLL).toBe('1 todo left');
    expect(await page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBeUndefined();
    expect(await titles(page)).toEqual(['Survive the save']);
  });
});
