// `devpush` runs the CLI that scripts/build.js bundles into dist/cli/ (a few files instead of ~140: most of a
// cold start was Node loading them). These tests hold what that bundle must keep true: bin runs it and no
// file of dist/src; the watcher, in its thread or on the main one, starts from it and sees a save; the
// published package carries every file of it; and it imports no package a user's `npm install` leaves out.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { init, parse } from 'es-module-lexer';
import { describe, expect, it } from 'vitest';
import { routePath } from '../../src/protocol.js';
import { MAIN_THREAD_LIMIT } from '../../src/watch/thread-choice.js';
import type { WatchStats } from '../../src/watch/watcher.js';
import { cliRunsOfThisFile, startCli, type CliRun } from '../helpers/cli.js';
import { copyFixture, REPO_ROOT, tempProject } from '../helpers/fixture.js';

const BUNDLE = path.join(REPO_ROOT, 'dist/cli');
const PROBE = path.join(REPO_ROOT, 'test/helpers/loaded-scripts.mjs');
const runs = cliRunsOfThisFile();

async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const run = await startCli(['serve', ...args, '--port', '0'], { env });
  runs.push(run);
  return run;
}

async function watchStats(run: CliRun): Promise<WatchStats> {
  const response = await fetch(new URL(routePath('status'), run.url));
  return ((await response.json()) as { watch: WatchStats }).watch;
}

/** A page and more files than the watcher keeps on the main thread, so it runs in its own thread. */
function bigFolder(): string {
  const files: Record<string, string> = { 'index.html': '<!doctype html><title>big</title><p>big</p>\n' };
  for (let i = 0; i <= MAIN_THREAD_LIMIT; i++) files[`notes/${i}.txt`] = `${i}\n`;
  return tempProject(files);
}

function bundleFiles(): string[] {
  return readdirSync(BUNDLE).filter((name) => name.endsWith('.js'));
}

describe('the bundled CLI', () => {
  it('is what bin/devpush.js runs, in both threads: a page is served, no file of dist/src is loaded', async () => {
    // The probe is preloaded into the watcher's thread too, so the log holds what both threads loaded.
    const log = path.join(os.tmpdir(), `devpush-bundle-loaded-${process.pid}.log`);
    const run = await serve([bigFolder()], { NODE_OPTIONS: `--import=${PROBE}`, DEVPUSH_LOADED_LOG: log });
    const response = await fetch(run.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(routePath('client'));
    await expect.poll(async () => (await watchStats(run)).ready, { timeout: 15_000, interval: 50 }).toBe(true);
    expect((await watchStats(run)).thread).toBe('worker');
    const ours = readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith('file://') && !url.includes('/node_modules/') && !url.includes('/test/'));
    rmSync(log, { force: true });
    expect(ours.some((url) => url.endsWith('/dist/cli/cli.js'))).toBe(true);
    expect(ours.some((url) => url.endsWith('/dist/cli/worker.js'))).toBe(true);
    expect(ours.filter((url) => url.includes('/dist/src/'))).toEqual([]);
  });

  it.each([
    ['a big folder, in its own thread', 'worker', bigFolder],
    ['a small folder, on the main thread (a lazily loaded chunk)', 'main', () => copyFixture('site')],
  ] as const)('watches %s from the bundle and sees a save', async (_, thread, folder) => {
    const root = folder();
    const run = await serve([root]);
    await expect.poll(async () => (await watchStats(run)).ready, { timeout: 15_000, interval: 50 }).toBe(true);
    expect((await watchStats(run)).thread).toBe(thread);
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>saved</title><p>saved</p>\n');
    await expect
      .poll(async () => (await watchStats(run)).changeSets, { timeout: 15_000, interval: 50 })
      .toBeGreaterThan(0);
  });

  it('is in the published package, every file of it', () => {
    // --ignore-scripts: the list only; `prepare` (the build) must not run again under other tests' feet.
    const [pack] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT }).toString(),
    ) as [{ files: { path: string }[] }];
    const packed = new Set(pack.files.map((file) => file.path));
    expect(packed.has('bin/devpush.js')).toBe(true);
    expect(bundleFiles().length).toBeGreaterThan(1);
    for (const name of bundleFiles()) expect(packed, name).toContain(`dist/cli/${name}`);
  });

  it('imports only Node built-ins, its own files and packages a user install has (dependencies)', async () => {
    await init;
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const packageOf = (specifier: string) => specifier.split('/', specifier.startsWith('@') ? 2 : 1).join('/');
    const foreign: string[] = [];
    let checked = 0;
    for (const name of bundleFiles()) {
      const code = readFileSync(path.join(BUNDLE, name), 'utf8');
      const [imports] = parse(code);
      for (const entry of imports) {
        // import.meta, and computed import()s (the config file's own URL): no specifier to check.
        if (entry.type === 'import-meta' || typeof entry.specifier !== 'string') continue;
        if (entry.type === 'dynamic' && !`'"`.includes(code[entry.start]!)) continue;
        const specifier = entry.specifier;
        checked++;
        if (specifier.startsWith('./')) {
          expect(existsSync(path.join(BUNDLE, specifier)), `${name} → ${specifier}`).toBe(true);
          continue;
        }
        const bare = specifier.replace(/^node:/, '');
        if (builtinModules.includes(bare) || packageOf(specifier) in manifest.dependencies) continue;
        foreign.push(`${name} → ${specifier}`);
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(foreign).toEqual([]);
  });
});
