// devpush in proxy mode in front of a test backend, with what it says in the terminal kept for the test.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../../src/config/load.js';
import type { Logger } from '../../src/log.js';
import { startDevServer, type DevServer } from '../../src/server/server.js';

export interface ProxyServer {
  server: DevServer;
  /** Its origin on 127.0.0.1, without the trailing slash. */
  base: string;
  /** Every terminal line, oldest first. */
  logged: string[];
}

export async function startProxy(root: string, backend: string, https = false): Promise<ProxyServer> {
  // A certificate made for the test, never the user's cache.
  if (https) process.env.DEVPUSH_CACHE_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'devpush-cache-'));
  const logged: string[] = [];
  const record = (line: string) => void logged.push(line);
  const log: Logger = { info: record, warn: record, error: record };
  const config = await resolveConfig({ root, configFile: false, server: { port: 0, backend, https } });
  const server = await startDevServer(config, log);
  return { server, base: server.url.replace('localhost', '127.0.0.1').replace(/\/$/, ''), logged };
}
