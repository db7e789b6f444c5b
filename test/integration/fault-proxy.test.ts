// The fault proxy does what each fault says (the ladder tests rely on it), and devpush behind it keeps
// serving the clients the fault does not touch.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DevServer } from '../../src/index.js';
import { startChannelServer } from '../helpers/channel.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { removeTempProjects } from '../helpers/fixture.js';
import { openProbe, rungUrl, type RungProbe } from '../helpers/rung-probe.js';

const WAIT = { timeout: 15_000, interval: 20 };
let server: DevServer;
let token: string;
let proxy: FaultProxy;
const probes: RungProbe[] = [];

beforeAll(async () => {
  ({ server, token } = await startChannelServer(1000));
  proxy = await startFaultProxy(`http://127.0.0.1:${server.port}/`);
});
afterEach(() => {
  for (const probe of probes.splice(0)) probe.close();
  proxy.set({});
});
afterAll(async () => {
  await proxy.close();
  await server.close();
  removeTempProjects();
});

function open(via: 'proxy' | 'direct', rung: Parameters<typeof openProbe>[1]): RungProbe {
  const probe = openProbe(via === 'proxy' ? proxy.url : `http://127.0.0.1:${server.port}/`, rung, token);
  probes.push(probe);
  return probe;
}

const pings = (probe: RungProbe) => probe.messages.filter((m) => m.kind === 'ping').length;

describe('the fault proxy', () => {
  it('passes everything through when no fault is set', async () => {
    const ws = open('proxy', 'websocket');
    const sse = open('proxy', 'sse');
    await vi.waitFor(() => expect([ws.messages[0]?.kind, sse.messages[0]?.kind]).toEqual(['hello', 'hello']), WAIT);
    server.send('clean', 1);
    await vi.waitFor(() => expect([ws.changes().length, sse.changes().length]).toEqual([1, 1]), WAIT);
  });

  it('refuses upgrades', async () => {
    proxy.set({ upgrade: 'refuse' });
    const ws = open('proxy', 'websocket');
    await vi.waitFor(() => expect(ws.refusal).toBe(403), WAIT);
  });

  it('accepts an upgrade and holds every frame', async () => {
    proxy.set({ upgrade: 'hold' });
    const held = open('proxy', 'websocket') as RungProbe & { socket: import('ws').WebSocket };
    const direct = open('direct', 'websocket');
    await new Promise((resolve) => held.socket.once('open', resolve));
    await vi.waitFor(() => expect(pings(direct)).toBeGreaterThanOrEqual(2), WAIT);
    expect(held.messages).toEqual([]);
  });

  it('buffers a response until it ends: a stream shows nothing, a poll works', async () => {
    proxy.set({ buffer: true });
    const sse = open('proxy', 'sse');
    const poll = open('proxy', 'poll');
    const direct = open('direct', 'sse');
    await vi.waitFor(() => expect(pings(direct)).toBeGreaterThanOrEqual(2), WAIT);
    await vi.waitFor(() => expect(pings(poll)).toBeGreaterThanOrEqual(1), WAIT);
    expect(sse.messages).toEqual([]);
  });

  it('answers 502 while told to, and passes again after', async () => {
    proxy.set({ badGateway: true });
    expect((await fetch(rungUrl(proxy.url, 'poll', token))).status).toBe(502);
    const ws = open('proxy', 'websocket');
    await vi.waitFor(() => expect(ws.refusal).toBe(502), WAIT);
    proxy.set({});
    expect((await fetch(rungUrl(proxy.url, 'poll', token))).status).toBe(200);
  });

  it('cuts connections that stay idle, and spares busy ones', async () => {
    proxy.set({ idleCutMs: 1500 });
    const busy = open('proxy', 'websocket');
    // A connection that never sends a request: only the idle cut closes it this soon.
    const plain = await import('node:net').then((net) => net.connect(proxy.port, '127.0.0.1'));
    const plainClosed = new Promise((resolve) => plain.on('close', resolve).on('error', () => {}));
    await plainClosed;
    expect(busy.refusal).toBeNull();
  });
});
