import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { removeTempProjects } from '../helpers/fixture.js';
import { closeWatchedSites, watchedSite, type WatchedSite } from '../helpers/watch.js';

let browser: Browser;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await closeBrowser();
  removeTempProjects();
});
afterEach(closeWatchedSites);

const page = (title: string) =>
  `<!doctype html><html><head><link rel="stylesheet" href="/a.css"><link rel="stylesheet" href="/b.css"></head>` +
  `<body><h1 id="title">${title}</h1></body></html>`;

/**
 * Opens the page and records, in sessionStorage (which survives a reload of the tab), every stylesheet
 * the client swaps in, and counts the tab's navigations.
 */
async function openRecorded(
  site: WatchedSite,
): Promise<{ tab: Page; navigations: () => number; swaps: () => Promise<number> }> {
  const tab = await browser.newPage();
  let navigations = 0;
  tab.on('framenavigated', (frame) => {
    if (frame === tab.mainFrame()) navigations++;
  });
  await tab.addInitScript(() => {
    new MutationObserver((records) => {
      // The client's swap inserts a clone whose URL carries a `devpush=` version.
      const added = records
        .flatMap((record) => Array.from(record.addedNodes))
        .filter((node) => node instanceof HTMLLinkElement && node.href.includes('devpush='));
      if (added.length)
        sessionStorage.setItem('swaps', String(Number(sessionStorage.getItem('swaps') ?? 0) + added.length));
    }).observe(document, { childList: true, subtree: true });
  });
  await tab.goto(site.base);
  await tab.waitForFunction(() => window.__devpush?.state === 'up');
  navigations = 0;
  return {
    tab,
    navigations: () => navigations,
    swaps: async () => Number(await tab.evaluate(() => sessionStorage.getItem('swaps') ?? 0)),
  };
}

/** Waits until the server has sent every message the saves so far cause, and the tab has applied them. */
async function caughtUp(site: WatchedSite, tab: Page): Promise<void> {
  await site.settle(0);
  const seq = (id: string | null | undefined) => Number(id?.split('.')[1] ?? -1);
  const last = seq(site.settledAt());
  await expect
    .poll(() => tab.evaluate(() => window.__devpush?.cursor).catch(() => null))
    .toSatisfy((cursor) => seq(cursor) >= last);
}

const color = (tab: Page) => tab.$eval('#title', (el) => getComputedStyle(el).color);

describe('bursts in Chromium', () => {
  it('a burst of CSS and HTML saves gives one reload, not a swap followed by a reload', async () => {
    const site = await watchedSite({
      'index.html': page('one'),
      'a.css': 'h1 { color: rgb(1, 1, 1) }',
      'b.css': 'body { margin: 0 }',
    });
    const { tab, navigations, swaps } = await openRecorded(site);
    // "Save all" in an editor, or a checkout: the stylesheets first, then the page.
    writeFileSync(path.join(site.root, 'a.css'), 'h1 { color: rgb(2, 2, 2) }');
    writeFileSync(path.join(site.root, 'b.css'), 'body { margin: 1px }');
    writeFileSync(path.join(site.root, 'index.html'), page('two'));
    await expect.poll(() => tab.textContent('#title').catch(() => null), { timeout: 15_000 }).toBe('two');
    expect(await color(tab)).toBe('rgb(2, 2, 2)');
    await caughtUp(site, tab);
    expect(navigations()).toBe(1);
    expect(await swaps()).toBe(0);
    expect(site.changes().map((m) => m.kind)).toEqual(['reload']);
    await tab.close();
  });

  it('a burst of stylesheets alone is one swap, without a reload', async () => {
    const site = await watchedSite({
      'index.html': page('one'),
      'a.css': 'h1 { color: rgb(1, 1, 1) }',
      'b.css': 'body { margin: 0 }',
    });
    const { tab, navigations, swaps } = await openRecorded(site);
    await tab.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    writeFileSync(path.join(site.root, 'a.css'), 'h1 { color: rgb(3, 3, 3) }');
    writeFileSync(path.join(site.root, 'b.css'), 'body { margin: 2px }');
    await expect.poll(() => color(tab), { timeout: 15_000 }).toBe('rgb(3, 3, 3)');
    await caughtUp(site, tab);
    expect(navigations()).toBe(0);
    // The recorder sees swaps (so its zero in the test above means something).
    expect(await swaps()).toBeGreaterThanOrEqual(1);
    expect(await tab.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect(site.changes()).toMatchObject([{ kind: 'css', paths: expect.arrayContaining(['/a.css', '/b.css']) }]);
    await tab.close();
  });
});
