import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DevServer } from '../../src/index.js';
import { fetchToken, WsProbe } from '../helpers/channel.js';
import { rawGet, sendRaw, upgradeText, type RawResponse } from '../helpers/raw.js';
import { expectNothingProtected, expectStillServes, hostileProject, PUBLIC, startHostile } from './project.js';

// DNS rebinding, foreign pages and stolen channels: a page on any site can aim fetch, <script src>,
// new WebSocket and new EventSource at localhost, and a rebinding name can make its own Host point
// here. None of them may read a byte of the project or join the channel.

const SNIPPET_ORIGIN = 'http://snippet.test:8000';

let project: ReturnType<typeof hostileProject>;
let server: DevServer;
let port: number;
let token: string;
let bystander: WsProbe;

beforeAll(async () => {
  project = hostileProject();
  server = await startHostile(project.root, { cors: { origins: [SNIPPET_ORIGIN] } });
  port = server.port;
  token = await fetchToken(server.url.replace('localhost', '127.0.0.1'));
  // A page that is connected all along: no hostile request may disturb it.
  bystander = new WsProbe(WsProbe.url(`http://127.0.0.1:${port}/`, token));
  await bystander.opened;
});

afterAll(async () => {
  bystander?.close();
  await server?.close();
  project?.remove();
});

const ws = (query = `t=${encodeURIComponent(token)}`) => `/__devpush/websocket?${query}`;

/** An upgrade that must be refused: the given status, never a 101, never the token or a project byte. */
async function expectUpgradeRefused(response: RawResponse, status: number): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.raw.toString('latin1')).not.toMatch(/^HTTP\/1\.1 101/);
  expect(response.raw.toString('latin1')).not.toContain(token);
  expectNothingProtected(response);
  await expectStillServes(port);
}

describe('DNS rebinding: the Host header', () => {
  const HOSTILE_HOSTS: [string, string | null, number][] = [
    ['an attacker name', 'evil.example', 403],
    ['an attacker name with our port', 'evil.example:PORT', 403],
    ['a name that starts with localhost', 'localhost.evil.example:PORT', 403],
    ['a wildcard-DNS name for 127.0.0.1', '127.0.0.1.nip.io:PORT', 403],
    ['the unspecified address', '0.0.0.0:PORT', 403],
    ['a short form of 127.0.0.1', '127.1:PORT', 403],
    ['a decimal form of 127.0.0.1', '2130706433:PORT', 403],
    ['userinfo in the Host', 'localhost@evil.example', 403],
    ['a space in the Host', 'local host', 403],
    ['an empty Host', '', 403],
    ['a bracketed non-address', '[localhost]:PORT', 403],
    ['a 300-character Host', `${'a'.repeat(300)}.localhost`, 403],
    ['a port that is not a number', 'localhost:PORT:evil', 403],
  ];

  test.each(HOSTILE_HOSTS)('GET / with %s → %i', async (_why, host, status) => {
    const response = await rawGet(port, '/', { Host: host?.replace('PORT', String(port)) ?? null });
    expect(response.status).toBe(status);
    expect(response.body).not.toContain(PUBLIC);
    expect(response.body).toMatch(/^Refused: unknown Host header/);
    await expectStillServes(port);
  });

  test.each(HOSTILE_HOSTS)('WebSocket upgrade with %s → %i before any 101', async (_why, host, status) => {
    const response = await sendRaw(
      port,
      upgradeText(port, ws(), { Host: host?.replace('PORT', String(port)) ?? null }),
    );
    await expectUpgradeRefused(response, status);
  });

  test('GET / with two Host headers (ours, then an attacker name) → 400', async () => {
    const response = await sendRaw(
      port,
      `GET / HTTP/1.1\r\nHost: localhost:${port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`,
    );
    expect(response.status).toBe(400);
    expect(response.body).not.toContain(PUBLIC);
    await expectStillServes(port);
  });

  test('an HTTP/1.0 request without Host → 403', async () => {
    const response = await sendRaw(port, 'GET / HTTP/1.0\r\n\r\n');
    expect(response.status).toBe(403);
    expect(response.body).not.toContain(PUBLIC);
    await expectStillServes(port);
  });

  test('an HTTP/1.1 request without Host → 400', async () => {
    const response = await sendRaw(port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(response.status).toBe(400);
    expect(response.body).not.toContain(PUBLIC);
    await expectStillServes(port);
  });

  test.each(['localhost:PORT', '127.0.0.1:PORT', '[::1]:PORT', 'app.localhost:PORT', 'LOCALHOST.:PORT', '127.0.0.1'])(
    'loopback names are answered: Host %s → 200',
    async (host) => {
      const response = await rawGet(port, '/', { Host: host.replace('PORT', String(port)) });
      expect(response.status).toBe(200);
      expect(response.body).toContain(PUBLIC);
    },
  );
});

describe('foreign, IP-literal and null Origins', () => {
  const HOSTILE_ORIGINS: [string, string][] = [
    ['a foreign site', 'https://evil.example'],
    ['a foreign site on http', 'http://evil.example'],
    ['a sandboxed frame or file page', 'null'],
    ['another port of 127.0.0.1', 'http://127.0.0.1:1'],
    ['a LAN address', 'http://192.168.0.10:PORT'],
    ['an IPv6 literal that is not ours', 'http://[fe80::1]:PORT'],
    ['a name that starts with localhost', 'http://localhost.evil.example'],
    ['a file page', 'file://'],
    ['a browser extension', 'chrome-extension://abcdefghijklmnop'],
    ['an origin with a path (no browser sends this)', 'http://localhost:PORT/evil'],
    ['the configured snippet host on another port', 'http://snippet.test:8001'],
    ['the configured snippet host on https', 'https://snippet.test:8000'],
  ];

  test.each(HOSTILE_ORIGINS)('WebSocket from %s (%s) with a valid token → 403 before any 101', async (_why, origin) => {
    const response = await sendRaw(port, upgradeText(port, ws(), { Origin: origin.replace('PORT', String(port)) }));
    await expectUpgradeRefused(response, 403);
  });

  test.each(HOSTILE_ORIGINS)('the client script fetched from %s (%s) → 403 without the token', async (_why, origin) => {
    const response = await rawGet(port, '/__devpush/client.js', { Origin: origin.replace('PORT', String(port)) });
    expect(response.status).toBe(403);
    expect(response.raw.toString('latin1')).not.toContain(token);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    await expectStillServes(port);
  });

  test('a project file fetched by a foreign page (cors mode) → 403 without its bytes', async () => {
    const response = await rawGet(port, '/app.js', {
      Origin: 'https://evil.example',
      'Sec-Fetch-Site': 'cross-site',
      'Sec-Fetch-Mode': 'cors',
    });
    expect(response.status).toBe(403);
    expect(response.body).not.toContain(PUBLIC);
    await expectStillServes(port);
  });

  test.each(['/__devpush/status', '/__devpush/', '/__devpush/status.js'])(
    'the status route %s fetched by a foreign page → 403',
    async (target) => {
      const response = await rawGet(port, target, { Origin: 'https://evil.example' });
      expect(response.status).toBe(403);
      expect(response.body).not.toContain('bootId');
      expect(response.raw.toString('latin1')).not.toContain(token);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    },
  );

  test.each([
    ['the same origin', 'http://127.0.0.1:PORT', '127.0.0.1:PORT'],
    ['another localhost page (the snippet default)', 'http://localhost:3000', 'localhost:PORT'],
    ['a configured snippet origin', SNIPPET_ORIGIN, 'localhost:PORT'],
  ])('WebSocket from %s is accepted (101)', async (_why, origin, host) => {
    const probe = new WsProbe(WsProbe.url(`http://127.0.0.1:${port}/`, token), {
      origin: origin.replace('PORT', String(port)),
      headers: { Host: host.replace('PORT', String(port)) },
    });
    await probe.opened;
    await expect.poll(() => probe.kinds()).toContain('hello');
    probe.close();
  });

  test('CORS for an allowed origin echoes exactly that origin, never *, never credentials', async () => {
    const response = await rawGet(port, '/__devpush/client.js', { Origin: SNIPPET_ORIGIN });
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(SNIPPET_ORIGIN);
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect(response.headers.vary).toMatch(/Origin/);
  });
});

describe('the channel token', () => {
  test.each([
    ['no token', () => ws('')],
    ['an empty token', () => ws('t=')],
    ['a wrong token of the same length', () => ws(`t=${'A'.repeat(token.length)}`)],
    ['the token with one more character', () => ws(`t=${token}x`)],
    ['the token cut short by one character', () => ws(`t=${token.slice(0, -1)}`)],
    ['the token in upper case', () => ws(`t=${token.toUpperCase()}`)],
    ['a wrong token before the right one', () => ws(`t=wrong&t=${token}`)],
    ['the token under another name', () => ws(`token=${token}`)],
  ])('WebSocket with %s → 401 before any 101', async (_why, target) => {
    const response = await sendRaw(port, upgradeText(port, target()));
    await expectUpgradeRefused(response, 401);
  });
});

describe('cross-site no-cors loads (<script src>, <img src>)', () => {
  const crossSite = (dest: string) => ({
    'Sec-Fetch-Site': 'cross-site',
    'Sec-Fetch-Mode': 'no-cors',
    'Sec-Fetch-Dest': dest,
  });

  test.each([
    ['a project script', '/app.js', 'script'],
    ['the client script (it carries the token)', '/__devpush/client.js', 'script'],
    ['the status page script (it carries the token too)', '/__devpush/status.js', 'script'],
    ['a build entry', '/src/main.ts', 'script'],
    ['a page as an image', '/', 'image'],
  ])('%s loaded cross-site → 403 without its bytes', async (_why, target, dest) => {
    const response = await rawGet(port, target, crossSite(dest));
    expect(response.status).toBe(403);
    expect(response.body).not.toContain(PUBLIC);
    expect(response.raw.toString('latin1')).not.toContain(token);
    await expectStillServes(port);
  });

  test('a cross-site link (a top-level navigation) still opens the page', async () => {
    const response = await rawGet(port, '/', {
      'Sec-Fetch-Site': 'cross-site',
      'Sec-Fetch-Mode': 'navigate',
      'Sec-Fetch-Dest': 'document',
    });
    expect(response.status).toBe(200);
    expect(response.body).toContain(PUBLIC);
  });
});

describe('upgrade requests that are not what they claim', () => {
  test.each([
    ['an upgrade to a path that is no channel', () => '/index.html', 404],
    ['an upgrade to an unknown devpush route', () => '/__devpush/nope', 404],
    ['an upgrade to // (once crashed the process)', () => '//', 404],
    ['an upgrade whose target has a dot-dot', () => `/__devpush/x/../websocket?t=${token}`, 400],
    ['an upgrade whose target has a raw hash', () => `/__devpush/websocket#?t=${token}`, 400],
  ])('%s → %i', async (_why, target, status) => {
    const response = await sendRaw(port, upgradeText(port, target()));
    await expectUpgradeRefused(response, status);
  });

  test('an unsupported WebSocket version → 400', async () => {
    const response = await sendRaw(port, upgradeText(port, ws(), { 'Sec-WebSocket-Version': '99' }));
    await expectUpgradeRefused(response, 400);
  });

  test('a malformed Sec-WebSocket-Key → 400', async () => {
    const response = await sendRaw(port, upgradeText(port, ws(), { 'Sec-WebSocket-Key': 'not-a-key' }));
    await expectUpgradeRefused(response, 400);
  });

  test('an offer of compression is declined (no Sec-WebSocket-Extensions in the 101)', async () => {
    const response = await sendRaw(
      port,
      upgradeText(port, ws(), { 'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits' }),
      1_000,
    );
    expect(response.status).toBe(101);
    expect(response.headers['sec-websocket-extensions']).toBeUndefined();
  });
});

test('the page that was connected all along was never disturbed', async () => {
  expect(bystander.closeCode).toBeNull();
  server.reload('after the hostile requests');
  await expect.poll(() => bystander.kinds()).toContain('reload');
});
