// esbuild's service is stopped when idle (src/esbuild.ts); the server must not notice: a save after the
// stop is transformed by a new service, and a bundled entry's context keeps the service up while it lives.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { esbuildService } from '../../src/esbuild.js';
import { createServer, type DevServer } from '../../src/index.js';
import { routePath, type StatusReport, TOKEN_PARAM } from '../../src/protocol.js';
import { saveFile } from '../helpers/build.js';
import { fetchToken, WsProbe } from '../helpers/channel.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

const WAIT = { timeout: 15_000, interval: 20 };
const servers: DevServer[] = [];
const probes: WsProbe[] = [];

afterEach(async () => {
  for (const probe of probes.splice(0)) probe.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  removeTempProjects();
});

const PROJECT: Record<string, string> = {
  'index.html': '<!doctype html><script type="module" src="/src/main.ts"></script>',
  'src/main.ts': "import { leaf } from './leaf';\nexport const shown: string = leaf;\n",
  'src/leaf.ts': "export const leaf: string = 'one';\n",
};

async function serve(root: string, bundle = false): Promise<DevServer> {
  const server = await createServer({ root, server: { port: 0 }, logLevel: 'silent', build: { bundle } });
  servers.push(server);
  await server.watching;
  return server;
}

async function status(server: DevServer): Promise<StatusReport> {
  const url = new URL(routePath('status'), server.url);
  url.searchParams.set(TOKEN_PARAM, await fetchToken(server.url));
  return (await (await fetch(url)).json()) as StatusReport;
}

describe("esbuild's service stopped for idleness", () => {
  it('transforms a module saved after the stop, with a new service', async () => {
    const root = tempProject(PROJECT);
    const server = await serve(root);
    expect(await (await fetch(new URL('/src/leaf.ts', server.url))).text()).toContain('const leaf = "one"');
    const probe = new WsProbe(WsProbe.url(server.url, await fetchToken(server.url)));
    probes.push(probe);
    await vi.waitFor(() => expect(probe.kinds()).toContain('hello'), WAIT);

    expect(esbuildService.stopIfIdle()).toBe(true);
    expect((await status(server)).esbuild.running).toBe(false);
    saveFile(root, 'src/leaf.ts', "export const leaf: string = 'two';\n");
    await vi.waitFor(() => expect(probe.kinds()).toContain('update'), WAIT);
    expect(probe.kinds()).not.toContain('reload');
    const leaf = await (await fetch(new URL('/src/leaf.ts', server.url))).text();
    expect(leaf).toContain('const leaf = "two"');
    expect((await status(server)).esbuild.running).toBe(true);
  });

  it("keeps the service up while a bundled entry's context lives", async () => {
    const root = tempProject(PROJECT);
    const server = await serve(root, true);
    const bundle = await (await fetch(new URL('/src/main.ts', server.url))).text();
    expect(bundle).toContain('"one"');
    expect(esbuildService.stopIfIdle()).toBe(false);
    await server.close();
    expect(esbuildService.stopIfIdle()).toBe(true);
  });
});
