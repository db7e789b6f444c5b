import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EsbuildService } from '../../src/esbuild.js';

const TS = 'const answer: number = 42;\nexport { answer };\n';

/** esbuild service processes this process started that are still alive (Linux: read from /proc). */
function esbuildChildren(): number {
  const tasks = readdirSync(`/proc/${process.pid}/task`);
  const children = tasks.flatMap((task) =>
    readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean),
  );
  return children.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--service=');
    } catch {
      return false; // exited meanwhile
    }
  }).length;
}

async function transformed(service: EsbuildService, code = TS): Promise<string> {
  return (await service.use((esbuild) => esbuild.transform(code, { loader: 'ts' }))).code;
}

// esbuild's service is one per process: a test's service left running (with a short idle time) would stop
// it under the next test's call. Each test's services are stopped before the next starts, pass or fail.
const made: EsbuildService[] = [];
function newService(idleStopMs: number): EsbuildService {
  const created = new EsbuildService(idleStopMs);
  made.push(created);
  return created;
}
afterEach(async () => {
  for (const each of made.splice(0)) {
    await vi.waitFor(() => expect(each.stopIfIdle() || !each.stats().running).toBe(true), { timeout: 10_000 });
  }
});

describe('EsbuildService', () => {
  it('stops the service after an idle while, and the next transform starts it again', async () => {
    const service = newService(30);
    expect(await transformed(service)).toContain('const answer = 42');
    expect(esbuildChildren()).toBe(1);
    await vi.waitFor(() => expect(service.stats()).toEqual({ running: false, idleStops: 1 }), { timeout: 5000 });
    await vi.waitFor(() => expect(esbuildChildren()).toBe(0), { timeout: 5000 });
    expect(await transformed(service, 'export const b: string = "x";')).toContain('export const b = "x"');
    expect(service.stats().running).toBe(true);
    expect(esbuildChildren()).toBe(1);
    await vi.waitFor(() => expect(service.stats().idleStops).toBe(2), { timeout: 5000 });
  });

  it('never stops the service under a call in flight', async () => {
    const service = newService(60_000);
    await transformed(service); // the service is up
    const inFlight = transformed(service);
    expect(service.stopIfIdle()).toBe(false);
    expect(await inFlight).toContain('const answer = 42');
    expect(service.stopIfIdle()).toBe(true);
  });

  it('settles every transform started around idle stops', async () => {
    // An idle time of 1 ms: stops fall between the transforms, some of which start right as one fires.
    const service = newService(1);
    const results: Promise<string>[] = [];
    for (let i = 0; i < 40; i++) {
      results.push(transformed(service, `export const v${i}: number = ${i};`));
      await new Promise((resolve) => setTimeout(resolve, i % 4));
      if (i % 5 === 0) {
        // Every fifth: let everything settle and the stop fire, then start the next call right after it.
        await Promise.all(results);
        await vi.waitFor(() => expect(service.stats().running).toBe(false), { timeout: 5000 });
      }
    }
    const codes = await Promise.all(results);
    expect(codes).toEqual(codes.map((_, i) => expect.stringContaining(`export const v${i} = ${i}`)));
    expect(service.stats().idleStops).toBeGreaterThanOrEqual(8);
  });

  it('keeps the service up while a context is held, and stops it after the release', async () => {
    const service = newService(60_000);
    const release = service.hold();
    await transformed(service);
    expect(service.stopIfIdle()).toBe(false);
    release();
    release(); // a second release changes nothing
    expect(service.stopIfIdle()).toBe(true);
  });

  it('counts a failed call as settled', async () => {
    const service = newService(60_000);
    await expect(transformed(service, 'const = ;')).rejects.toThrow(/Transform failed/);
    expect(service.stopIfIdle()).toBe(true);
    expect(await transformed(service)).toContain('const answer = 42');
  });
});
