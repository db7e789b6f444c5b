import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import type { TransportName } from '../../src/protocol.js';
import { launchBrowser } from '../helpers/browser.js';
import { saveFile } from '../helpers/build.js';
import { type Faults, type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

// HMR on the HTTP rungs: the vanilla app behind a proxy that blocks WebSocket, one server and one browser
// for the file. Updates are ordinary ring messages, so they ride SSE and long polling and are replayed
// after a cut like any other message.

const POLL = { timeout: 30_000 };
/** Refused upgrades: the client settles on SSE. Buffered responses too: only long polling gets through. */
const RUNGS: Array<[TransportName, Faults]> = [
  ['sse', { upgrade: 'refuse' }],
  ['poll', { upgrade: 'refuse', buffer: true }],
];

let browser: Browser;
let closeBrowser: () => Promise<void>;
let server: DevServer;
let root: string;
const proxies = new Map<TransportName, FaultProxy>();

beforeAll(async () => {
  ({ browser, close: closeBrowser } = await launchBrowser());
  root = copyFixture('vanilla-app');
  server = await createServer({ root, server: { port: 0 }, logLevel: 'silent' });
  await server.watching;
  for (const [rung, faults] of RUNGS) proxies.set(rung, await startFaultProxy(server.url, faults));
});
afterAll(async () => {
  await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
  await server?.close();
  await closeBrowser?.();
  removeTempProjects();
});

interface Session {
  page: Page;
  /** Documents loaded in the tab so far (1: no reload since it opened). */
  loads(): number;
}

const channel = (page: Page) =>
  page.evaluate(() => ({ state: window.__devpush?.state, rung: window.__devpush?.transport }));
const text = (page: Page, selector: string) => page.locator(selector).textContent();

async function open(rung: TransportName): Promise<Session> {
  const page = await browser.newPage();
  let loads = 0;
  page.on('load', () => loads++);
  await page.goto(proxies.get(rung)!.url);
  // Called from beforeAll, where expect.poll is not available: the page waits for itself.
  await page.waitForFunction(
    (want) => window.__devpush?.state === 'up' && window.__devpush.transport === want,
    rung,
    POLL,
  );
  await page.waitForFunction(() => /\d$/.test(document.querySelector('#counter')?.textContent ?? ''), undefined, POLL);
  return { page, loads: () => loads };
}

function edit(file: string, change: (source: string) => string): void {
  saveFile(root, file, change(readFileSync(path.join(root, file), 'utf8')));
}

/** The counter's label, whatever earlier tests made it. */
function relabel(label: string): void {
  edit('src/counter.ts', (source) => source.replace(/const label = '[^']*';/, `const label = '${label}';`));
}

describe.each(RUNGS)('HMR over the %s rung behind a proxy that blocks WebSocket', (rung) => {
  // One tab for the three tests: it must never reload.
  let session: Session;
  beforeAll(async () => {
    session = await open(rung);
  });
  afterAll(async () => {
    await session?.page.close();
  });

  it('re-runs a self-accepting module in place: its count is kept, the page is not reloaded', async () => {
    const { page, loads } = session;
    await page.click('#counter');
    await page.click('#counter');
    await expect.poll(() => text(page, '#counter'), POLL).toMatch(/ 2$/);
    relabel(`${rung} clicks`);
    await expect.poll(() => text(page, '#counter'), POLL).toBe(`${rung} clicks 2`);
    // The new version's listener counts on from the kept state; the old one is gone (one step per click).
    await page.click('#counter');
    await expect.poll(() => text(page, '#counter'), POLL).toBe(`${rung} clicks 3`);
    expect(loads()).toBe(1);
  });

  it('swaps a stylesheet imported from a module in place', async () => {
    const { page, loads } = session;
    const color = rung === 'sse' ? 'rgb(1, 2, 3)' : 'rgb(4, 5, 6)';
    edit('src/style.css', (source) => source.replace(/color: [^;]+;/, `color: ${color};`));
    await expect
      .poll(() => page.evaluate(() => getComputedStyle(document.querySelector('#title')!).color), POLL)
      .toBe(color);
    expect(loads()).toBe(1);
  });

  it('replays the updates missed during a cut once each, in order', async () => {
    const { page, loads } = session;
    const proxy = proxies.get(rung)!;
    // Every text the banner and the counter are given, duplicates included (a module run twice shows twice).
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      for (const id of ['banner', 'counter']) {
        const element = document.getElementById(id)!;
        new MutationObserver(() => seen.push(`${id}: ${element.textContent}`)).observe(element, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      }
    });
    const count = (await text(page, '#counter'))?.match(/(\d+)$/)?.[1];
    proxy.set({ ...RUNGS.find(([name]) => name === rung)![1], badGateway: true });
    proxy.cutAll();
    await expect.poll(async () => (await channel(page)).state, POLL).not.toBe('up');
    const before = server.stats().seq;
    edit('src/banner.ts', (source) =>
      source.replace(/const banner: string = '[^']*';/, `const banner: string = '${rung} two';`),
    );
    await expect.poll(() => server.stats().seq, POLL).toBe(before + 1);
    relabel(`${rung} after the cut`);
    await expect.poll(() => server.stats().seq, POLL).toBe(before + 2);
    proxy.set(RUNGS.find(([name]) => name === rung)![1]);
    await expect.poll(() => text(page, '#counter'), POLL).toBe(`${rung} after the cut ${count}`);
    // One more update after the replay: anything replayed twice would have arrived before it.
    edit('src/banner.ts', (source) =>
      source.replace(/const banner: string = '[^']*';/, `const banner: string = '${rung} three';`),
    );
    await expect.poll(() => text(page, '#banner'), POLL).toBe(`${rung} three`);
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([
      `banner: ${rung} two`,
      `counter: ${rung} after the cut ${count}`,
      `banner: ${rung} three`,
    ]);
    expect(loads()).toBe(1);
  });
});
