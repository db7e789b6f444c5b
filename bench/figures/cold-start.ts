import { IDLE_STOP_MS } from '../../src/esbuild.js';
import { preciseNow, sleep, until } from '../clock.js';
import { DevpushProcess } from '../devpush.js';
import { measured, single, type Figure } from '../figure.js';
import { staticProject, tsProject, type Project } from '../projects.js';
import type { Settings } from '../settings.js';
import { round } from '../stats.js';

const GROUP = 'cold start';
const MiB = 2 ** 20;

async function firstOk(url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return preciseNow();
}

/** Process start (spawn) → first 200 on `/` (and on the entry, for the TS folder), then idle memory. */
async function startOnce(
  project: Project,
  entry: string | null,
): Promise<{ page: number; entry: number | null; server: DevpushProcess }> {
  const server = await DevpushProcess.start(project.root);
  const pageAt = await firstOk(server.url);
  const entryAt = entry ? await firstOk(new URL(entry, server.url).href) : null;
  return { page: pageAt - server.spawnedAt, entry: entryAt === null ? null : entryAt - server.spawnedAt, server };
}

export async function coldStart(settings: Settings): Promise<Figure[]> {
  const site = staticProject();
  const ts = tsProject(10);
  const staticTimes: number[] = [];
  const tsTimes: number[] = [];
  const entryTimes: number[] = [];
  let idle: { rss: number; heap: number } | null = null;
  let tsIdle: { rss: number; tree: number | undefined; busyTree: number | undefined } | null = null;
  for (let i = 0; i < settings.coldStarts + 1; i++) {
    const first = i === 0; // warms the OS file cache; not counted
    const a = await startOnce(site, null);
    if (!first) staticTimes.push(a.page);
    if (i === settings.coldStarts) {
      await sleep(1500); // idle: the watcher's first scan is done, nothing is connected
      const status = await a.server.status();
      if (status.memory) idle = { rss: status.memory.rss, heap: status.memory.heapUsed };
    }
    await a.server.stop();
    const b = await startOnce(ts, '/src/main.ts');
    if (!first) {
      tsTimes.push(b.page);
      entryTimes.push(b.entry!);
    }
    if (i === settings.coldStarts) {
      await sleep(1500);
      const busyTree = b.server.treeRss();
      // Idle: esbuild's service is stopped after IDLE_STOP_MS without a call (src/esbuild.ts).
      const status = await until(
        IDLE_STOP_MS + 10_000,
        "esbuild's service to stop for idleness",
        async () => {
          const now = await b.server.status();
          return now.esbuild.running ? undefined : now;
        },
        1000,
      );
      tsIdle = { rss: status.memory.rss, tree: b.server.treeRss(), busyTree };
    }
    await b.server.stop();
  }
  const figures = [
    measured(GROUP, 'static folder: start → first 200 on /', 'ms', staticTimes, { target: { stat: 'p50', max: 100 } }),
    measured(GROUP, 'TS-entry folder: start → first 200 on /', 'ms', tsTimes),
    measured(GROUP, 'TS-entry folder: start → first 200 on the entry', 'ms', entryTimes),
  ];
  if (idle) {
    figures.push(
      single(GROUP, 'idle RSS, static folder', 'MiB', idle.rss / MiB, {
        target: { stat: 'value', max: 55 },
        detail: { heapUsedMiB: idle.heap / MiB },
      }),
    );
  }
  if (tsIdle) {
    // devpush's process and esbuild's service (its child), as a user's memory meter counts them.
    figures.push(
      tsIdle.tree === undefined
        ? single(GROUP, 'idle RSS, TS-entry folder (node only)', 'MiB', tsIdle.rss / MiB)
        : single(GROUP, 'idle RSS, TS-entry folder (devpush + esbuild)', 'MiB', tsIdle.tree / MiB, {
            target: { stat: 'value', max: 70 },
            note:
              `devpush ${round(tsIdle.rss / MiB)} MiB + esbuild's service ${round((tsIdle.tree - tsIdle.rss) / MiB)} MiB, ` +
              `after its idle stop (${IDLE_STOP_MS / 1000} s); 1.5 s after the page: ${round((tsIdle.busyTree ?? 0) / MiB)} MiB`,
            detail: { nodeMiB: tsIdle.rss / MiB, beforeIdleStopMiB: (tsIdle.busyTree ?? 0) / MiB },
          }),
    );
  }
  return figures;
}
