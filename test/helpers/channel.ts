import WebSocket from 'ws';
import { createServer, type DevServer } from '../../src/index.js';
import type { ServerMessage } from '../../src/protocol.js';
import { tempProject } from './fixture.js';

/** The per-run token, read from the served client as a page would get it. */
export async function fetchToken(base: string): Promise<string> {
  const source = await (await fetch(new URL('/__devpush/client.js', base))).text();
  const match = /"token":"([^"]+)"/.exec(source);
  if (!match) throw new Error('no token in the served client');
  return match[1]!;
}

/** A real `ws` client that records every message it receives. */
export class WsProbe {
  readonly messages: ServerMessage[] = [];
  readonly socket: WebSocket;
  closeCode: number | null = null;
  readonly opened: Promise<void>;

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.socket = new WebSocket(url, options);
    this.socket.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as ServerMessage));
    this.socket.on('close', (code) => (this.closeCode = code));
    this.socket.on('error', () => {});
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
      this.socket.once('error', reject);
    });
  }

  static url(base: string, token: string, extra = ''): string {
    const url = new URL('/__devpush/websocket', base);
    url.protocol = 'ws:';
    return `${url.href}?t=${encodeURIComponent(token)}${extra}`;
  }

  kinds(): string[] {
    return this.messages.map((m) => m.kind).filter((k) => k !== 'ping');
  }

  close(): void {
    this.socket.terminate();
  }
}

/** A server on a throw-away one-page project, for channel tests, and its token. */
export async function startChannelServer(heartbeatMs: number): Promise<{ server: DevServer; token: string }> {
  const server = await createServer({
    root: tempProject({ 'index.html': '<p>hi</p>' }),
    configFile: false,
    server: { port: 0 },
    channel: { heartbeatMs },
    logLevel: 'silent',
  });
  return { server, token: await fetchToken(server.url) };
}
