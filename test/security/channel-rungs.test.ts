import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DevServer } from '../../src/index.js';
import { fetchToken, WsProbe } from '../helpers/channel.js';
import { requestText, sendRawUntil, type RawResponse } from '../helpers/raw.js';
import { expectNothingProtected, expectStillServes, hostileProject, startHostile } from './project.js';

// The HTTP rungs (SSE, XHR stream, long poll) are plain GETs a foreign page can aim at localhost with
// EventSource, fetch or XHR: each checks Host, Origin and token like the WebSocket, and a malformed
// cursor or Last-Event-ID gets a 400, never a crash and never a stream.

const RUNGS = ['sse', 'stream', 'poll'] as const;

let project: ReturnType<typeof hostileProject>;
let server: DevServer;
let port: number;
let token: string;
let bystander: WsProbe;

beforeAll(async () => {
  project = hostileProject();
  server = await startHostile(project.root);
  port = server.port;
  token = await fetchToken(`http://127.0.0.1:${port}/`);
  bystander = new WsProbe(WsProbe.url(`http://127.0.0.1:${port}/`, token));
  await bystander.opened;
});

afterAll(async () => {
  bystander?.close();
  await server?.close();
  project?.remove();
});

const hasHello = (response: RawResponse) => response.body.includes('"kind":"hello"');

/** GET a rung: the answer is read until hello (a stream never ends by itself), a close, or a few seconds. */
function getRung(rung: string, query: string, headers: Record<string, string | null> = {}): Promise<RawResponse> {
  return sendRawUntil(port, requestText(port, `/__devpush/${rung}?${query}`, headers), hasHello, 5_000);
}

/** A refusal: the status, one plain line, no hello, no channel state, the server unharmed. */
async function expectRefused(response: RawResponse, status: number): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(hasHello(response)).toBe(false);
  expect(response.body).not.toContain(bystander.messages[0]!.id.split('.')[0]!);
  expectNothingProtected(response);
  await expectStillServes(port);
}

const valid = () => `t=${encodeURIComponent(token)}`;

describe.each(RUNGS)('the %s rung', (rung) => {
  test('a valid request from the page itself is served (hello first)', async () => {
    const response = await getRung(rung, valid());
    expect(response.status).toBe(200);
    expect(hasHello(response)).toBe(true);
  });

  test.each([
    ['a foreign Origin', 'https://evil.example'],
    ['the null Origin', 'null'],
    ['an IP-literal Origin that is not ours', 'http://127.0.0.1:1'],
    ['a LAN Origin', 'http://10.0.0.7:8080'],
  ])('%s with a valid token → 403', async (_why, origin) => {
    await expectRefused(await getRung(rung, valid(), { Origin: origin }), 403);
  });

  test.each([
    ['no token', () => ''],
    ['a wrong token', () => `t=${'x'.repeat(token.length)}`],
    ['the token with a suffix', () => `t=${token}%00`],
  ])('%s → 401', async (_why, query) => {
    await expectRefused(await getRung(rung, query()), 401);
  });

  test('an attacker Host (DNS rebinding) with a valid token → 403', async () => {
    await expectRefused(await getRung(rung, valid(), { Host: `rebind.evil.example:${port}` }), 403);
  });

  test('a cross-site no-cors load with a valid token → 403', async () => {
    const headers = { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'script' };
    await expectRefused(await getRung(rung, valid(), headers), 403);
  });

  test.each([
    ['a word', 'garbage'],
    ['a negative seq', 'abc.-1'],
    ['markup', '%3Cscript%3E'],
    ['CR LF (encoded)', 'abc.1%0d%0aX-Injected:%201'],
    ['a 4 KiB cursor', 'a'.repeat(4096)],
  ])('a garbage cursor (%s) → 400', async (_why, cursor) => {
    const response = await getRung(rung, `${valid()}&since=${cursor}`);
    await expectRefused(response, 400);
    expect(response.headers['x-injected']).toBeUndefined();
  });

  test('a POST (data sent to a push-only channel) → 405', async () => {
    const request = `${requestText(port, `/__devpush/${rung}?${valid()}`, { 'Content-Length': '29' }, 'POST')}{"kind":"reload","paths":[]}\n`;
    await expectRefused(await sendRawUntil(port, request, hasHello, 5_000), 405);
  });
});

describe('Last-Event-ID on the SSE rung', () => {
  test.each([
    ['a word', 'garbage'],
    ['a negative seq', 'abc.-1'],
    ['a huge number', `abc.${'9'.repeat(400)}`],
    ['markup', '<script>alert(1)</script>'],
    ['a 4 KiB value', 'b'.repeat(4096)],
  ])('garbage (%s) → 400', async (_why, value) => {
    await expectRefused(await getRung('sse', valid(), { 'Last-Event-ID': value }), 400);
  });

  test('a Last-Event-ID from another run → hello then resync', async () => {
    const response = await sendRawUntil(
      port,
      requestText(port, `/__devpush/sse?${valid()}`, { 'Last-Event-ID': 'otherrun.3' }),
      (soFar) => soFar.body.includes('"kind":"resync"'),
      5_000,
    );
    expect(response.status).toBe(200);
    expect(response.body).toContain('"kind":"resync"');
  });
});

test('the page that was connected all along was never disturbed', async () => {
  expect(bystander.closeCode).toBeNull();
  server.reload('after the hostile channel requests');
  await expect.poll(() => bystander.kinds()).toContain('reload');
  expect(bystander.kinds().filter((kind) => kind === 'reload')).toHaveLength(1);
});
