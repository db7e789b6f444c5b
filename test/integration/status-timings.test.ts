import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChangeTiming } from '../../src/server/timing.js';
import { fetchToken, WsProbe } from '../helpers/channel.js';
import { killAll, startCli } from '../helpers/cli.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

afterAll(() => {
  killAll();
  removeTempProjects();
});

interface StatusWithTimings {
  changes: ChangeTiming[];
  memory: { rss: number; heapUsed: number };
}

describe('/__devpush/status stage timings', () => {
  it('records when a change set was flushed, built and published, under the id of the message it sent', async () => {
    const root = tempProject({ 'index.html': '<p>hi</p>', 'style.css': 'p { color: red }' });
    const run = await startCli(['serve', root, '--port', '0']);
    const token = await fetchToken(run.url);
    const probe = new WsProbe(WsProbe.url(run.url, token));
    await probe.opened;
    const status = async () =>
      (await (await fetch(new URL(`/__devpush/status?t=${token}`, run.url))).json()) as StatusWithTimings;

    // The watcher's first scan may still be running: save until a message arrives.
    await expect
      .poll(
        () => {
          writeFileSync(path.join(root, 'style.css'), `p { color: blue } /* ${Date.now()} */`);
          return probe.kinds().includes('css');
        },
        { timeout: 15_000, interval: 200 },
      )
      .toBe(true);
    const css = probe.messages.find((m) => m.kind === 'css')!;

    await expect
      .poll(async () => (await status()).changes.some((c) => c.messages.includes(css.id)), { timeout: 5000 })
      .toBe(true);
    const { changes, memory } = await status();
    const timing = changes.find((c) => c.messages.includes(css.id))!;
    expect(timing.files).toBe(1);
    expect(timing.clients).toBe(1);
    expect(timing.flushedAt).toBeLessThanOrEqual(timing.startedAt);
    expect(timing.startedAt).toBeLessThanOrEqual(timing.builtAt);
    expect(timing.builtAt).toBeLessThanOrEqual(timing.publishedAt);
    // process.cpuUsage counts whole microseconds; a missing or derived (fractional) figure fails here.
    expect(timing.publishCpuUs).toSatisfy((us: number) => Number.isInteger(us) && us >= 0);
    expect(memory.heapUsed).toBeGreaterThan(0);
    probe.close();
    await run.stop();
  });
});
