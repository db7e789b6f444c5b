// One contract, run against every rung of the ladder on a real server on 127.0.0.1.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DevServer } from '../../src/index.js';
import type { ServerMessage, TransportName } from '../../src/protocol.js';
import { startChannelServer } from '../helpers/channel.js';
import { removeTempProjects } from '../helpers/fixture.js';
import { openProbe, rungUrl, type RungProbe } from '../helpers/rung-probe.js';

const RUNGS: TransportName[] = ['websocket', 'sse', 'stream', 'poll'];
const WAIT = { timeout: 15_000, interval: 20 };

let server: DevServer;
let token: string;
const probes: RungProbe[] = [];

beforeAll(async () => {
  ({ server, token } = await startChannelServer(1000));
});
afterEach(() => {
  for (const probe of probes.splice(0)) probe.close();
});
afterAll(async () => {
  await server.close();
  removeTempProjects();
});

function open(rung: TransportName, cursor: string | null = null, headers?: Record<string, string>): RungProbe {
  const probe = openProbe(server.url, rung, token, { cursor, headers });
  probes.push(probe);
  return probe;
}

function seqOf(message: ServerMessage): number {
  return Number(message.id.slice(message.id.lastIndexOf('.') + 1));
}

function dataOf(messages: ServerMessage[]): unknown[] {
  return messages.map((m) => (m.kind === 'custom' ? m.data : m.kind));
}

async function connected(probe: RungProbe): Promise<ServerMessage & { kind: 'hello' }> {
  await vi.waitFor(() => expect(probe.messages[0]?.kind).toBe('hello'), WAIT);
  return probe.messages[0] as ServerMessage & { kind: 'hello' };
}

describe.each(RUNGS)('the %s rung', (rung) => {
  it('sends hello first, naming the rung and the current position', async () => {
    server.send('before');
    const probe = open(rung);
    const hello = await connected(probe);
    expect(hello).toMatchObject({ transport: rung, heartbeatMs: 1000, id: `${hello.bootId}.${hello.seq}` });
    expect(server.stats().seq).toBe(hello.seq);
  });

  it('delivers every published message once, with strictly increasing ids', async () => {
    const probe = open(rung);
    const hello = await connected(probe);
    for (let i = 0; i < 5; i++) server.send('n', i);
    await vi.waitFor(() => expect(dataOf(probe.changes())).toEqual([0, 1, 2, 3, 4]), WAIT);
    const seqs = probe.changes().map(seqOf);
    expect(seqs).toEqual([1, 2, 3, 4, 5].map((n) => hello.seq + n));
  });

  it('sends heartbeats', async () => {
    const probe = open(rung);
    await connected(probe);
    await vi.waitFor(
      () => expect(probe.messages.filter((m) => m.kind === 'ping').length).toBeGreaterThanOrEqual(2),
      WAIT,
    );
  });

  it('replays exactly what a cursor missed, in order, once', async () => {
    const first = open(rung);
    const hello = await connected(first);
    for (let i = 0; i < 3; i++) server.send('r', i);
    const probe = open(rung, `${hello.bootId}.${hello.seq + 1}`);
    await vi.waitFor(() => expect(dataOf(probe.changes())).toEqual([1, 2]), WAIT);
    server.send('r', 3);
    await vi.waitFor(() => expect(dataOf(probe.changes())).toEqual([1, 2, 3]), WAIT);
    expect(probe.messages[0]!.kind).toBe('hello');
  });

  it('resumes across a cut: what was sent meanwhile arrives once, in order', async () => {
    const before = open(rung);
    await connected(before);
    server.send('cut', 'a');
    await vi.waitFor(() => expect(dataOf(before.changes())).toEqual(['a']), WAIT);
    before.close();
    for (const value of ['b', 'c', 'd']) server.send('cut', value);
    const after = open(rung, before.changes().at(-1)!.id);
    await vi.waitFor(() => expect(dataOf(after.changes())).toEqual(['b', 'c', 'd']), WAIT);
    server.send('cut', 'e');
    await vi.waitFor(() => expect(dataOf(after.changes())).toEqual(['b', 'c', 'd', 'e']), WAIT);
  });

  it('tells a client from another server run to resync', async () => {
    const probe = open(rung, 'someotherrun.7');
    await vi.waitFor(() => expect(probe.messages.map((m) => m.kind).slice(0, 2)).toEqual(['hello', 'resync']), WAIT);
  });

  it('refuses a garbage cursor clearly, and the other clients carry on', async () => {
    const bystander = open(rung);
    await connected(bystander);
    for (const garbage of ['garbage', 'x.y.-1', `${'a'.repeat(80)}.1`, 'abc.1e3']) {
      const bad = open(rung, garbage);
      await vi.waitFor(() => expect(bad.refusal).toBe(rung === 'websocket' ? 4400 : 400), WAIT);
      expect(bad.changes()).toEqual([]);
    }
    server.send('still', 'here');
    await vi.waitFor(() => expect(dataOf(bystander.changes())).toEqual(['here']), WAIT);
  });
});

describe('the sse rung', () => {
  it('sends the headers that keep a stream flowing, and a padded prelude with retry', async () => {
    const response = await fetch(rungUrl(server.url, 'sse', token));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('content-encoding')).toBeNull();
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('data: ')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/^: {2048}\n\nretry: \d+\n\n/);
    await reader.cancel();
  });

  it('honours Last-Event-ID over the query cursor, and refuses a garbage one', async () => {
    const first = open('sse');
    const hello = await connected(first);
    server.send('lei', 1);
    server.send('lei', 2);
    const resumed = open('sse', 'someotherrun.1', { 'Last-Event-ID': `${hello.bootId}.${hello.seq + 1}` });
    await vi.waitFor(() => expect(dataOf(resumed.changes())).toEqual([2]), WAIT);
    const bad = open('sse', null, { 'Last-Event-ID': 'not an id' });
    await vi.waitFor(() => expect(bad.refusal).toBe(400), WAIT);
  });
});

describe('the stream rung', () => {
  it('ends a response at its byte cap and the reopened stream carries on exactly once', async () => {
    const probe = open('stream');
    await connected(probe);
    const payload = 'x'.repeat(1000);
    for (let i = 0; i < 200; i++) {
      server.send('big', `${i}:${payload}`);
      // Bursts: the server ends a response after the burst that crosses the cap, never inside one.
      if (i % 30 === 29) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await vi.waitFor(() => expect(probe.changes()).toHaveLength(200), WAIT);
    expect(probe.changes().map((m) => (m.kind === 'custom' ? String(m.data).split(':')[0] : ''))).toEqual(
      Array.from({ length: 200 }, (_, i) => String(i)),
    );
    expect(probe.requests).toBeGreaterThanOrEqual(2);
  });
});

describe('the websocket rung', () => {
  it('closes a socket that sends a frame (push-only), and the others carry on', async () => {
    const talker = open('websocket') as RungProbe & { socket: import('ws').WebSocket };
    const bystander = open('sse');
    await connected(talker);
    await connected(bystander);
    talker.socket.send('{"kind":"reload"}');
    await vi.waitFor(() => expect(talker.refusal).toBe(1008), WAIT);
    server.send('after', 'talk');
    await vi.waitFor(() => expect(dataOf(bystander.changes())).toEqual(['talk']), WAIT);
  });
});

describe('the poll rung', () => {
  // Its own server with a long heartbeat, so no ping answers a held poll during these tests.
  let quiet: DevServer;
  let quietToken: string;
  beforeAll(async () => {
    ({ server: quiet, token: quietToken } = await startChannelServer(60_000));
  });
  afterAll(() => quiet.close());

  const poll = async (query: Record<string, string>) => {
    const response = await fetch(rungUrl(quiet.url, 'poll', quietToken, query));
    return { status: response.status, kinds: parseBody(await response.text()) };
  };
  function parseBody(text: string): string[] {
    return [...text.matchAll(/^data: (.*)$/gm)].map((match) => {
      const message = JSON.parse(match[1]!) as ServerMessage;
      return message.kind === 'custom' ? `custom:${String(message.data)}` : message.kind;
    });
  }

  it('answers the first request of a connection at once, with hello', async () => {
    expect(await poll({})).toEqual({
      status: 200,
      kinds: ['hello'],
    });
  });

  it('holds a continuation until a message comes, then answers with it', async () => {
    const { bootId, seq } = quiet.stats();
    const answered = poll({ since: `${bootId}.${seq}`, c: '1' });
    await vi.waitFor(() => expect(quiet.stats().transports.poll.connected).toBe(1), WAIT);
    quiet.send('held', 'now');
    expect(await answered).toEqual({ status: 200, kinds: ['hello', 'custom:now'] });
    expect(quiet.stats().transports.poll.connected).toBe(0);
  });

  it('answers a continuation at once when messages wait for its cursor', async () => {
    const { bootId, seq } = quiet.stats();
    quiet.send('waiting', 1);
    quiet.send('waiting', 2);
    expect(await poll({ since: `${bootId}.${seq}`, c: '1' })).toEqual({
      status: 200,
      kinds: ['hello', 'custom:1', 'custom:2'],
    });
  });

  it('counts a continuation as the same connection', async () => {
    const before = quiet.stats().transports.poll.total;
    const { bootId, seq } = quiet.stats();
    quiet.send('count', 1);
    await poll({ since: `${bootId}.${seq}`, c: '1' });
    expect(quiet.stats().transports.poll.total).toBe(before);
  });
});

describe('the boot route', () => {
  it('tells an authorized client which run this is, and refuses a wrong token', async () => {
    const ok = await fetch(new URL(`/__devpush/boot?t=${token}`, server.url));
    expect(await ok.json()).toEqual({
      bootId: server.stats().bootId,
      id: `${server.stats().bootId}.${server.stats().seq}`,
    });
    const refused = await fetch(new URL('/__devpush/boot?t=wrong', server.url));
    expect(refused.status).toBe(401);
  });
});
