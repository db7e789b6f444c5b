import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveConfig } from '../../src/config/load.js';
import type { UserConfig } from '../../src/config/types.js';
import type { Logger } from '../../src/log.js';
import { startDevServer, type DevServer } from '../../src/server/server.js';
import { startBackend, type Backend } from '../helpers/backend.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

let backend: Backend;
let server: DevServer;
let base: string;
let logged: string[];

beforeAll(async () => {
  backend = await startBackend(copyFixture('proxy-site'));
});
afterAll(async () => {
  await backend.close();
  removeTempProjects();
});
beforeEach(async () => {
  logged = [];
  const log: Logger = { info: (m) => logged.push(m), warn: (m) => logged.push(m), error: (m) => logged.push(m) };
  const proxy: NonNullable<UserConfig['server']>['proxy'] = {
    '/api/echo': { target: backend.url, rewrite: (p) => p.replace(/^\/api/, '') },
    '/api': 'http://127.0.0.1:9',
    '/v1': { target: backend.url, changeOrigin: true, rewrite: (p) => p.replace(/^\/v1/, '') },
    '/plain': backend.url,
    '/cable': { target: backend.url.replace('http', 'ws'), ws: true },
  };
  const config = await resolveConfig({ root: copyFixture('site'), configFile: false, server: { port: 0, proxy } });
  server = await startDevServer(config, log);
  base = server.url.replace('localhost', '127.0.0.1').replace(/\/$/, '');
});
afterEach(() => server.close());

describe('server.proxy rules', () => {
  it('sends a prefix to its target, rewritten, with the target as Host under changeOrigin', async () => {
    const res = await fetch(`${base}/v1/data.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(backend.seen.at(-1)).toMatchObject({ url: '/data.json', host: `127.0.0.1:${backend.port}` });
  });

  it('uses the first matching prefix, in the order written, and keeps method and body', async () => {
    const res = await fetch(`${base}/api/echo`, { method: 'POST', body: 'a=1' });
    expect(await res.text()).toBe('POST a=1');
  });

  it('passes answers through untouched: no client in HTML, the Host of the browser by default', async () => {
    const res = await fetch(`${base}/plain/page`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('/__devpush/client.js');
    expect(backend.seen.at(-1)).toMatchObject({ url: '/plain/page', host: new URL(base).host });
  });

  it('still serves the folder for every other path', async () => {
    const body = await (await fetch(`${base}/`)).text();
    expect(body).toContain('/__devpush/client.js');
  });

  it('answers 502 naming the rule when its target is down, and says so in the terminal once', async () => {
    const res = await fetch(`${base}/api/users`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('server.proxy "/api" → http://127.0.0.1:9 failed (ECONNREFUSED)');
    await fetch(`${base}/api/users`);
    const lines = logged.filter((line) => line.includes('server.proxy "/api"'));
    expect(lines).toEqual([
      'server.proxy "/api" → http://127.0.0.1:9 failed for GET /api/users: ECONNREFUSED. Is that server running?',
    ]);
  });

  it('proxies WebSocket upgrades for a ws rule, and for no other', async () => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/cable`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send('ping');
    expect(await new Promise((resolve) => socket.once('message', (data) => resolve(String(data))))).toBe('echo:ping');
    socket.close();
    const refused = new WebSocket(`${base.replace('http', 'ws')}/plain/cable`);
    const status = await new Promise<number>((resolve) =>
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).once('open', () => resolve(101)),
    );
    expect(status).toBe(404);
  });
});
