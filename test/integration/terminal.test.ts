import { request } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fetchToken, WsProbe } from '../helpers/channel.js';
import { killAll, runCli, startCli, type CliRun } from '../helpers/cli.js';
import { CLI, REPO_ROOT, removeTempProjects, tempProject } from '../helpers/fixture.js';

// What a user reads in the terminal: the start-up lines and URLs that answer, the shortcuts in a real
// pseudo-terminal (util-linux `script`), the did-you-mean messages, and the restart on a config save.

const SLOW = { timeout: 20_000, interval: 100 };
const runs: CliRun[] = [];
const probes: WsProbe[] = [];
afterEach(async () => {
  for (const probe of probes.splice(0)) probe.close();
  await Promise.all(runs.splice(0).map((run) => run.stop()));
});
afterAll(() => {
  killAll();
  removeTempProjects();
});

const site = () => tempProject({ 'index.html': '<!doctype html><title>t</title><p>hello</p>' });

async function serve(args: string[]): Promise<CliRun> {
  const run = await startCli(args);
  runs.push(run);
  return run;
}

/** The status of GET / sent to 127.0.0.1 with the given Host header (fetch would not let us set it). */
function statusWithHost(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('start-up lines', () => {
  it('--host 0.0.0.0 lists localhost and each interface address, never 0.0.0.0, and each answers', async () => {
    const run = await serve(['serve', site(), '--host', '0.0.0.0', '--port', '0']);
    const output = run.output();
    expect(output).toContain(`Local:   http://localhost:${run.port}/`);
    expect(output).not.toMatch(/http:\/\/0\.0\.0\.0/);
    const external = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((entry) => !entry.internal && entry.family === 'IPv4')
      .map((entry) => `http://${entry.address}:${run.port}/`);
    const listed = [...output.matchAll(/Network: (http:\/\/\S+)/g)].map((match) => match[1]!);
    expect(listed).toEqual(external);
    // Each listed URL is answered: asked over loopback with that URL's Host header, since tests send traffic
    // to loopback addresses only (the interface addresses are this machine's, but no test traffic goes there).
    for (const url of [`http://localhost:${run.port}/`, ...listed]) {
      expect(await statusWithHost(run.port, new URL(url).host)).toBe(200);
    }
    // No shortcut line where there is no terminal to press keys in.
    expect(output).not.toContain('press h');
  });

  it('a bare --host means every interface too', async () => {
    const run = await serve(['--host', '--port', '0', site()]);
    expect(run.output()).toContain(`Local:   http://localhost:${run.port}/`);
    expect(run.output()).toContain('warning: listening on 0.0.0.0');
  });

  it('bare devpush serves the current folder, as vite does', async () => {
    const root = site();
    const run = await startCli(['--port', '0'], { cwd: root });
    runs.push(run);
    expect(run.output()).toContain(`Serving: ${root}`);
  });
});

describe('shortcuts in a pseudo-terminal', () => {
  it('h shows help, r reloads every page, u shows the URLs, q quits', async () => {
    const root = site();
    const command = [process.execPath, CLI, 'serve', root, '--port', '0'].map((arg) => `'${arg}'`).join(' ');
    const proc = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
    try {
      await expect.poll(() => out, SLOW).toContain('press h for help, q to quit');
      const port = Number(/Local:\s+http:\/\/localhost:(\d+)\//.exec(out)![1]);
      const base = `http://127.0.0.1:${port}/`;
      const probe = new WsProbe(WsProbe.url(base, await fetchToken(base)));
      probes.push(probe);
      await expect.poll(() => probe.kinds(), SLOW).toContain('hello');

      proc.stdin.write('h');
      await expect.poll(() => out, SLOW).toContain('press r to reload every page');
      proc.stdin.write('r');
      await expect.poll(() => probe.kinds(), SLOW).toContain('reload');
      await expect.poll(() => out, SLOW).toContain('reload sent to 1 page');
      const before = out.split('Local:').length;
      proc.stdin.write('u');
      await expect.poll(() => out.split('Local:').length, SLOW).toBe(before + 1);
      proc.stdin.write('q');
      expect(await exited).toBe(0);
    } finally {
      proc.kill('SIGKILL');
    }
  });
});

describe('usage mistakes', () => {
  it.each([
    [
      ['serve', '--strictport'],
      'devpush: unknown option --strictport. Did you mean --strict-port?',
      'devpush help serve',
    ],
    [['--hots', 'x'], 'devpush: unknown option --hots. Did you mean --host?', 'devpush help serve'],
    [['snipet'], 'devpush: unknown command "snipet". Did you mean "devpush snippet"?', 'devpush --help'],
    [['help', 'serv'], 'devpush: no command "serv". Did you mean "serve"?', 'devpush --help'],
    [['snippet', '--open'], 'devpush: --open is not an option of snippet.', 'devpush help snippet'],
    [['serve', '--port'], 'devpush: --port needs a value, e.g. --port 4800.', 'devpush help serve'],
  ])('devpush %j: one line, a pointer to the help, exit 2', async (args, line, help) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${line}\nRun "${help}" for usage.\n`);
  });

  it('vite spellings work: --strictPort and --logLevel', async () => {
    const run = await serve(['serve', site(), '--port', '0', '--strictPort', '--logLevel', 'info']);
    expect(run.port).toBeGreaterThan(0);
  });

  it("help and per-command help list only that command's flags", async () => {
    const snippet = await runCli(['help', 'snippet']);
    expect(snippet.code).toBe(0);
    expect(snippet.stdout).toContain('Usage: devpush snippet');
    expect(snippet.stdout).not.toContain('--strict-port');
    const serveHelp = await runCli(['serve', '--help']);
    expect(serveHelp.stdout).toContain('--log-level');
  });

  it('a file where a folder belongs is one line', async () => {
    const root = site();
    const result = await runCli(['serve', path.join(root, 'index.html')]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('is a file; devpush serves folders');
  });

  it('snippet prints a loopback URL for 0.0.0.0 and brackets an IPv6 host', async () => {
    expect((await runCli(['snippet', '--host', '0.0.0.0', '--port', '5000'])).stdout).toContain(
      'src="http://localhost:5000/__devpush/client.js"',
    );
    expect((await runCli(['snippet', '--host', '::1', '--port', '5000'])).stdout).toContain(
      'src="http://[::1]:5000/__devpush/client.js"',
    );
  });
});

describe('saving the config file', () => {
  it('an invalid config is reported and the running server kept; a valid one restarts it in-process', async () => {
    const root = site();
    writeFileSync(path.join(root, 'devpush.config.json'), JSON.stringify({ channel: { heartbeatMs: 15000 } }));
    const run = await serve(['serve', root, '--port', '0']);
    const token = await fetchToken(run.url);
    const probe = new WsProbe(WsProbe.url(run.url, token));
    probes.push(probe);
    await expect.poll(() => probe.kinds(), SLOW).toContain('hello');

    writeFileSync(path.join(root, 'devpush.config.json'), JSON.stringify({ channel: { heartbeatMz: 1 } }));
    await expect.poll(() => run.output(), SLOW).toContain('unknown key "channel.heartbeatMz"');
    expect(run.output()).toContain('keeps running with the previous config');
    expect(await fetchToken(run.url)).toBe(token);

    writeFileSync(path.join(root, 'devpush.config.json'), JSON.stringify({ channel: { heartbeatMs: 2000 } }));
    await expect.poll(() => run.output(), SLOW).toContain('restarted in');
    // Same port, a new run: the old page's connection ends and its token is refused (it reloads once).
    await expect.poll(() => probe.closeCode, SLOW).not.toBeNull();
    const fresh = await fetchToken(run.url);
    expect(fresh).not.toBe(token);
    expect((await fetch(new URL(`/__devpush/boot?t=${token}`, run.url))).status).toBe(401);
    // The config change itself was not sent to the pages as a file change.
    expect(run.output()).not.toMatch(/devpush\.config\.json → /);
  });
});

describe('from CommonJS and from the README', () => {
  function project(files: Record<string, string>): string {
    const root = tempProject(files);
    mkdirSync(path.join(root, 'node_modules'));
    symlinkSync(REPO_ROOT, path.join(root, 'node_modules/devpush'));
    return root;
  }

  function node(args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
      const proc = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      proc.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      proc.on('exit', (code) => resolve({ code, out }));
    });
  }

  it("require('devpush') works in a CommonJS package", async () => {
    const root = project({
      'package.json': '{"type":"commonjs"}',
      'main.js': "console.log(typeof require('devpush').createServer);\n",
    });
    expect(await node(['main.js'], root)).toEqual({ code: 0, out: 'function\n' });
  });

  it('an ESM devpush.config.js in a CommonJS package gets a one-line hint to rename it', async () => {
    const root = tempProject({
      'package.json': '{"type":"commonjs"}',
      'index.html': '<p>x</p>',
      'devpush.config.js': 'export default { server: { port: 0 } };\n',
    });
    const result = await runCli(['serve', root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'devpush.config.js is written as an ES module (import/export), but its package.json makes .js files CommonJS: rename it devpush.config.mjs (or .ts).',
    );
  });

  it("the README's API example runs as written", async () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const example = /## API\n+```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    const root = project({
      'package.json': '{"type":"module"}',
      'site/index.html': '<p>x</p>',
      'example.mjs': example,
    });
    const result = await node(['example.mjs'], root);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/http:\/\/localhost:\d+\//);
  });
});
