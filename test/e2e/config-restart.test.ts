import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { killAll, startCli } from '../helpers/cli.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

// Saving devpush.config.* restarts devpush in-process: an open page reconnects and reloads exactly once,
// and says so in one console line for the outage, not one per retry.

const SLOW = { timeout: 20_000, interval: 100 };
let browser: Browser;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await closeBrowser();
  killAll();
  removeTempProjects();
});

describe('saving the config, in Chromium', () => {
  test('the open page reloads once and logs one line for the outage', { timeout: 60_000 }, async () => {
    const root = tempProject({
      'index.html': '<!doctype html><title>Config</title><p>x</p>',
      'devpush.config.json': JSON.stringify({ channel: { heartbeatMs: 15000 } }),
    });
    const run = await startCli(['serve', root, '--port', '0']);
    try {
      const page = await browser.newPage();
      let loads = 0;
      page.on('load', () => loads++);
      const lines: string[] = [];
      page.on('console', (message) => {
        if (message.text().startsWith('[devpush]')) lines.push(message.text());
      });
      await page.goto(run.url);
      await page.waitForFunction(() => window.__devpush?.state === 'up');
      const before = await page.evaluate(() => window.__devpush?.pageId);

      writeFileSync(path.join(root, 'devpush.config.json'), JSON.stringify({ channel: { heartbeatMs: 5000 } }));
      await expect.poll(() => run.output(), SLOW).toContain('restarted in');
      await expect.poll(() => loads, SLOW).toBe(2);
      await page.waitForFunction(() => window.__devpush?.state === 'up');
      expect(await page.evaluate(() => window.__devpush?.pageId)).not.toBe(before);
      expect(lines.filter((line) => line.includes('lost the connection')).length).toBeLessThanOrEqual(1);
      expect(loads).toBe(2);
      await page.close();
    } finally {
      await run.stop();
    }
  });
});
