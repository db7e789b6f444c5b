import { utimesSync } from 'node:fs';
import path from 'node:path';
import { vi, expect } from 'vitest';
import { createServer, type DevServer, type InlineConfig } from '../../src/index.js';
import { routePath, type ServerMessage } from '../../src/protocol.js';
import type { WatchStats } from '../../src/watch/watcher.js';
import { fetchToken, WsProbe } from './channel.js';
import { tempProject } from './fixture.js';

/** A served temp project with a `ws` client listening, ready for edits. */
export interface WatchedSite {
  root: string;
  server: DevServer;
  base: string;
  probe: WsProbe;
  /** The page-changing messages received so far (reload, css, img). */
  changes(): ServerMessage[];
  /** The watcher's part of /__devpush/status. */
  watchStats(): Promise<WatchStats>;
  /** Resolves after `count` page-changing messages, then waits `quietMs` more to catch any extra one. */
  settle(count: number, quietMs?: number): Promise<ServerMessage[]>;
  /** What the server serves at a URL path now. */
  fetchText(urlPath: string): Promise<string>;
}

const running: { server: DevServer; probe: WsProbe }[] = [];

const PAGE_CHANGING = new Set(['reload', 'css', 'img']);

/** Serves `files` (or `root`) with devpush and connects a client; waits until the watcher has hashed the folder. */
export async function watchedSite(files: Record<string, string>, config: InlineConfig = {}): Promise<WatchedSite> {
  const root = config.root ?? tempProject(files);
  // A project's files predate its server. Written a moment ago they would count as saved during the
  // watcher's first scan (which is reported on purpose) and add a message the test did not make.
  const past = new Date(Date.now() - 60_000);
  for (const name of Object.keys(files)) utimesSync(path.join(root, name), past, past);
  const server = await createServer({ configFile: false, server: { port: 0 }, logLevel: 'silent', ...config, root });
  const base = server.url.replace('localhost', '127.0.0.1');
  const probe = new WsProbe(WsProbe.url(base, await fetchToken(base)));
  running.push({ server, probe });
  await probe.opened;
  await server.watching;
  const watchStats = async () =>
    ((await (await fetch(new URL(routePath('status'), base))).json()) as { watch: WatchStats }).watch;
  await vi.waitFor(async () => expect((await watchStats()).hashedFiles).not.toBeNull(), {
    timeout: 15_000,
    interval: 50,
  });
  const changes = () => probe.messages.filter((m) => PAGE_CHANGING.has(m.kind));
  return {
    root,
    server,
    base,
    probe,
    changes,
    watchStats,
    async settle(count, quietMs = 800) {
      await vi.waitFor(() => expect(changes().length).toBeGreaterThanOrEqual(count), { timeout: 15_000, interval: 20 });
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      return changes();
    },
    async fetchText(urlPath) {
      return (await fetch(new URL(urlPath, base))).text();
    },
  };
}

export async function closeWatchedSites(): Promise<void> {
  for (const { server, probe } of running.splice(0)) {
    probe.close();
    await server.close();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
