// The connection's ladder under Node: fake rungs answered by the test, vitest's fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChannelConnection } from '../../../client/connection.js';
import { RECONNECT_PARAM, type ServerMessage, type TransportName } from '../../../src/protocol.js';
import { clientConfig, type FakeConnection, FakeHub, FakeWorld, HEARTBEAT_MS } from '../../helpers/client-world.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

interface Started {
  connection: ChannelConnection;
  applied: ServerMessage[];
  states: string[];
}

function start(fake: FakeWorld, transports: TransportName[], cursor: string | null = null): Started {
  const applied: ServerMessage[] = [];
  const states: string[] = [];
  const connection = new ChannelConnection(fake.world, clientConfig(transports), cursor, {
    message: (message) => applied.push(message),
    state: (state, rung) => states.push(rung ? `${state} ${rung}` : state),
  });
  connection.start();
  return { connection, applied, states };
}

const ALL: TransportName[] = ['websocket', 'sse', 'stream', 'poll'];

/** Lets `ms` pass on a live connection, the server pinging it every heartbeat as the hub does. */
function liveFor(connection: FakeConnection, ms: number): void {
  for (let left = ms; left > 0; left -= HEARTBEAT_MS) {
    vi.advanceTimersByTime(Math.min(HEARTBEAT_MS, left));
    connection.send({ kind: 'ping', id: 'runA.0' });
  }
}

describe('the ladder', () => {
  it('comes up on the first rung that says hello', () => {
    const fake = new FakeWorld();
    const hub = new FakeHub();
    const { states } = start(fake, ALL);
    hub.accept(fake.rungs.websocket.last, 'websocket');
    expect(states).toEqual(['connecting websocket', 'up websocket']);
  });

  it('moves down a rung when one is held open without a hello, at its deadline', () => {
    const fake = new FakeWorld();
    const { states } = start(fake, ALL);
    const held = fake.rungs.websocket.last;
    vi.advanceTimersByTime(2499);
    expect(fake.rungs.sse.opened).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(held.done).toBe(true);
    expect(fake.rungs.sse.opened).toHaveLength(1);
    new FakeHub().accept(fake.rungs.sse.last, 'sse');
    expect(states.at(-1)).toBe('up sse');
  });

  it('moves down a rung at once on a fatal close, and forgets the refused cursor', () => {
    const fake = new FakeWorld();
    start(fake, ALL, 'old.7');
    expect(fake.rungs.websocket.last.cursor).toBe('old.7');
    fake.rungs.websocket.last.end(true);
    expect(fake.rungs.sse.opened).toHaveLength(1);
    expect(fake.rungs.sse.last.cursor).toBeNull();
  });

  it('a working connection that drops reconnects on the same rung, from its cursor', () => {
    const fake = new FakeWorld();
    const hub = new FakeHub();
    const { applied } = start(fake, ['sse', 'poll'], 'runA.0');
    hub.accept(fake.rungs.sse.last, 'sse');
    fake.rungs.sse.last.send(hub.custom(1));
    fake.rungs.sse.last.end();
    hub.custom(2); // published while the page was away
    vi.advanceTimersByTime(1000);
    expect(fake.rungs.poll.opened).toHaveLength(0);
    expect(fake.rungs.sse.last.cursor).toBe('runA.1');
    expect(fake.rungs.sse.last.url.searchParams.get(RECONNECT_PARAM)).toBe('1');
    hub.accept(fake.rungs.sse.last, 'sse');
    expect(applied.map((m) => m.id)).toEqual(['runA.1', 'runA.2']);
  });

  it('backs off between rounds, doubling from 300 ms to a 5 s cap, with jitter (fixed at the middle here)', async () => {
    const fake = new FakeWorld();
    start(fake, ['websocket']);
    const waits: number[] = [];
    for (let round = 0; round < 8; round++) {
      const failedAt = Date.now();
      fake.rungs.websocket.last.end();
      await vi.advanceTimersToNextTimerAsync();
      waits.push(fake.rungs.websocket.last.openedAt - failedAt);
    }
    expect(waits).toEqual([225, 450, 900, 1800, 3600, 3750, 3750, 3750]);
    expect(fake.reloads).toBe(0);
  });

  it('starts from the rung that worked last in this tab, and forgets it once it fails', () => {
    const fake = new FakeWorld();
    start(fake, ALL);
    fake.rungs.websocket.last.end();
    new FakeHub().accept(fake.rungs.sse.last, 'sse');
    const next = new FakeWorld({ storage: fake.storage });
    start(next, ALL);
    expect(next.rungs.websocket.opened).toHaveLength(0);
    next.rungs.sse.last.end();
    expect(next.rungs.stream.opened).toHaveLength(1);
    expect([...next.storage.values.values()]).toEqual([]);
  });

  it('ends a connection that goes silent past two heartbeats, by the wall clock', () => {
    const fake = new FakeWorld();
    const hub = new FakeHub();
    start(fake, ['websocket']);
    const first = fake.rungs.websocket.last;
    hub.accept(first, 'websocket');
    liveFor(first, 10 * HEARTBEAT_MS);
    expect(first.done).toBe(false);
    vi.advanceTimersByTime(2 * HEARTBEAT_MS + 1000 + 1000);
    expect(first.done).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(fake.rungs.websocket.opened).toHaveLength(2);
  });

  it('reports down for good when the browser supports none of the offered rungs', () => {
    const fake = new FakeWorld();
    const { states } = start(fake, []);
    expect(states).toEqual(['down']);
  });
});

describe('trying the best rung again', () => {
  it('while up on a lower rung, tries the best one later, and moves up once it says hello', () => {
    const fake = new FakeWorld();
    const hub = new FakeHub();
    const { states, applied } = start(fake, ALL, 'runA.0');
    fake.rungs.websocket.last.end(); // refused
    const sse = fake.rungs.sse.last;
    hub.accept(sse, 'sse');
    sse.send(hub.custom('a'));

    // Four heartbeats (jitter at the middle): a trial on the best rung; held, it is given up at its deadline.
    liveFor(sse, 4 * HEARTBEAT_MS - 1);
    expect(fake.rungs.websocket.opened).toHaveLength(1);
    liveFor(sse, 1);
    expect(fake.rungs.websocket.opened).toHaveLength(2);
    liveFor(sse, 2499);
    expect(fake.rungs.websocket.last.done).toBe(false);
    liveFor(sse, 1);
    expect(fake.rungs.websocket.last.done).toBe(true);
    expect(sse.done).toBe(false);
    expect(states.at(-1)).toBe('up sse');

    // The next trial works: the page moves up, the lower rung is closed, the replay's repeats are skipped.
    liveFor(sse, 4 * HEARTBEAT_MS);
    const trial = fake.rungs.websocket.last;
    expect(fake.rungs.websocket.opened).toHaveLength(3);
    hub.custom('b');
    hub.accept(trial, 'websocket');
    expect(states.at(-1)).toBe('up websocket');
    expect(sse.done).toBe(true);
    expect(applied.map((m) => m.id)).toEqual(['runA.1', 'runA.2']);
  });
});
