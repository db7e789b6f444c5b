import type net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import type { DevServer } from '../../src/index.js';
import { MAX_BODY_BYTES, MAX_HEADER_BYTES } from '../../src/server/limits.js';
import { fetchToken, WsProbe } from '../helpers/channel.js';
import { connect, parseResponse, rawGet, requestText, sendRaw } from '../helpers/raw.js';
import { expectNothingProtected, expectStillServes, hostileProject, PUBLIC, startHostile } from './project.js';

// Bad input of every size and speed gets a clear 4xx (or 503 over a cap) and costs the server nothing
// that outlives the connection.

const PER_PEER = 12;

let project: ReturnType<typeof hostileProject>;
let server: DevServer;
let port: number;
const sockets: net.Socket[] = [];

beforeAll(async () => {
  project = hostileProject();
  server = await startHostile(project.root, { maxConnectionsPerPeer: PER_PEER });
  port = server.port;
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

afterAll(async () => {
  await server?.close();
  project?.remove();
});

/** Everything a socket receives until it closes. */
function collect(socket: net.Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  return new Promise((resolve) => socket.on('close', () => resolve(Buffer.concat(chunks))));
}

describe('oversized and malformed requests', () => {
  test.each([
    ['a header larger than the limit', () => requestText(port, '/', { 'X-Big': 'a'.repeat(MAX_HEADER_BYTES) }), 431],
    [
      'a thousand small headers',
      () =>
        requestText(
          port,
          '/',
          Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`X-H${i}`, 'aaaaaaaaaaaaaaaaaaaa'])),
        ),
      431,
    ],
    ['a request target larger than the limit', () => requestText(port, `/${'a'.repeat(MAX_HEADER_BYTES)}`), 431],
    ['a GET announcing a 10 MB body', () => requestText(port, '/', { 'Content-Length': String(10_000_000) }), 413],
    [
      'a body just over the cap',
      () => requestText(port, '/', { 'Content-Length': String(MAX_BODY_BYTES + 1) }, 'POST'),
      413,
    ],
    ['a chunked GET body', () => `${requestText(port, '/', { 'Transfer-Encoding': 'chunked' })}ffffffff\r\n`, 413],
    [
      'a POST with a small body',
      () => `${requestText(port, '/index.html', { 'Content-Length': '5' }, 'POST')}hello`,
      405,
    ],
    ['a PUT over a project file', () => `${requestText(port, '/app.js', { 'Content-Length': '2' }, 'PUT')}{}`, 405],
    ['a DELETE', () => requestText(port, '/app.js', {}, 'DELETE'), 405],
    [
      'an OPTIONS preflight from a foreign page',
      () =>
        requestText(
          port,
          '/__devpush/websocket',
          { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
          'OPTIONS',
        ),
      403,
    ],
    ['an unknown method', () => requestText(port, '/', {}, 'HACK'), 400],
    [
      'Content-Length and Transfer-Encoding together (smuggling)',
      () => `${requestText(port, '/', { 'Content-Length': '4', 'Transfer-Encoding': 'chunked' }, 'POST')}0\r\n\r\n`,
      400,
    ],
    ['a Content-Length that is not a number', () => requestText(port, '/', { 'Content-Length': 'lots' }), 400],
    [
      'two different Content-Lengths',
      () => `GET / HTTP/1.1\r\nHost: localhost:${port}\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy`,
      400,
    ],
    ['a header without a colon', () => `GET / HTTP/1.1\r\nHost: localhost:${port}\r\nnot a header\r\n\r\n`, 400],
    ['a NUL in a header value', () => `GET / HTTP/1.1\r\nHost: localhost:${port}\r\nX-A: a\0b\r\n\r\n`, 400],
    ['an obsolete HTTP/0.9 request line', () => 'GET /\r\n\r\n', 403],
    ['an HTTP/2 preface on the HTTP/1 port', () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400],
    ['binary noise', () => Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37) % 256)).toString('latin1'), 400],
  ])('%s → %i', async (_why, request, status) => {
    const response = await sendRaw(port, request());
    expect(response.status).toBe(status);
    expectNothingProtected(response);
    await expectStillServes(port);
  });

  test('an announced body is never drained: the answer comes at once and the connection closes', async () => {
    const socket = await connect(port);
    sockets.push(socket);
    const received = collect(socket);
    // 100 MB announced, 1 KiB sent: the server must answer without waiting for the rest.
    socket.write(
      requestText(port, '/', { 'Content-Length': '100000000' }, 'POST').replace(
        'Connection: close',
        'Connection: keep-alive',
      ),
    );
    socket.write('x'.repeat(1024));
    const response = parseResponse(await received);
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe('close');
  });
});

describe('slow and half-open connections', () => {
  test('a socket that never sends, and one that sends headers a byte at a time, are answered 408 and closed', async () => {
    const idle = await connect(port);
    const slow = await connect(port);
    sockets.push(idle, slow);
    const idleGot = collect(idle);
    const slowGot = collect(slow);
    const head = requestText(port, '/');
    let sent = 0;
    const drip = setInterval(() => {
      if (!slow.destroyed && sent < head.length - 4) slow.write(head[sent++]!);
    }, 500);
    try {
      expect(parseResponse(await idleGot).status).toBe(408);
      expect(parseResponse(await slowGot).status).toBe(408);
    } finally {
      clearInterval(drip);
    }
    await expectStillServes(port);
  }, 40_000);
});

describe('many connections from one peer', () => {
  test(`past ${PER_PEER} open connections from one address, the next gets 503 and is closed`, async () => {
    for (let i = 0; i < PER_PEER; i++) sockets.push(await connect(port));
    const extra = await connect(port);
    sockets.push(extra);
    const received = collect(extra);
    extra.write(requestText(port, '/'));
    const response = parseResponse(await received);
    expect(response.status).toBe(503);
    expect(response.body).not.toContain(PUBLIC);
    // The announced length is the body's: a client that trusts it reads the whole reason, no more.
    expect(response.body).toBe('Refused: too many open connections to the dev server.\n');
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
    // Once the flood is gone, a normal client is served again.
    for (const socket of sockets.splice(0)) socket.destroy();
    await expect.poll(async () => (await rawGet(port, '/')).status, { timeout: 10_000 }).toBe(200);
    await expectStillServes(port);
  });

  test('channel sockets count too: a page opening WebSocket after WebSocket hits the same cap', async () => {
    const token = await fetchToken(`http://127.0.0.1:${port}/`);
    const probes = Array.from(
      { length: PER_PEER + 3 },
      () => new WsProbe(WsProbe.url(`http://127.0.0.1:${port}/`, token)),
    );
    const outcomes = await Promise.allSettled(probes.map((probe) => probe.opened));
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeLessThanOrEqual(PER_PEER);
    expect(outcomes.filter((o) => o.status === 'rejected').length).toBeGreaterThanOrEqual(3);
    for (const probe of probes) probe.close();
    await expect.poll(async () => (await rawGet(port, '/')).status, { timeout: 10_000 }).toBe(200);
  });

  test('the caps have defaults that a config can raise', async () => {
    const config = await resolveConfig({ root: project.root });
    expect(config.server.maxConnectionsPerPeer).toBe(256);
    expect(config.server.maxConnections).toBe(1024);
    const raised = await resolveConfig({
      root: project.root,
      server: { maxConnectionsPerPeer: 2000, maxConnections: 8000 },
    });
    expect(raised.server.maxConnectionsPerPeer).toBe(2000);
    expect(raised.server.maxConnections).toBe(8000);
  });
});
