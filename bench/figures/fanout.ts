import { TRANSPORT_NAMES } from '../../src/protocol.js';
import type { Rung } from '../channel-clients.js';
import { sleep, until } from '../clock.js';
import { DevpushProcess } from '../devpush.js';
import { FloorServer } from '../floor.js';
import { measured, notAvailable, single, type Figure } from '../figure.js';
import { staticProject, stylesheet } from '../projects.js';
import type { Settings } from '../settings.js';
import { medians, round, summarize } from '../stats.js';
import { ClientWorker } from '../workers.js';

const GROUP = 'channel fan-out';
const RUNGS: readonly Rung[] = TRANSPORT_NAMES;
const WORKERS = 2;
const KiB = 1024;

/**
 * N clients of one rung in worker processes, then broadcasts (a stylesheet edit → one `css` message):
 * per-client time from devpush starting the broadcast to the client having it; server memory per
 * connected client (after a GC, read through the inspector); CPU devpush spent on each broadcast.
 */
export async function fanout(settings: Settings): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const rung of RUNGS) {
    for (const count of settings.fanoutClients) {
      figures.push(...(await runCase(rung, count, settings)));
      if (rung === 'websocket') figures.push(await floorCase(count, settings));
    }
  }
  return figures;
}

/** Clients of one rung spread over the worker processes, each connected and past its hello. */
async function connectClients(base: string, token: string, rung: Rung, count: number) {
  const workers = Array.from({ length: WORKERS }, () => ClientWorker.spawn());
  const shares = workers.map((_, i) => Math.floor(count / WORKERS) + (i < count % WORKERS ? 1 : 0));
  try {
    const connected = await Promise.all(
      workers.map((w, i) => w.ask({ cmd: 'connect', base, token, rung, count: shares[i]! }, 'connected', 120_000)),
    );
    const ok = connected.reduce((sum, c) => sum + c.ok, 0);
    if (ok < count) throw new Error(`only ${ok} of ${count} ${rung} clients connected`);
  } catch (error) {
    for (const w of workers) w.stop();
    throw error;
  }
  return { workers, shares };
}

/** Each client's time from `at` to having message `id` (clients that never got it are left out). */
async function arrivals(workers: ClientWorker[], shares: number[], id: string, at: number): Promise<number[]> {
  const replies = await Promise.all(
    workers.map((w, i) => w.ask({ cmd: 'collect', id, expected: shares[i]! }, 'collected', 30_000)),
  );
  return replies.flatMap((reply) => reply.times).map((time) => time - at);
}

/**
 * The same clients, in the same worker processes, on a bare `ws` server that writes one pre-built frame to
 * every socket (bench/floor-server.ts): what this machine and these clients allow any server.
 */
async function floorCase(count: number, settings: Settings): Promise<Figure> {
  const name = `websocket, ${count.toLocaleString('en')} clients: bare ws server, same clients (floor)`;
  const floor = await FloorServer.start();
  let clients: Awaited<ReturnType<typeof connectClients>> | null = null;
  try {
    clients = await connectClients(floor.url, 'floor', 'websocket', count);
    await sleep(1000);
    const perClient: number[] = [];
    const reachAll: number[] = [];
    let missing = 0;
    for (let n = 1; n <= settings.broadcasts + 1; n++) {
      const { id, at } = await floor.broadcast(n);
      const latencies = await arrivals(clients.workers, clients.shares, id, at);
      await sleep(300); // as devpush's case is paced by its file edits
      if (n === 1) continue; // warm-up
      missing += count - latencies.length;
      perClient.push(...latencies);
      reachAll.push(Math.max(...latencies));
    }
    const reach = summarize(reachAll);
    return measured(GROUP, name, 'ms', perClient, {
      note: `p99 ${round(summarize(perClient).p99)} ms · reach all p50 ${round(reach.p50)} ms · missed ${missing}`,
      detail: { reachAllMs: reach, missedDeliveries: missing },
      samples: undefined,
    });
  } catch (error) {
    return notAvailable(GROUP, name, 'ms', `failed: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    for (const w of clients?.workers ?? []) w.stop();
    floor.stop();
  }
}

async function runCase(rung: Rung, count: number, settings: Settings): Promise<Figure[]> {
  const label = `${rung}, ${count.toLocaleString('en')} clients`;
  const site = staticProject();
  // Every bench client comes from 127.0.0.1: raise the default connection caps (256 per peer, 1024 in all)
  // deliberately, as a user running a load test would.
  const cap = count + 100;
  site.write('devpush.config.json', JSON.stringify({ server: { maxConnections: cap, maxConnectionsPerPeer: cap } }));
  const server = await DevpushProcess.start(site.root, { inspect: true });
  const workers: ClientWorker[] = [];
  try {
    if (!(await server.offeredRungs()).includes(rung)) {
      return [
        notAvailable(GROUP, `${label}: broadcast → client`, 'ms', `the server does not offer the ${rung} rung yet`),
      ];
    }
    const token = await server.token();
    await server.watcherReady(site);
    await sleep(500);
    const baseline = (await server.memory())!;
    const clients = await connectClients(server.url, token, rung, count);
    const { shares } = clients;
    workers.push(...clients.workers);
    await sleep(1000);
    const loaded = (await server.memory())!;

    const perClient: number[] = [];
    const reachAll: number[] = [];
    const cpu: number[] = [];
    let missing = 0;
    if (settings.profile) await server.inspector!.startProfile();
    const seen = new Set((await server.status()).changes?.flatMap((c) => c.messages) ?? []);
    for (let n = 1; n <= settings.broadcasts + 1; n++) {
      site.write('style.css', stylesheet(n));
      // Not polled every few ms: with 1,000 clients each status answer costs the server ~7 ms of CPU (it
      // describes every client), which the clients' own processes then wait for on a 2-core machine.
      const timing = await until(
        10_000,
        'devpush to publish the broadcast',
        async () => (await server.status()).changes?.find((c) => c.messages.some((id) => !seen.has(id))),
        50,
      );
      for (const id of timing.messages) seen.add(id);
      const id = timing.messages[0]!;
      const latencies = await arrivals(workers, shares, id, timing.builtAt);
      // chokidar drops a second change of one file within 50 ms of the first: space the edits.
      await sleep(300);
      if (n === 1) continue; // warm-up
      missing += count - latencies.length;
      perClient.push(...latencies);
      reachAll.push(Math.max(...latencies));
      cpu.push(timing.publishCpuUs / 1000);
    }
    if (settings.profile) await server.saveProfile(`fanout-${rung}-${count}`);
    const rssPer = (loaded.rss - baseline.rss) / count / KiB;
    const heapPer = (loaded.heapUsed - baseline.heapUsed) / count / KiB;
    const reach = summarize(reachAll);
    const isWs1000 = rung === 'websocket' && count === 1000;
    return [
      measured(GROUP, `${label}: broadcast → client`, 'ms', perClient, {
        ...(isWs1000 && { target: { stat: 'p99', max: 20 } }),
        note:
          `p99 ${round(summarize(perClient).p99)} ms · reach all p50 ${round(reach.p50)} ms (p95 ${round(reach.p95)}) · ` +
          `CPU/broadcast p50 ${medians({ cpu }).cpu} ms · missed ${missing}`,
        detail: { reachAllMs: reach, cpuPerBroadcastMs: summarize(cpu), missedDeliveries: missing },
        samples: undefined, // up to 75,000 per case: the summary is what the JSON needs
      }),
      single(GROUP, `${label}: server memory per client`, 'KiB', rssPer, {
        ...(isWs1000 && { target: { stat: 'value', max: 10 } }),
        note: `RSS ${round(rssPer)} KiB · heap ${round(heapPer)} KiB per client (after GC; baseline RSS ${round(baseline.rss / 2 ** 20)} MiB)`,
        detail: { rssPerClientKiB: rssPer, heapPerClientKiB: heapPer, baseline, loaded },
      }),
    ];
  } catch (error) {
    return [
      notAvailable(GROUP, `${label}: broadcast → client`, 'ms', `failed: ${(error as Error).message.split('\n')[0]}`),
    ];
  } finally {
    for (const w of workers) w.stop();
    await server.stop();
  }
}
