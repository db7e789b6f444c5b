// The ladder in real Chromium, behind the fault proxy: for each broken network the page ends up on the
// rung that works there, and a save still reaches it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import type { TransportName } from '../../src/protocol.js';
import { launchBrowser } from '../helpers/browser.js';
import { startFaultProxy, type FaultProxy, type Faults } from '../helpers/fault-proxy.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

const SLOW = { timeout: 20_000 };
let browser: Browser;
let closeBrowser: () => Promise<void>;
let server: DevServer | null = null;
let proxy: FaultProxy | null = null;
let root: string;

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
});
afterEach(async () => {
  await proxy?.close();
  await server?.close();
  proxy = server = null;
});
afterAll(async () => {
  await closeBrowser();
  removeTempProjects();
});

async function serve(
  faults: Faults,
  channel: { heartbeatMs?: number; transports?: TransportName[] } = {},
): Promise<FaultProxy> {
  root = copyFixture('site');
  server = await createServer({ root, configFile: false, server: { port: 0 }, channel, logLevel: 'silent' });
  await server.watching;
  proxy = await startFaultProxy(`http://127.0.0.1:${server.port}/`, faults);
  return proxy;
}

const state = (page: Page) =>
  page.evaluate(() => ({ state: window.__devpush?.state, transport: window.__devpush?.transport }));
const titleColor = (page: Page) => page.$eval('#title', (el) => getComputedStyle(el).color);

async function openOn(url: string, rung: TransportName): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await expect.poll(() => state(page), SLOW).toEqual({ state: 'up', transport: rung });
  return page;
}

/** Saves style.css with a new colour and waits until the page shows it, without a reload. */
async function saveReachesPage(page: Page, rgb: string): Promise<void> {
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  writeFileSync(path.join(root, 'style.css'), `h1 { color: ${rgb}; }`);
  await expect.poll(() => titleColor(page), SLOW).toBe(rgb);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
}

describe('the ladder behind a broken network, in Chromium', () => {
  const scenarios: [string, Faults, TransportName][] = [
    ['a clean network', {}, 'websocket'],
    ['a proxy that refuses the upgrade', { upgrade: 'refuse' }, 'sse'],
    ['a proxy that accepts the upgrade and holds every frame', { upgrade: 'hold' }, 'sse'],
    ['a proxy that buffers whole responses and refuses upgrades', { upgrade: 'refuse', buffer: true }, 'poll'],
    ['a proxy that buffers whole responses and holds upgrades', { upgrade: 'hold', buffer: true }, 'poll'],
  ];
  it.each(scenarios)('%s: ends on the rung that works, and a save reaches the page', async (_name, faults, rung) => {
    const { url } = await serve(faults);
    const page = await openOn(url, rung);
    await saveReachesPage(page, 'rgb(0, 128, 0)');
    await page.close();
  });

  it('a proxy that cuts connections idle for less than a heartbeat: no save is lost', async () => {
    const { url } = await serve({ idleCutMs: 1200 }, { heartbeatMs: 2000 });
    const page = await openOn(url, 'websocket');
    const reconnects = () => Object.values(server!.stats().transports).reduce((sum, t) => sum + t.reconnects, 0);
    for (const rgb of ['rgb(1, 2, 3)', 'rgb(4, 5, 6)', 'rgb(7, 8, 9)']) {
      // Each save comes after one more cut (the page may come back on any rung: nothing may be lost).
      const before = reconnects();
      await expect.poll(reconnects, SLOW).toBeGreaterThan(before);
      await saveReachesPage(page, rgb);
    }
    await page.close();
  });

  it('moves back up to WebSocket once the network lets it through again', async () => {
    const proxy = await serve({ upgrade: 'refuse' }, { heartbeatMs: 1000 });
    const page = await openOn(proxy.url, 'sse');
    proxy.set({});
    await expect.poll(() => state(page), SLOW).toEqual({ state: 'up', transport: 'websocket' });
    await expect.poll(() => server!.stats().transports.sse.connected, SLOW).toBe(0);
    await saveReachesPage(page, 'rgb(0, 1, 0)');
    await page.close();
  });

  it('the stream rung, where it is the best one offered', async () => {
    const { url } = await serve({}, { transports: ['stream', 'poll'] });
    const page = await openOn(url, 'stream');
    await saveReachesPage(page, 'rgb(0, 0, 1)');
    await page.close();
  });

  it('502 for a while (a restart behind a reverse proxy): the page comes back on an HTTP rung, unreloaded, and the save made meanwhile arrives', async () => {
    const proxy = await serve({ upgrade: 'refuse' });
    const page = await openOn(proxy.url, 'sse');
    proxy.set({ upgrade: 'refuse', badGateway: true });
    proxy.cutAll();
    await expect.poll(() => state(page), SLOW).toMatchObject({ state: 'down' });
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    writeFileSync(path.join(root, 'style.css'), 'h1 { color: rgb(9, 9, 9); }');
    await expect.poll(() => server!.stats().seq, SLOW).toBeGreaterThan(0);
    proxy.set({ upgrade: 'refuse' });
    await expect.poll(() => titleColor(page), SLOW).toBe('rgb(9, 9, 9)');
    // While every request gets a 502 the page walks the ladder round after round; whichever HTTP rung it is
    // trying when the 502s stop comes up first (usually sse; stream or poll when sse's attempt had just
    // failed), and it climbs back later, on the better-rung schedule (about a minute). WebSocket stays refused.
    const { state: now, transport } = await state(page);
    expect(now).toBe('up');
    expect(['sse', 'stream', 'poll']).toContain(transport);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    await page.close();
  });
});

describe('a server restart, in Chromium', () => {
  it.each<[string, TransportName[]]>([
    ['websocket', ['websocket', 'sse', 'stream', 'poll']],
    ['sse', ['sse', 'poll']],
  ])('reloads a page on %s exactly once, and the new page is live', async (rung, transports) => {
    root = copyFixture('site');
    const options = {
      root,
      configFile: false as const,
      channel: { transports, heartbeatMs: 2000 },
      logLevel: 'silent' as const,
    };
    server = await createServer({ ...options, server: { port: 0 } });
    const port = server.port;
    const page = await openOn(`http://127.0.0.1:${port}/`, rung as TransportName);
    let loads = 0;
    page.on('load', () => loads++);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

    await server.close();
    await expect.poll(() => state(page), SLOW).toMatchObject({ state: 'down' });
    server = await createServer({ ...options, server: { port, strictPort: true } });

    await expect
      .poll(() => page.evaluate(() => (window as unknown as { marker?: number }).marker ?? null), SLOW)
      .toBeNull();
    await expect.poll(() => state(page), SLOW).toEqual({ state: 'up', transport: rung });
    await saveReachesPage(page, 'rgb(3, 2, 1)');
    expect(loads).toBe(1);
    await page.close();
  });
});

describe('tabs sharing one connection, in Chromium', () => {
  it.each<TransportName>(['sse', 'stream', 'poll'])('eight tabs on the %s rung all receive a change', async (rung) => {
    const { url } = await serve({}, { transports: [rung] });
    const context = await browser.newContext();
    const pages: Page[] = [];
    for (let i = 0; i < 8; i++) {
      const page = await context.newPage();
      await page.goto(url);
      pages.push(page);
    }
    for (const page of pages) await expect.poll(() => state(page), SLOW).toEqual({ state: 'up', transport: rung });
    // One tab leads and the others live on its relay: far fewer connections than tabs.
    const sharing = await Promise.all(pages.map((page) => page.evaluate(() => window.__devpush?.sharing)));
    expect(sharing.filter((role) => role === 'leader')).toHaveLength(1);
    writeFileSync(path.join(root, 'style.css'), 'h1 { color: rgb(8, 8, 8); }');
    for (const page of pages) await expect.poll(() => titleColor(page), SLOW).toBe('rgb(8, 8, 8)');
    await context.close();
  });

  it('a tab that joins while changes are sent gets each one exactly once, as the leader does', async () => {
    const { url } = await serve({}, { transports: ['sse'] });
    const context = await browser.newContext();
    // Every tab records the custom events it applies, from before its client runs.
    await context.addInitScript(() => {
      const seen: unknown[] = [];
      (window as unknown as { seen: unknown[] }).seen = seen;
      window.addEventListener('devpush:custom', (event) =>
        seen.push((event as CustomEvent<{ data: unknown }>).detail.data),
      );
    });
    const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: unknown[] }).seen);
    const leader = await context.newPage();
    await leader.goto(url);
    await expect.poll(() => leader.evaluate(() => window.__devpush?.sharing), SLOW).toBe('leader');

    // The joining tab's page is served first; its client only runs after a change was sent.
    const joiner = await context.newPage();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await joiner.route('**/__devpush/client.js*', async (route) => {
      await held;
      await route.continue();
    });
    const loaded = joiner.goto(url);
    await expect.poll(() => server!.stats().seq === 0 && joiner.url() === url, SLOW).toBe(true);
    server!.send('join', 'before');
    release();
    await loaded;
    await expect.poll(() => joiner.evaluate(() => window.__devpush?.sharing), SLOW).toBe('follower');
    server!.send('join', 'after');
    await expect.poll(() => seen(joiner), SLOW).toEqual(['before', 'after']);
    await expect.poll(() => seen(leader), SLOW).toEqual(['before', 'after']);
    await context.close();
  });

  it('a follower takes the lead when the leading tab closes, and nothing is lost', async () => {
    const { url } = await serve({}, { transports: ['sse'] });
    const context = await browser.newContext();
    const leader = await context.newPage();
    await leader.goto(url);
    await expect.poll(() => leader.evaluate(() => window.__devpush?.sharing), SLOW).toBe('leader');
    const follower = await context.newPage();
    await follower.goto(url);
    await expect.poll(() => follower.evaluate(() => window.__devpush?.sharing), SLOW).toBe('follower');
    await expect.poll(() => server!.stats().transports.sse.connected, SLOW).toBe(1);
    await leader.close();
    writeFileSync(path.join(root, 'style.css'), 'h1 { color: rgb(7, 7, 7); }');
    await expect.poll(() => titleColor(follower), SLOW).toBe('rgb(7, 7, 7)');
    expect(await follower.evaluate(() => window.__devpush?.sharing)).toBe('leader');
    await context.close();
  });
});

describe('the live status page, in Chromium', () => {
  it('shows the channel and follows it live', async () => {
    const { url } = await serve({ upgrade: 'refuse' });
    const page = await browser.newPage();
    await page.goto(new URL('/__devpush/', url).href);
    await expect.poll(() => page.textContent('#state'), SLOW).toBe('connected (Server-Sent Events)');
    await expect.poll(() => page.textContent('#rungs tr[data-rung="sse"] td:nth-child(2)'), SLOW).toBe('1');
    server!.send('status-page', 1);
    const seq = server!.stats().seq;
    await expect.poll(() => page.textContent('#run'), SLOW).toContain(`${seq} change message${seq === 1 ? '' : 's'}`);
    await expect.poll(() => page.textContent('#chart-legend'), SLOW).toContain('custom');
    await page.close();
  });
});
