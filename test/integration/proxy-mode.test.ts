import { mkdtempSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect as h2connect } from 'node:http2';
import os from 'node:os';
import nodePath from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveConfig } from '../../src/config/load.js';
import type { Logger } from '../../src/log.js';
import { startDevServer, type DevServer } from '../../src/server/server.js';
import { startBackend, type Backend } from '../helpers/backend.js';
import { runCli } from '../helpers/cli.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

let root: string;
let backend: Backend;
let server: DevServer;
let base: string;
let logged: string[];

const recorder = (): Logger => ({
  info: (m) => logged.push(m),
  warn: (m) => logged.push(m),
  error: (m) => logged.push(m),
});

async function start(backendOption: string | { target: string; changeOrigin?: boolean }, https = false): Promise<void> {
  logged = [];
  const config = await resolveConfig({ root, configFile: false, server: { port: 0, backend: backendOption, https } });
  server = await startDevServer(config, recorder());
  base = server.url.replace('localhost', '127.0.0.1').replace(/\/$/, '');
}

beforeAll(async () => {
  root = copyFixture('proxy-site');
  backend = await startBackend(root);
});
afterAll(async () => {
  await backend.close();
  removeTempProjects();
});
beforeEach(() => start(backend.url));
afterEach(() => server.close());

const TAG = /<script type="module" src="\/__devpush\/client\.js\?v=[^"]+" data-devpush-since="[^"]+"><\/script>/g;

describe('proxy mode: pages', () => {
  it.each(['/gzip', '/br', '/deflate'])(
    'decodes %s, injects one tag before </head>, and frames the body anew',
    async (path) => {
      const res = await fetch(base + path);
      const body = await res.text();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(res.headers.get('etag')).toBeNull();
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(body.match(TAG)).toHaveLength(1);
      expect(body).toMatch(/<\/script><\/head><body><h1 id="title">From the backend<\/h1><p>ünïcödé<\/p>/);
    },
  );

  it("injects into the backend's error pages too (a 404 page gets live reload)", async () => {
    const res = await fetch(`${base}/no/such/page`);
    expect(res.status).toBe(404);
    expect((await res.text()).match(TAG)).toHaveLength(1);
  });

  it('streams a page: the head with the client arrives before the backend has sent the rest', async () => {
    const first = await new Promise<{ text: string; rest: Promise<string> }>((resolve, reject) => {
      request(`${base}/stream`, (res) => {
        let text = '';
        let resolved = false;
        const rest = new Promise<string>((done) => res.on('end', () => done(text)));
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (!resolved && text.includes('</head>')) {
            resolved = true;
            resolve({ text, rest });
          }
        });
      })
        .on('error', reject)
        .end();
    });
    expect(first.text).toMatch(TAG);
    expect(first.text).not.toContain('late');
    backend.releaseStream();
    expect(await first.rest).toMatch(/<p>first<\/p><p id="late">late<\/p><\/body><\/html>$/);
  });

  it('serves the entries of the folder itself (built), and leaves every other path to the backend', async () => {
    const res = await fetch(`${base}/src/main.ts`);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(await res.text()).toContain('dataset.entry');
    expect(backend.seen.some((r) => r.url === '/src/main.ts')).toBe(false);
    // The folder's plain files are not served: they are templates and sources, the backend serves the site.
    expect((await fetch(`${base}/templates/index.html`)).status).toBe(404);
    expect(backend.seen.at(-1)!.url).toBe('/templates/index.html');
  });

  it('offers the backend only encodings it can decode for pages', async () => {
    await fetch(`${base}/gzip`, { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
    expect(backend.seen.at(-1)!.acceptEncoding).toBe('gzip, deflate, br');
  });
});

describe('proxy mode: everything else untouched', () => {
  it('passes status, headers, ETag and 304 through', async () => {
    const res = await fetch(`${base}/data.json`);
    expect(res.headers.get('x-backend')).toBe('yes');
    expect(res.headers.get('etag')).toBe('"v1"');
    expect(res.headers.get('x-content-type-options')).toBeNull();
    expect(await res.json()).toEqual({ ok: true });
    const again = await fetch(`${base}/data.json`, { headers: { 'if-none-match': '"v1"' } });
    expect(again.status).toBe(304);
  });

  it('answers HEAD without a body and without touching it', async () => {
    const res = await fetch(`${base}/gzip`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
  });

  it('forwards other methods with their bodies', async () => {
    const res = await fetch(`${base}/echo`, { method: 'POST', body: 'name=devpush' });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('POST name=devpush');
  });

  it('keeps several Set-Cookie lines, making cookies for the backend host host-only', async () => {
    const res = await fetch(`${base}/cookies`);
    expect(res.headers.getSetCookie()).toEqual([
      'session=abc; Path=/; HttpOnly',
      'theme=dark; Path=/',
      'other=1; Domain=example.com',
    ]);
  });

  it('points redirects to the backend at devpush, and leaves others alone', async () => {
    const res = await fetch(`${base}/redirect`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${base}/landed?x=1`);
    const away = await fetch(`${base}/elsewhere`, { redirect: 'manual' });
    expect(away.headers.get('location')).toBe('https://example.com/away');
  });

  it("sends the browser's Host by default, and the backend's with changeOrigin", async () => {
    await fetch(`${base}/data.json`);
    expect(backend.seen.at(-1)!.host).toBe(new URL(base).host);
    await server.close();
    await start({ target: backend.url, changeOrigin: true });
    await fetch(`${base}/data.json`);
    expect(backend.seen.at(-1)!.host).toBe(`127.0.0.1:${backend.port}`);
  });

  it("passes the app's own WebSocket through to the backend", async () => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/cable`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send('hi');
    const reply = await new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    expect(reply).toBe('echo:hi');
    socket.close();
  });
});

describe('proxy mode: Content-Security-Policy', () => {
  it("uses the page's nonce and opens connect-src for the channel only, said once", async () => {
    const res = await fetch(`${base}/csp`);
    const body = await res.text();
    expect(body).toMatch(/<script type="module" nonce="backend123" src="\/__devpush\/client\.js/);
    const ours = /style-src 'self' 'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    expect(res.headers.get('content-security-policy')).toBe(
      `default-src 'none'; script-src 'nonce-backend123'; style-src 'self' 'nonce-${ours}'; connect-src ${base}/__devpush/ ${base.replace('http', 'ws')}/__devpush/`,
    );
    // The styles devpush adds (modules' CSS, the overlay) get the nonce it added to style-src.
    expect(body).toContain(`<meta property="csp-nonce" nonce="${ours}">`);
    await fetch(`${base}/csp`);
    expect(logged.filter((line) => line.includes('Content-Security-Policy'))).toHaveLength(1);
  });

  it('adds a nonce of its own where scripts are trusted by hash and strict-dynamic', async () => {
    const res = await fetch(`${base}/csp-strict`);
    const policy = res.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(policy)![1]!;
    expect(policy).toBe(
      `default-src 'self'; script-src 'strict-dynamic' 'sha256-AAAA' 'nonce-${nonce}'; style-src 'self' 'nonce-${nonce}'`,
    );
    expect(await res.text()).toContain(`<script type="module" nonce="${nonce}" src="/__devpush/client.js`);
  });

  it("names the page's style nonce for devpush's styles, and leaves the policy as it was", async () => {
    const res = await fetch(`${base}/app-csp`);
    const policy = res.headers.get('content-security-policy')!;
    const nonce = /style-src 'nonce-([^']+)'/.exec(policy)![1]!;
    expect(policy).toBe(`default-src 'self'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'`);
    const body = await res.text();
    expect(body).toContain(`<meta property="csp-nonce" nonce="${nonce}"><script type="module" nonce="${nonce}"`);
  });
});

describe('proxy mode: backend down', () => {
  it('answers a page that names the error and the backend, and says so once in the terminal', async () => {
    await server.close();
    await start('http://127.0.0.1:9'); // the discard port: nothing listens there
    const res = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
    const body = await res.text();
    expect(res.status).toBe(502);
    expect(res.headers.get('x-devpush-backend-down')).toBe('1');
    expect(body).toContain('http://127.0.0.1:9');
    expect(body).toContain('ECONNREFUSED');
    expect(body.match(TAG)).toHaveLength(1);
    const api = await fetch(`${base}/api/x`);
    expect(api.status).toBe(502);
    expect(await api.text()).toBe('The backend at http://127.0.0.1:9 does not answer (ECONNREFUSED).\n');
    // The notice's own check is answered 200 (a quiet console), marked as devpush's.
    const check = await fetch(`${base}/`, { method: 'HEAD', headers: { 'x-devpush-backend-check': '1' } });
    expect(check.status).toBe(200);
    expect(check.headers.get('x-devpush-backend-down')).toBe('1');
    expect(logged.filter((line) => line.includes('does not answer'))).toHaveLength(1);
  });
});

describe('proxy mode: start-up', () => {
  it('refuses a backend URL that names devpush itself, in one line', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const result = await runCli(['serve', root, '--proxy', `http://localhost:${port}`, '--port', String(port)]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `server.backend http://localhost:${port} is devpush itself (port ${port}): proxying would loop. Start the backend on its own port, or give devpush another --port.`,
    );
  });
});

describe('proxy mode over HTTPS (h2)', () => {
  it('streams the client into a page over h2 and points redirects at the https origin', async () => {
    process.env.DEVPUSH_CACHE_DIR = mkdtempSync(nodePath.join(os.tmpdir(), 'devpush-cache-'));
    await server.close();
    await start(backend.url, true);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    const session = h2connect(base, { rejectUnauthorized: false });
    const get = (path: string) =>
      new Promise<{ headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const stream = session.request({ ':path': path, 'accept-encoding': 'gzip' });
        let headers: Record<string, unknown> = {};
        let body = '';
        stream.on('response', (h) => (headers = h));
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (body += chunk));
        stream.on('end', () => resolve({ headers, body }));
        stream.on('error', reject);
      });
    try {
      const page = await get('/gzip');
      expect(page.headers[':status']).toBe(200);
      expect(page.headers['content-encoding']).toBeUndefined();
      expect(page.body.match(TAG)).toHaveLength(1);
      const redirect = await get('/redirect');
      expect(redirect.headers.location).toBe(`${base}/landed?x=1`);
      expect(base).toMatch(/^https:/);
      // node warns (in the user's terminal) when given a reason phrase for HTTP/2, which has none.
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      session.close();
    }
  });
});
