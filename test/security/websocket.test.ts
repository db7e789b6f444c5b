import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { fetchToken, WsProbe } from '../helpers/channel.js';
import { RawWebSocket, wsFrame } from '../helpers/raw.js';
import { expectStillServes, hostileProject, startHostile } from './project.js';

// The channel only pushes. Whatever a client sends (text, binary, oversized, malformed frames) closes
// that one socket with the fitting code; it is never read as a command and never disturbs others.

let project: ReturnType<typeof hostileProject>;
let server: DevServer;
let token: string;
let bystander: WsProbe;

beforeAll(async () => {
  project = hostileProject();
  server = await startHostile(project.root);
  token = await fetchToken(`http://127.0.0.1:${server.port}/`);
  bystander = new WsProbe(WsProbe.url(`http://127.0.0.1:${server.port}/`, token));
  await bystander.opened;
});

afterAll(async () => {
  bystander?.close();
  await server?.close();
  project?.remove();
});

async function openChannel(query = ''): Promise<RawWebSocket> {
  const socket = await RawWebSocket.open(server.port, `/__devpush/websocket?t=${encodeURIComponent(token)}${query}`);
  expect(socket.handshake?.status).toBe(101);
  return socket;
}

const text = (s: string) => Buffer.from(s);

describe('frames a client may not send', () => {
  test.each([
    ['a text frame that looks like a command', 1008, () => wsFrame(text('{"kind":"reload","paths":["/"]}'))],
    ['a binary frame', 1008, () => wsFrame(Buffer.from([1, 2, 3]), { opcode: 0x2 })],
    ['a frame announcing 1 MiB (over maxPayload)', 1009, () => wsFrame(Buffer.alloc(16), { announcedLength: 1 << 20 })],
    ['a frame announcing 2^62 bytes', 1009, () => wsFrame(Buffer.alloc(16), { announcedLength: 2 ** 62 })],
    ['a 64 KiB text frame sent whole', 1009, () => wsFrame(Buffer.alloc(64 * 1024, 0x61))],
    ['an unmasked client frame', 1002, () => wsFrame(text('hi'), { mask: false })],
    ['a compressed frame (RSV1) with no compression agreed', 1002, () => wsFrame(text('hi'), { rsv: 4 })],
    ['the RSV2 and RSV3 bits set', 1002, () => wsFrame(text('hi'), { rsv: 3 })],
    ['a reserved opcode', 1002, () => wsFrame(text('hi'), { opcode: 0x3 })],
    ['a reserved control opcode', 1002, () => wsFrame(text('hi'), { opcode: 0xb })],
    ['a fragmented ping', 1002, () => wsFrame(text('hi'), { opcode: 0x9, fin: false })],
    ['a ping longer than 125 bytes', 1002, () => wsFrame(Buffer.alloc(200), { opcode: 0x9 })],
    ['a continuation with nothing to continue', 1002, () => wsFrame(text('hi'), { opcode: 0x0 })],
    ['a text frame of invalid UTF-8', 1007, () => wsFrame(Buffer.from([0xc0, 0xae, 0xff]))],
    ['a close frame with a reserved code', 1002, () => wsFrame(Buffer.from([0x03, 0xe7]), { opcode: 0x8 })],
    ['a close frame with a one-byte body', 1002, () => wsFrame(Buffer.from([0x03]), { opcode: 0x8 })],
  ])('%s → close %i, that socket only', async (_why, code, frame) => {
    const socket = await openChannel();
    socket.send(frame());
    expect(await socket.closeCode()).toBe(code);
    await expectStillServes(server.port);
    expect(bystander.closeCode).toBeNull();
  });

  test('a text frame split into fragments is still a message: push-only close 1008', async () => {
    const socket = await openChannel();
    socket.send(wsFrame(text('{"kind":'), { fin: false }));
    socket.send(wsFrame(text('"reload"}'), { opcode: 0x0 }));
    expect(await socket.closeCode()).toBe(1008);
    expect(bystander.kinds()).not.toContain('reload');
  });

  test.each([
    ['after sending data', '', true],
    ['after a garbage cursor', '&since=garbage', false],
  ])(
    'a client that never answers the close is cut off by the server (%s), not kept waiting',
    async (_why, query, send) => {
      const socket = await openChannel(query);
      if (send) socket.send(wsFrame(text('hi')));
      const outcome = await Promise.race([
        socket.ended().then(() => 'ended by the server'),
        new Promise((resolve) => setTimeout(() => resolve('still open after 10 s'), 10_000)),
      ]);
      expect(outcome).toBe('ended by the server');
      socket.destroy();
    },
  );

  test('garbage after the handshake (not a frame at all) → close 1002', async () => {
    const socket = await openChannel();
    socket.send(Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    expect(await socket.closeCode()).toBe(1002);
    await expectStillServes(server.port);
  });
});

describe('garbage cursors', () => {
  test.each([
    ['a word', 'garbage'],
    ['a negative seq', 'abc.-1'],
    ['a seq that is not a number', 'abc.x'],
    ['a fractional seq', 'abc.1.5'],
    ['a huge seq', `abc.${'9'.repeat(400)}`],
    ['markup', '<script>alert(1)</script>'],
    ['CR LF', 'abc.1%0d%0aSet-Cookie:%20x=1'],
    ['a 4 KiB cursor', 'a'.repeat(4096)],
  ])('%s → close 4400 right after the handshake', async (_why, cursor) => {
    const socket = await openChannel(`&since=${cursor}`);
    expect(await socket.closeCode()).toBe(4400);
    await expectStillServes(server.port);
  });

  test('a well-formed cursor from another run → hello then resync, not a crash', async () => {
    const probe = new WsProbe(WsProbe.url(`http://127.0.0.1:${server.port}/`, token, '&since=otherrun.5'));
    await expect.poll(() => probe.kinds()).toEqual(['hello', 'resync']);
    probe.close();
  });
});

test('the page that was connected all along got no injected message and still gets real ones', async () => {
  expect(bystander.closeCode).toBeNull();
  expect(bystander.kinds()).toEqual(['hello']);
  server.reload('after the hostile frames');
  await expect.poll(() => bystander.kinds()).toEqual(['hello', 'reload']);
});

describe('a peer that vanished without closing (half-open)', () => {
  let quick: DevServer;
  let quickToken: string;

  beforeAll(async () => {
    quick = await createServer({
      root: project.root,
      logLevel: 'silent',
      server: { port: 0 },
      channel: { heartbeatMs: 1000 },
    });
    quickToken = await fetchToken(`http://127.0.0.1:${quick.port}/`);
  });

  afterAll(async () => {
    await quick?.close();
  });

  test('a socket that answers no ping is ended by the server; one that answers stays', async () => {
    const silent = await RawWebSocket.open(quick.port, `/__devpush/websocket?t=${encodeURIComponent(quickToken)}`);
    expect(silent.handshake?.status).toBe(101);
    const healthy = new WsProbe(WsProbe.url(`http://127.0.0.1:${quick.port}/`, quickToken));
    await healthy.opened;
    const outcome = await Promise.race([
      silent.ended().then(() => 'ended by the server'),
      new Promise((resolve) => setTimeout(() => resolve('still open after 15 s'), 15_000)),
    ]);
    expect(outcome).toBe('ended by the server');
    expect(silent.pings()).toBeGreaterThan(0);
    // The client that answers pings (as every browser does) outlived several heartbeats.
    expect(healthy.messages.filter((message) => message.kind === 'ping').length).toBeGreaterThanOrEqual(1);
    expect(healthy.closeCode).toBeNull();
    await expect.poll(() => quick.stats().transports.websocket.connected).toBe(1);
    healthy.close();
    silent.destroy();
  });
});
