// Proxy mode with backends that are not the usual: a page with the snippet pasted in its body, a page in
// an encoding devpush cannot read, a backend slower than node's default timeouts, an upload slower than
// node's default time to receive a request. Each against a real backend (test/helpers/backend.ts).
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBackend, type Backend } from '../helpers/backend.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';
import { startProxy, type ProxyServer } from '../helpers/proxy-server.js';

let root: string;
let backend: Backend;
let proxy: ProxyServer;
let base: string;

beforeAll(async () => {
  root = copyFixture('proxy-site');
  backend = await startBackend(root);
});
afterAll(async () => {
  await backend.close();
  removeTempProjects();
});
beforeEach(async () => {
  proxy = await startProxy(root, backend.url);
  base = proxy.base;
});
afterEach(() => proxy.server.close());

const TAG = /<script type="module" src="\/__devpush\/client\.js\?v=[^"]+" data-devpush-since="[^"]+"><\/script>/g;

describe('proxy mode: pages that are not the usual', () => {
  it('makes a snippet pasted in the body inert: the page runs the one client devpush injected', async () => {
    const body = await (await fetch(`${base}/snippet`)).text();
    expect(body.match(TAG)).toHaveLength(1);
    expect(body).toContain(
      '<script type="text/plain" data-devpush-inert="devpush injected its client in the head"></script></body>',
    );
  });

  it('leaves HTML a script fetched (htmx, fetch) as it came, and keeps it apart from the page in caches', async () => {
    const fragment = await fetch(`${base}/gzip`, { headers: { 'sec-fetch-dest': 'empty' } });
    expect(fragment.headers.get('etag')).toBe('"page"');
    expect(fragment.headers.get('vary')).toBe('Sec-Fetch-Dest');
    expect(await fragment.text()).not.toContain('/__devpush/client.js');
    const navigation = await fetch(`${base}/gzip`, { headers: { 'sec-fetch-dest': 'document' } });
    expect((await navigation.text()).match(TAG)).toHaveLength(1);
  });

  it('passes a zstd page it cannot decode through untouched, and says why once', async () => {
    const sent = readFileSync(path.join(root, 'backend/page.html.zst'));
    for (let i = 0; i < 2; i++) {
      const res = await new Promise<{ headers: Record<string, unknown>; bytes: Buffer }>((resolve, reject) => {
        request(`${base}/zstd`, { headers: { 'accept-encoding': 'zstd, br, gzip' } }, (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => resolve({ headers: answer.headers, bytes: Buffer.concat(chunks) }));
        })
          .on('error', reject)
          .end();
      });
      expect(res.headers['content-encoding']).toBe('zstd');
      expect(res.bytes.equals(sent)).toBe(true);
      expect(backend.seen.at(-1)!.acceptEncoding).toBe('br, gzip');
    }
    const said = proxy.logged.filter((line) => line.includes('zstd'));
    expect(said).toEqual([
      'the backend sent /zstd as "zstd", which devpush cannot decode (it asked for gzip, deflate or br): pages in it pass through without live reload. Turn that compression off in the backend for development.',
    ]);
  });

  it('never leaves the encoding open: a request without Accept-Encoding asks the backend for identity', async () => {
    await new Promise<void>((resolve, reject) =>
      request(`${base}/data.json`, (answer) => answer.resume().on('end', resolve))
        .on('error', reject)
        .end(),
    );
    expect(backend.seen.at(-1)!.acceptEncoding).toBe('identity');
  });
});

// Real waits, run side by side: the backend answers after node's default agent and socket timeouts (5 s);
// an upload takes longer than node's default time to receive a request (30 s, which devpush sets too), on
// plain HTTP and on HTTP/1.1 over TLS (whose fallback keeps node's own 300 s unless devpush sets them).
describe('proxy mode: as long as the browser waits', () => {
  it('serves a page the backend takes 6 s to answer, and forwards an upload that takes 34 s', {
    timeout: 90_000,
  }, async () => {
    const tls = await startProxy(root, backend.url, true);
    try {
      const body = 'x'.repeat(17);
      const [page, plain, overTls] = await Promise.all([
        fetch(`${base}/slow?ms=6000`).then(async (res) => ({ status: res.status, body: await res.text() })),
        slowUpload(request, new URL(`${base}/echo`), body, 2_000),
        slowUpload(httpsRequest, new URL(`${tls.base}/echo`), body, 2_000),
      ]);
      expect(page.status).toBe(200);
      expect(page.body.match(TAG)).toHaveLength(1);
      expect(page.body).toMatch(/<h1 id="title">From the backend<\/h1><p>ünïcödé<\/p><\/body><\/html>$/);
      expect(plain).toEqual({ status: 201, body: `POST ${body}` });
      expect(overTls).toEqual({ status: 201, body: `POST ${body}` });
    } finally {
      await tls.server.close();
    }
  });
});

/** POSTs `body` one byte every `everyMs`; the status and body of the answer (or the error that cut it). */
function slowUpload(
  send: typeof httpsRequest,
  url: URL,
  body: string,
  everyMs: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { 'content-length': body.length, 'content-type': 'text/plain' },
        rejectUnauthorized: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    let sent = 0;
    const drip = setInterval(() => {
      if (req.destroyed) return clearInterval(drip);
      req.write(body[sent++]!);
      if (sent === body.length) {
        clearInterval(drip);
        req.end();
      }
    }, everyMs);
  });
}
