import type { ServerMessage } from '../../src/protocol.js';
import { openProbe, type ChannelProbe, type Rung } from '../channel-clients.js';
import { preciseNow, sleep, until, within } from '../clock.js';
import { DevpushProcess } from '../devpush.js';
import { measured, notAvailable, type Figure } from '../figure.js';
import { leafModule, staticPage, staticProject, stylesheet, tsProject, type Project } from '../projects.js';
import type { Settings } from '../settings.js';
import { medians, round } from '../stats.js';

const GROUP = 'save-to-message (no browser)';
const RUNGS: Rung[] = ['websocket', 'sse'];

interface Case {
  name: string;
  project: Project;
  /** A source entry to request once, so devpush has built it before the edits. */
  entry?: string;
  /** Environment of the devpush process (polling is chosen by DEVPUSH_POLLING). */
  env?: Record<string, string>;
  /**
   * A random extra pause between edits up to this long (ms): a polled file is seen at its timer's next
   * tick, and edits a fixed pause apart would all land at one phase of it.
   */
  jitterMs?: number;
  edit(n: number): void;
}

function cases(): Case[] {
  const site = staticProject();
  const polled = staticProject();
  const small = tsProject(10);
  const large = tsProject(1000);
  return [
    { name: 'CSS', project: site, edit: (n) => site.write('style.css', stylesheet(n)) },
    { name: 'HTML', project: site, edit: (n) => site.write('index.html', staticPage(`v${n}`)) },
    {
      // Watching by polling (every 100 ms, the default): what a WSL Windows drive or a network mount gets.
      name: 'CSS, polled',
      project: polled,
      env: { DEVPUSH_POLLING: '1' },
      jitterMs: 100,
      edit: (n) => polled.write('style.css', stylesheet(n)),
    },
    {
      name: 'TS entry, 10 modules',
      project: small,
      entry: '/src/main.ts',
      edit: (n) => small.write(small.leaf, leafModule(0, `v${n}`)),
    },
    {
      name: 'TS entry, 1,000 modules',
      project: large,
      entry: '/src/main.ts',
      edit: (n) => large.write(large.leaf, leafModule(0, `v${n}`)),
    },
  ];
}

/** A connected probe and the changes (not hello or ping) it received, each with its arrival time. */
class Listener {
  readonly arrivals: { message: ServerMessage; at: number }[] = [];
  readonly probe: ChannelProbe;
  readonly hello: Promise<void>;

  constructor(base: string, token: string, rung: Rung) {
    let helloSeen: () => void;
    this.hello = new Promise((resolve) => (helloSeen = resolve));
    this.probe = openProbe(base, token, rung, {
      onMessage: (message, at) => {
        if (message.kind === 'hello') helloSeen();
        else if (message.kind !== 'ping') this.arrivals.push({ message, at });
      },
    });
  }

  next(count: number, what: string): Promise<{ message: ServerMessage; at: number }> {
    return until(10_000, what, () => this.arrivals[count], 0.5);
  }
}

/**
 * Write → message at a plain client, for each rung the server offers, with devpush's own stage timings:
 * watcher (write → coalesced change set), queue, rebuild, and broadcast (published → arrived).
 */
export async function saveToMessage(settings: Settings): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const c of cases()) {
    try {
      figures.push(...(await runCase(c, settings)));
    } catch (error) {
      figures.push(notAvailable(GROUP, `${c.name}`, 'ms', `failed: ${(error as Error).message.split('\n')[0]}`));
    }
  }
  return figures;
}

async function runCase(c: Case, settings: Settings): Promise<Figure[]> {
  const server = await DevpushProcess.start(c.project.root, { inspect: settings.profile, env: c.env });
  try {
    const token = await server.token();
    const offered = await server.offeredRungs();
    await server.watcherReady(c.project);
    if (c.entry) await (await fetch(new URL(c.entry, server.url))).arrayBuffer();
    const rungs = RUNGS.filter((rung) => offered.includes(rung));
    const listeners = new Map(rungs.map((rung) => [rung, new Listener(server.url, token, rung)]));
    await within(10_000, 'hello on every probe', Promise.all([...listeners.values()].map((l) => l.hello)));
    await sleep(200);
    if (settings.profile) await server.inspector?.startProfile();

    const totals = new Map<Rung, number[]>(rungs.map((rung) => [rung, []]));
    const stages = {
      watcher: [] as number[],
      detect: [] as number[],
      coalesce: [] as number[],
      queue: [] as number[],
      rebuild: [] as number[],
      publish: [] as number[],
      cpuUs: [] as number[],
    };
    const broadcast = new Map<Rung, number[]>(rungs.map((rung) => [rung, []]));
    for (let n = 1; n <= settings.warmup + settings.edits; n++) {
      const before = new Map([...listeners].map(([rung, l]) => [rung, l.arrivals.length]));
      const writeAt = preciseNow();
      c.edit(n);
      const arrived = await Promise.all(
        [...listeners].map(
          async ([rung, l]) => [rung, await l.next(before.get(rung)!, `${c.name}: message ${n} over ${rung}`)] as const,
        ),
      );
      const id = arrived[0]![1].message.id;
      const timing = await until(3000, `devpush's timing of message ${id}`, () => server.timingOf(id), 10);
      if (n > settings.warmup) {
        stages.watcher.push(timing.flushedAt - writeAt);
        if (timing.firstEventAt > 0) {
          stages.detect.push(timing.firstEventAt - writeAt);
          stages.coalesce.push(timing.flushedAt - timing.firstEventAt);
        }
        stages.queue.push(timing.startedAt - timing.flushedAt);
        stages.rebuild.push(timing.builtAt - timing.startedAt);
        stages.publish.push(timing.publishedAt - timing.builtAt);
        stages.cpuUs.push(timing.publishCpuUs);
        for (const [rung, arrival] of arrived) {
          totals.get(rung)!.push(arrival.at - writeAt);
          broadcast.get(rung)!.push(arrival.at - timing.builtAt);
        }
      }
      await sleep(settings.pauseMs + Math.random() * (c.jitterMs ?? 0));
    }
    if (settings.profile) await server.saveProfile(`save-to-message-${c.name}`);
    for (const l of listeners.values()) l.probe.close();
    const split = medians({ watcher: stages.watcher, queue: stages.queue, rebuild: stages.rebuild });
    const watcherSplit = stages.detect.length ? medians({ detect: stages.detect, coalesce: stages.coalesce }) : null;
    const watcherText = watcherSplit
      ? `watcher ${split.watcher} (event ${watcherSplit.detect} + coalesce/check ${watcherSplit.coalesce})`
      : `watcher ${split.watcher}`;
    return RUNGS.map((rung) => {
      const name = `${rung === 'websocket' ? 'ws' : rung} client: ${c.name}`;
      if (!rungs.includes(rung))
        return notAvailable(GROUP, name, 'ms', `the server does not offer the ${rung} rung yet`);
      const toClient = medians({ broadcast: broadcast.get(rung)! }).broadcast!;
      return measured(GROUP, name, 'ms', totals.get(rung)!, {
        note: `p50 stages: ${watcherText} · queue ${split.queue} · rebuild ${split.rebuild} · broadcast ${toClient} ms`,
        detail: {
          stagesP50Ms: { ...split, ...watcherSplit, broadcast: toClient, publish: medians({ p: stages.publish }).p },
          publishCpuUsP50: round(medians({ c: stages.cpuUs }).c!),
        },
      });
    });
  } finally {
    await server.stop();
  }
}
