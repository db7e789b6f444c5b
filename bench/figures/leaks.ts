import { TRANSPORT_NAMES } from '../../src/protocol.js';
import type { Rung } from '../channel-clients.js';
import { sleep } from '../clock.js';
import { DevpushProcess } from '../devpush.js';
import { notAvailable, single, type Figure } from '../figure.js';
import { staticProject } from '../projects.js';
import type { Settings } from '../settings.js';
import { round } from '../stats.js';
import { ClientWorker } from '../workers.js';

const GROUP = 'leaks';
const RUNGS: readonly Rung[] = TRANSPORT_NAMES;
const MiB = 2 ** 20;
/** Cycles run before the starting reading, so lazily built state (JIT, pools) is not counted as growth. */
const WARMUP_CYCLES = 300;
/** Growth of the heap after GC below this counts as noise. */
const NOISE_MIB = 1;

/**
 * Connect, wait for hello, disconnect, many times over, split across the rungs the server offers, from a
 * worker process. Server memory after a GC (through the inspector) at the start and at the end.
 */
export async function leaks(settings: Settings): Promise<Figure[]> {
  const site = staticProject();
  const server = await DevpushProcess.start(site.root, { inspect: true });
  const worker = ClientWorker.spawn();
  try {
    const token = await server.token();
    const offered = await server.offeredRungs();
    const rungs = RUNGS.filter((rung) => offered.includes(rung));
    const cycles = async (total: number) => {
      let ok = 0;
      for (const rung of rungs) {
        const reply = await worker.ask(
          { cmd: 'cycle', base: server.url, token, rung, cycles: Math.ceil(total / rungs.length), concurrency: 20 },
          'cycled',
          600_000,
        );
        ok += reply.ok;
      }
      return ok;
    };
    await cycles(WARMUP_CYCLES);
    await sleep(500);
    const start = (await server.memory())!;
    const ok = await cycles(settings.leakCycles);
    await sleep(1000); // let closes settle and timers fire
    const end = (await server.memory())!;
    const status = await server.status();
    const stillConnected = Object.values(status.transports).reduce((sum, t) => sum + t.connected, 0);
    const heapGrowth = (end.heapUsed - start.heapUsed) / MiB;
    const rssGrowth = (end.rss - start.rss) / MiB;
    const label = `${ok.toLocaleString('en')} connect/disconnect cycles (${rungs.join(', ')})`;
    return [
      single(GROUP, `${label}: heap growth`, 'MiB', heapGrowth, {
        target: { stat: 'value', max: NOISE_MIB },
        note: `heap ${round(start.heapUsed / MiB)} → ${round(end.heapUsed / MiB)} MiB after GC; still connected: ${stillConnected}`,
        detail: { start, end, failedCycles: settings.leakCycles - ok, stillConnected },
      }),
      single(GROUP, `${label}: RSS growth`, 'MiB', rssGrowth, {
        note: `RSS ${round(start.rss / MiB)} → ${round(end.rss / MiB)} MiB`,
      }),
    ];
  } catch (error) {
    return [
      notAvailable(GROUP, 'connect/disconnect cycles', 'MiB', `failed: ${(error as Error).message.split('\n')[0]}`),
    ];
  } finally {
    worker.stop();
    await server.stop();
  }
}
