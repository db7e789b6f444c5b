import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { killAll, startCli, type CliRun } from '../helpers/cli.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

// A small stylesheet's new text rides with its `css` message: the page shows it at once, from a <style>
// standing in for the <link> until the link's new version has loaded (then only the link is left).

let browser: Browser;
let closeBrowser: () => Promise<void>;
const runs: CliRun[] = [];

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
});
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.stop()));
});
afterAll(async () => {
  await closeBrowser();
  killAll();
  removeTempProjects();
});

const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/css/site.css"></head>' +
  '<body><h1 id="title">Hello</h1><div id="box"></div></body></html>';
/** Requests for a swapped file's new version (the client adds `devpush=<version>`). */
const NEW_VERSION = /[?&]devpush=\d+/;

async function openSite(): Promise<{ root: string; page: Page }> {
  const root = tempProject({
    'index.html': PAGE,
    'css/site.css': 'h1 { color: rgb(0, 0, 255); }',
    'css/img/dot.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>',
  });
  const run = await startCli(['serve', root, '--port', '0']);
  runs.push(run);
  const page = await browser.newPage();
  await page.goto(run.url);
  await page.waitForFunction(() => window.__devpush?.state === 'up');
  return { root, page };
}

const styleOf = (page: Page) =>
  page.evaluate(() => ({
    color: getComputedStyle(document.getElementById('title')!).color,
    background: getComputedStyle(document.getElementById('box')!).backgroundImage,
    links: Array.from(document.querySelectorAll('link[rel=stylesheet]')).map((link) => (link as HTMLLinkElement).href),
    interims: document.querySelectorAll('style[data-devpush-interim]').length,
  }));

describe('a small stylesheet saved', () => {
  it('shows before its file is fetched again, with its relative URLs as the link resolves them', async () => {
    const { root, page } = await openSite();
    const held: Route[] = [];
    await page.route(NEW_VERSION, (route) => {
      held.push(route); // the link's new version waits: only the message's text can show the change
    });
    writeFileSync(
      path.join(root, 'css/site.css'),
      'h1 { color: rgb(0, 128, 0); }\n#box { background-image: url(img/dot.svg); }\n',
    );
    await expect.poll(() => held.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await styleOf(page)).color).toBe('rgb(0, 128, 0)');
    const during = await styleOf(page);
    expect(during.background).toContain('/css/img/dot.svg');
    expect(during.interims).toBe(1);
    expect(during.links).toEqual([expect.stringMatching(/\/css\/site\.css$/), expect.stringMatching(NEW_VERSION)]);

    for (const route of held.splice(0)) await route.continue();
    await page.unroute(NEW_VERSION);
    // The link's new version replaces both the old link and the stand-in, and looks the same.
    await expect.poll(async () => (await styleOf(page)).interims).toBe(0);
    expect(await styleOf(page)).toEqual({
      color: 'rgb(0, 128, 0)',
      background: during.background,
      links: [expect.stringMatching(NEW_VERSION)],
      interims: 0,
    });
  });

  it('sends each save once, even when saved again and again', async () => {
    const { root, page } = await openSite();
    const messages: number[] = [];
    await page.exposeFunction('__cssMessage', (version: number) => messages.push(version));
    await page.evaluate(() => {
      const seen = new Set<number>();
      new MutationObserver(() => {
        for (const link of Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel=stylesheet]'))) {
          const version = Number(new URL(link.href).searchParams.get('devpush'));
          if (version && !seen.has(version)) {
            seen.add(version);
            (window as unknown as { __cssMessage(v: number): void }).__cssMessage(version);
          }
        }
      }).observe(document.head, { childList: true });
    });
    for (let n = 1; n <= 5; n++) {
      writeFileSync(path.join(root, 'css/site.css'), `h1 { color: rgb(${n}, 0, 0); }\n`);
      await expect.poll(async () => (await styleOf(page)).color).toBe(`rgb(${n}, 0, 0)`);
      await expect.poll(() => messages.length).toBe(n);
    }
    expect(messages).toEqual([1, 2, 3, 4, 5]);
  });
});
