// When every rung fails, the client asks /__devpush/boot whether the server restarted, and reloads the
// page once, only on the server's own answer.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChannelConnection } from '../../../client/connection.js';
import { routePath, TOKEN_PARAM } from '../../../src/protocol.js';
import { clientConfig, FakeWorld, MapStore, ORIGIN } from '../../helpers/client-world.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const answer =
  (status: number, body: unknown = {}) =>
  () =>
    Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));

/** A page on the WebSocket rung alone, whose every connection the network refuses, for `rounds` rounds. */
async function failingPage(fake: FakeWorld, rounds: number, cursor: string | null = 'runA.3'): Promise<void> {
  new ChannelConnection(fake.world, clientConfig(['websocket']), cursor, {
    message: () => {},
    state: () => {},
  }).start();
  for (let round = 0; round < rounds; round++) {
    const live = fake.rungs.websocket.live;
    if (live.length === 0) return; // stopped: it reloaded
    for (const connection of live) connection.end();
    await vi.advanceTimersToNextTimerAsync();
  }
}

describe('a server restart', () => {
  it('a dead server never causes a reload, however long it stays dead', async () => {
    const fake = new FakeWorld();
    await failingPage(fake, 30);
    expect(fake.bootRequests.length).toBe(30);
    expect(fake.bootRequests[0]?.href).toBe(`${ORIGIN}${routePath('boot')}?${TOKEN_PARAM}=tok`);
    expect(fake.reloads).toBe(0);
  });

  it.each([
    ['a proxy answering 502', answer(502)],
    ['a refused origin (403)', answer(403)],
    ['the same run (only the network is broken)', answer(200, { bootId: 'runA', id: 'runA.3' })],
    ['an answer that is not the boot shape', answer(200, { hello: 1 })],
  ])('%s is no restart: no reload', async (_name, boot) => {
    const fake = new FakeWorld();
    fake.boot = boot;
    await failingPage(fake, 5);
    expect(fake.bootRequests.length).toBe(5);
    expect(fake.reloads).toBe(0);
  });

  it.each([
    ['another bootId', answer(200, { bootId: 'runB', id: 'runB.0' })],
    ['401 to our token (a new run has a new token)', answer(401)],
  ])('%s: reloads once and stops connecting', async (_name, boot) => {
    const fake = new FakeWorld();
    fake.boot = boot;
    await failingPage(fake, 5);
    expect(fake.reloads).toBe(1);
    expect(fake.bootRequests.length).toBe(1);
    expect(fake.rungs.websocket.live).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a page that took its cursor from hello alone cannot tell a restart by bootId: no reload', async () => {
    const fake = new FakeWorld();
    fake.boot = answer(200, { bootId: 'runB', id: 'runB.0' });
    await failingPage(fake, 3, null);
    expect(fake.reloads).toBe(0);
  });

  it('the page after a reload does not reload again within ten seconds (never a reload loop)', async () => {
    const session = new MapStore();
    const first = new FakeWorld({ storage: session });
    first.boot = answer(401);
    await failingPage(first, 1);
    expect(first.reloads).toBe(1);

    const again = new FakeWorld({ storage: session });
    again.boot = answer(401);
    await failingPage(again, 5);
    expect(again.bootRequests.length).toBe(5);
    expect(again.reloads).toBe(0);

    // Still failing and still told of a restart, it reloads once the window is over: at most once per window.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(again.reloads).toBe(1);
    expect(again.rungs.websocket.live).toHaveLength(0);
  });
});
