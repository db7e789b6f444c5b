import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * A whole HTTP/1.1 answer as text, for sockets that have no ServerResponse (upgrades, refused
 * connections, unparsable requests). The connection is always closed after it.
 */
export function rawResponse(status: number, text: string | null): string {
  const body = text === null ? '' : `${text}\n`;
  const type = text === null ? '' : 'Content-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n';
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}\r\n${type}` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** Writes `rawResponse` and closes the socket; a socket error here concerns this socket only. */
export function refuseSocket(socket: Duplex, status: number, text: string | null): void {
  socket.on('error', () => socket.destroy());
  socket.end(rawResponse(status, text));
}
