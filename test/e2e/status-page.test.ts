import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import type { StatusReport } from '../../src/protocol.js';
import { launchBrowser } from '../helpers/browser.js';
import { REPO_ROOT, removeTempProjects, tempProject } from '../helpers/fixture.js';

// The status page answers "who is connected, on what, and what did they get" for a person, live. The
// screenshot it takes is kept under test/artifacts/ to be looked at.

const SLOW = { timeout: 20_000, interval: 100 };
const ARTIFACTS = path.join(REPO_ROOT, 'test/artifacts');
let browser: Browser;
let closeBrowser: () => Promise<void>;
let server: DevServer;

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
  const root = tempProject({
    'index.html': '<!doctype html><title>First tab</title><link rel="stylesheet" href="style.css"><p>one</p>',
    'second.html': '<!doctype html><title>Second tab</title><p>two</p>',
    'style.css': 'p { color: teal; }',
  });
  server = await createServer({ root, logLevel: 'silent', server: { port: 0 }, channel: { heartbeatMs: 1000 } });
});
afterAll(async () => {
  await server?.close();
  await closeBrowser();
  removeTempProjects();
});

async function statusJson(): Promise<StatusReport> {
  return (await (await fetch(new URL('/__devpush/status', server.url))).json()) as StatusReport;
}

describe('the status page, in Chromium', () => {
  test('lists two open tabs with titles and how they listen, follows a save, drops a closed tab', {
    timeout: 90_000,
  }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const base = server.url.replace('localhost', '127.0.0.1');
    const first = await context.newPage();
    await first.goto(base);
    const second = await context.newPage();
    await second.goto(new URL('second.html', base).href);
    const status = await context.newPage();
    await status.goto(new URL('/__devpush/', base).href);

    const rowOf = (title: string) => status.locator('#clients tr', { hasText: title });
    await expect.poll(() => rowOf('First tab').count(), SLOW).toBe(1);
    await expect.poll(() => rowOf('Second tab').count(), SLOW).toBe(1);
    await expect.poll(() => rowOf('Second tab').textContent(), SLOW).toContain('WebSocket');
    expect(await rowOf('First tab').textContent()).toContain(`${base}`);
    expect(await rowOf('First tab').textContent()).toMatch(/Chrome \d+/);

    server.send('status-test', { n: 1 });
    await expect.poll(() => status.textContent('#chart-legend'), SLOW).toContain('custom');
    await expect.poll(() => rowOf('First tab').textContent(), SLOW).toMatch(/[2-9] messages/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await status.screenshot({ path: path.join(ARTIFACTS, 'status-page.png'), fullPage: true });

    await second.close();
    await expect.poll(() => rowOf('Second tab').count(), SLOW).toBe(0);
    expect(await rowOf('First tab').count()).toBe(1);

    const json = await statusJson();
    const firstTab = json.clients.find((client) => client.title === 'First tab')!;
    expect(firstTab).toMatchObject({ rung: 'websocket', protocol: 'h1', role: 'solo', connected: true });
    expect(firstTab.url).toBe(base);
    expect(json.volume).toHaveLength(60);
    // Summed over the hour: the sends may fall in the minute before the one this report ends in.
    const customSent = json.volume.reduce((sum, minute) => sum + (minute.messages.custom ?? 0), 0);
    expect(customSent).toBeGreaterThanOrEqual(2);
    await context.close();
  });
});
