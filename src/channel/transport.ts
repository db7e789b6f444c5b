import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { CONTINUE_PARAM, PAGE_PARAM, RECONNECT_PARAM, parseId, type TransportName } from '../protocol.js';
import type { ClientIdentity, ConnectKind, Cursor, Hub } from './hub.js';

export interface ChannelLimits {
  /** A client whose unsent bytes exceed this is dropped (it resumes from its cursor). */
  maxBufferedBytes: number;
  /** Largest frame or body a client may send (bytes). */
  maxPayload: number;
}

/**
 * One rung of the ladder on the server side. The channel has already checked Host, Origin and token
 * before a transport sees a request; a transport only turns the connection into a ChannelClient and
 * hands it to the hub.
 */
export interface Transport {
  readonly name: TransportName;
  /** Load what the rung needs before its first connection arrives (called when a page is served). */
  prepare?(): void;
  /** A plain HTTP request to `/__devpush/<name>`. */
  request?(req: IncomingMessage, res: ServerResponse, url: URL): void;
  /** An Upgrade request to `/__devpush/<name>`. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  close(): void;
}

export interface TransportContext extends ChannelLimits {
  /** Interval between the hub's pings (ms); transports derive their hold and reaping times from it. */
  heartbeatMs: number;
}

export type TransportFactory = (hub: Hub, context: TransportContext) => Transport;

/** Cursor text as clients send it: absent → null; malformed → 'invalid' (answered with a 4xx). */
export function readCursor(text: string | null | undefined): Cursor | null | 'invalid' {
  if (text === null || text === undefined || text === '') return null;
  return parseId(text) ?? 'invalid';
}

export function remoteAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** Page id, browser and HTTP version of the request opening a connection (shown on the status page only). */
export function identify(req: IncomingMessage, url: URL): ClientIdentity {
  const page = url.searchParams.get(PAGE_PARAM);
  return {
    page: page && /^[A-Za-z0-9_-]{1,32}$/.test(page) ? page : null,
    userAgent: (req.headers['user-agent'] ?? '').slice(0, 300),
    protocol: req.httpVersionMajor === 2 ? 'h2' : 'h1',
  };
}

/** What the client's query says about this request (see CONTINUE_PARAM and RECONNECT_PARAM). */
export function connectKind(url: URL): ConnectKind {
  if (url.searchParams.has(CONTINUE_PARAM)) return 'continue';
  return url.searchParams.has(RECONNECT_PARAM) ? 'reconnect' : 'new';
}

/**
 * Reaps peers that are gone without a FIN (a sleeping laptop, a proxy that lost the other side): bytes
 * they never read stay queued. A client whose queue has not emptied for `limitMs` is treated like one
 * whose buffer overflowed. Call it on every send with the bytes still queued.
 */
export function stallDetector(limitMs: number, now: () => number = Date.now): (queuedBytes: number) => boolean {
  let stalledSince: number | null = null;
  return (queuedBytes) => {
    if (queuedBytes === 0) {
      stalledSince = null;
      return false;
    }
    stalledSince ??= now();
    return now() - stalledSince > limitMs;
  };
}

/** A plain-text 400 for a malformed cursor: the request is refused, nothing else is disturbed. */
export function refuseCursor(res: ServerResponse, where: string): void {
  const body = `Malformed ${where}: expected the id of the last message received (bootId.seq). Reload the page.\n`;
  res.writeHead(400, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
