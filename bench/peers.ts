import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { preciseNow, within } from './clock.js';

// Peers measured in the same run as devpush, on the same projects and the same Chromium: only where the
// person running the bench installed one (nothing here downloads anything). Today: Vite, pointed at by
// DEVPUSH_BENCH_VITE (a folder where `npm i vite` ran, or vite's package folder itself).

/** What a figure needs of a server under measurement: where it serves, when it was spawned, how to stop it. */
export interface BenchServer {
  readonly url: string;
  readonly spawnedAt: number;
  /** Resolves once a save made now would be seen. */
  watcherReady(project: { write(file: string, contents: string): void }): Promise<void>;
  stop(): Promise<void>;
}

export const VITE_ENV = 'DEVPUSH_BENCH_VITE';

/** Vite's CLI script, or null with the reason it is not measured. */
export function viteCli(): { cli: string; version: string } | { missing: string } {
  const given = process.env[VITE_ENV];
  if (!given) return { missing: `no peer measured (set ${VITE_ENV} to a folder where \`npm i vite\` ran)` };
  const candidates = [path.join(given, 'node_modules/vite'), given];
  const folder = candidates.find((dir) => existsSync(path.join(dir, 'bin/vite.js')));
  if (!folder) return { missing: `${VITE_ENV}=${given}: no vite/bin/vite.js there` };
  const { version } = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as { version: string };
  return { cli: path.join(folder, 'bin/vite.js'), version };
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** `vite` serving a project folder in a child process, as its users run it. */
export class ViteProcess implements BenchServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly spawnedAt: number,
  ) {}

  static async start(root: string, vite: { cli: string; version: string }): Promise<ViteProcess> {
    const port = await freePort();
    const spawnedAt = preciseNow();
    const child = spawn(
      process.execPath,
      [vite.cli, root, '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--clearScreen', 'false'],
      { cwd: root, env: { ...process.env, NO_COLOR: '1', BROWSER: 'none' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    live.add(child);
    child.on('exit', () => live.delete(child));
    let out = '';
    await within(
      30_000,
      `vite to start in ${root}`,
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (/Local:\s+http:\/\//.test(out)) resolve();
        };
        const collect = (chunk: Buffer) => {
          out += chunk.toString();
          check();
        };
        child.stdout!.on('data', collect);
        child.stderr!.on('data', collect);
        child.once('exit', (code) => reject(new Error(`vite exited (${code}) before it was ready:\n${out}`)));
      }),
    );
    return new ViteProcess(child, `http://127.0.0.1:${port}/`, spawnedAt);
  }

  /**
   * Vite prints nothing when its watcher's first scan is done; on a 1,000-file folder it is over well within
   * a second (and the figures' warm-up saves are not measured).
   */
  async watcherReady(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await within(10_000, 'vite to exit', exited).catch(() => this.child.kill('SIGKILL'));
  }
}
