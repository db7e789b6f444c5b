import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { type ServerMessage, TRANSPORT_NAMES } from '../../src/protocol.js';
import { fetchToken } from '../helpers/channel.js';
import { ChaosClient } from '../helpers/chaos-client.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';
import { WsProbe } from '../helpers/rung-probe.js';

// Exactly once under chaos: a proxy cuts every connection at random moments (50–500 ms apart) while
// the server pushes 1,000 custom messages and some file changes. Each rung's client gets every
// message once, in order, and reloads only when the server restarts (once).

const MESSAGES = 1000;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  removeTempProjects();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serve(root: string, port = 0): Promise<DevServer> {
  const server = await createServer({
    root,
    configFile: false,
    server: { port, strictPort: true },
    logLevel: 'silent',
  });
  return server;
}

/** Cuts every connection through the proxy at random intervals of 50–500 ms until stopped. */
function chaos(proxy: FaultProxy): { stop(): number } {
  let cuts = 0;
  let timer: NodeJS.Timeout;
  const next = () => {
    timer = setTimeout(
      () => {
        proxy.cutAll();
        cuts++;
        next();
      },
      50 + Math.random() * 450,
    );
  };
  next();
  return {
    stop() {
      clearTimeout(timer);
      return cuts;
    },
  };
}

/** 1,000 custom messages in small batches, with a stylesheet saved twice and a page saved once among them. */
async function burst(server: DevServer, root: string, from = 0): Promise<void> {
  for (let i = from; i < MESSAGES; i++) {
    server.send('chaos', i);
    if (i % 10 === 9) await sleep(25);
    if (i === 300 || i === 700) writeFileSync(path.join(root, 'style.css'), `h1 { color: #${i} }`);
    if (i === 500) writeFileSync(path.join(root, 'page.html'), `<h1>${i}</h1>`);
  }
}

const ids = (messages: ServerMessage[]) => messages.map((m) => m.id);

function project(): string {
  return tempProject({
    'index.html': '<!doctype html><head></head><h1>hi</h1>',
    'style.css': 'h1 {}',
    'page.html': '<h1>0</h1>',
  });
}

describe.each(TRANSPORT_NAMES)('the %s rung under random cuts', (rung) => {
  it('gets every message exactly once, in order, and never reloads', { timeout: 60_000 }, async () => {
    const root = project();
    const server = await serve(root);
    cleanups.push(() => server.close());
    await server.watching;
    const base = server.url.replace('localhost', '127.0.0.1');
    const proxy = await startFaultProxy(base);
    cleanups.push(() => proxy.close());
    const token = await fetchToken(base);
    // The truth: a client connected straight to the server, never cut.
    const truth = new WsProbe(WsProbe.url(base, token));
    cleanups.push(() => truth.close());
    await truth.opened;
    const client = new ChaosClient(proxy.url, rung);
    cleanups.push(() => client.stop());
    await client.start();
    await sleep(100);
    const cutter = chaos(proxy);
    await burst(server, root);
    const customs = () => truth.changes().filter((m) => m.kind === 'custom').length;
    await vi.waitFor(() => expect(customs()).toBe(MESSAGES), { timeout: 20_000, interval: 50 });
    const last = () => truth.changes().at(-1)?.id;
    await vi.waitFor(() => expect(client.lastId, client.describe()).toBe(last()), { timeout: 30_000, interval: 50 });
    const cuts = cutter.stop();
    expect(cuts).toBeGreaterThan(3);
    expect(client.reloads).toBe(0);
    const got = ids(client.received);
    const want = ids(truth.changes());
    // Named first, so a failure says what went wrong before the long diff.
    expect(
      { missing: want.filter((id) => !got.includes(id)), duplicated: got.filter((id, i) => got.indexOf(id) !== i) },
      client.describe(),
    ).toEqual({ missing: [], duplicated: [] });
    expect(got).toEqual(want);
    expect(truth.changes().some((m) => m.kind === 'reload')).toBe(true);
  });
});

it('reloads each page once when the server restarts in the middle of a burst', { timeout: 60_000 }, async () => {
  const root = project();
  let server = await serve(root);
  const port = server.port;
  cleanups.push(() => server.close());
  await server.watching;
  const base = server.url.replace('localhost', '127.0.0.1');
  const proxy = await startFaultProxy(base);
  cleanups.push(() => proxy.close());
  const clients = TRANSPORT_NAMES.map((rung) => new ChaosClient(proxy.url, rung));
  for (const client of clients) cleanups.push(() => client.stop());
  await Promise.all(clients.map((client) => client.start()));
  await sleep(200);
  for (let i = 0; i < 200; i++) server.send('chaos', i);
  await server.close();
  server = await serve(root, port);
  await server.watching;
  await sleep(300);
  const truth = new WsProbe(WsProbe.url(base, await fetchToken(base)));
  cleanups.push(() => truth.close());
  await truth.opened;
  for (const client of clients)
    await vi.waitFor(() => expect(client.reloads, client.describe()).toBe(1), { timeout: 20_000 });
  for (let i = 200; i < 400; i++) server.send('chaos', i);
  await vi.waitFor(() => expect(truth.changes()).toHaveLength(200), { timeout: 20_000 });
  const after = ids(truth.changes());
  for (const client of clients) {
    await vi.waitFor(() => expect(client.lastId, client.describe()).toBe(after.at(-1)), { timeout: 20_000 });
    const bootId = after[0]!.split('.')[0]!;
    expect(ids(client.received).filter((id) => id.startsWith(`${bootId}.`))).toEqual(after);
    expect(client.reloads, client.describe()).toBe(1);
  }
});
