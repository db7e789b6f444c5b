import type { IncomingMessage, ServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Refusal } from './guard.js';
import { rawResponse } from '../http/raw-response.js';

/** Request line plus headers; a browser's requests stay far below (Node's own default is 16 KiB). */
export const MAX_HEADER_BYTES = 16 * 1024;
/** devpush reads no request body; a larger announced body is refused without reading it. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Node's limits for every connection: slow senders (a byte of header every few seconds) and sockets that
 * never send a request are answered 408 and closed within ~12 s, idle keep-alive sockets after 5 s, and
 * TCP keep-alive lets the OS notice peers that vanished while a long-lived channel socket was open.
 */
export const HTTP_SERVER_OPTIONS: ServerOptions = {
  maxHeaderSize: MAX_HEADER_BYTES,
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 2_000,
  keepAliveTimeout: 5_000,
  keepAlive: true,
  keepAliveInitialDelay: 30_000,
};

/**
 * With requests forwarded to a backend (proxy mode, `server.proxy` rules), no limit on receiving a whole
 * request: an upload through devpush may take as long as the browser gives it (browsers set none), not
 * 30 s. Headers keep their 10 s; devpush's own routes read no body but a report's (16 KiB, capped per peer).
 */
export const FORWARDING_SERVER_OPTIONS: ServerOptions = { ...HTTP_SERVER_OPTIONS, requestTimeout: 0 };

/** A request that announces a body devpush will not read: too large (413), or of unknown length on GET/HEAD. */
export function bodyRefusal(req: IncomingMessage): Refusal | null {
  const length = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (
    (length !== undefined && Number(length) > MAX_BODY_BYTES) ||
    (chunked && (req.method === 'GET' || req.method === 'HEAD'))
  ) {
    return { status: 413, reason: 'Refused: devpush accepts no request bodies.' };
  }
  return null;
}

/** Whether a request carries a body, which devpush never drains: its connection is closed after the answer. */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * What node:http could not parse (bad request line, oversized headers, a timeout) gets the fitting status
 * and the connection is closed; the error concerns this socket only and is never rethrown.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  socket.on('error', () => socket.destroy());
  socket.end(rawResponse(status, null));
}
