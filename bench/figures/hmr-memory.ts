import type { BenchBrowser, BenchPage } from '../browser.js';
import { preciseNow } from '../clock.js';
import { DevpushProcess } from '../devpush.js';
import { type Figure, notAvailable, single } from '../figure.js';
import { acceptingLeaf, hmrProject } from '../hmr-projects.js';
import type { Settings } from '../settings.js';
import { round } from '../stats.js';

const GROUP = 'HMR (Chromium)';
const MiB = 2 ** 20;
/** Updates before the first reading: caches and JIT warm up, and are not growth. */
const WARMUP_UPDATES = 100;
/** Heap growth after GC below this counts as noise. */
const NOISE_MIB = 1;

/**
 * Server memory (after a full GC, through the inspector) across many in-place updates of the
 * 1,000-module page, each saved once the page showed the previous one: a long editing session.
 */
export async function hmrMemory(browser: BenchBrowser, settings: Settings): Promise<Figure[]> {
  const updates = settings.quick ? 200 : 1000;
  const name = `server heap growth over ${updates.toLocaleString('en')} HMR updates`;
  const project = hmrProject(1000);
  const server = await DevpushProcess.start(project.root, { inspect: true });
  let page: BenchPage | null = null;
  try {
    await server.watcherReady(project);
    page = await browser.open(server.url, 120_000);
    await page.waitUntilReady((s) => s.text === 'v0');
    const navigationStart = (await page.waitFor(() => true, 'a report', 15_000, true)).state.navigationStart;
    let n = 0;
    const tab = page;
    const save = async (count: number) => {
      for (let i = 0; i < count; i++) {
        n++;
        const shown = tab.waitFor((s) => s.text === `v${n}`, `update ${n} to show`);
        project.write(project.leaf, acceptingLeaf(`v${n}`));
        const report = await shown;
        if (report.state.navigationStart !== navigationStart) throw new Error(`update ${n} reloaded the page`);
      }
    };
    await save(WARMUP_UPDATES);
    const start = (await server.memory())!;
    const t0 = preciseNow();
    await save(updates);
    const seconds = (preciseNow() - t0) / 1000;
    const end = (await server.memory())!;
    const growth = (end.heapUsed - start.heapUsed) / MiB;
    return [
      single(GROUP, name, 'MiB', growth, {
        target: { stat: 'value', max: NOISE_MIB },
        note: `heap ${round(start.heapUsed / MiB)} → ${round(end.heapUsed / MiB)} MiB after GC, RSS ${round(start.rss / MiB)} → ${round(end.rss / MiB)} MiB; ${round(seconds)} s`,
        detail: { start, end, updates },
      }),
    ];
  } catch (error) {
    return [notAvailable(GROUP, name, 'MiB', `failed: ${(error as Error).message.split('\n')[0]}`)];
  } finally {
    await page?.close();
    await server.stop();
  }
}
