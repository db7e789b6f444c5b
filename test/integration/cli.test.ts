import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunsOfThisFile, runCli, startCli, type CliRun } from '../helpers/cli.js';
import { copyFixture, tempProject } from '../helpers/fixture.js';

const runs = cliRunsOfThisFile();

async function serve(args: string[]): Promise<CliRun> {
  const run = await startCli(['serve', ...args]);
  runs.push(run);
  return run;
}

function occupy(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)])
      .toString()
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when nothing matches
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('devpush CLI', () => {
  it('prints help and version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('devpush [serve] [dir]');
    expect(help.stdout).toContain('--strict-port');
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown command with a did-you-mean, a pointer to the help, and exit code 2', async () => {
    const result = await runCli(['srve']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'devpush: unknown command "srve". Did you mean "devpush serve"?\nRun "devpush --help" for usage.\n',
    );
  });

  it("rejects an unknown flag with a did-you-mean and exit code 2, in devpush's words, not the parser's", async () => {
    const result = await runCli(['serve', '--prot', '3000']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'devpush: unknown option --prot. Did you mean --port?\nRun "devpush help serve" for usage.\n',
    );
  });

  it('rejects a bad --port value with exit code 2', async () => {
    const result = await runCli(['serve', '--port', 'abc']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('devpush: --port must be a whole number from 0 to 65535, found "abc".');
    expect(result.stderr.split('\n')).toHaveLength(3);
  });

  it('serves a folder, prints the local URL and its start-up time', async () => {
    const run = await serve([copyFixture('site'), '--port', '0']);
    expect(run.output()).toMatch(/devpush v\d+\.\d+\.\d+ {2}ready in \d+ ms/);
    expect(run.output()).toContain(`Local:   http://localhost:${run.port}/`);
    const res = await fetch(run.url);
    expect(res.status).toBe(200);
  });

  it('reports a folder that does not exist', async () => {
    const result = await runCli(['serve', '/no/such/folder/here']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Folder not found: /no/such/folder/here. Pass a folder that exists: devpush serve path/to/site',
    );
  });

  it('moves to the next free port when the port is busy, and says so', async () => {
    const { server, port } = await occupy();
    try {
      const run = await serve([copyFixture('site'), '--port', String(port)]);
      expect(run.port).toBeGreaterThan(port);
      expect(run.output()).toContain(`Port ${port} is in use; using ${run.port} instead.`);
    } finally {
      server.close();
    }
  });

  it('fails with --strict-port when the port is busy', async () => {
    const { server, port } = await occupy();
    try {
      const result = await runCli(['serve', copyFixture('site'), '--port', String(port), '--strict-port']);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `Port ${port} is already in use (--strict-port). Free it, or pick another with --port.`,
      );
    } finally {
      server.close();
    }
  });

  it('stops start-up on a bad config with one message and exit code 1, no stack', async () => {
    const root = tempProject({ 'index.html': '<p>x</p>', 'devpush.config.json': '{"server":{"hots":"x"}}' });
    const result = await runCli(['serve', root, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'devpush.config.json: unknown key "server.hots". Did you mean "server.host"? ' +
        'Known keys here: port, host, strictPort, open, allowedHosts, cors, fs, maxConnections, maxConnectionsPerPeer, backend, proxy, https.',
    );
  });

  it('reports a missing --config file with exit code 1', async () => {
    const root = tempProject({ 'index.html': '<p>x</p>' });
    const result = await runCli(['serve', root, '--config', path.join(root, 'missing.config.ts')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Config file not found: .*missing\.config\.ts \(from --config\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a config file that throws with exit code 1 and no stack', async () => {
    const root = tempProject({
      'index.html': '<p>x</p>',
      'devpush.config.ts': 'throw new Error("nope");\nexport default {};\n',
    });
    const result = await runCli(['serve', root]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('devpush.config.ts: loading it failed: nope');
  });

  it('lets flags win over the config file', async () => {
    const root = tempProject({ 'index.html': '<p>x</p>' });
    writeFileSync(path.join(root, 'devpush.config.json'), JSON.stringify({ server: { port: 1, strictPort: true } }));
    const run = await serve([root, '--port', '0']);
    expect(run.port).toBeGreaterThan(1);
  });

  it('--open opens the served URL in the browser ($BROWSER, as xdg-open honours it)', async () => {
    const dir = tempProject({ 'index.html': '<p>x</p>' });
    const record = path.join(dir, 'opened.txt');
    const fakeBrowser = path.join(dir, 'fake-browser.sh');
    writeFileSync(fakeBrowser, `#!/bin/sh\necho "$1" >> "${record}"\n`, { mode: 0o755 });
    const run = await startCli(['serve', dir, '--port', '0', '--open'], {
      env: { BROWSER: fakeBrowser, DISPLAY: '', WAYLAND_DISPLAY: '', XDG_CURRENT_DESKTOP: '' },
    });
    runs.push(run);
    await expect
      .poll(() => (existsSync(record) ? readFileSync(record, 'utf8').trim() : ''), { timeout: 10_000 })
      .toBe(`http://localhost:${run.port}/`);
  });

  it('prints the snippet', async () => {
    const result = await runCli(['snippet', '--port', '5555']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(
      '<script type="module" crossorigin src="http://localhost:5555/__devpush/client.js"></script>',
    );
  });

  it('closes cleanly on SIGTERM, leaving no child process (esbuild) behind', async () => {
    const root = tempProject({
      'index.html': '<script type="module" src="/main.ts"></script>',
      'main.ts': 'const n: number = 1;\nconsole.log(n);\n',
    });
    const run = await serve([root, '--port', '0']);
    expect((await fetch(new URL('/main.ts', run.url))).status).toBe(200);
    const children = childPids(run.proc.pid!);
    expect(children.length).toBeGreaterThan(0); // the esbuild service
    expect(await run.stop('SIGTERM')).toBe(0);
    await expect.poll(() => children.filter(alive), { timeout: 5000 }).toEqual([]);
  });
});
