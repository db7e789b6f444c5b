// Tabs of one origin sharing one connection on an HTTP rung, under Node: a fake tab bus (one lock, a
// relay), fake rungs answered by a small hub, vitest's fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChannelConnection } from '../../../client/connection.js';
import type { ServerMessage } from '../../../src/protocol.js';
import {
  clientConfig,
  FakeHub,
  type FakeTab,
  FakeTabBus,
  FakeWorld,
  HEARTBEAT_MS,
} from '../../helpers/client-world.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

interface Tab {
  fake: FakeWorld;
  share: FakeTab;
  connection: ChannelConnection;
  applied: () => unknown[];
  states: string[];
}

/** Opens a page on the sse rung alone, with the cursor its tag would carry. */
function openTab(bus: FakeTabBus, cursor: string): Tab {
  const fake = new FakeWorld({ bus });
  if (!fake.tab) throw new Error('a tab on a bus has a share');
  const applied: ServerMessage[] = [];
  const states: string[] = [];
  const connection = new ChannelConnection(fake.world, clientConfig(['sse']), cursor, {
    message: (message) => applied.push(message),
    state: (state, rung) => states.push(`${state} ${rung}`),
  });
  connection.start();
  return {
    fake,
    share: fake.tab,
    connection,
    states,
    applied: () => applied.map((m) => (m.kind === 'custom' ? m.data : m.kind)),
  };
}

/** Runs what is due now: relays and lock answers arrive on later ticks, as in a browser. */
const settle = () => vi.advanceTimersByTimeAsync(0);

/** The hub sends a new message to every open connection. */
function publish(hub: FakeHub, tabs: Tab[], data: unknown): void {
  const message = hub.custom(data);
  for (const tab of tabs) for (const connection of tab.fake.rungs.sse.live) connection.send(message);
}

async function leaderAndFollower(hub: FakeHub, bus: FakeTabBus): Promise<[Tab, Tab]> {
  const leader = openTab(bus, hub.hello('sse').id);
  hub.accept(leader.fake.rungs.sse.last, 'sse');
  await settle();
  const follower = openTab(bus, hub.hello('sse').id);
  hub.accept(follower.fake.rungs.sse.last, 'sse');
  await settle();
  return [leader, follower];
}

describe('tabs sharing one connection', () => {
  it('one tab leads; a caught-up follower closes its own connection and applies the relay', async () => {
    const hub = new FakeHub();
    const bus = new FakeTabBus();
    const [leader, follower] = await leaderAndFollower(hub, bus);
    expect([leader.connection.sharing, follower.connection.sharing]).toEqual(['leader', 'follower']);
    expect(follower.fake.rungs.sse.live).toHaveLength(0);
    publish(hub, [leader, follower], 'one');
    await settle();
    expect(leader.applied()).toEqual(['one']);
    expect(follower.applied()).toEqual(['one']);
    expect(follower.connection.cursor).toBe('runA.1');
  });

  it('a follower keeps what is relayed while it catches up, and applies each message once', async () => {
    const hub = new FakeHub();
    const bus = new FakeTabBus();
    const leader = openTab(bus, 'runA.0');
    hub.accept(leader.fake.rungs.sse.last, 'sse');
    await settle();
    const late = openTab(bus, 'runA.0'); // served before 'one' and 'two' were sent
    const [one, two] = [hub.custom('one'), hub.custom('two')];
    leader.fake.rungs.sse.last.send(one);
    leader.fake.rungs.sse.last.send(two);
    const own = late.fake.rungs.sse.last;
    own.send(hub.hello('sse'));
    await settle();
    expect(late.connection.sharing).toBe('follower');
    publish(hub, [leader], 'three'); // relayed before the late tab has one and two
    await settle();
    expect(own.done).toBe(false);
    own.send(one);
    own.send(two);
    expect(own.done).toBe(true);
    expect(late.applied()).toEqual(['one', 'two', 'three']);
    publish(hub, [leader], 'four');
    await settle();
    expect(late.applied()).toEqual(['one', 'two', 'three', 'four']);
  });

  it('a follower that sees a gap in the relay catches up on its own connection, then follows again', async () => {
    const hub = new FakeHub();
    const bus = new FakeTabBus();
    const [leader, follower] = await leaderAndFollower(hub, bus);
    publish(hub, [leader], 'one');
    await settle();
    bus.lose = 1;
    publish(hub, [leader], 'two'); // never reaches the follower
    publish(hub, [leader], 'three');
    await settle();
    const own = follower.fake.rungs.sse.last;
    expect(own.done).toBe(false);
    expect(own.cursor).toBe('runA.1');
    hub.accept(own, 'sse');
    expect(own.done).toBe(true);
    expect(follower.applied()).toEqual(['one', 'two', 'three']);
    expect(follower.connection.sharing).toBe('follower');
    publish(hub, [leader], 'four');
    await settle();
    expect(follower.applied()).toEqual(['one', 'two', 'three', 'four']);
  });

  it('a follower takes the lead when the leading tab closes, resuming from its cursor', async () => {
    const hub = new FakeHub();
    const bus = new FakeTabBus();
    const [leader, follower] = await leaderAndFollower(hub, bus);
    publish(hub, [leader], 'one');
    await settle();
    bus.close(leader.share);
    for (const connection of leader.fake.rungs.sse.live) connection.end();
    hub.custom('two'); // sent while no tab was connected
    expect(follower.connection.sharing).toBe('leader');
    const own = follower.fake.rungs.sse.last;
    expect(own.cursor).toBe('runA.1');
    hub.accept(own, 'sse');
    expect(follower.applied()).toEqual(['one', 'two']);
    expect(follower.states.at(-1)).toBe('up sse');
  });

  it('a follower whose leader says it is up but goes silent gets its own connection, for good', async () => {
    const hub = new FakeHub();
    const bus = new FakeTabBus();
    const [leader, follower] = await leaderAndFollower(hub, bus);
    const heartbeats = async (count: number) => {
      for (let i = 0; i < count; i++) {
        leader.fake.rungs.sse.last.send({ kind: 'ping', id: hub.hello('sse').id });
        await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
      }
    };
    await heartbeats(10);
    expect(follower.connection.sharing).toBe('follower');
    leader.share.closed = true; // frozen: it relays nothing more, and never lets go of the lead
    await heartbeats(2);
    expect(follower.fake.rungs.sse.live).toHaveLength(0);
    await heartbeats(2);
    expect(follower.connection.sharing).toBe('independent');
    expect(follower.fake.rungs.sse.live).toHaveLength(1);
  });

  it('the leader tells its followers when it is down, and they show it too', async () => {
    const hub = new FakeHub();
    const bus = new FakeTabBus();
    const [leader, follower] = await leaderAndFollower(hub, bus);
    leader.fake.rungs.sse.last.end();
    await settle();
    expect(follower.states.at(-1)).toBe('down null');
    await vi.advanceTimersByTimeAsync(10 * HEARTBEAT_MS);
    expect(follower.connection.sharing).toBe('follower');
    expect(follower.fake.rungs.sse.live).toHaveLength(0);
  });
});
