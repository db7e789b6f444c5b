import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseId, type TransportName } from '../protocol.js';
import type { Cursor, Hub } from './hub.js';

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
  /** A plain HTTP request to `/__devpush/<name>`. */
  request?(req: IncomingMessage, res: ServerResponse, url: URL): void;
  /** An Upgrade request to `/__devpush/<name>`. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  close(): void;
}

export type TransportFactory = (hub: Hub, limits: ChannelLimits) => Transport;

/** Cursor text as clients send it: absent → null; malformed → 'invalid' (answered with a 4xx). */
export function readCursor(text: string | null | undefined): Cursor | null | 'invalid' {
  if (text === null || text === undefined || text === '') return null;
  return parseId(text) ?? 'invalid';
}

export function remoteAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
