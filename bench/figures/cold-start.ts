import { spawn } from 'node:child_process';
import { IDLE_STOP_MS } from '../../src/esbuild.js';
import { preciseNow, sleep, until } from '../clock.js';
import { DevpushProcess } from '../devpush.js';
import { measured, single, type Figure } from '../figure.js';
import { staticProject, tsProject, type Project } from '../projects.js';
import type { Settings } from '../settings.js';
import { round, summarize } from '../stats.js';

const GROUP = 'cold start';
const MiB = 2 ** 20;
/** How long after its page a quiet server is measured as idle: V8's memory reducer has run by then. */
const SETTLED_MS = 25_000;

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

/** Spawn → exit of a bare `node -e 0`: the floor every Node program starts from, on this machine, now. */
async function bareNodeOnce(): Promise<number> {
  const spawnedAt = preciseNow();
  await new Promise((resolve, reject) =>
    spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).on('exit', resolve).on('error', reject),
  );
  return preciseNow() - spawnedAt;
}

export async function coldStart(settings: Settings): Promise<Figure[]> {
  const site = staticProject();
  const ts = tsProject(10);
  const bareTimes: number[] = [];
  const staticTimes: number[] = [];
  const tsTimes: number[] = [];
  const entryTimes: number[] = [];
  let idle: { rss: number; heap: number; early: number } | null = null;
  let tsIdle: { rss: number; tree: number | undefined; busyTree: number | undefined; stopped: boolean } | null = null;
  for (let i = 0; i < settings.coldStarts + 1; i++) {
    const first = i === 0; // warms the OS file cache; not counted
    const bare = await bareNodeOnce(); // interleaved, so both see the same load on the machine
    if (!first) bareTimes.push(bare);
    const a = await startOnce(site, null);
    if (!first) staticTimes.push(a.page);
    if (i === settings.coldStarts) {
      await sleep(1500); // the watcher's first scan is done, nothing is connected
      const early = (await a.server.status()).memory.rss;
      // Idle: V8 shrinks the heap of a quiet process by itself, about 16 s after start-up here.
      await sleep(SETTLED_MS - 1500);
      const status = await a.server.status();
      idle = { rss: status.memory.rss, heap: status.memory.heapUsed, early };
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
      // Idle: esbuild's service is stopped after IDLE_STOP_MS without a call (src/esbuild.ts); a service
      // still up by then is measured as it is (the figure's note says so).
      const stopped = await until(
        IDLE_STOP_MS + 10_000,
        "esbuild's idle stop",
        async () => ((await b.server.status()).esbuild?.running === false ? true : undefined),
        1000,
      ).catch(() => false);
      await sleep(1000); // a stopped service's process is gone from the tree
      const status = await b.server.status();
      tsIdle = { rss: status.memory.rss, tree: b.server.treeRss(), busyTree, stopped };
    }
    await b.server.stop();
  }
  const figures = [
    measured(GROUP, 'static folder: start → first 200 on /', 'ms', staticTimes, {
      target: { stat: 'p50', max: 100 },
      note: `${round(summarize(staticTimes).p50 / summarize(bareTimes).p50)}× a bare \`node -e 0\` in the same run (p50 ${round(summarize(bareTimes).p50, 0)} ms)`,
    }),
    measured(GROUP, 'bare `node -e 0`: spawn → exit (the floor)', 'ms', bareTimes),
    measured(GROUP, 'TS-entry folder: start → first 200 on /', 'ms', tsTimes),
    measured(GROUP, 'TS-entry folder: start → first 200 on the entry', 'ms', entryTimes),
  ];
  if (idle) {
    figures.push(
      single(GROUP, 'idle RSS, static folder', 'MiB', idle.rss / MiB, {
        target: { stat: 'value', max: 55 },
        note: `${SETTLED_MS / 1000} s after the page; 1.5 s after it: ${round(idle.early / MiB)} MiB`,
        detail: { heapUsedMiB: idle.heap / MiB, earlyMiB: idle.early / MiB },
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
              `${tsIdle.stopped ? 'after its idle stop' : 'still running'} (${IDLE_STOP_MS / 1000} s); ` +
              `1.5 s after the page: ${round((tsIdle.busyTree ?? 0) / MiB)} MiB`,
            detail: { nodeMiB: tsIdle.rss / MiB, beforeIdleStopMiB: (tsIdle.busyTree ?? 0) / MiB },
          }),
    );
  }
  return figures;
}
