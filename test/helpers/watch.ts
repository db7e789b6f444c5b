import { utimesSync, writeFileSync } from 'node:fs';
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
  /** Resolves once `count` page-changing messages have arrived. */
  arrived(count: number): Promise<ServerMessage[]>;
  /**
   * Resolves once `count` page-changing messages have arrived and the watcher has caught up with every
   * save made before this call, so an extra, unwanted message would be among those returned.
   */
  settle(count: number): Promise<ServerMessage[]>;
  /** The id of the message that ended the last `settle()`: a client that has applied it has caught up too. */
  settledAt(): string | null;
  /** What the server serves at a URL path now. */
  fetchText(urlPath: string): Promise<string>;
}

const running: { server: DevServer; probe: WsProbe }[] = [];

const PAGE_CHANGING = new Set(['reload', 'css', 'img']);

/**
 * `settle()` saves this image and waits for its message. The watcher reports saves in order, so once the
 * marker's message is in, any message the test's own saves cause is in too (an extra one either came
 * before it or shares its change set). An image that no <img> shows is a message a browser ignores, and
 * the helper leaves it out of what it returns.
 */
const MARKER = 'devpush-caught-up.svg';
const MARKER_URL = `/${MARKER}`;

/** The message as the test's own saves made it: the marker's path taken out, or null if it was all marker. */
function withoutMarker(message: ServerMessage): ServerMessage | null {
  if (!('paths' in message) || !message.paths.includes(MARKER_URL)) return message;
  const paths = message.paths.filter((p) => p !== MARKER_URL);
  return paths.length ? { ...message, paths } : null;
}

/** Serves `files` (or `root`) with devpush and connects a client; waits until the watcher has hashed the folder. */
export async function watchedSite(files: Record<string, string>, config: InlineConfig = {}): Promise<WatchedSite> {
  const root = config.root ?? tempProject(files);
  // A project's files predate its server. Written a moment ago they would count as saved during the
  // watcher's first scan (which is reported on purpose) and add a message the test did not make.
  const past = new Date(Date.now() - 60_000);
  writeFileSync(path.join(root, MARKER), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  for (const name of [...Object.keys(files), MARKER]) utimesSync(path.join(root, name), past, past);
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
  const pageChanging = () => probe.messages.filter((m) => PAGE_CHANGING.has(m.kind));
  const changes = () => pageChanging().flatMap((m) => withoutMarker(m) ?? []);
  const markers = () => pageChanging().filter((m) => 'paths' in m && m.paths.includes(MARKER_URL));
  const arrived = async (count: number) => {
    await vi.waitFor(() => expect(changes().length).toBeGreaterThanOrEqual(count), { timeout: 15_000, interval: 20 });
    return changes();
  };
  let saves = 0;
  return {
    root,
    server,
    base,
    probe,
    changes,
    watchStats,
    arrived,
    async settle(count) {
      await arrived(count);
      const seen = markers().length;
      writeFileSync(path.join(root, MARKER), `<svg xmlns="http://www.w3.org/2000/svg"><!-- ${++saves} --></svg>`);
      await vi.waitFor(() => expect(markers().length).toBeGreaterThan(seen), { timeout: 15_000, interval: 20 });
      return changes();
    },
    settledAt: () => markers().at(-1)?.id ?? null,
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
