import { mkdtempSync } from 'node:fs';
import { connect as h2connect, type ClientHttp2Session } from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DevServer } from '../../src/index.js';
import { hostileProject, PROTECTED, PUBLIC, startHostile } from './project.js';

// The rules of plain HTTP hold unchanged over TLS, on HTTP/2 (where the host is `:authority`) and on
// HTTP/1.1 (ALPN fallback, WebSocket upgrades): Host, Origin, token and files.

let project: ReturnType<typeof hostileProject>;
let server: DevServer;
let port: number;
let session: ClientHttp2Session;
let token: string;

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTP/2 request on the shared session, with headers written as given (`:authority` included). */
function h2(headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'GET', ':authority': `localhost:${port}`, ...headers });
    let body = '';
    let answer: Omit<Answer, 'body'> = { status: 0, headers: {} };
    stream.on('response', (head) => (answer = { status: Number(head[':status']), headers: head }));
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      body += chunk;
      // A live stream (an accepted SSE connection) never ends: its first bytes are enough.
      if (headers[':path']!.startsWith('/__devpush/sse') && answer.status === 200) stream.close();
    });
    stream.on('close', () => resolve({ ...answer, body }));
    stream.on('error', reject);
    stream.end();
  });
}

/** A request over TLS with ALPN http/1.1, written by hand, read until the server closes. */
function h1(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      port,
      host: '127.0.0.1',
      servername: 'localhost',
      ALPNProtocols: ['http/1.1'],
      rejectUnauthorized: false,
    });
    let raw = '';
    socket.on('secureConnect', () => socket.write(text));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (raw += chunk));
    socket.on('end', () => resolve(raw));
    socket.on('close', () => resolve(raw));
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  process.env.DEVPUSH_CACHE_DIR = mkdtempSync(path.join(os.tmpdir(), 'devpush-cache-'));
  project = hostileProject();
  server = await startHostile(project.root, { https: true });
  port = server.port;
  session = h2connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
  const page = await h2({ ':path': '/' });
  expect(page.body).toContain(PUBLIC);
  const client = await h2({ ':path': '/__devpush/client.js' });
  token = /"token":"([^"]+)"/.exec(client.body)![1]!;
});

afterAll(async () => {
  session?.close();
  await server?.close();
  project?.remove();
});

describe('HTTP/2', () => {
  test.each([
    ['an attacker name', 'evil.example'],
    ['a rebinding name with our port', 'evil.example:PORT'],
    ['a wildcard-DNS name for 127.0.0.1', '127.0.0.1.nip.io:PORT'],
  ])('refuses %s as :authority', async (_, authority) => {
    const answer = await h2({ ':path': '/', ':authority': authority.replace('PORT', String(port)) });
    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain(PUBLIC);
  });

  test('refuses a Host header that differs from :authority', async () => {
    const answer = await h2({ ':path': '/', host: 'evil.example' });
    expect(answer.status).toBe(400);
    expect(answer.body).not.toContain(PUBLIC);
  });

  test('refuses a foreign Origin, and a null one', async () => {
    for (const origin of ['https://evil.example', 'null']) {
      const answer = await h2({ ':path': '/', origin });
      expect(answer.status).toBe(403);
    }
  });

  test.each([
    '/.env',
    '/.git/config',
    '/sibling/secret.html',
    '/%2e%2e/outside.txt',
    '/src/../../outside.txt',
    '/server.key',
  ])('never serves %s', async (target) => {
    const answer = await h2({ ':path': target });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.body).not.toContain(PROTECTED);
  });

  test('keeps the channel to token holders: no token 401, a foreign origin 403, the token 200', async () => {
    expect((await h2({ ':path': '/__devpush/sse' })).status).toBe(401);
    expect((await h2({ ':path': `/__devpush/sse?t=${token}`, origin: 'https://evil.example' })).status).toBe(403);
    expect((await h2({ ':path': `/__devpush/sse?t=${token}` })).status).toBe(200);
  });
});

describe('HTTPS with HTTP/1.1', () => {
  test('refuses a rebinding Host', async () => {
    const raw = await h1('GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 403/);
    expect(raw).not.toContain(PUBLIC);
  });

  test('refuses a WebSocket upgrade from a foreign page, and one without the token', async () => {
    const upgrade = (query: string, origin: string) =>
      h1(
        `GET /__devpush/websocket${query} HTTP/1.1\r\nHost: localhost:${port}\r\nOrigin: ${origin}\r\n` +
          'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
    expect(await upgrade(`?t=${token}`, 'https://evil.example')).toMatch(/^HTTP\/1\.1 403/);
    expect(await upgrade('', `https://localhost:${port}`)).toMatch(/^HTTP\/1\.1 401/);
  });
});
