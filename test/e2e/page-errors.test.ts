import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import type { Logger } from '../../src/log.js';
import { startDevServer, type DevServer } from '../../src/server/server.js';
import { launchBrowser } from '../helpers/browser.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

// Errors thrown in a page reach the terminal once each, at the user's own source lines; a page throwing
// 10,000 errors neither slows the server nor keeps another page's error from being shown.

const SLOW = { timeout: 20_000, interval: 100 };
let browser: Browser;
let closeBrowser: () => Promise<void>;
let server: DevServer;
const lines: string[] = [];
const pages: Page[] = [];

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
  const root = copyFixture('page-errors');
  const log: Logger = { info: () => {}, warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  server = await startDevServer(
    await resolveConfig({ root, server: { port: 0 }, client: { forwardConsole: true } }),
    log,
  );
});
afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.close()));
});
afterAll(async () => {
  await server?.close();
  await closeBrowser();
  removeTempProjects();
});

async function open(file: string): Promise<Page> {
  const page = await browser.newPage();
  pages.push(page);
  await page.goto(new URL(file, server.url.replace('localhost', '127.0.0.1')).href);
  return page;
}

/** The terminal's text for the error whose first line contains `text`. */
function printed(text: string): string {
  return lines.find((line) => line.split('\n')[0]!.includes(text)) ?? '';
}

describe('browser errors in the terminal', () => {
  test('an error thrown at load: message, page, frames at the TypeScript source, a code frame', async () => {
    await open('throws.html');
    await expect.poll(() => printed('Uncaught Error: boom at load'), SLOW).not.toBe('');
    const text = printed('Uncaught Error: boom at load');
    expect(text).toMatch(/page http:\/\/127\.0\.0\.1:\d+\/throws\.html/);
    expect(text).toContain('at explode (src/explode.ts:2:9)');
    expect(text).toContain('src/throws.ts:4:1');
    expect(text).toContain('>');
    expect(text).toContain('throw new Error(`boom ${when}`);');
    expect(text).not.toContain('throws.ts.bundle');
  });

  test('an unhandled rejection, mapped the same way', async () => {
    await open('rejects.html');
    await expect.poll(() => printed('Unhandled rejection: Error: rejected on purpose'), SLOW).not.toBe('');
    expect(printed('Unhandled rejection: Error: rejected on purpose')).toContain('src/rejects.ts:3:9');
  });

  test('identical repeats are counted, not printed again; console.error is forwarded when asked', async () => {
    const page = await open('index.html');
    await page.waitForFunction(() => window.__devpush?.state === 'up');
    await page.evaluate(() => {
      for (let i = 0; i < 5; i++) setTimeout(() => Promise.reject(new Error('same every time')));
      console.error('forwarded from the page', { answer: 42 });
    });
    await expect.poll(() => lines.filter((line) => line.includes('the same error 4 more times')).length, SLOW).toBe(1);
    expect(lines.filter((line) => line.includes('Unhandled rejection: Error: same every time')).length).toBe(1);
    await expect.poll(() => printed('console.error: forwarded from the page {"answer":42}'), SLOW).not.toBe('');
  });

  test('10,000 errors from one page: a few printed, the rest counted; the server and other pages go on', {
    timeout: 90_000,
  }, async () => {
    const before = lines.length;
    const flood = await open('flood.html');
    const quiet = await open('index.html');
    await quiet.waitForFunction(() => window.__devpush?.state === 'up');
    await flood.waitForSelector('body[data-flooded="10000"]', { state: 'attached', timeout: 30_000 });
    // The server answers while the flood's reports arrive, and a quiet page's error still reaches the terminal.
    expect((await fetch(server.url)).status).toBe(200);
    await quiet.evaluate(() =>
      setTimeout(() => {
        throw new Error('the quiet page broke');
      }),
    );
    await expect.poll(() => printed('Uncaught Error: the quiet page broke'), SLOW).not.toBe('');
    await expect
      .poll(() => lines.slice(before).some((line) => /more errors? from .*flood\.html not shown/.test(line)), SLOW)
      .toBe(true);
    const floodLines = lines.slice(before).filter((line) => /Uncaught Error: flood \d+/.test(line));
    expect(floodLines.length).toBeGreaterThan(0);
    expect(floodLines.length).toBeLessThanOrEqual(40);
    expect(floodLines[0]).toContain('src/flood.ts:5:11');
    const notShown = lines
      .slice(before)
      .map((line) => /([\d,]+) more errors? from .*flood\.html not shown/.exec(line)?.[1])
      .filter((count): count is string => count !== undefined)
      .reduce((sum, count) => sum + Number(count.replace(/,/g, '')), 0);
    await expect.poll(() => floodLines.length + notShown, SLOW).toBeGreaterThan(9000);
  });
});
