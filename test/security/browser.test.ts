import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DevServer } from '../../src/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { fetchToken } from '../helpers/channel.js';
import { hostileProject, PUBLIC, startHostile } from './project.js';

// The same attacks from a real Chromium, with the headers a browser really sends (Origin, Sec-Fetch-*):
// a page on a foreign site that even holds the channel token, and a DNS-rebinding name that resolves
// to 127.0.0.1 (simulated with --host-resolver-rules).

let project: ReturnType<typeof hostileProject>;
let server: DevServer;
let attacker: Server;
let attackerPort: number;
let browser: Browser;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  project = hostileProject();
  server = await startHostile(project.root);
  attacker = createHttpServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>attacker</title><p>an ordinary site on the web</p>');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
  ({ browser, close: closeBrowser } = await launchBrowser([
    '--host-resolver-rules=MAP attacker.example 127.0.0.1, MAP rebind.example 127.0.0.1',
  ]));
});

afterAll(async () => {
  await closeBrowser?.();
  await new Promise((resolve) => attacker?.close(resolve));
  await server?.close();
  project?.remove();
});

interface AttackResults {
  fetchCors: string;
  fetchNoCors: string;
  classicScript: string;
  moduleScript: string;
  image: string;
  webSocket: string;
  eventSource: string;
  streamFetch: string;
  pollFetch: string;
}

test('a page on a foreign site, even holding the token, reads nothing and joins no rung', async () => {
  const token = await fetchToken(`http://127.0.0.1:${server.port}/`);
  const page = await browser.newPage();
  await page.goto(`http://attacker.example:${attackerPort}/`);
  const results = await page.evaluate(
    async ({ port, token }): Promise<AttackResults> => {
      const base = `http://localhost:${port}`;
      const settle = <T>(promise: Promise<T>, ms = 5000) =>
        Promise.race([promise, new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), ms))]);
      const fetchText = (url: string, init?: RequestInit) =>
        fetch(url, init).then(
          async (response) => `read ${response.type} ${response.status}: ${await response.text()}`,
          () => 'refused',
        );
      const load = (tag: 'script' | 'img', src: string, module = false) =>
        new Promise<string>((resolve) => {
          const element = document.createElement(tag);
          if (module) (element as HTMLScriptElement).type = 'module';
          element.onload = () => resolve('loaded');
          element.onerror = () => resolve('error');
          element.setAttribute('src', src);
          document.body.append(element);
        });
      const webSocket = new Promise<string>((resolve) => {
        const socket = new WebSocket(`ws://localhost:${port}/__devpush/websocket?t=${token}`);
        socket.onopen = () => resolve('open');
        socket.onmessage = (event) => resolve(`message ${String(event.data)}`);
        socket.onclose = (event) => resolve(`closed ${event.code}`);
      });
      const eventSource = new Promise<string>((resolve) => {
        const source = new EventSource(`${base}/__devpush/sse?t=${token}`);
        source.onmessage = (event) => resolve(`message ${String(event.data)}`);
        source.onerror = () => {
          resolve(`error, readyState ${source.readyState}`);
          source.close();
        };
      });
      return {
        fetchCors: await settle(fetchText(`${base}/app.js`)),
        fetchNoCors: await settle(fetchText(`${base}/app.js`, { mode: 'no-cors' })),
        classicScript: await settle(load('script', `${base}/__devpush/client.js`)),
        moduleScript: await settle(load('script', `${base}/app.js`, true)),
        image: await settle(load('img', `${base}/index.html`)),
        webSocket: await settle(webSocket),
        eventSource: await settle(eventSource),
        streamFetch: await settle(fetchText(`${base}/__devpush/stream?t=${token}`)),
        pollFetch: await settle(fetchText(`${base}/__devpush/poll?t=${token}`)),
      };
    },
    { port: server.port, token },
  );
  expect(results).toEqual({
    fetchCors: 'refused',
    // Refused by devpush, and Cross-Origin-Resource-Policy makes the browser drop even the opaque answer.
    fetchNoCors: 'refused',
    classicScript: 'error',
    moduleScript: 'error',
    image: 'error',
    webSocket: 'closed 1006',
    eventSource: 'error, readyState 2',
    streamFetch: 'refused',
    pollFetch: 'refused',
  });
  expect(JSON.stringify(results)).not.toContain(PUBLIC);
  // Not one of those requests became a channel client.
  const totals = Object.values(server.stats().transports).map((rung) => rung.total);
  expect(totals.every((total) => total === 0)).toBe(true);
  await page.close();
});

test('DNS rebinding: a name that resolves to 127.0.0.1 gets a 403, not the project', async () => {
  const page = await browser.newPage();
  const response = await page.goto(`http://rebind.example:${server.port}/`);
  expect(response?.status()).toBe(403);
  const text = await page.textContent('body');
  expect(text).toContain('Refused: unknown Host header');
  expect(text).not.toContain(PUBLIC);
  const script = await page.goto(`http://rebind.example:${server.port}/__devpush/client.js`);
  expect(script?.status()).toBe(403);
  await page.close();
});

describe('after the attacks', () => {
  test("the project's own page still loads and goes live", async () => {
    const page = await browser.newPage();
    await page.goto(`http://localhost:${server.port}/`);
    expect(await page.title()).toBe(PUBLIC);
    await expect.poll(() => server.stats().transports.websocket.connected, { timeout: 15_000 }).toBeGreaterThan(0);
    await page.close();
  });
});
