import type { ServerMessage } from '../../src/protocol.js';
import { BenchBrowser } from '../browser.js';
import { openProbe } from '../channel-clients.js';
import { preciseNow, sleep } from '../clock.js';
import { DevpushProcess } from '../devpush.js';
import { measured, notAvailable, single, type Figure } from '../figure.js';
import { burstProject } from '../projects.js';
import type { Settings } from '../settings.js';
import { medians } from '../stats.js';

const GROUP = 'burst (a checkout)';
/** How long after the final state the bench keeps counting messages, to catch late stragglers. */
const SETTLE_MS = 700;

/**
 * Rewrites every module of an entry as fast as the file system takes it (a checkout): how many change
 * messages devpush sends for it (a plain ws client counts them) and the time from the last write to the
 * page showing the final state.
 */
export async function burst(settings: Settings): Promise<Figure[]> {
  const browser = await BenchBrowser.launch();
  const figures: Figure[] = [];
  try {
    for (const size of settings.burstSizes) {
      try {
        figures.push(...(await runCase(browser, size, settings)));
      } catch (error) {
        figures.push(notAvailable(GROUP, `${size} files`, 'ms', `failed: ${(error as Error).message.split('\n')[0]}`));
      }
    }
  } finally {
    await browser.close();
  }
  return figures;
}

async function runCase(browser: BenchBrowser, size: number, settings: Settings): Promise<Figure[]> {
  const project = burstProject(size);
  const server = await DevpushProcess.start(project.root);
  const messages: ServerMessage[] = [];
  const probe = openProbe(server.url, await server.token(), 'websocket', {
    onMessage: (message) => {
      if (message.kind !== 'hello' && message.kind !== 'ping') messages.push(message);
    },
  });
  try {
    await server.watcherReady(project);
    const page = await browser.open(server.url);
    await page.waitUntilReady((s) => s.text === 'g0');
    const toVisible: number[] = [];
    const counts: number[] = [];
    const spans: number[] = [];
    // devpush's own timing of the set that carried the burst: last event → set handed over, and rebuild.
    const afterLastEvent: number[] = [];
    const rebuild: number[] = [];
    for (let n = 1; n <= settings.bursts; n++) {
      const before = messages.length;
      const shown = page.waitFor((s) => s.text === `g${n}`, `burst ${n} of ${size} files to show`, 30_000);
      const firstAt = preciseNow();
      for (const file of project.files) project.write(file, project.generation(n));
      const lastAt = preciseNow();
      const report = await shown;
      await sleep(SETTLE_MS);
      toVisible.push(report.state.at - lastAt);
      spans.push(lastAt - firstAt);
      counts.push(messages.length - before);
      const ids = new Set(messages.slice(before).map((m) => m.id));
      const timing = (await server.status()).changes?.find((c) => c.messages.some((id) => ids.has(id)));
      if (timing && timing.lastEventAt > 0) {
        afterLastEvent.push(timing.flushedAt - timing.lastEventAt);
        rebuild.push(timing.builtAt - timing.startedAt);
      }
      await page.waitUntilReady((s) => s.text === `g${n}`);
    }
    await page.close();
    const kinds = [...new Set(messages.map((m) => m.kind))].join(', ');
    return [
      measured(GROUP, `${size} files: last write → final state visible`, 'ms', toVisible, {
        target: { stat: 'p50', max: 200 },
        note:
          `writes took p50 ${medians({ spans }).spans} ms · p50 last event → set sent ${medians({ afterLastEvent }).afterLastEvent} ms` +
          ` · rebuild ${medians({ rebuild }).rebuild} ms`,
        detail: { writeSpanMs: spans, lastEventToFlushMs: afterLastEvent, rebuildMs: rebuild },
      }),
      single(GROUP, `${size} files: messages per burst (most)`, 'messages', Math.max(...counts), {
        target: { stat: 'value', max: 1, exact: true },
        detail: { perBurst: counts, kinds },
      }),
    ];
  } finally {
    probe.close();
    await server.stop();
  }
}
