import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach } from 'vitest';
import { CLI, removeTempProjects } from './fixture.js';

export interface CliRun {
  proc: ChildProcess;
  url: string;
  port: number;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Runs `devpush serve` (or any args) and resolves once it prints its Local URL. */
export function startCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const proc = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  let out = '';
  proc.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      running.delete(proc);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`devpush did not start in time:\n${out}`)), 20_000);
    const check = () => {
      const match = /Local:\s+(https?:\/\/\S+?:(\d+)\/)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      proc.stdout!.off('data', check);
      resolve({
        proc,
        url: match[1]!.replace('localhost', '127.0.0.1'),
        port: Number(match[2]),
        output: () => out,
        stop(signal = 'SIGTERM') {
          if (proc.exitCode === null) proc.kill(signal);
          return exited;
        },
      });
    };
    proc.stdout!.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`devpush exited (${code}) before it was ready:\n${out}`));
    });
  });
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(
  args: string[],
  options: { cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Kills whatever a test left running (the afterAll safety net). */
export function killAll(): void {
  for (const proc of running) proc.kill('SIGKILL');
}

/**
 * The CLI runs of one test file: each stopped after its test; after the file, any child left is killed and
 * the temporary projects removed. Call at the top of the file; push every run into the returned list.
 */
export function cliRunsOfThisFile(): CliRun[] {
  const runs: CliRun[] = [];
  afterEach(async () => {
    await Promise.all(runs.splice(0).map((run) => run.stop()));
  });
  afterAll(() => {
    killAll();
    removeTempProjects();
  });
  return runs;
}
