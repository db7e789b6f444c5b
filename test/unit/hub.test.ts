import { afterEach, describe, expect, it } from 'vitest';
import { Hub, type ChannelClient } from '../../src/channel/hub.js';
import { Ring } from '../../src/channel/ring.js';
import { Encoded } from '../../src/channel/encoded.js';
import type { ReplayableMessage, ServerMessage } from '../../src/protocol.js';

class RecordingClient implements ChannelClient {
  readonly transport = 'websocket' as const;
  readonly peer = '127.0.0.1';
  received: ServerMessage[] = [];
  closed: string | null = null;
  constructor(private readonly capacity = Infinity) {}
  send(encoded: Encoded) {
    if (this.received.length >= this.capacity) return 'overflow' as const;
    this.received.push(JSON.parse(encoded.json) as ServerMessage);
    return encoded.json.length;
  }
  close(reason: string) {
    this.closed = reason;
  }
  kinds() {
    return this.received.map((m) => m.kind);
  }
}

const hubs: Hub[] = [];
function makeHub(maxMessages = 10): Hub {
  const hub = new Hub({ ring: { maxMessages, maxAgeMs: 60_000, keepMs: 0 }, heartbeatMs: 60_000 });
  hubs.push(hub);
  return hub;
}
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
});

describe('Hub', () => {
  it('sends hello first and ids bootId.seq counting up', () => {
    const hub = makeHub();
    const client = new RecordingClient();
    hub.attach(client, null);
    hub.publish({ kind: 'reload', reason: 'x', paths: [] });
    hub.publish({ kind: 'css', paths: ['/a.css'], version: 1 });
    expect(client.kinds()).toEqual(['hello', 'reload', 'css']);
    expect(client.received.map((m) => m.id)).toEqual([`${hub.bootId}.0`, `${hub.bootId}.1`, `${hub.bootId}.2`]);
  });

  it('replays exactly the missed messages, in order, after a cursor', () => {
    const hub = makeHub();
    for (let i = 0; i < 5; i++) hub.publish({ kind: 'custom', event: 'n', data: i });
    const client = new RecordingClient();
    hub.attach(client, { bootId: hub.bootId, seq: 2 });
    expect(client.received.slice(1).map((m) => (m.kind === 'custom' ? m.data : null))).toEqual([2, 3, 4]);
    expect(hub.stats().transports.websocket.resumes).toBe(1);
  });

  it('resyncs a cursor from another server run', () => {
    const hub = makeHub();
    const client = new RecordingClient();
    hub.attach(client, { bootId: 'someotherboot', seq: 3 });
    expect(client.kinds()).toEqual(['hello', 'resync']);
  });

  it('resyncs when the gap has left the ring, and when the cursor is ahead of the server', () => {
    const hub = makeHub(3);
    for (let i = 0; i < 6; i++) hub.publish({ kind: 'custom', event: 'n', data: i });
    const old = new RecordingClient();
    hub.attach(old, { bootId: hub.bootId, seq: 1 });
    expect(old.kinds()).toEqual(['hello', 'resync']);
    const ahead = new RecordingClient();
    hub.attach(ahead, { bootId: hub.bootId, seq: 99 });
    expect(ahead.kinds()).toEqual(['hello', 'resync']);
    const recent = new RecordingClient();
    hub.attach(recent, { bootId: hub.bootId, seq: 3 });
    expect(recent.kinds()).toEqual(['hello', 'custom', 'custom', 'custom']);
  });

  it('drops a client whose buffer overflows and keeps serving the others', () => {
    const hub = makeHub();
    const slow = new RecordingClient(2);
    const fast = new RecordingClient();
    hub.attach(slow, null);
    hub.attach(fast, null);
    for (let i = 0; i < 3; i++) hub.publish({ kind: 'custom', event: 'n', data: i });
    expect(slow.closed).toBe('send buffer full');
    expect(fast.received).toHaveLength(4);
    expect(hub.stats().transports.websocket).toMatchObject({ drops: 1, connected: 1 });
  });

  it('gives late joiners a sticky error until it is cleared', () => {
    const hub = makeHub();
    hub.publishSticky('build', { kind: 'error', source: '/main.ts', errors: [] });
    const late = new RecordingClient();
    hub.attach(late, { bootId: hub.bootId, seq: 1 });
    expect(late.kinds()).toEqual(['hello', 'error']);
    hub.clearSticky('build');
    const later = new RecordingClient();
    hub.attach(later, { bootId: hub.bootId, seq: 1 });
    expect(later.kinds()).toEqual(['hello']);
  });
});

describe('Ring', () => {
  it('forgets messages older than its age limit', () => {
    let now = 0;
    const ring = new Ring({ maxMessages: 100, maxAgeMs: 1000 }, () => now);
    const fake = { json: '{}' } as unknown as Encoded<ReplayableMessage>;
    ring.push(1, fake);
    now = 500;
    ring.push(2, fake);
    now = 1200;
    expect(ring.after(0, 2)).toBeNull();
    expect(ring.after(1, 2)).toHaveLength(1);
  });

  it('keeps the last few seconds of a fast stream whatever their count, then trims to the count', () => {
    let now = 0;
    const ring = new Ring({ maxMessages: 256, maxAgeMs: 300_000, keepMs: 10_000 }, () => now);
    const message = new Encoded<ReplayableMessage>({ kind: 'custom', id: 'b.1', event: 'n', data: 1 });
    for (let seq = 1; seq <= 1000; seq++) {
      now = seq;
      ring.push(seq, message);
    }
    expect(ring.after(10, 1000)).toHaveLength(990);
    now = 20_000;
    ring.push(1001, message);
    expect(ring.size).toBe(256);
    expect(ring.after(10, 1001)).toBeNull();
  });

  it('never holds more than its size in bytes, however young the messages', () => {
    const ring = new Ring({ maxMessages: 10_000, maxAgeMs: 300_000, maxBytes: 10_000 }, () => 0);
    const big = new Encoded<ReplayableMessage>({ kind: 'custom', id: 'b.1', event: 'n', data: 'x'.repeat(1000) });
    for (let seq = 1; seq <= 100; seq++) ring.push(seq, big);
    expect(ring.sizeInBytes).toBeLessThanOrEqual(10_000);
    expect(ring.size).toBeGreaterThan(5);
    expect(ring.after(1, 100)).toBeNull();
    expect(ring.after(99, 100)).toHaveLength(1);
  });
});
