import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DevServer } from '../../src/index.js';
import { fetchToken } from '../helpers/channel.js';
import { requestText, sendRawUntil, upgradeText, type RawResponse } from '../helpers/raw.js';
import { expectNothingProtected, expectStillServes, hostileProject, startHostile } from './project.js';

// A browser marks a request made by another site's page `Sec-Fetch-Site: cross-site`. On the channel
// such a request is refused unless it carries an Origin devpush allows (a snippet page), on every rung
// and whatever the token: a leaked or guessed token alone never opens the channel to a foreign site.

let project: ReturnType<typeof hostileProject>;
let server: DevServer;
let port: number;
let token: string;

beforeAll(async () => {
  project = hostileProject();
  server = await startHostile(project.root);
  port = server.port;
  token = await fetchToken(`http://127.0.0.1:${port}/`);
});

afterAll(async () => {
  await server?.close();
  project?.remove();
});

const answered = (response: RawResponse) =>
  response.body.includes('"kind":"hello"') || response.raw.includes('HTTP/1.1 101');

function request(rung: string, headers: Record<string, string | null>): Promise<RawResponse> {
  const target = `/__devpush/${rung}?t=${encodeURIComponent(token)}`;
  const text =
    rung === 'websocket'
      ? upgradeText(port, target, { 'Sec-Fetch-Mode': 'websocket', ...headers })
      : requestText(port, target, { 'Sec-Fetch-Mode': 'cors', ...headers });
  return sendRawUntil(port, text, answered, 5_000);
}

describe.each(['websocket', 'sse', 'stream', 'poll'])('the %s rung', (rung) => {
  test('a cross-site request without an Origin, with a valid token → 403', async () => {
    const response = await request(rung, { 'Sec-Fetch-Site': 'cross-site' });
    expect(response.status).toBe(403);
    expect(answered(response)).toBe(false);
    expectNothingProtected(response);
    await expectStillServes(port);
  });

  test('a cross-site request with a foreign Origin, with a valid token → 403', async () => {
    const response = await request(rung, { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(answered(response)).toBe(false);
  });

  test('a cross-site request with an allowed Origin (a snippet page on localhost) is served', async () => {
    const response = await request(rung, { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://localhost:5999' });
    expect(answered(response)).toBe(true);
  });

  test('a same-origin request is served', async () => {
    const response = await request(rung, { 'Sec-Fetch-Site': 'same-origin', Origin: `http://localhost:${port}` });
    expect(answered(response)).toBe(true);
  });
});
