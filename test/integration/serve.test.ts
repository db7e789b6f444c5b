import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { WsProbe, fetchToken } from '../helpers/channel.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

let root: string;
let server: DevServer;
let base: string;
const probes: WsProbe[] = [];

beforeEach(async () => {
  root = copyFixture('site');
  server = await createServer({ root, server: { port: 0 }, logLevel: 'silent' });
  base = server.url.replace('localhost', '127.0.0.1');
  await server.watching;
});
afterEach(async () => {
  for (const probe of probes.splice(0)) probe.close();
  await server.close();
});
afterAll(removeTempProjects);

async function connect(): Promise<WsProbe> {
  const probe = new WsProbe(WsProbe.url(base, await fetchToken(base)));
  probes.push(probe);
  await probe.opened;
  await expect.poll(() => probe.kinds()).toEqual(['hello']);
  return probe;
}

describe('serving files', () => {
  it('serves HTML with exactly one client tag and a right Content-Length', async () => {
    const res = await fetch(base);
    const body = await res.text();
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(body));
    const tags = body.match(
      /<script type="module" src="\/__devpush\/client\.js\?v=[^"]+" data-devpush-since="[^"]+"><\/script>/g,
    );
    expect(tags).toHaveLength(1);
    expect(body.indexOf(tags![0]!)).toBe(body.indexOf('</head>') - tags![0]!.length);
  });

  it('serves the client under a per-run URL that the browser may keep for the whole run', async () => {
    const body = await (await fetch(base)).text();
    const src = /src="(\/__devpush\/client\.js\?v=[^"]+)"/.exec(body)![1]!;
    expect(src).toBe(`/__devpush/client.js?v=${server.stats().bootId}`);
    expect((await fetch(new URL(src, base))).headers.get('cache-control')).toBe('max-age=31536000, immutable');
    // Any other URL of it (a pasted snippet, an old run's page) is revalidated every time.
    expect((await fetch(new URL('/__devpush/client.js?v=oldrun', base))).headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(new URL('/__devpush/client.js', base))).headers.get('cache-control')).toBe('no-cache');
  });

  it('injects into a page with neither head nor body', async () => {
    const body = await (await fetch(new URL('/docs/', base))).text();
    expect(body).toMatch(/^<p>docs without head or body<\/p>\n<script type="module" src="\/__devpush\/client\.js/);
  });

  it('gives text types a UTF-8 charset and binary types none', async () => {
    expect((await fetch(new URL('/style.css', base))).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(new URL('/data.json', base))).headers.get('content-type')).toBe(
      'application/json; charset=utf-8',
    );
    expect((await fetch(new URL('/img/pixel.svg', base))).headers.get('content-type')).toBe(
      'image/svg+xml; charset=utf-8',
    );
  });

  it('answers a matching ETag with 304 and keeps Cache-Control: no-cache', async () => {
    const first = await fetch(new URL('/style.css', base));
    const etag = first.headers.get('etag')!;
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(etag).toMatch(/^W\/"/);
    const second = await fetch(new URL('/style.css', base), { headers: { 'If-None-Match': etag } });
    expect(second.status).toBe(304);
  });

  it('redirects a folder to its trailing slash and serves its index.html', async () => {
    const res = await fetch(new URL('/docs', base), { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/docs/');
  });

  it('answers a plain 404 for a missing file', async () => {
    const res = await fetch(new URL('/nope.html', base));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('Not found.\n');
  });

  it('reserves /__devpush/ for its own routes, even when the project has such a folder', async () => {
    mkdirSync(path.join(root, '__devpush'));
    writeFileSync(path.join(root, '__devpush', 'mine.txt'), 'user file');
    const res = await fetch(new URL('/__devpush/mine.txt', base));
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('user file');
  });

  it('never serves a dotfile such as .env', async () => {
    const res = await fetch(new URL('/.env', base));
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('do-not-serve');
  });
});

describe('pushing changes over WebSocket', () => {
  it('sends hello first, with bootId.seq ids', async () => {
    const probe = await connect();
    const hello = probe.messages[0]!;
    expect(hello).toMatchObject({ kind: 'hello', transport: 'websocket', seq: 0 });
    expect(hello.id).toMatch(/^[A-Za-z0-9_-]+\.0$/);
  });

  it('sends reload when HTML changes and css when a stylesheet changes', async () => {
    const probe = await connect();
    writeFileSync(path.join(root, 'index.html'), '<p>changed</p>');
    await expect.poll(() => probe.kinds()).toEqual(['hello', 'reload']);
    writeFileSync(path.join(root, 'style.css'), 'h1 { color: red; }');
    await expect.poll(() => probe.kinds()).toEqual(['hello', 'reload', 'css']);
    expect(probe.messages.at(-1)).toMatchObject({ kind: 'css', paths: ['/style.css'] });
  });

  it('gives a multi-file save one message', async () => {
    const probe = await connect();
    for (let i = 0; i < 5; i++) writeFileSync(path.join(root, `page${i}.html`), `<p>${i}</p>`);
    await expect.poll(() => probe.kinds()).toEqual(['hello', 'reload']);
    // Change sets go out in order: once a file saved now is reported on its own, no straggler is left.
    writeFileSync(path.join(root, 'caught-up.txt'), String(Date.now()));
    await expect.poll(() => probe.kinds()).toEqual(['hello', 'reload', 'reload']);
    expect(probe.messages[2]).toMatchObject({ kind: 'reload', paths: ['/caught-up.txt'] });
    const reload = probe.messages[1]!;
    expect(reload.kind === 'reload' && reload.paths.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `/page${i}.html`));
  });

  it('refuses a connection without the token, before the upgrade', async () => {
    const probe = new WsProbe(WsProbe.url(base, 'wrong-token'));
    probes.push(probe);
    await expect(probe.opened).rejects.toThrow('refused: 401');
  });
});

describe('the API', () => {
  it('reload() and send() reach every client; stats() counts them', async () => {
    const a = await connect();
    const b = await connect();
    server.reload();
    server.send('my-event', { n: 1 });
    for (const probe of [a, b]) {
      await expect.poll(() => probe.kinds()).toEqual(['hello', 'reload', 'custom']);
      expect(probe.messages[2]).toMatchObject({ kind: 'custom', event: 'my-event', data: { n: 1 } });
    }
    expect(server.stats().transports.websocket).toMatchObject({ connected: 2, total: 2 });
    expect(server.stats().seq).toBe(2);
  });

  it('close() ends client connections and frees the port', async () => {
    const probe = await connect();
    await server.close();
    await expect.poll(() => probe.closeCode).not.toBeNull();
    await expect(fetch(base)).rejects.toThrow();
    server = await createServer({ root, server: { port: 0 }, logLevel: 'silent' });
  });
});
