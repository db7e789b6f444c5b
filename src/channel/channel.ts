import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type BootAnswer, ROUTE_PREFIX, routePath, type TransportName } from '../protocol.js';
import { refuseSocket } from '../http/raw-response.js';
import { Hub, type HubOptions } from './hub.js';
import type { ChannelLimits, Transport } from './transport.js';
import { TRANSPORT_FACTORIES } from './transports.js';

/** Why a channel request is refused; null when it may proceed. Supplied by the server (Host, Origin, token). */
export type Authorize = (req: IncomingMessage, url: URL) => { status: number; reason: string } | null;

export interface ChannelOptions extends HubOptions, ChannelLimits {
  /** Rungs offered, in the order clients should try them. */
  transports: readonly TransportName[];
  authorize: Authorize;
}

/**
 * The push channel as the HTTP server sees it: the hub plus the enabled transports, each reachable at
 * `/__devpush/<name>` once the request has passed `authorize`.
 */
export class Channel {
  readonly hub: Hub;
  private readonly transports = new Map<string, Transport>();
  private warming = false;

  constructor(private readonly options: ChannelOptions) {
    this.hub = new Hub(options);
    for (const name of options.transports) {
      const factory = TRANSPORT_FACTORIES[name];
      if (!factory) {
        const known = Object.keys(TRANSPORT_FACTORIES).join(', ');
        throw new Error(`Unknown channel transport "${name}" in channel.transports; known rungs: ${known}.`);
      }
      this.transports.set(name, factory(this.hub, options));
    }
  }

  get offered(): TransportName[] {
    return [...this.transports.keys()] as TransportName[];
  }

  /** The transport a path names (`/__devpush/websocket`), if the path is a channel endpoint. */
  endpoint(pathname: string): Transport | undefined {
    if (!pathname.startsWith(ROUTE_PREFIX)) return undefined;
    return this.transports.get(pathname.slice(ROUTE_PREFIX.length));
  }

  /**
   * A page is being served: its client will connect soon, so get the rungs ready, once the page's own
   * answer is out (loading `ws` takes tens of ms of this thread, and the first 200 must not wait for it).
   */
  warmUp(): void {
    if (this.warming) return;
    this.warming = true;
    setImmediate(() => {
      for (const transport of this.transports.values()) transport.prepare?.();
    });
  }

  /** Returns true when the request was a channel request (answered here, one way or another). */
  handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const isBoot = url.pathname === routePath('boot');
    const transport = this.endpoint(url.pathname);
    if (!transport && !isBoot) return false;
    const refusal = this.options.authorize(req, url);
    if (refusal) {
      res.writeHead(refusal.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(`${refusal.reason}\n`);
    } else if (!transport) {
      this.answerBoot(res);
    } else if (transport.request && req.method === 'GET') {
      transport.request(req, res, url);
    } else {
      res.writeHead(transport.request ? 405 : 426, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(transport.request ? 'Use GET.\n' : 'This endpoint needs a WebSocket upgrade.\n');
    }
    return true;
  }

  /** Upgrade requests: refused before the 101 unless authorized and aimed at an upgrade rung. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    socket.on('error', () => socket.destroy());
    const transport = this.endpoint(url.pathname);
    const refusal = transport?.upgrade
      ? this.options.authorize(req, url)
      : { status: 404, reason: 'No WebSocket endpoint here.' };
    if (refusal) {
      refuseSocket(socket, refusal.status, refusal.reason);
      return;
    }
    transport!.upgrade!(req, socket, head, url);
  }

  /** Which server run this is: a client whose rungs all fail asks, to tell a restart from an outage. */
  private answerBoot(res: ServerResponse): void {
    const answer: BootAnswer = { bootId: this.hub.bootId, id: this.hub.currentId };
    const body = JSON.stringify(answer);
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
    });
    res.end(body);
  }

  close(): void {
    this.hub.close();
    for (const transport of this.transports.values()) transport.close();
  }
}
