import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DevServer, ServerOptions } from '../../src/index.js';
import { routePath, TRANSPORT_NAMES, type ServerMessage, type TransportName } from '../../src/protocol.js';
import { ChaosClient } from '../../test/helpers/chaos-client.js';
import { startFaultProxy, type FaultProxy } from '../../test/helpers/fault-proxy.js';
import { WsProbe } from '../../test/helpers/rung-probe.js';
import { sleep, until } from '../clock.js';
import { REPO_ROOT } from '../devpush.js';
import { notAvailable, single, type Figure } from '../figure.js';
import { project } from '../projects.js';
import type { Settings } from '../settings.js';

const GROUP = 'exactly once under cuts';
const MESSAGES = 1000;

type CreateServer = (options: ServerOptions) => Promise<DevServer>;

/**
 * The chaos test's measurement as a figure (test/integration/chaos.test.ts): per rung, a client behind a
 * proxy that cuts every connection every 50–500 ms while the server sends 1,000 custom messages and saves
 * a stylesheet twice and a page once. Lost and duplicated messages are counted against a client connected
 * straight to the server; both must be 0. In-process (the API's `send`), from the built dist/.
 */
export async function chaos(settings: Settings): Promise<Figure[]> {
  const { createServer } = (await import(pathToFileURL(path.join(REPO_ROOT, 'dist/src/index.js')).href)) as {
    createServer: CreateServer;
  };
  const figures: Figure[] = [];
  for (const rung of TRANSPORT_NAMES) {
    try {
      figures.push(await runRung(createServer, rung, settings.quick ? 1 : 3));
    } catch (error) {
      figures.push(
        notAvailable(GROUP, `${rung}: lost + duplicated`, 'messages', `failed: ${(error as Error).message}`),
      );
    }
  }
  return figures;
}

async function runRung(createServer: CreateServer, rung: TransportName, rounds: number): Promise<Figure> {
  let lost = 0;
  let duplicated = 0;
  let cuts = 0;
  let reloads = 0;
  let sent = 0;
  for (let round = 0; round < rounds; round++) {
    const result = await oneRound(createServer, rung);
    lost += result.lost;
    duplicated += result.duplicated;
    cuts += result.cuts;
    reloads += result.reloads;
    sent += result.sent;
  }
  return single(GROUP, `${rung}: lost + duplicated`, 'messages', lost + duplicated, {
    target: { stat: 'value', max: 0, exact: true },
    note: `lost ${lost} · duplicated ${duplicated} · over ${cuts} cuts · ${sent} messages · ${reloads} reloads`,
    detail: { lost, duplicated, cuts, messages: sent, reloads, rounds },
  });
}

async function oneRound(
  createServer: CreateServer,
  rung: TransportName,
): Promise<{ lost: number; duplicated: number; cuts: number; reloads: number; sent: number }> {
  const site = project('chaos', {
    'index.html': '<!doctype html><head></head><h1>hi</h1>',
    'style.css': 'h1 {}',
    'page.html': '<h1>0</h1>',
  });
  const server = await createServer({ root: site.root, configFile: false, server: { port: 0 }, logLevel: 'silent' });
  const stops: (() => unknown)[] = [() => server.close()];
  try {
    await server.watching;
    const base = server.url.replace('localhost', '127.0.0.1');
    const proxy = await startFaultProxy(base);
    stops.push(() => proxy.close());
    const token = /"token":"([^"]+)"/.exec(await (await fetch(new URL(routePath('client'), base))).text())?.[1];
    if (!token) throw new Error('no channel token in the served client');
    const truth = new WsProbe(WsProbe.url(base, token));
    stops.push(() => truth.close());
    await truth.opened;
    const client = new ChaosClient(proxy.url, rung);
    stops.push(() => client.stop());
    await client.start();
    await sleep(100);
    const cutter = cutEvery50To500ms(proxy);
    for (let i = 0; i < MESSAGES; i++) {
      server.send('chaos', i);
      if (i % 10 === 9) await sleep(25);
      if (i === 300 || i === 700) writeFileSync(path.join(site.root, 'style.css'), `h1 { color: #${i} }`);
      if (i === 500) writeFileSync(path.join(site.root, 'page.html'), `<h1>${i}</h1>`);
    }
    const customs = () => truth.changes().filter((m) => m.kind === 'custom').length;
    await until(20_000, 'the direct client to have every message', () => (customs() === MESSAGES ? true : undefined));
    const last = truth.changes().at(-1)?.id;
    // A client that never catches up is counted as losing what it missed, not as a failed run.
    await until(30_000, `the ${rung} client to catch up`, () => (client.lastId === last ? true : undefined)).catch(
      () => undefined,
    );
    const cuts = cutter.stop();
    const got = ids(client.received);
    const want = ids(truth.changes());
    const gotSet = new Set(got);
    return {
      lost: want.filter((id) => !gotSet.has(id)).length,
      duplicated: got.length - gotSet.size,
      cuts,
      reloads: client.reloads,
      sent: want.length,
    };
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

const ids = (messages: ServerMessage[]) => messages.map((m) => m.id);

function cutEvery50To500ms(proxy: FaultProxy): { stop(): number } {
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
