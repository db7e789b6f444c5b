import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChangeTiming, routePath, type StatusReport, TOKEN_PARAM } from '../src/protocol.js';
import { preciseNow, until, within } from './clock.js';
import { Inspector } from './inspector.js';

/** The repository root (the bench runs from dist/bench/ after scripts/bench.js bundled it). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(REPO_ROOT, 'bin/devpush.js');

/** What the status route answers; the bench reads the channel's, the changes' and the memory parts. */
export type Status = StatusReport;
export type Memory = Status['memory'];

export interface StartOptions {
  /** Start with `--inspect` so the bench can collect garbage and profile (figures that read memory). */
  inspect?: boolean;
  extraArgs?: string[];
  /** Environment variables besides the bench's own (`DEVPUSH_POLLING: '1'`). */
  env?: Record<string, string>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** `devpush serve` in a child process, as a user runs it. */
export class DevpushProcess {
  private tokenValue: string | null = null;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly spawnedAt: number,
    readonly inspector: Inspector | null,
    private readonly output: () => string,
  ) {}

  static async start(root: string, options: StartOptions = {}): Promise<DevpushProcess> {
    const nodeArgs = options.inspect ? ['--inspect=127.0.0.1:0'] : [];
    const spawnedAt = preciseNow();
    const child = spawn(
      process.execPath,
      [...nodeArgs, CLI, 'serve', root, '--port', '0', ...(options.extraArgs ?? [])],
      {
        env: { ...process.env, NO_COLOR: '1', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    live.add(child);
    child.on('exit', () => live.delete(child));
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const url = await within(
      20_000,
      `devpush to start in ${root}`,
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const local = /Local:\s+http:\/\/\S+?:(\d+)\//.exec(out);
          if (local && (!options.inspect || /Debugger listening on ws:/.test(out)))
            resolve(`http://127.0.0.1:${local[1]}/`);
        };
        child.stdout!.on('data', check);
        child.stderr!.on('data', check);
        child.once('exit', (code) => reject(new Error(`devpush exited (${code}) before it was ready:\n${out}`)));
      }),
    );
    const debuggerUrl = /Debugger listening on (ws:\/\/\S+)/.exec(out)?.[1];
    const inspector = debuggerUrl ? await Inspector.connect(debuggerUrl) : null;
    return new DevpushProcess(child, url, spawnedAt, inspector, () => out);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get log(): string {
    return this.output();
  }

  /** The per-run channel token, read from the served client as a page would get it. */
  async token(): Promise<string> {
    if (this.tokenValue) return this.tokenValue;
    const source = await (await fetch(new URL(routePath('client'), this.url))).text();
    const match = /"token":"([^"]+)"/.exec(source);
    if (!match) throw new Error('no channel token in the served client');
    this.tokenValue = match[1]!;
    return this.tokenValue;
  }

  /** Rungs the server offers, read from the served client's config. */
  async offeredRungs(): Promise<string[]> {
    const source = await (await fetch(new URL(routePath('client'), this.url))).text();
    const match = /"transports":\[([^\]]*)\]/.exec(source);
    return match ? [...match[1]!.matchAll(/"(\w+)"/g)].map((m) => m[1]!) : [];
  }

  async status(): Promise<Status> {
    const url = new URL(routePath('status'), this.url);
    url.searchParams.set(TOKEN_PARAM, await this.token());
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${routePath('status')} answered ${response.status}`);
    return (await response.json()) as Status;
  }

  /** The stage timing of the change set that published message `id`, once devpush has recorded it. */
  async timingOf(id: string): Promise<ChangeTiming | undefined> {
    return (await this.status()).changes?.find((change) => change.messages.includes(id));
  }

  /**
   * Resolves once the watcher reports changes: devpush prints its URL before chokidar's first scan is
   * done, and a write in that window goes unseen. Touches a file no page uses, before any client connects.
   */
  async watcherReady(project: { write(file: string, contents: string): void }): Promise<void> {
    const published = async () => ((await this.status()).changes?.length ? true : undefined);
    let n = 0;
    await until(
      15_000,
      'the watcher to report a change',
      async () => {
        if (n++ % 20 === 0) project.write('watcher-ready.txt', String(n));
        return published();
      },
      10,
    );
  }

  /** Memory after a full GC when started with `inspect`, else as the status route reports it. */
  async memory(): Promise<Memory | undefined> {
    if (this.inspector) return this.inspector.memoryAfterGc();
    return (await this.status()).memory;
  }

  /** Writes the CPU profile recorded since `inspector.startProfile()` to bench/results/profile-<name>.cpuprofile. */
  async saveProfile(name: string): Promise<string | null> {
    if (!this.inspector) return null;
    const dir = path.join(REPO_ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `profile-${name.replace(/[^\w.-]+/g, '-')}.cpuprofile`);
    writeFileSync(file, JSON.stringify(await this.inspector.stopProfile()));
    return file;
  }

  /** RSS of the server and its child processes (esbuild's service) in bytes; Linux only. */
  treeRss(): number | undefined {
    return processTreeRss(this.pid);
  }

  async stop(): Promise<void> {
    this.inspector?.close();
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await within(10_000, 'devpush to exit', exited).catch(() => this.child.kill('SIGKILL'));
  }
}

function processTreeRss(pid: number): number | undefined {
  try {
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return rssKb * 1024 + children.reduce((sum, child) => sum + (processTreeRss(Number(child)) ?? 0), 0);
  } catch {
    return undefined;
  }
}
