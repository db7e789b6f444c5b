// Builds through the whole server: what the terminal says, what the channel sends, what is left running.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import type { Logger } from '../../src/log.js';
import type { ServerMessage } from '../../src/protocol.js';
import { startDevServer, type DevServer } from '../../src/server/server.js';
import { buildStatus, copyBuildFixture, saveFile } from '../helpers/build.js';
import { WsProbe, fetchToken } from '../helpers/channel.js';
import { REPO_ROOT, removeTempProjects } from '../helpers/fixture.js';

const WAIT = { timeout: 15_000, interval: 20 };
const servers: DevServer[] = [];
const probes: WsProbe[] = [];

afterEach(async () => {
  for (const probe of probes.splice(0)) probe.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  removeTempProjects();
});

/** The build-ts fixture served with a logger that keeps every line, the page loaded and a probe listening. */
async function start(): Promise<{ root: string; server: DevServer; lines: string[]; probe: WsProbe }> {
  const root = copyBuildFixture('build-ts');
  const lines: string[] = [];
  const log: Logger = {
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(m),
  };
  // The bundled path (build.bundle): modules one by one are tested in modules.test.ts.
  const server = await startDevServer(await resolveConfig({ root, server: { port: 0 }, build: { bundle: true } }), log);
  servers.push(server);
  await server.watching;
  await fetch(server.url); // the page: its entry starts building
  expect((await fetch(new URL('/src/main.ts', server.url))).status).toBe(200);
  const probe = new WsProbe(WsProbe.url(server.url, await fetchToken(server.url)));
  probes.push(probe);
  await vi.waitFor(() => expect(probe.kinds()).toContain('hello'), WAIT);
  return { root, server, lines, probe };
}

const changes = (probe: WsProbe): ServerMessage[] =>
  probe.messages.filter((m) => m.kind !== 'hello' && m.kind !== 'ping');

describe('builds through the server', () => {
  it('prints build errors with file:line:column and a code frame, and each rebuild with its time', async () => {
    const { root, lines } = await start();
    saveFile(root, 'src/value.ts', "export const value: string = 'ok';\nexport const broken: string = ;\n");
    await vi.waitFor(
      () => expect(lines.join('\n')).toContain('build error in /src/main.ts: src/value.ts:2:31: Unexpected ";"'),
      WAIT,
    );
    const report = lines.find((line) => line.startsWith('build error'))!;
    expect(report.split('\n').slice(1)).toEqual([
      "  1 | export const value: string = 'ok';",
      '> 2 | export const broken: string = ;',
      '    |                               ^',
      '  3 | ',
    ]);
    // One line for the change set: when, what was saved, what the pages were told, what was rebuilt.
    expect(
      lines.some((line) =>
        /^\S.* src\/value\.ts → error overlay · \d+ pages? \(\d+ ms\) · rebuilt \/src\/main\.ts \d+\.\d ms \(failed\)$/.test(
          line,
        ),
      ),
    ).toBe(true);

    // This test is about what is printed, not about watching: the save is repeated because chokidar
    // drops a second change of one file within 50 ms of the first (the watcher's own tests cover that).
    await vi.waitFor(
      () => {
        saveFile(root, 'src/value.ts', "export const value: string = 'fixed';\n");
        expect(lines).toContain('build fixed: /src/main.ts');
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(
      lines.some((line) =>
        / src\/value\.ts → overlay cleared, reload · .* · rebuilt \/src\/main\.ts \d+\.\d ms$/.test(line),
      ),
    ).toBe(true);
  });

  it('sends nothing when the bundle bytes are unchanged, css for a stylesheet-only change, reload for code', async () => {
    const { root, server, probe } = await start();
    const before = await buildStatus(server.url);

    saveFile(
      root,
      'src/value.ts',
      "// only a comment: the bundle's bytes stay the same\nexport const value: string = 'value-1';\n",
    );
    await vi.waitFor(async () => expect((await buildStatus(server.url)).rebuilds).toBe(before.rebuilds + 1), WAIT);
    const css = readFileSync(path.join(root, 'src/style.css'), 'utf8');
    saveFile(root, 'src/style.css', css.replace('rgb(255, 0, 0)', 'rgb(0, 128, 0)'));
    await vi.waitFor(() => expect(changes(probe).map((m) => m.kind)).toEqual(['css']), WAIT);
    expect(changes(probe)[0]).toMatchObject({ kind: 'css', paths: ['/src/main.ts.css'] });

    saveFile(root, 'src/shared.ts', "export const shared: string = 'shared-2';\n");
    await vi.waitFor(() => expect(changes(probe).map((m) => m.kind)).toEqual(['css', 'reload']), WAIT);
    expect(changes(probe)[1]).toMatchObject({ kind: 'reload', paths: ['/src/main.ts'] });
  });

  it('rebuilds once for a burst of saves to files of one entry', async () => {
    const { root, server, probe } = await start();
    const before = await buildStatus(server.url);
    saveFile(root, 'src/value.ts', "export const value: string = 'burst';\n");
    saveFile(root, 'src/shared.ts', "export const shared: string = 'burst';\n");
    saveFile(root, 'src/style.css', '#value { color: rgb(1, 2, 3); }\n');
    await vi.waitFor(() => expect(changes(probe).map((m) => m.kind)).toEqual(['reload']), WAIT);
    // A later save (of another file: chokidar drops a second change of one file within 50 ms): once its
    // reload is in, anything the burst caused has been handled before it.
    saveFile(root, 'src/lib/greet.ts', 'export const greet = (name: string): string => name;\n');
    await vi.waitFor(() => expect(changes(probe).map((m) => m.kind)).toEqual(['reload', 'reload']), WAIT);
    expect((await buildStatus(server.url)).rebuilds - before.rebuilds).toBe(2);
  });

  it('leaves no esbuild process behind after close: the process using it ends by itself', async () => {
    const root = copyBuildFixture('build-ts');
    const script = `
      import { execFileSync } from 'node:child_process';
      import { createServer } from ${JSON.stringify(path.join(REPO_ROOT, 'dist/src/index.js'))};
      const server = await createServer({ root: ${JSON.stringify(root)}, server: { port: 0 }, build: { bundle: true }, logLevel: 'silent' });
      const response = await fetch(new URL('/src/main.ts', server.url));
      if (response.status !== 200) throw new Error('entry not served: ' + response.status);
      const children = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
      console.log(JSON.stringify(children.split('\\n').filter((l) => l.includes('esbuild')).map((l) => Number(l.trim().split(/\\s+/)[0]))));
      await server.close();
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(killer);
    expect(code, out).toBe(0);
    const esbuildPids = JSON.parse(out.trim().split('\n').at(-1)!) as number[];
    expect(esbuildPids.length).toBeGreaterThan(0);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await vi.waitFor(() => expect(esbuildPids.filter(alive)).toEqual([]), WAIT);
  });
});
