// Start-up loads only what an idle static server needs: the proxy, TLS, zlib, the module lexers, esbuild (and
// its service process), source maps, range-parser and `ws` are read when something first needs them. Each
// case watches the scripts a real `devpush serve` parses (test/helpers/loaded-scripts.mjs) and checks that
// the same package does load once it is needed, so a check cannot pass because the probe saw nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunsOfThisFile, startCli, type CliRun } from '../helpers/cli.js';
import { copyFixture, REPO_ROOT } from '../helpers/fixture.js';

const PROBE = path.join(REPO_ROOT, 'test/helpers/loaded-scripts.mjs');
const runs = cliRunsOfThisFile();

/** Packages and Node modules an idle static server must not load. */
const DEFERRED = [
  'node_modules/http-proxy-3/',
  'node_modules/jsonc-parser/',
  'node_modules/es-module-lexer/',
  'node_modules/cjs-module-lexer/',
  'node_modules/@jridgewell/trace-mapping/',
  'node_modules/esbuild/',
  'node_modules/oxc-transform/',
  'node_modules/selfsigned/',
  'node_modules/postcss/',
  'node_modules/postcss-modules/',
  'node_modules/range-parser/',
  'node:http2',
  'node:tls',
  'node:zlib',
];

let logs = 0;
async function serveProbed(args: string[]): Promise<{ run: CliRun; loaded(): string[] }> {
  const log = path.join(os.tmpdir(), `devpush-loaded-${process.pid}-${++logs}.log`);
  const run = await startCli(['serve', ...args, '--port', '0'], {
    env: { NODE_OPTIONS: `--import=${PROBE}`, DEVPUSH_LOADED_LOG: log },
  });
  runs.push(run);
  return { run, loaded: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
}

function loadedOf(loaded: string[], names: readonly string[]): string[] {
  return names.filter((name) => loaded.some((url) => url.includes(name) || url === name));
}

async function get(url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
}

function childProcesses(pid: number): number {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean).length;
  } catch {
    return 0; // ps exits 1 when nothing matches
  }
}

describe('start-up loads only what a static folder needs', () => {
  it('serves a page without the proxy, TLS, lexers, esbuild, source maps; ws comes with the first page', async () => {
    const { run, loaded } = await serveProbed([copyFixture('site')]);
    expect(loaded().some((url) => url.endsWith('/dist/cli/cli.js'))).toBe(true);
    expect(loadedOf(loaded(), [...DEFERRED, 'node_modules/ws/'])).toEqual([]);
    expect(await get(run.url)).toBe(200);
    expect(await get(new URL('style.css', run.url).href)).toBe(200);
    // The page's client will connect: ws is warmed up once the page is out.
    await expect.poll(() => loadedOf(loaded(), ['node_modules/ws/'])).toEqual(['node_modules/ws/']);
    // (ws itself reads node:tls, for its wss client, and node:zlib, for permessage-deflate.)
    expect(
      loadedOf(
        loaded(),
        DEFERRED.filter((name) => name !== 'node:tls' && name !== 'node:zlib'),
      ),
    ).toEqual([]);
    // No esbuild service process either.
    expect(childProcesses(run.proc.pid!)).toBe(0);
    // A Range request (a video seeking) reads range-parser.
    const ranged = await fetch(new URL('style.css', run.url), { headers: { Range: 'bytes=0-3' } });
    await ranged.arrayBuffer();
    expect(ranged.status).toBe(206);
    expect(loadedOf(loaded(), ['node_modules/range-parser/'])).toEqual(['node_modules/range-parser/']);
  });

  it('loads the proxy when the config asks for a backend', async () => {
    const { loaded } = await serveProbed([copyFixture('site'), '--proxy', 'http://127.0.0.1:9']);
    expect(loadedOf(loaded(), ['node_modules/http-proxy-3/'])).toEqual(['node_modules/http-proxy-3/']);
  });

  it('loads the lexer, esbuild and the tsconfig reader with the first source module', async () => {
    const { run, loaded } = await serveProbed([copyFixture('build-ts')]);
    expect(loadedOf(loaded(), DEFERRED)).toEqual([]);
    expect(await get(new URL('src/main.ts', run.url).href)).toBe(200);
    expect(loadedOf(loaded(), DEFERRED)).toEqual(
      expect.arrayContaining(['node_modules/es-module-lexer/', 'node_modules/esbuild/', 'node_modules/jsonc-parser/']),
    );
  });
});
